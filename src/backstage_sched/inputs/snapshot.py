"""The JSON snapshot of a validated program, so a plan folder can be re-verified
without the original files.

:func:`program_to_dict` turns a :class:`~backstage_sched.domain.Program` into
JSON-safe data; :func:`program_from_dict` reverses it exactly.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from ..domain import (
    WEEKDAYS,
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    MetBefore,
    Participant,
    Policy,
    Program,
    SessionRules,
    TimeRule,
    Venue,
)
from ..errors import InputError, read_json
from ..said import said
from . import timeexpr

__all__ = ["program_from_dict", "program_to_dict"]

SNAPSHOT_FORMAT = 1


# --------------------------------------------------------------------------- to dict


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M") if not (t.second or t.microsecond) else t.isoformat()


def _rules_out(rules: tuple[TimeRule, ...]) -> list[Any]:
    out: list[Any] = []
    for r in rules:
        try:
            same = timeexpr.parse_rules([r.text]) == (r,)
        except InputError:
            same = False
        if same:
            out.append(r.text)
        else:  # built by hand: keep every field
            out.append(
                {
                    "text": r.text,
                    "first": r.first.isoformat() if r.first else None,
                    "last": r.last.isoformat() if r.last else None,
                    "weekday": r.weekday,
                    "start": r.start.isoformat() if r.start else None,
                    "end": r.end.isoformat() if r.end else None,
                }
            )
    return out


Settings = TypeVar("Settings", SessionRules, GroupRules, Policy)
"""The settings tables: ``[sessions]``, ``[groups]``, ``[policy]``."""


def _settings_out(settings: SessionRules | GroupRules | Policy) -> dict[str, Any]:
    """A settings table field by field: times ``HH:MM``, weekdays by name, the rest as is."""
    out: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name == "weekdays":
            value = [WEEKDAYS[i] for i in value]
        elif isinstance(value, time):
            value = _hhmm(value)
        out[f.name] = value
    return out


def _facilitator_out(f: Facilitator) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "email": f.email,
        "max_cohorts": f.max_cohorts,
        "max_sessions_per_day": f.max_sessions_per_day,
        "buffer_minutes": f.buffer_minutes,
        "unavailable": _rules_out(f.unavailable),
        "experience": f.experience,
    }


#: The participant's optional office fields, in ``input.json`` only when given.
OFFICE_FIELDS = ("phone", "title", "org_number", "invoice_reference")


def _participant_out(p: Participant) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "email": p.email,
        "organization": p.organization,
        "experience": p.experience,
        "unavailable": _rules_out(p.unavailable),
        "avoid": _rules_out(p.avoid),
        "not_with": list(p.not_with),
        "busy": [
            {"start": b.start.isoformat(), "end": b.end.isoformat(), "summary": b.summary}
            for b in p.busy
        ],
        "calendar": p.calendar,
        **({"registered": p.registered.isoformat()} if p.registered else {}),
        **{key: getattr(p, key) for key in (*OFFICE_FIELDS, "took_over_from") if getattr(p, key)},
    }


def program_to_dict(program: Program) -> dict[str, Any]:
    """A JSON-safe snapshot of ``program``; :func:`program_from_dict` reverses it exactly.

    Dates are ISO strings, times ``HH:MM``, weekdays names, time rules their
    text, busy intervals naive ISO datetimes.
    """
    return {
        "format": SNAPSHOT_FORMAT,
        "id": program.id,
        "name": program.name,
        "start": program.start.isoformat(),
        "end": program.end.isoformat(),
        "timezone": program.timezone,
        "country": program.country,
        "holiday_categories": list(program.holiday_categories),
        "mode": program.mode,
        "extra_closed": [d.isoformat() for d in program.extra_closed],
        "blackouts": [
            {"name": b.name, "start": b.start.isoformat(), "end": b.end.isoformat()}
            for b in program.blackouts
        ],
        "sessions": _settings_out(program.sessions),
        "groups": _settings_out(program.groups),
        "policy": _settings_out(program.policy),
        "facilitators": [_facilitator_out(f) for f in program.facilitators],
        "venues": [_venue_out(v) for v in program.venues],
        "participants": [_participant_out(p) for p in program.participants],
        "warnings": list(program.warnings),
        **_in_the_loop_out(program),
    }


def _venue_out(v: Venue) -> dict[str, Any]:
    out: dict[str, Any] = {"id": v.id, "name": v.name, "capacity": v.capacity}
    if v.address is not None:
        out["address"] = v.address
    if v.online_url is not None:
        out["online_url"] = v.online_url
    return out


def _in_the_loop_out(program: Program) -> dict[str, Any]:
    """The SPEC §6 keys that are set (absent ones keep older snapshots' shape)."""
    out: dict[str, Any] = {}
    for key in ("language", "organizer_name", "organizer_email", "location", "online_url"):
        if getattr(program, key) is not None:
            out[key] = getattr(program, key)
    if program.reminder_minutes:
        out["reminder_minutes"] = list(program.reminder_minutes)
    if program.previous_plans:
        out["previous_plans"] = list(program.previous_plans)
        out["met_before"] = [
            {"plan": m.plan, "cohort": m.cohort, "people": list(m.people)}
            for m in program.met_before
        ]
        out["waited_before"] = list(program.waited_before)
    return out


# --------------------------------------------------------------------------- from dict


def _rules_in(items: list[Any], source: str, where: str) -> tuple[TimeRule, ...]:
    out: list[TimeRule] = []
    for item in items:
        if isinstance(item, str):
            out.extend(timeexpr.parse_rules([item], source, where))
        else:
            out.append(
                TimeRule(
                    text=item["text"],
                    first=date.fromisoformat(item["first"]) if item["first"] else None,
                    last=date.fromisoformat(item["last"]) if item["last"] else None,
                    weekday=item["weekday"],
                    start=time.fromisoformat(item["start"]) if item["start"] else None,
                    end=time.fromisoformat(item["end"]) if item["end"] else None,
                )
            )
    return tuple(out)


def _blackout_in(b: dict[str, Any]) -> Blackout:
    return Blackout(
        name=b["name"],
        start=date.fromisoformat(b["start"]),
        end=date.fromisoformat(b["end"]),
    )


_ADDED_SETTINGS = ("join_until_session", "member_updates", "welcome_letter")
"""Settings that older snapshots lack: they read as their defaults."""


def _settings_in(kind: type[Settings], data: dict[str, Any]) -> Settings:
    """The settings table ``kind`` of :func:`_settings_out`'s ``data``; KeyError when a
    setting is missing (but those of :data:`_ADDED_SETTINGS`)."""
    default = kind()
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name not in data and f.name in _ADDED_SETTINGS:
            continue
        value = data[f.name]
        if f.name == "weekdays":
            value = tuple(WEEKDAYS.index(w) for w in value)
        elif isinstance(getattr(default, f.name), time):
            value = time.fromisoformat(value)
        values[f.name] = value
    return kind(**values)


def _facilitator_in(f: dict[str, Any], source: str) -> Facilitator:
    return Facilitator(
        id=f["id"],
        name=f["name"],
        email=f["email"],
        max_cohorts=f["max_cohorts"],
        max_sessions_per_day=f["max_sessions_per_day"],
        buffer_minutes=f["buffer_minutes"],
        unavailable=_rules_in(f["unavailable"], source, f"facilitator {f['id']}"),
        experience=f["experience"],
    )


def _busy_in(b: dict[str, Any]) -> Busy:
    return Busy(
        start=datetime.fromisoformat(b["start"]),
        end=datetime.fromisoformat(b["end"]),
        summary=b.get("summary", ""),
    )


def _participant_in(p: dict[str, Any], source: str) -> Participant:
    return Participant(
        id=p["id"],
        name=p["name"],
        email=p["email"],
        organization=p["organization"],
        experience=p["experience"],
        unavailable=_rules_in(p["unavailable"], source, f"participant {p['id']}"),
        avoid=_rules_in(p["avoid"], source, f"participant {p['id']}"),
        not_with=tuple(p["not_with"]),
        busy=tuple(_busy_in(b) for b in p["busy"]),
        calendar=p.get("calendar"),
        registered=datetime.fromisoformat(p["registered"]) if p.get("registered") else None,
        **{key: str(p.get(key, "")) for key in (*OFFICE_FIELDS, "took_over_from")},
    )


def _program_in(data: dict[str, Any], source: str) -> Program:
    """The program of ``data``; KeyError, TypeError... when a field is missing or wrong."""
    fmt = data.get("format", SNAPSHOT_FORMAT)
    if fmt != SNAPSHOT_FORMAT:
        raise InputError(source, "format", said("unknown snapshot format {value}",
                                                    value=repr(fmt)))
    return Program(
        id=data["id"],
        name=data["name"],
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        timezone=data["timezone"],
        country=data["country"],
        holiday_categories=tuple(data["holiday_categories"]),
        mode=data["mode"],
        extra_closed=tuple(date.fromisoformat(d) for d in data["extra_closed"]),
        blackouts=tuple(_blackout_in(b) for b in data["blackouts"]),
        sessions=_settings_in(SessionRules, data["sessions"]),
        groups=_settings_in(GroupRules, data["groups"]),
        policy=_settings_in(Policy, data["policy"]),
        facilitators=tuple(_facilitator_in(f, source) for f in data["facilitators"]),
        venues=tuple(
            Venue(v["id"], v["name"], v["capacity"], v.get("address"), v.get("online_url"))
            for v in data["venues"]
        ),
        participants=tuple(_participant_in(p, source) for p in data["participants"]),
        warnings=tuple(str(w) for w in data.get("warnings", ())),
        language=data.get("language"),
        organizer_name=data.get("organizer_name"),
        organizer_email=data.get("organizer_email"),
        location=data.get("location"),
        online_url=data.get("online_url"),
        reminder_minutes=tuple(int(m) for m in data.get("reminder_minutes", ())),
        previous_plans=tuple(str(p) for p in data.get("previous_plans", ())),
        met_before=tuple(
            MetBefore(str(m["plan"]), str(m["cohort"]), tuple(str(p) for p in m["people"]))
            for m in data.get("met_before", ())
        ),
        waited_before=tuple(str(p) for p in data.get("waited_before", ())),
    )


def read_snapshot(path: Path) -> Program:
    """The program of the snapshot file at ``path`` (a plan folder's ``input.json``)."""
    data = read_json(path, said("file not found (is this a plan folder?)"))
    return program_from_dict(data, source=str(path))


def program_from_dict(data: dict[str, Any], source: str = "input.json") -> Program:
    """The program of a :func:`program_to_dict` snapshot; :class:`InputError` if malformed."""
    try:
        return _program_in(data, source)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(source, None, said(
            "not a valid program snapshot: {problem}", problem=repr(exc))) from exc
