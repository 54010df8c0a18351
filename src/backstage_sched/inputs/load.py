"""Read a program (TOML) and its participants (CSV) into validated domain objects.

:func:`load_program` implements SPEC §3. Every problem raises an
:class:`~backstage_sched.errors.InputError` naming the file, the row or key,
and what is wrong, in the coordinator's words; nothing is silently ignored
(a misspelt key gets a "did you mean").

:func:`program_to_dict` / :func:`program_from_dict` turn a validated program
into JSON-safe data and back, so a plan folder can be re-verified without
the original files.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ..domain import (
    WEEKDAYS,
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    Participant,
    Policy,
    Program,
    SessionRules,
    TimeRule,
    Venue,
)
from ..errors import InputError, Problems
from . import busy as busy_mod
from . import timeexpr

__all__ = ["load_program", "program_from_dict", "program_to_dict"]

SNAPSHOT_FORMAT = 1

_TOP_KEYS = ("program", "sessions", "groups", "policy", "facilitators", "venues", "participants")
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
_VENUE_KEYS = ("id", "name", "capacity")
_PARTICIPANT_KEYS = (
    "id",
    "name",
    "email",
    "organization",
    "experience",
    "unavailable",
    "avoid",
    "not_with",
    "calendar",
)
_REQUIRED_COLUMNS = ("id", "name", "email", "organization")
_MODES = ("mixed", "company")
_ID = re.compile(r"[\w.\-]+")
#: Longest id accepted; ids name files (``people/<id>.ics``) and go into UIDs.
MAX_ID_LENGTH = 64
#: Names Windows keeps for devices, with or without an extension (``con.ics``).
_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{p}{n}" for p in ("com", "lpt") for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3")]
)
#: Control characters (Unicode Cc), line and paragraph separators and the
#: invisible bidi embeddings, overrides and isolates that reorder displayed text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# --------------------------------------------------------------------------- values


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_keys(file: str, label: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    for key in table:
        if key not in allowed:
            hint = _suggest(key, allowed) or f"; allowed keys: {', '.join(allowed)}"
            raise InputError(file, label, f"unknown key '{key}' in {label}{hint}")


def _table(file: str, label: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(file, label, f"{label} must be a table, got {value!r}")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(file: str, where: str, key: str, value: object, minimum: int | None = None) -> int:
    if not _is_int(value):
        raise InputError(file, where, f"{key} must be a whole number, got {value!r}")
    assert isinstance(value, int)
    if minimum is not None and value < minimum:
        raise InputError(file, where, f"{key} must be at least {minimum}, got {value}")
    return value


def _number(
    file: str,
    where: str,
    key: str,
    value: object,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(file, where, f"{key} must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(file, where, f"{key} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InputError(file, where, f"{key} must be at most {maximum}, got {value}")
    return float(value)


def _show(text: str) -> str:
    """``text`` quoted for a message; control characters shown as escapes."""
    return f"'{text}'" if text.isprintable() else ascii(text)


def _control_char(text: str) -> str | None:
    """The first control, line-separator or bidi-override character in ``text``, if any."""
    m = _CONTROL.search(text)
    return m.group() if m else None


def _text(file: str, where: str, key: str, value: object, *, required: bool = False) -> str:
    """Stripped text; refused when empty (if ``required``) or holding a control character."""
    if not isinstance(value, str):
        raise InputError(file, where, f"{key} must be text, got {value!r}")
    value = value.strip()
    if required and not value:
        raise InputError(file, where, f"{key} is empty")
    bad = _control_char(value)
    if bad is not None:
        raise InputError(
            file,
            where,
            f"{key} {_show(value)} contains the control character U+{ord(bad):04X}; "
            "only printable text is allowed (no line breaks, tabs or direction overrides)",
        )
    return value


def _date(file: str, where: str, key: str, value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(file, where, f"{key} must be a date like 2027-01-11, got {value!r}")


def _time(file: str, where: str, key: str, value: object) -> time:
    if isinstance(value, time) and value.second == 0 and value.microsecond == 0:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        parsed = timeexpr.parse_time(value)
        if parsed is not None:
            return parsed
    raise InputError(file, where, f"{key} must be a time like 08:30, got {value!r}")


def _list(file: str, where: str, key: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(file, where, f"{key} must be a list, got {value!r}")
    return value


def _text_list(file: str, where: str, key: str, value: object) -> tuple[str, ...]:
    items = _list(file, where, key, value)
    return tuple(_text(file, where, f"each item of {key}", item, required=True) for item in items)


def _id_problem(text: str) -> str | None:
    """Why ``text`` cannot be an id (it names a file), or None."""
    if len(text) > MAX_ID_LENGTH:
        return f"is {len(text)} characters long; at most {MAX_ID_LENGTH} are allowed"
    if "/" in text or "\\" in text:
        return "may not contain '/' or '\\' (it names a file in the plan folder)"
    if text[0] in ".-":
        return "may not start with '.' or '-'"
    if not _ID.fullmatch(text):
        return "may hold only letters, digits, '.', '-' and '_'"
    if text.split(".", 1)[0].casefold() in _RESERVED_NAMES:
        return "is a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    return None


def _id(file: str, where: str, key: str, value: object) -> str:
    """An id that is safe as a file name on every system (see docs/guarantees.md)."""
    text = _text(file, where, key, value, required=True)
    problem = _id_problem(text)
    if problem:
        raise InputError(
            file, where, f"{key} {_show(text)} {problem} (ids name calendar files and UIDs)"
        )
    return text


def _id_key(pid: str) -> str:
    """What makes two ids the same file name on Windows and macOS."""
    return unicodedata.normalize("NFC", pid).casefold()


def email_problem(email: str) -> str | None:
    """What is wrong with ``email`` as an address, or None when it looks right."""
    if any(c.isspace() for c in email):
        return "it contains a space"
    if email.count("@") != 1:
        return "it needs exactly one @"
    local, domain = email.split("@")
    if not local:
        return "nothing before the @"
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return "the part after the @ must be a domain like example.org"
    return None


def _email(file: str, where: str, key: str, value: object) -> str:
    text = _text(file, where, key, value, required=True)
    problem = email_problem(text)
    if problem:
        raise InputError(file, where, f"bad e-mail '{text}': {problem}")
    return text


def _ids(file: str, where: str, key: str, value: object) -> tuple[str, ...]:
    """A list of ids: ``;``- (or ``,``-) separated text, or a TOML array of text."""
    if isinstance(value, str):
        raw = re.split(r"[;,]", value)
    elif isinstance(value, list):
        raw = []
        for item in value:
            raw.extend(re.split(r"[;,]", _text(file, where, f"each item of {key}", item)))
    else:
        raise InputError(file, where, f"{key} must be a list of ids, got {value!r}")
    out: list[str] = []
    for item in raw:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return tuple(out)


def _rules(file: str, where: str, value: object) -> tuple[TimeRule, ...]:
    return timeexpr.parse_rules(value, file, where)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- TOML tables


def _read_toml(path: Path) -> dict[str, Any]:
    file = str(path)
    if not path.is_file():
        raise InputError(file, None, "program file not found")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(file, f"line {line}", "not UTF-8 text; save the file as UTF-8") from exc
    except OSError as exc:
        raise InputError(file, None, f"cannot be read: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else None
        hint = ""
        if m:
            msg = msg[: m.start()].rstrip()
            lines = text.splitlines()
            number = int(m.group(1))
            hint = _toml_hint(lines[number - 1] if 0 < number <= len(lines) else "")
        raise InputError(file, where, f"not valid TOML: {msg}{hint}") from exc


_TOML_SLIPS = (
    (re.compile(r"=\s*\d{4}-\d{1,2}-\d{1,2}\b(?!-)"),
     lambda m: not re.search(r"=\s*\d{4}-\d{2}-\d{2}\b", m.string),
     "write a date as YYYY-MM-DD with two-digit month and day, e.g. start = 2027-01-11"),
    (re.compile(r"=\s*\d{1,2}:\d{2}\b"), None,
     'write a time in quotes, e.g. day_start = "08:30"'),
    (re.compile(r"=\s*-?\d+,\d+\s*(#.*)?$"), None,
     "write decimals with a point, not a comma, e.g. vat_rate = 0.25"),
    (re.compile(r'^[^#"]*=\s*"[^"]*$'), None,
     "a text value needs a closing quote, e.g. name = \"Backstage 2027\""),
    (re.compile(r"=\s*[^\s\"'\[\{\d#+-]"), None,
     'put text in quotes, e.g. mode = "mixed"'),
)
"""Common slips in a hand-edited TOML line: (pattern, extra test or None, hint)."""


def _toml_hint(line: str) -> str:
    """``; hint: …`` for the first common slip ``line`` shows, else ``""``."""
    for pattern, also, hint in _TOML_SLIPS:
        found = pattern.search(line)
        if found and (also is None or also(found)):
            if "quotes, e.g. mode" in hint and re.search(r"=\s*(true|false)\b", line):
                continue
            return f"; hint: {hint}"
    return ""


def _program_table(file: str, data: dict[str, Any]) -> dict[str, Any]:
    """The ``[program]`` table; every key is checked and every problem raised together."""
    label = "[program]"
    if "program" not in data:
        raise InputError(file, None, "missing table [program] (id, name, start, end)")
    table = _table(file, label, data["program"])
    problems = Problems()
    with problems.check():
        _check_keys(file, label, table, _PROGRAM_KEYS)
    for key in ("id", "name", "start", "end"):
        if key not in table:
            problems.add(InputError(file, label, f"missing key '{key}' in [program]"))

    def w(key: str) -> str:
        return f"{label} {key}"

    out: dict[str, Any] = {}
    reads = {
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
            f"window end {out['end'].isoformat()} is before its start {out['start'].isoformat()}",
        ))
    with problems.check():
        out["country"], out["holiday_categories"] = _holiday_rules(file, w, table)
    problems.raise_any()
    return out


def _timezone(file: str, where: str, table: dict[str, Any]) -> str:
    tz = _text(file, where, "timezone", table.get("timezone", "Europe/Stockholm"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            file, where, f"unknown time zone '{tz}'; use a name like 'Europe/Stockholm'"
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
            f"unknown country '{country}'; use a two-letter code the holidays package knows, "
            "e.g. 'SE'",
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
            f"holiday_categories is empty; list at least one of {', '.join(supported)}",
        )
    for cat in categories:
        if cat not in supported:
            raise InputError(
                file,
                w("holiday_categories"),
                f"unknown holiday category '{cat}' for {country}; use {', '.join(supported)}",
            )
    return country, tuple(dict.fromkeys(categories))


def _mode(file: str, where: str, table: dict[str, Any]) -> str:
    mode = _text(file, where, "mode", table.get("mode", "mixed"))
    if mode not in _MODES:
        raise InputError(file, where, f"mode must be 'mixed' or 'company', got '{mode}'")
    return mode


def _extra_closed(file: str, where: str, table: dict[str, Any]) -> tuple[date, ...]:
    closed = table.get("extra_closed", [])
    if not isinstance(closed, list):  # a single day
        closed = [closed]
    return tuple(sorted({_date(file, where, "each item of extra_closed", d) for d in closed}))


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
                    raise InputError(file, b_label, f"missing key '{key}' in {b_label}")
            name = _text(file, f"{b_label} name", "name", item.get("name", "Blackout"))
            name = name or "Blackout"
            b_label = f"[[program.blackout]] #{i} ('{name}')"
            start = _date(file, f"{b_label} start", "start", item["start"])
            end = _date(file, f"{b_label} end", "end", item["end"])
            if end < start:
                raise InputError(
                    file,
                    f"{b_label} end",
                    f"blackout end {end.isoformat()} is before its start {start.isoformat()}",
                )
            blackouts.append(Blackout(name=name, start=start, end=end))
    problems.raise_any()
    return tuple(sorted(blackouts, key=lambda b: (b.start, b.end, b.name)))


class _Keys:
    """Reads keys of one table, recording each bad value instead of raising, so that a
    table is checked to its end; cross-checks run only between keys read well."""

    def __init__(self, file: str, label: str, table: dict[str, Any]) -> None:
        self.file, self.label, self.table = file, label, table
        self.problems = Problems()
        self.bad: set[str] = set()

    @classmethod
    def of(cls, file: str, data: dict[str, Any], name: str, allowed: Iterable[str]) -> _Keys:
        """The keys of table ``[name]`` (empty when absent), unknown ones recorded."""
        label = f"[{name}]"
        keys = cls(file, label, _table(file, label, data.get(name, {})))
        with keys.problems.check():
            _check_keys(file, label, keys.table, allowed)
        return keys

    def where(self, key: str) -> str:
        return f"{self.label} {key}"

    def read(self, key: str, default: Any, parse: Callable[[str, Any], Any]) -> Any:
        """``parse(where, value)`` of the key (``default`` when absent or bad)."""
        try:
            return parse(self.where(key), self.table.get(key, default))
        except InputError as exc:
            self.problems.add(exc)
            self.bad.add(key)
            return default

    def num(self, key: str, default: int, minimum: int) -> int:
        return self.read(key, default, lambda w, v: _int(self.file, w, key, v, minimum))

    def ok(self, *keys: str) -> bool:
        """Whether every one of ``keys`` was read without a problem."""
        return not self.bad & set(keys)

    def fail(self, key: str, message: str) -> None:
        self.problems.add(InputError(self.file, self.where(key), message))


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
                  f"min_gap_days ({min_gap}) is larger than max_gap_days ({max_gap})")
    grid = keys.num("grid_minutes", d.grid_minutes, 1)
    per_day = keys.num("max_sessions_per_day", d.max_sessions_per_day, 1)
    buffer = keys.num("buffer_minutes", d.buffer_minutes, 0)
    weekdays = keys.read("weekdays", d.weekdays, lambda w, v: _weekdays(file, w, table))
    day_start = keys.read("day_start", d.day_start,
                          lambda w, v: _time(file, w, "day_start", v))
    day_end = keys.read("day_end", d.day_end, lambda w, v: _time(file, w, "day_end", v))
    if keys.ok("day_start", "day_end") and day_end <= day_start:
        keys.fail("day_end", f"day_end {day_end:%H:%M} is not after day_start {day_start:%H:%M}")
    window = (day_end.hour * 60 + day_end.minute) - (day_start.hour * 60 + day_start.minute)
    if keys.ok("day_start", "day_end", "duration_minutes") and 0 < window < duration:
        keys.fail(
            "duration_minutes",
            f"duration_minutes ({duration}) is longer than the day window "
            f"{day_start:%H:%M}-{day_end:%H:%M} ({window} minutes)",
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
            raise InputError(file, where, f"unknown weekday '{name}'; use {', '.join(WEEKDAYS)}")
        days.add(idx)
    if not days:
        raise InputError(file, where, "weekdays is empty; list at least one day")
    return tuple(sorted(days))


def _groups(file: str, data: dict[str, Any]) -> GroupRules:
    """The ``[groups]`` table; every key is checked and every problem raised together."""
    keys = _Keys.of(file, data, "groups", _GROUP_KEYS)
    d = GroupRules()
    min_size = keys.num("min_size", d.min_size, 2)
    max_size = keys.num("max_size", d.max_size, 2)
    if keys.ok("min_size", "max_size") and min_size > max_size:
        keys.fail("min_size", f"min_size ({min_size}) is larger than max_size ({max_size})")
    size = keys.num("size", d.size, 1)
    if keys.ok("min_size", "max_size", "size") and not min_size <= size <= max_size:
        keys.fail(
            "size",
            f"size ({size}) must lie between min_size ({min_size}) and max_size ({max_size})",
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
    keys.problems.raise_any()
    return Policy(cancellation_days=days, fee=fee, currency=currency, vat_rate=vat)


def _array(file: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(
            file, f"[[{key}]]", f"{key} must be written as [[{key}]] tables, got {value!r}"
        )
    return value


def _entry_label(array: str, index: int, table: Mapping[str, Any]) -> str:
    """``facilitators[2] (id 'f2')``: the 1-based entry, with its id when it has one."""
    pid = table.get("id")
    if isinstance(pid, str) and pid.strip():
        return f"{array}[{index}] (id '{pid.strip()}')"
    return f"{array}[{index}]"


def _facilitators(file: str, data: dict[str, Any]) -> tuple[Facilitator, ...]:
    """Every ``[[facilitators]]`` entry, each checked; all problems raised together."""
    items = _array(file, data, "facilitators")
    if not items:
        raise InputError(file, None, "no [[facilitators]]: a cohort needs one")
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
            raise InputError(file, label, f"missing key '{key}' in {label}")
    eid = _id(file, f"{label} id", "id", table["id"])
    label = f"{array}[{i}] (id '{eid}')"
    if eid in seen:
        kind = array.removesuffix("s")
        raise InputError(file, label, f"duplicate {kind} id '{eid}': also {seen[eid]}")
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
            out.append(Venue(id=vid, name=name, capacity=capacity))
    problems.raise_any()
    return tuple(out)


# --------------------------------------------------------------------------- participants


class _Origin:
    """Where one participant record came from, for messages."""

    def __init__(self, file: str, label: str, column_style: bool) -> None:
        self.file = file
        self.label = label
        self.column_style = column_style

    def at(self, key: str) -> str:
        """The ``where`` of one field: ``row 5, column 'email'`` or ``participants[2] email``."""
        return f"{self.label}, column '{key}'" if self.column_style else f"{self.label} {key}"

    def __str__(self) -> str:
        return f"{self.label} of {self.file}"


def _calendar_path(
    file: str, where: str, base_dir: Path, calendar: str, allow_outside: bool
) -> Path:
    """The calendar file named ``calendar``, relative to ``base_dir``.

    Unless ``allow_outside``, a path that is absolute or leads (also through
    ``..`` or a symbolic link) out of ``base_dir`` is refused.
    """
    path = base_dir / calendar
    if allow_outside:
        return path
    given = Path(calendar)
    allow = "or let the coordinator allow it (--allow-outside-calendars)"
    if given.is_absolute() or given.drive or given.root:
        raise InputError(
            file,
            where,
            f"calendar path {_show(calendar)} is absolute; give it relative to the folder "
            f"of this file ({base_dir.resolve()}), {allow}",
        )
    try:
        inside = path.resolve().is_relative_to(base_dir.resolve())
    except (OSError, RuntimeError, ValueError) as exc:
        raise InputError(file, where, f"calendar path {_show(calendar)}: {exc}") from exc
    if not inside:
        raise InputError(
            file,
            where,
            f"calendar path {_show(calendar)} points outside the folder of this file "
            f"({base_dir.resolve()}); move the calendar there, {allow}",
        )
    return path


def _participant(
    record: Mapping[str, object],
    origin: _Origin,
    base_dir: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
) -> Participant:
    """One participant from a CSV row or a TOML table; every cell is checked and every
    problem raised together. Without ``window`` (the program table is broken)
    the busy calendar is not read yet."""
    file = origin.file
    at = origin.at
    fields = {
        "id": lambda: _id(file, at("id"), "id", record["id"]),
        "name": lambda: _text(file, at("name"), "name", record["name"], required=True),
        "email": lambda: _email(file, at("email"), "email", record["email"]),
        "organization": lambda: _text(
            file, at("organization"), "organization", record["organization"], required=True
        ),
        "experience": lambda: _text(
            file, at("experience"), "experience", record.get("experience") or ""
        ),
        "unavailable": lambda: _rules(file, at("unavailable"), record.get("unavailable") or ""),
        "avoid": lambda: _rules(file, at("avoid"), record.get("avoid") or ""),
        "not_with": lambda: _ids(file, at("not_with"), "not_with", record.get("not_with") or ""),
        "calendar": lambda: _text(file, at("calendar"), "calendar", record.get("calendar") or ""),
    }
    problems = Problems()  # every cell of the row is checked
    values: dict[str, Any] = {}
    for key, read in fields.items():
        with problems.check():
            values[key] = read()
    problems.raise_any()
    calendar = values.pop("calendar")
    person = Participant(**values)
    if not calendar or window is None:
        return person
    tz, first, last = window
    cal_path = _calendar_path(file, at("calendar"), base_dir, calendar, allow_outside)
    busy = busy_mod.load_busy(cal_path, tz, first, last, file, at("calendar"))
    return replace(person, busy=busy, calendar=calendar)


def _toml_participants(
    file: str,
    data: dict[str, Any],
    base_dir: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool,
    problems: Problems,
) -> list[tuple[Participant, _Origin]]:
    out: list[tuple[Participant, _Origin]] = []
    tables: list[dict[str, Any]] = []
    with problems.check():
        tables = _array(file, data, "participants")
    for i, table in enumerate(tables, start=1):
        origin = _Origin(file, _entry_label("participants", i, table), column_style=False)
        with problems.check():
            _check_keys(file, origin.label, table, _PARTICIPANT_KEYS)
            missing = [key for key in _REQUIRED_COLUMNS if key not in table]
            if missing:
                raise InputError(file, origin.label,
                                 f"missing key '{missing[0]}' in {origin.label}")
            out.append((_participant(table, origin, base_dir, window, allow_outside), origin))
    return out


def _detect_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_participants(
    path: Path,
    window: tuple[str, date, date] | None,
    allow_outside: bool = False,
    problems: Problems | None = None,
) -> list[tuple[Participant, _Origin]]:
    file = str(path)
    if not path.is_file():
        raise InputError(file, None, "participants file not found")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(file, None, f"cannot be read: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            file,
            f"row {line}",
            "not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'",
        ) from exc
    first_line = next((ln for ln in text.splitlines() if ln.strip()), None)
    if first_line is None:
        raise InputError(
            file, None, f"empty file; expected a header row with {', '.join(_REQUIRED_COLUMNS)}"
        )
    delimiter = _detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    header: list[str] | None = None
    header_row = 0
    out: list[tuple[Participant, _Origin]] = []
    rows = problems if problems is not None else Problems()  # every row is checked
    try:
        for row_no, cells in enumerate(reader, start=1):
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue  # a blank row
            if header is None:
                header, header_row = cells, row_no
                _check_header(file, f"row {row_no}", header)
                continue
            with rows.check():
                if len(cells) > len(header) and any(cells[len(header) :]):
                    hint = (
                        "; a cell holding a ';'-list must be quoted"
                        if delimiter == ";"
                        else "; a cell holding the separator must be quoted"
                    )
                    raise InputError(
                        file,
                        f"row {row_no}",
                        f"the row has {len(cells)} cells but the header (row {header_row}) "
                        f"has {len(header)} columns{hint}",
                    )
                record = {
                    name: (cells[i] if i < len(cells) else "")
                    for i, name in enumerate(header) if name
                }
                origin = _Origin(file, f"row {row_no}", column_style=True)
                person = _participant(record, origin, path.parent, window, allow_outside)
                out.append((person, origin))
    except csv.Error as exc:
        raise InputError(file, f"row {reader.line_num}", f"cannot read CSV: {exc}") from exc
    if problems is None:
        rows.raise_any()
    return out


def _check_header(file: str, where: str, header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise InputError(file, where, f"column '{name}' appears twice in the header")
        seen.add(name)
    missing = [c for c in _REQUIRED_COLUMNS if c not in seen]
    if missing:
        hints = []
        for col in missing:
            close = difflib.get_close_matches(col, [h for h in header if h], n=1, cutoff=0.6)
            lower = [h for h in header if h.lower() == col]
            if lower or close:
                hints.append(f"'{(lower or close)[0]}' should read '{col}'")
        hint = f" (header names are exact: {', '.join(hints)})" if hints else ""
        found = ", ".join(h for h in header if h) or "nothing"
        raise InputError(
            file,
            where,
            f"missing required column(s) {', '.join(repr(c) for c in missing)}{hint}; "
            f"the header has: {found}",
        )


def _check_people(
    file: str,
    facilitators: tuple[Facilitator, ...],
    people: list[tuple[Participant, _Origin]],
    problems: Problems,
) -> list[str]:
    """Unique ids (also ignoring case) across everyone; ``not_with`` names known participants.

    A facilitator's e-mail must be their own (it is the ORGANIZER of
    invitations); participants sharing an address are returned as warnings.
    Every problem found is added to ``problems``.
    """
    by_id: dict[str, _Origin] = {}
    by_key: dict[str, tuple[str, _Origin]] = {}  # case-folded id -> (id, where)
    fac_ids = {f.id for f in facilitators}
    for i, f in enumerate(facilitators, start=1):
        other = by_key.get(_id_key(f.id))
        if other is not None:
            problems.add(InputError(
                file,
                f"facilitators[{i}] (id '{f.id}') id",
                f"id '{f.id}' differs from '{other[0]}' ({other[1].label}) only in upper/lower "
                "case; they would name the same file on Windows and macOS",
            ))
            continue
        by_key[_id_key(f.id)] = (f.id, _Origin(file, f"facilitators[{i}]", column_style=False))
    emails: dict[str, str] = {}
    for i, f in enumerate(facilitators, start=1):
        if f.email.lower() in emails:
            problems.add(InputError(
                file,
                f"facilitators[{i}] (id '{f.id}') email",
                f"e-mail '{f.email}' is also used by {emails[f.email.lower()]}; every "
                "facilitator needs an address of their own (it organises the invitations)",
            ))
            continue
        emails[f.email.lower()] = f"facilitator '{f.id}'"
    fac_emails = set(emails)
    warnings: list[str] = []
    for p, origin in people:
        if p.id in by_id:
            first = by_id[p.id]
            also = first.label if first.file == origin.file else str(first)
            problems.add(InputError(origin.file, origin.label,
                                    f"duplicate id '{p.id}': also on {also}"))
            continue
        if p.id in fac_ids:
            problems.add(InputError(
                origin.file,
                origin.at("id"),
                f"id '{p.id}' is also a facilitator's id; every person needs an id of their own",
            ))
        other = by_key.get(_id_key(p.id))
        if other is not None:
            where = other[1].label if other[1].file == origin.file else str(other[1])
            problems.add(InputError(
                origin.file,
                origin.at("id"),
                f"id '{p.id}' differs from '{other[0]}' ({where}) only in upper/lower case; "
                "they would name the same file on Windows and macOS",
            ))
        by_id[p.id] = origin
        by_key[_id_key(p.id)] = (p.id, origin)
        key = p.email.lower()
        if key in fac_emails:
            problems.add(InputError(
                origin.file,
                origin.at("email"),
                f"e-mail '{p.email}' is also used by {emails[key]}; a participant cannot share "
                "the address of a facilitator (who organises the invitations)",
            ))
        elif key in emails:
            warnings.append(
                f"{origin.file}, {origin.at('email')}: e-mail '{p.email}' is also used by "
                f"{emails[key]}; both will receive each other's invitations"
            )
        else:
            emails[key] = f"participant '{p.id}' ({origin})"
    for p, origin in people:
        for other_id in p.not_with:
            if other_id == p.id:
                problems.add(InputError(
                    origin.file, origin.at("not_with"), f"not_with names '{p.id}' itself"
                ))
            elif other_id not in by_id:
                what = (
                    "a facilitator, not a participant" if other_id in fac_ids else "no participant"
                )
                hint = _suggest(other_id, by_id) if len(by_id) <= 5000 else ""
                problems.add(InputError(
                    origin.file,
                    origin.at("not_with"),
                    f"unknown id {_show(other_id)} in not_with: {what} has that id{hint}",
                ))
    return warnings


def load_program(
    program_path: str | Path,
    participants_path: str | Path | None = None,
    *,
    allow_outside_calendars: bool = False,
) -> Program:
    """Read and validate a program TOML and, optionally, a participants CSV (SPEC §3).

    Participants come from ``[[participants]]`` in the TOML, the CSV, or both;
    calendar paths are resolved against the folder of the file naming them and
    their busy events loaded for the program window. A calendar path that is
    absolute or leads out of that folder is refused unless
    ``allow_outside_calendars``. Every table and row is checked to the end:
    one problem raises :class:`InputError`, several :class:`InputErrors` with
    all of them. Problems that do not stop the run (participants sharing an
    e-mail) are in ``Program.warnings``.
    """
    path = Path(program_path)
    file = str(path)
    data = _read_toml(path)
    problems = Problems()  # every table and row is checked; all problems are raised
    with problems.check():
        _check_keys(file, "the program file", data, _TOP_KEYS)
    head = problems.attempt(lambda: _program_table(file, data), None)
    sessions = problems.attempt(lambda: _sessions(file, data), None)
    groups = problems.attempt(lambda: _groups(file, data), None)
    policy = problems.attempt(lambda: _policy(file, data), None)
    facilitators = problems.attempt(lambda: _facilitators(file, data), ())
    venues = problems.attempt(lambda: _venues(file, data), ())
    # busy calendars are read for the program window; without one they wait
    window = None if head is None else (head["timezone"], head["start"], head["end"])
    outside = allow_outside_calendars
    people = _toml_participants(file, data, path.parent, window, outside, problems)
    if participants_path is not None:
        with problems.check():
            people += _csv_participants(Path(participants_path), window, outside, problems)
    warnings = _check_people(file, facilitators, people, problems)
    problems.raise_any()
    assert head is not None and sessions is not None and groups is not None
    assert policy is not None
    return Program(
        **head,
        sessions=sessions,
        groups=groups,
        policy=policy,
        facilitators=facilitators,
        venues=venues,
        participants=tuple(p for p, _ in people),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- snapshot


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


def program_to_dict(program: Program) -> dict[str, Any]:
    """A JSON-safe snapshot of ``program``; :func:`program_from_dict` reverses it exactly.

    Dates are ISO strings, times ``HH:MM``, weekdays names, time rules their
    text, busy intervals naive ISO datetimes.
    """
    s, g, pol = program.sessions, program.groups, program.policy
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
        "sessions": {
            "duration_minutes": s.duration_minutes,
            "min_gap_days": s.min_gap_days,
            "max_gap_days": s.max_gap_days,
            "weekdays": [WEEKDAYS[i] for i in s.weekdays],
            "day_start": _hhmm(s.day_start),
            "day_end": _hhmm(s.day_end),
            "grid_minutes": s.grid_minutes,
            "max_sessions_per_day": s.max_sessions_per_day,
            "buffer_minutes": s.buffer_minutes,
        },
        "groups": {
            "size": g.size,
            "min_size": g.min_size,
            "max_size": g.max_size,
            "max_per_organization": g.max_per_organization,
        },
        "policy": {
            "cancellation_days": pol.cancellation_days,
            "fee": pol.fee,
            "currency": pol.currency,
            "vat_rate": pol.vat_rate,
        },
        "facilitators": [
            {
                "id": f.id,
                "name": f.name,
                "email": f.email,
                "max_cohorts": f.max_cohorts,
                "max_sessions_per_day": f.max_sessions_per_day,
                "buffer_minutes": f.buffer_minutes,
                "unavailable": _rules_out(f.unavailable),
                "experience": f.experience,
            }
            for f in program.facilitators
        ],
        "venues": [{"id": v.id, "name": v.name, "capacity": v.capacity} for v in program.venues],
        "participants": [
            {
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
            }
            for p in program.participants
        ],
        "warnings": list(program.warnings),
    }


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


def program_from_dict(data: dict[str, Any], source: str = "input.json") -> Program:
    """The program of a :func:`program_to_dict` snapshot; :class:`InputError` if malformed."""
    try:
        fmt = data.get("format", SNAPSHOT_FORMAT)
        if fmt != SNAPSHOT_FORMAT:
            raise InputError(source, "format", f"unknown snapshot format {fmt!r}")
        s, g, pol = data["sessions"], data["groups"], data["policy"]
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
            blackouts=tuple(
                Blackout(
                    name=b["name"],
                    start=date.fromisoformat(b["start"]),
                    end=date.fromisoformat(b["end"]),
                )
                for b in data["blackouts"]
            ),
            sessions=SessionRules(
                duration_minutes=s["duration_minutes"],
                min_gap_days=s["min_gap_days"],
                max_gap_days=s["max_gap_days"],
                weekdays=tuple(WEEKDAYS.index(w) for w in s["weekdays"]),
                day_start=time.fromisoformat(s["day_start"]),
                day_end=time.fromisoformat(s["day_end"]),
                grid_minutes=s["grid_minutes"],
                max_sessions_per_day=s["max_sessions_per_day"],
                buffer_minutes=s["buffer_minutes"],
            ),
            groups=GroupRules(
                size=g["size"],
                min_size=g["min_size"],
                max_size=g["max_size"],
                max_per_organization=g["max_per_organization"],
            ),
            policy=Policy(
                cancellation_days=pol["cancellation_days"],
                fee=pol["fee"],
                currency=pol["currency"],
                vat_rate=pol["vat_rate"],
            ),
            facilitators=tuple(
                Facilitator(
                    id=f["id"],
                    name=f["name"],
                    email=f["email"],
                    max_cohorts=f["max_cohorts"],
                    max_sessions_per_day=f["max_sessions_per_day"],
                    buffer_minutes=f["buffer_minutes"],
                    unavailable=_rules_in(f["unavailable"], source, f"facilitator {f['id']}"),
                    experience=f["experience"],
                )
                for f in data["facilitators"]
            ),
            venues=tuple(
                Venue(id=v["id"], name=v["name"], capacity=v["capacity"]) for v in data["venues"]
            ),
            participants=tuple(
                Participant(
                    id=p["id"],
                    name=p["name"],
                    email=p["email"],
                    organization=p["organization"],
                    experience=p["experience"],
                    unavailable=_rules_in(p["unavailable"], source, f"participant {p['id']}"),
                    avoid=_rules_in(p["avoid"], source, f"participant {p['id']}"),
                    not_with=tuple(p["not_with"]),
                    busy=tuple(
                        Busy(
                            start=datetime.fromisoformat(b["start"]),
                            end=datetime.fromisoformat(b["end"]),
                            summary=b.get("summary", ""),
                        )
                        for b in p["busy"]
                    ),
                    calendar=p.get("calendar"),
                )
                for p in data["participants"]
            ),
            warnings=tuple(str(w) for w in data.get("warnings", ())),
        )
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(source, None, f"not a valid program snapshot: {exc!r}") from exc
