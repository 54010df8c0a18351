"""The settings tables of a program TOML into domain objects.

``[program]`` (with its blackouts, holidays and extra closed days),
``[sessions]``, ``[groups]``, ``[policy]``, ``[[facilitators]]`` and
``[[venues]]``. Every key is checked and all problems of a table are raised
together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ..domain import (
    LANGUAGES,
    WEEKDAYS,
    Blackout,
    Facilitator,
    GroupRules,
    Policy,
    SessionRules,
    Venue,
)
from ..errors import InputError, Problems
from ..said import said
from . import timeexpr
from .values import (
    _array,
    _check_keys,
    _date,
    _email,
    _entry_label,
    _id,
    _int,
    _Keys,
    _list,
    _number,
    _rules,
    _table,
    _text,
    _text_list,
    _time,
)

_PROGRAM_KEYS = (
    "id",
    "name",
    "timezone",
    "country",
    "holiday_categories",
    "start",
    "end",
    "mode",
    "extra_closed",
    "blackout",
    "language",
    "organizer_name",
    "organizer_email",
    "location",
    "online_url",
    "reminder_minutes",
    "previous_plans",
)
_BLACKOUT_KEYS = ("name", "start", "end")
_SESSION_KEYS = tuple(f.name for f in fields(SessionRules))
_GROUP_KEYS = tuple(f.name for f in fields(GroupRules))
_POLICY_KEYS = tuple(f.name for f in fields(Policy))
_FACILITATOR_KEYS = (
    "id",
    "name",
    "email",
    "max_cohorts",
    "max_sessions_per_day",
    "buffer_minutes",
    "unavailable",
    "experience",
)
_VENUE_KEYS = ("id", "name", "capacity", "address", "online_url")
MAX_REMINDER = 4 * 7 * 24 * 60
"""The earliest reminder: four weeks before a session, in minutes."""
_MODES = ("mixed", "company")


def _program_table(file: str, data: dict[str, Any]) -> dict[str, Any]:
    """The ``[program]`` table; every key is checked and every problem raised together."""
    label = "[program]"
    if "program" not in data:
        raise InputError(file, None, said("missing table [program] (id, name, start, end)"))
    table = _table(file, label, data["program"])
    problems = Problems()
    with problems.check():
        _check_keys(file, label, table, _PROGRAM_KEYS)
    for key in ("id", "name", "start", "end"):
        if key not in table:
            problems.add(InputError(file, label, said("missing key '{key}' in {label}",
                                                    key=key, label="[program]")))

    def w(key: str) -> str:
        return f"{label} {key}"

    out: dict[str, Any] = {}
    reads: dict[str, Callable[[], Any]] = {
        "id": lambda: _id(file, w("id"), "id", table["id"]),
        "name": lambda: _text(file, w("name"), "name", table["name"], required=True),
        "start": lambda: _date(file, w("start"), "start", table["start"]),
        "end": lambda: _date(file, w("end"), "end", table["end"]),
        "timezone": lambda: _timezone(file, w("timezone"), table),
        "mode": lambda: _mode(file, w("mode"), table),
        "extra_closed": lambda: _extra_closed(file, w("extra_closed"), table),
        "blackouts": lambda: _blackouts(file, w("blackout"), table),
    }
    for key, read in reads.items():
        if key in ("id", "name", "start", "end") and key not in table:
            continue
        with problems.check():
            out[key] = read()
    if "start" in out and "end" in out and out["end"] < out["start"]:
        problems.add(InputError(
            file,
            w("end"),
            said("window end {end} is before its start {start}", end=out["end"].isoformat(),
                 start=out["start"].isoformat()),
        ))
    with problems.check():
        out["country"], out["holiday_categories"] = _holiday_rules(file, w, table)
    with problems.check():
        out.update(_in_the_loop(file, w, table))
    problems.raise_any()
    return out


def _in_the_loop(file: str, w: Callable[[str], str], table: dict[str, Any]) -> dict[str, Any]:
    """Language, organizer, location, link and reminders of ``[program]`` (SPEC §6)."""
    out: dict[str, Any] = {}
    problems = Problems()
    if "language" in table:
        with problems.check():
            lang = _text(file, w("language"), "language", table["language"], required=True)
            if lang not in LANGUAGES:
                raise InputError(file, w("language"),
                                 said("language must be one of {languages}, got {value}",
                                      languages=", ".join(LANGUAGES), value=repr(lang)))
            out["language"] = lang
    named = [k for k in ("organizer_name", "organizer_email") if k in table]
    if len(named) == 1:
        other = "organizer_email" if named == ["organizer_name"] else "organizer_name"
        problems.add(InputError(file, w(named[0]), said("give {other} too, or neither",
                                                                 other=other)))
    elif named:
        with problems.check():
            out["organizer_name"] = _text(
                file, w("organizer_name"), "organizer_name", table["organizer_name"],
                required=True,
            )
        with problems.check():
            out["organizer_email"] = _email(
                file, w("organizer_email"), "organizer_email", table["organizer_email"]
            )
    if "location" in table:
        with problems.check():
            out["location"] = _text(file, w("location"), "location", table["location"]) or None
    if "online_url" in table:
        with problems.check():
            out["online_url"] = _url(file, w("online_url"), table["online_url"])
    if "reminder_minutes" in table:
        with problems.check():
            out["reminder_minutes"] = _reminders(file, w("reminder_minutes"),
                                                 table["reminder_minutes"])
    if "previous_plans" in table:
        with problems.check():
            out["previous_plans"] = _text_list(file, w("previous_plans"), "previous_plans",
                                               table["previous_plans"])
    problems.raise_any()
    return out


def _url(file: str, where: str, value: object) -> str:
    """An http(s) link without spaces, as a calendar's URL property needs it."""
    text = _text(file, where, "online_url", value, required=True)
    if not text.startswith(("https://", "http://")) or any(c.isspace() for c in text):
        raise InputError(file, where, said(
            "online_url must be a link starting https://, got {value}", value=repr(text)))
    return text


