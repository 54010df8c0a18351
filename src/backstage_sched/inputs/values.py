"""Single input values: text, numbers, dates, times, ids, e-mails and lists.

Each reader takes the ``file`` and ``where`` to name in its
:class:`~backstage_sched.errors.InputError`. Also the table shape checks
shared by the TOML tables and ``[[participants]]``: known keys (with a "did
you mean"), ``[[array]]`` entries and :class:`_Keys`, which reads a settings
table to its end. The underscore names are private to :mod:`backstage_sched.inputs`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar

from ..domain import TimeRule
from ..errors import InputError, Problems
from ..said import said
from . import timeexpr
from .dates import date_problem

T = TypeVar("T")

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
    return said("; did you mean '{word}'?", word=close[0]) if close else ""


def _check_keys(file: str, label: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    for key in table:
        if key not in allowed:
            hint = _suggest(key, allowed) or said("; allowed keys: {keys}",
                                                  keys=", ".join(allowed))
            raise InputError(file, label, said("unknown key '{key}' in {label}{hint}",
                                               key=key, label=label, hint=hint))


def _table(file: str, label: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(file, label, said("{label} must be a table, got {value}",
                                               label=label, value=repr(value)))
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(file: str, where: str, key: str, value: object, minimum: int | None = None) -> int:
    if not _is_int(value):
        raise InputError(file, where, said("{key} must be a whole number, got {value}",
                                                key=key, value=repr(value)))
    assert isinstance(value, int)
    if minimum is not None and value < minimum:
        raise InputError(file, where, said("{key} must be at least {minimum}, got {value}",
                                           key=key, minimum=minimum, value=value))
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
        raise InputError(file, where, said("{key} must be a number, got {value}",
                                           key=key, value=repr(value)))
    if minimum is not None and value < minimum:
        raise InputError(file, where, said("{key} must be at least {minimum}, got {value}",
                                           key=key, minimum=minimum, value=value))
    if maximum is not None and value > maximum:
        raise InputError(file, where, said("{key} must be at most {maximum}, got {value}",
                                           key=key, maximum=maximum, value=value))
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
        raise InputError(file, where, said("{key} must be text, got {value}",
                                           key=key, value=repr(value)))
    value = value.strip()
    if required and not value:
        raise InputError(file, where, said("{key} is empty", key=key))
    bad = _control_char(value)
    if bad is not None:
        raise InputError(
            file,
            where,
            said("{key} {value} contains the control character U+{code}; only printable "
                 "text is allowed (no line breaks, tabs or direction overrides)",
                 key=key, value=_show(value), code=f"{ord(bad):04X}"),
        )
    return value


class DateError(InputError):
    """A date written another way than YYYY-MM-DD, as typed for ``key``: the program file
    adds the line it stands on (:func:`.load.load_program`)."""

    def __init__(self, file: str, where: str, message: str, key: str, text: str) -> None:
        self.key, self.text = key, text
        super().__init__(file, where, message)


def _date(file: str, where: str, key: str, value: object, toml_key: str | None = None) -> date:
    """A date: a TOML date, or text written YYYY-MM-DD. Text written another way
    (``"11.01.2027"``, ``"2027-13-11"``) gets the same hint as an unquoted one."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        name = toml_key or key
        problem = date_problem(name, value)
        if problem is not None:
            raise DateError(file, where, problem, name, value.strip())
    raise InputError(file, where, said("{key} must be a date like 2027-01-11, got {value}",
                                       key=key, value=repr(value)))


def _time(file: str, where: str, key: str, value: object) -> time:
    if isinstance(value, time) and value.second == 0 and value.microsecond == 0:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        parsed = timeexpr.parse_time(value)
        if parsed is not None:
            return parsed
    raise InputError(file, where, said("{key} must be a time like 08:30, got {value}",
                                       key=key, value=repr(value)))


