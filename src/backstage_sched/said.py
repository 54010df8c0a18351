"""Sentences for the coordinator that a front end can say in another language.

The solver's progress and the notes of a change are written in English, as
the rest of the library's messages are. A front end that speaks the program's
language (the command line, SPEC §10) needs the sentence before its values
went in: :func:`said` makes a ``str`` (the English sentence, so every caller
that only prints it is unchanged) that also keeps its template and values.
The command line looks the template up in its catalogue (``cli``) and puts the
values in again. Nothing here knows about languages.

>>> s = said("placed {count} of {total}", count=3, total=4)
>>> s, s.template, s.values
('placed 3 of 4', 'placed {count} of {total}', {'count': 3, 'total': 4})
>>> said("{count} session", "{count} sessions", count=2, plural="count")
'2 sessions'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class Said(str):
    """An English sentence with the template and values it was made of."""

    template: str
    plural: str | None  # the template for a count other than 1, when it has one
    number: int | None  # the value that picks the form (not ``count``: str.count stays)
    values: dict[str, Any]


def said(template: str, many: str | None = None, /, *, plural: str | None = None,
         **values: Any) -> Said:
    """``template.format(**values)`` as a :class:`Said`.

    With ``many`` the sentence has a plural: ``many`` is used when the value named
    ``plural`` is not 1 (a catalogue picks the form of its own language).
    """
    count = values[plural] if plural else None
    text = many if many is not None and count != 1 else template
    made = Said(text.format(**values))
    made.template, made.plural, made.number, made.values = template, many, count, values
    return made


class Joined(Said):
    """Sentences joined by a separator, each said again on its own (:func:`joined`)."""

    parts: tuple[Any, ...]
    separator: str


def joined(parts: Any, separator: str = "; ") -> Joined:
    """``separator.join(parts)`` as one value of a :func:`said` sentence: a front end says
    every part that is a :class:`Said` in its language and joins them the same way.

    >>> joined([said("row {n}", n=2), "x"], ", ")
    'row 2, x'
    """
    parts = tuple(parts)
    made = Joined(separator.join(str(p) for p in parts))
    made.template, made.plural, made.number, made.values = "{0}", None, None, {}
    made.parts, made.separator = parts, separator
    return made


class Place(Said):
    """Where in a file (``row 7``, ``line 3``, ``column 'email'``): a front end says it as
    it says an input error's place."""


def place(text: str) -> Place:
    """``text``, a place in a file, as a value of a :func:`said` sentence."""
    made = Place(text)
    made.template, made.plural, made.number, made.values = "{0}", None, None, {}
    return made


class Option(Said):
    """A setting the caller gives (``reopen``), named in a sentence: the library says
    its parameter's name, a front end its own option (the command line ``--reopen``)."""

    name: str


def option(name: str) -> Option:
    """The setting ``name`` (a parameter of the library) as a value of a :func:`said`
    sentence.

    >>> said("re-plan with {reopen} c03", reopen=option("reopen"))
    're-plan with reopen c03'
    """
    made = Option(name)
    made.template, made.plural, made.number, made.values = "{0}", None, None, {}
    made.name = name
    return made


def moment(value: datetime, form: str = "%Y-%m-%d %H:%M") -> Said:
    """``Mon 2027-01-18 08:30``: a session's start with its weekday, which a front end
    says in its language (``mån 2027-01-18 08:30``); ``form`` writes the rest."""
    return said("{weekday} {moment}", weekday=said(value.strftime("%a")),
                moment=value.strftime(form))