def _reminders(file: str, where: str, value: object) -> tuple[int, ...]:
    """Whole minutes before a session, each at most four weeks, none twice."""
    minutes = [_int(file, where, "each reminder", m, 0) for m in _list(file, where,
                                                                         "reminder_minutes", value)]
    if any(m > MAX_REMINDER for m in minutes):
        raise InputError(file, where, said("a reminder is at most {most} minutes (4 weeks) "
                                           "before a session", most=MAX_REMINDER))
    if len(set(minutes)) != len(minutes):
        raise InputError(file, where, said("a reminder is listed twice"))
    return tuple(sorted(minutes, reverse=True))


def _timezone(file: str, where: str, table: dict[str, Any]) -> str:
    tz = _text(file, where, "timezone", table.get("timezone", "Europe/Stockholm"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            file, where, said("unknown time zone '{zone}'; use a name like 'Europe/Stockholm'",
                              zone=tz)
        ) from None
    return tz


def _holiday_rules(
    file: str, w: Callable[[str], str], table: dict[str, Any]
) -> tuple[str, tuple[str, ...]]:
    """``country`` (upper case) and its ``holiday_categories``."""
    country = _text(file, w("country"), "country", table.get("country", "SE"), required=True)
    country = country.upper()
    try:
        country_table = holidays.country_holidays(country)
    except NotImplementedError:
        raise InputError(
            file,
            w("country"),
            said("unknown country '{country}'; use a two-letter code the holidays package "
                 "knows, e.g. 'SE'", country=country),
        ) from None
    supported = tuple(country_table.supported_categories)
    # default: public + de_facto, as far as the country has them (SE has both)
    default = [c for c in ("public", "de_facto") if c in supported]
    categories = _text_list(
        file,
        w("holiday_categories"),
        "holiday_categories",
        table.get("holiday_categories", default),
    )
    if not categories:
        raise InputError(
            file,
            w("holiday_categories"),
            said("holiday_categories is empty; list at least one of {categories}",
                 categories=", ".join(supported)),
        )
    for cat in categories:
        if cat not in supported:
            raise InputError(
                file,
                w("holiday_categories"),
                said("unknown holiday category '{category}' for {country}; use {categories}",
                     category=cat, country=country, categories=", ".join(supported)),
            )
    return country, tuple(dict.fromkeys(categories))


def _mode(file: str, where: str, table: dict[str, Any]) -> str:
    mode = _text(file, where, "mode", table.get("mode", "mixed"))
    if mode not in _MODES:
        raise InputError(file, where, said(
            "mode must be 'mixed' or 'company', got '{mode}'", mode=mode))
    return mode


def _extra_closed(file: str, where: str, table: dict[str, Any]) -> tuple[date, ...]:
    closed = table.get("extra_closed", [])
    if not isinstance(closed, list):  # a single day
        closed = [closed]
    key = "each item of extra_closed"
    return tuple(sorted({_date(file, where, key, d, "extra_closed") for d in closed}))


def _blackouts(file: str, where: str, table: dict[str, Any]) -> tuple[Blackout, ...]:
    """Every ``[[program.blackout]]``, each checked; all problems raised together."""
    blackouts = []
    raw = table.get("blackout", [])
    if isinstance(raw, dict):  # a single [program.blackout] table
        raw = [raw]
    problems = Problems()
    for i, item in enumerate(_list(file, where, "blackout", raw), start=1):
        with problems.check():
            b_label = f"[[program.blackout]] #{i}"
            item = _table(file, b_label, item)
            _check_keys(file, b_label, item, _BLACKOUT_KEYS)
            for key in ("start", "end"):
                if key not in item:
                    raise InputError(file, b_label, said("missing key '{key}' in {label}",
                                                         key=key, label=b_label))
            name = _text(file, f"{b_label} name", "name", item.get("name", "Blackout"))
            name = name or "Blackout"
            b_label = f"[[program.blackout]] #{i} ('{name}')"
            start = _date(file, f"{b_label} start", "start", item["start"])
            end = _date(file, f"{b_label} end", "end", item["end"])
            if end < start:
                raise InputError(
                    file,
                    f"{b_label} end",
                    said("blackout end {end} is before its start {start}",
                         end=end.isoformat(), start=start.isoformat()),
                )
            blackouts.append(Blackout(name=name, start=start, end=end))
    problems.raise_any()
    return tuple(sorted(blackouts, key=lambda b: (b.start, b.end, b.name)))


def _sessions(file: str, data: dict[str, Any]) -> SessionRules:
    """The ``[sessions]`` table; every key is checked and every problem raised together."""
    keys = _Keys.of(file, data, "sessions", _SESSION_KEYS)
    table = keys.table
    d = SessionRules()
    duration = keys.num("duration_minutes", d.duration_minutes, 1)
    min_gap = keys.num("min_gap_days", d.min_gap_days, 1)
    max_gap = keys.num("max_gap_days", d.max_gap_days, 1)
    if keys.ok("min_gap_days", "max_gap_days") and min_gap > max_gap:
        keys.fail("min_gap_days",
                  said("min_gap_days ({low}) is larger than max_gap_days ({high})",
                       low=min_gap, high=max_gap))
    grid = keys.num("grid_minutes", d.grid_minutes, 1)
    per_day = keys.num("max_sessions_per_day", d.max_sessions_per_day, 1)
    buffer = keys.num("buffer_minutes", d.buffer_minutes, 0)
    weekdays = keys.read("weekdays", d.weekdays, lambda w, v: _weekdays(file, w, table))
    day_start = keys.read("day_start", d.day_start,
                          lambda w, v: _time(file, w, "day_start", v))
    day_end = keys.read("day_end", d.day_end, lambda w, v: _time(file, w, "day_end", v))
    if keys.ok("day_start", "day_end") and day_end <= day_start:
        keys.fail("day_end", said("day_end {end} is not after day_start {start}",
                                  end=f"{day_end:%H:%M}", start=f"{day_start:%H:%M}"))
    window = (day_end.hour * 60 + day_end.minute) - (day_start.hour * 60 + day_start.minute)
    if keys.ok("day_start", "day_end", "duration_minutes") and 0 < window < duration:
        keys.fail(
            "duration_minutes",
            said("duration_minutes ({duration}) is longer than the day window {start}-{end} "
                 "({window} minutes)", duration=duration, start=f"{day_start:%H:%M}",
                 end=f"{day_end:%H:%M}", window=window),
        )
    keys.problems.raise_any()
    return SessionRules(
        duration_minutes=duration,
        min_gap_days=min_gap,
        max_gap_days=max_gap,
        weekdays=weekdays,
        day_start=day_start,
        day_end=day_end,
        grid_minutes=grid,
        max_sessions_per_day=per_day,
        buffer_minutes=buffer,
    )


def _weekdays(file: str, where: str, table: dict[str, Any]) -> tuple[int, ...]:
    """``[sessions] weekdays`` as weekday numbers (Monday 0), or the default."""
    if "weekdays" not in table:
        return SessionRules().weekdays
    names = _text_list(file, where, "weekdays", table["weekdays"])
    days: set[int] = set()
    for name in names:
        idx = timeexpr.weekday_index(name)
        if idx is None:
            raise InputError(file, where, said(
                "unknown weekday '{day}'; use {days}", day=name, days=", ".join(WEEKDAYS)))
        days.add(idx)
    if not days:
        raise InputError(file, where, said("weekdays is empty; list at least one day"))
    return tuple(sorted(days))


def _groups(file: str, data: dict[str, Any]) -> GroupRules:
    """The ``[groups]`` table; every key is checked and every problem raised together."""
    keys = _Keys.of(file, data, "groups", _GROUP_KEYS)
    d = GroupRules()
    min_size = keys.num("min_size", d.min_size, 2)
    max_size = keys.num("max_size", d.max_size, 2)
    if keys.ok("min_size", "max_size") and min_size > max_size:
        keys.fail("min_size", said(
            "min_size ({low}) is larger than max_size ({high})", low=min_size, high=max_size))
    size = keys.num("size", d.size, 1)
    if keys.ok("min_size", "max_size", "size") and not min_size <= size <= max_size:
        keys.fail(
            "size",
            said("size ({size}) must lie between min_size ({low}) and max_size ({high})",
                 size=size, low=min_size, high=max_size),
        )
    per_org = keys.num("max_per_organization", d.max_per_organization, 1)
    keys.problems.raise_any()
    return GroupRules(size=size, min_size=min_size, max_size=max_size, max_per_organization=per_org)


def _policy(file: str, data: dict[str, Any]) -> Policy:
    """The ``[policy]`` table; every key is checked and every problem raised together."""
    keys = _Keys.of(file, data, "policy", _POLICY_KEYS)
    d = Policy()
    days = keys.num("cancellation_days", d.cancellation_days, 0)
    fee = keys.read("fee", d.fee, lambda w, v: _number(file, w, "fee", v, 0))
    currency = keys.read(
        "currency", d.currency, lambda w, v: _text(file, w, "currency", v, required=True)
    )
    vat = keys.read("vat_rate", d.vat_rate, lambda w, v: _number(file, w, "vat_rate", v, 0, 1))
    join = keys.num("join_until_session", d.join_until_session, 0)
    updates = keys.read("member_updates", d.member_updates,
                        lambda w, v: _member_updates(file, w, v))
    letter = keys.read("welcome_letter", d.welcome_letter, lambda w, v: _flag(file, w, v))
    keys.problems.raise_any()
    return Policy(cancellation_days=days, fee=fee, currency=currency, vat_rate=vat,
                  join_until_session=join, member_updates=updates, welcome_letter=letter)


MEMBER_UPDATES = ("summary", "calendar", "none")


def _member_updates(file: str, where: str, value: object) -> str:
    """``[policy] member_updates``: one of :data:`MEMBER_UPDATES`."""
    if value not in MEMBER_UPDATES:
        raise InputError(file, where, said("expected one of {choices}, not {value}",
                                           choices=", ".join(MEMBER_UPDATES),
                                           value=repr(value)))
    return str(value)


def _flag(file: str, where: str, value: object) -> bool:
    """A TOML boolean (``true`` or ``false``)."""
    if not isinstance(value, bool):
        raise InputError(file, where, said("expected true or false, not {value}",
                                           value=repr(value)))
    return value



def _facilitators(file: str, data: dict[str, Any]) -> tuple[Facilitator, ...]:
    """Every ``[[facilitators]]`` entry, each checked; all problems raised together."""
    items = _array(file, data, "facilitators")
    if not items:
        raise InputError(file, None, said("no [[facilitators]]: a cohort needs one"))
    out: list[Facilitator] = []
    seen: dict[str, str] = {}
    problems = Problems()
    for i, table in enumerate(items, start=1):
        with problems.check():
            out.append(_facilitator(file, i, table, seen))
    problems.raise_any()
    return tuple(out)


def _entry_head(
    file: str,
    array: str,
    i: int,
    table: dict[str, Any],
    keys: tuple[Iterable[str], tuple[str, ...]],
    seen: dict[str, str],
) -> tuple[str, str]:
    """The id and label (``facilitators[2] (id 'f2')``) of entry ``i`` of ``array``:
    its keys are known (``keys[0]``), the required ones there (``keys[1]``), and
    its id is valid and not ``seen`` before."""
    label = _entry_label(array, i, table)
    allowed, required = keys
    _check_keys(file, label, table, allowed)
    for key in required:
        if key not in table:
            raise InputError(file, label, said("missing key '{key}' in {label}", key=key,
                                               label=label))
    eid = _id(file, f"{label} id", "id", table["id"])
    label = f"{array}[{i}] (id '{eid}')"
    if eid in seen:
        kind = array.removesuffix("s")
        raise InputError(file, label, said("duplicate {kind} id '{id}': also {where}",
                                           kind=said(kind), id=eid, where=seen[eid]))
    seen[eid] = label
    return eid, label


def _facilitator(file: str, i: int, table: dict[str, Any], seen: dict[str, str]) -> Facilitator:
    keys = (_FACILITATOR_KEYS, ("id", "name", "email"))
    fid, label = _entry_head(file, "facilitators", i, table, keys, seen)

    def w(key: str) -> str:
        return f"{label} {key}"

    def opt(key: str, minimum: int) -> int | None:
        if key not in table:
            return None
        return _int(file, w(key), key, table[key], minimum)

    return Facilitator(
        id=fid,
        name=_text(file, w("name"), "name", table["name"], required=True),
        email=_email(file, w("email"), "email", table["email"]),
        max_cohorts=opt("max_cohorts", 0),
        max_sessions_per_day=opt("max_sessions_per_day", 1),
        buffer_minutes=opt("buffer_minutes", 0),
        unavailable=_rules(file, w("unavailable"), table.get("unavailable", "")),
        experience=_text(file, w("experience"), "experience", table.get("experience", "")),
    )


def _venues(file: str, data: dict[str, Any]) -> tuple[Venue, ...]:
    """Every ``[[venues]]`` entry, each checked; all problems raised together."""
    out: list[Venue] = []
    seen: dict[str, str] = {}
    problems = Problems()
    for i, table in enumerate(_array(file, data, "venues"), start=1):
        with problems.check():
            vid, label = _entry_head(file, "venues", i, table, (_VENUE_KEYS, ("id", "capacity")),
                                     seen)
            name = _text(file, f"{label} name", "name", table.get("name", vid)) or vid
            capacity = _int(file, f"{label} capacity", "capacity", table["capacity"], 1)
            address = _text(file, f"{label} address", "address", table.get("address", ""))
            link = table.get("online_url")
            url = None if link is None else _url(file, f"{label} online_url", link)
            out.append(Venue(vid, name, capacity, address or None, url))
    problems.raise_any()
    return tuple(out)