def _list(file: str, where: str, key: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(file, where, said("{key} must be a list, got {value}",
                                           key=key, value=repr(value)))
    return value


def _text_list(file: str, where: str, key: str, value: object) -> tuple[str, ...]:
    items = _list(file, where, key, value)
    return tuple(_text(file, where, said("each item of {key}", key=key), item,
                        required=True) for item in items)


def id_problem(text: str) -> str | None:
    """Why ``text`` cannot be an id (it names a file), or None: the one id rule of the
    loader and of every change that brings a new id (see docs/guarantees.md)."""
    if len(text) > MAX_ID_LENGTH:
        return said("is {length} characters long; at most {most} are allowed",
                    length=len(text), most=MAX_ID_LENGTH)
    if "/" in text or "\\" in text:
        return said("may not contain '/' or '\\' (it names a file in the plan folder)")
    if text[0] in ".-":
        return said("may not start with '.' or '-'")
    if not _ID.fullmatch(text):
        return said("may hold only letters, digits, '.', '-' and '_'")
    if text.split(".", 1)[0].casefold() in _RESERVED_NAMES:
        return said("is a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9)")
    return None


def _id(file: str, where: str, key: str, value: object) -> str:
    """An id that is safe as a file name on every system (see docs/guarantees.md)."""
    return checked_id(file, where, key, _text(file, where, key, value, required=True))


def checked_id(file: str | None, where: str | None, key: str, text: str) -> str:
    """``text``, when it may be an id (:func:`id_problem`); else InputError naming
    ``key`` at ``where``."""
    problem = id_problem(text)
    if problem:
        raise InputError(
            file, where, said("{key} {value} {problem} (ids name calendar files and UIDs)",
                              key=key, value=_show(text), problem=problem)
        )
    return text


def id_key(pid: str) -> str:
    """What makes two ids the same file name on Windows and macOS."""
    return unicodedata.normalize("NFC", pid).casefold()


def email_problem(email: str) -> str | None:
    """What is wrong with ``email`` as an address, or None when it looks right."""
    if any(c.isspace() for c in email):
        return said("it contains a space")
    if email.count("@") != 1:
        return said("it needs exactly one @")
    local, domain = email.split("@")
    if not local:
        return said("nothing before the @")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return said("the part after the @ must be a domain like example.org")
    return None


def _email(file: str, where: str, key: str, value: object) -> str:
    text = _text(file, where, key, value, required=True)
    problem = email_problem(text)
    if problem:
        raise InputError(file, where, said("bad e-mail '{email}': {problem}",
                                           email=text, problem=problem))
    return text


def _ids(file: str, where: str, key: str, value: object) -> tuple[str, ...]:
    """A list of ids: ``;``- (or ``,``-) separated text, or a TOML array of text."""
    if isinstance(value, str):
        raw = re.split(r"[;,]", value)
    elif isinstance(value, list):
        raw = []
        for item in value:
            raw.extend(re.split(r"[;,]", _text(file, where, said("each item of {key}", key=key),
                                                  item)))
    else:
        raise InputError(file, where, said("{key} must be a list of ids, got {value}",
                                           key=key, value=repr(value)))
    out: list[str] = []
    for item in raw:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return tuple(out)


def _rules(file: str, where: str, value: object) -> tuple[TimeRule, ...]:
    return timeexpr.parse_rules(value, file, where)


# --------------------------------------------------------------------------- table shapes


def _array(file: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(
            file, f"[[{key}]]", said("{key} must be written as [[{key}]] tables, got {value}",
                                     key=key, value=repr(value))
        )
    return value


def _entry_label(array: str, index: int, table: Mapping[str, Any]) -> str:
    """``facilitators[2] (id 'f2')``: the 1-based entry, with its id when it has one."""
    pid = table.get("id")
    if isinstance(pid, str) and pid.strip():
        return f"{array}[{index}] (id '{pid.strip()}')"
    return f"{array}[{index}]"


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

    def read(self, key: str, default: T, parse: Callable[[str, Any], T]) -> T:
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
