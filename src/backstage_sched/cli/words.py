"""The language the command line speaks (SPEC §10).

Before a program is read (``--help``, a missing file, a bad option) the
command line follows the environment: ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``
(the first one set) starting with ``sv`` is Swedish, anything else English.
Once a program is read it speaks the program's language (:meth:`Speech.use`).
Its texts are in the ``cli`` catalogue, argparse's own among them
(:func:`argparse_speaks`). Sentences the library made with
:func:`~backstage_sched.said.said` (the solver's progress, the notes of a
change) are said again from their template (:meth:`Speech.say`).

>>> t = Speech("sv")
>>> t._("Nothing was written.")
'Inget har skrivits.'
>>> from backstage_sched.said import said
>>> t.say(said("placed {placed} of {registered}", placed=3, registered=4))
'placerade 3 av 4'
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..domain import LANGUAGES
from ..errors import InputError, InputErrors
from ..i18n import Language
from ..said import Joined, Option, Place, Said

DOMAIN = "cli"


def environment_language(env: Mapping[str, str] | None = None) -> str:
    """``sv`` when the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set starts
    with ``sv``, else ``en``."""
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


def program_language(path: Path | None) -> str | None:
    """The language of the program file at ``path`` (``[program] language``, else Swedish
    when ``country`` is SE, as :attr:`Program.lang` says), or None when it cannot be read:
    so that an error in the participants file is said in the program's language."""
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            return _language_of(tomllib.load(fh).get("program", {}))
    except (OSError, ValueError, AttributeError):
        return None


def folder_language(folder: Path | None) -> str | None:
    """The language of the program a plan folder was written for (its ``input.json``), or
    None when it cannot be read: so that an early error about the folder or ``--out`` is
    said in the program's language."""
    if folder is None:
        return None
    try:
        return _language_of(json.loads((Path(folder) / "input.json").read_text(
            encoding="utf-8")))
    except (OSError, ValueError, AttributeError):
        return None


def _language_of(program: dict[str, Any]) -> str | None:
    """The language a program's table or snapshot gives (``language``, else Swedish when
    ``country`` is SE, as :attr:`Program.lang` says), or None when it is none we speak."""
    language = program.get("language") or ("sv" if program.get("country", "SE") == "SE"
                                            else "en")
    return language if language in LANGUAGES else None


class Speech:
    """The command line's texts in one language; :meth:`use` changes the language."""

    def __init__(self, code: str | None = None) -> None:
        self.language = Language(code or environment_language(), DOMAIN)

    @property
    def code(self) -> str:
        return self.language.code

    def use(self, code: str | None) -> None:
        """Speak ``code`` from now on (a program's language); None keeps the language."""
        if code:
            self.language = Language(code, DOMAIN)

    def _(self, text: str, /, **fields: object) -> str:
        """``text`` in this language, filled with ``fields`` (:meth:`Language._`); a text
        the ``cli`` catalogue lacks is looked up in ``reasons`` (the names of the rules)."""
        told = self.language._(text)
        if told == text and self.code != "en":
            told = self.language.of("reasons")._(text)
        return told.format(**fields) if fields else told

    def n_(self, one: str, many: str, count: int, /, **fields: object) -> str:
        """The form of ``one``/``many`` for ``count`` in this language, filled with
        ``fields``."""
        return self.language.n_(one, many, count, **fields)

    def say(self, text: Any) -> str:
        """``text`` in this language when it is a :class:`Said` sentence (its values said
        too), else as it is."""
        if not isinstance(text, Said):
            return str(text)
        if isinstance(text, Place):
            return self.where(str(text)) or ""
        if isinstance(text, Option):  # the library's parameter is the command's option
            return "--" + text.name.replace("_", "-")
        if isinstance(text, Joined):
            return text.separator.join(self.say(p) for p in text.parts)
        values = {k: self.say(v) if isinstance(v, Said) else v for k, v in text.values.items()}
        if text.plural is not None and text.number is not None:
            pattern = self.n_(text.template, text.plural, text.number)
        else:
            pattern = self._(text.template)
        return pattern.format(**values)

    def where(self, text: str | None) -> str | None:
        """An input error's place (``row 4``, ``line 12``, ``column 'email'``) in this language."""
        if not text or (isinstance(text, Said) and not isinstance(text, Place)):
            return self.say(text) if text else text
        for pattern, template in _PLACES:
            def put(m: re.Match[str], t: str = template) -> str:
                return self._(t).format(*m.groups())
            text = pattern.sub(put, text)
        return text

    @contextmanager
    def argparse_speaks(self) -> Iterator[None]:
        """argparse's own texts (``usage:``, ``options``, its errors) in this language while
        the block builds and runs a parser; argparse as it was afterwards."""
        saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]  # not in typeshed
        argparse._ = self._  # type: ignore[attr-defined]  # not in typeshed
        argparse.ngettext = self.n_  # type: ignore[attr-defined]  # not in typeshed
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]  # not in typeshed


_PLACES = [
    (re.compile(r"\brow (\d+)"), "row {0}"),
    (re.compile(r"\bline (\d+)"), "line {0}"),
    (re.compile(r"\bcolumn\b"), "column"),
    (re.compile(r"^sheet\b"), "sheet"),
    (re.compile(r"^cohort$"), "cohort"),
    (re.compile(r"^participant$"), "participant"),
    (re.compile(r"^session$"), "session"),
]
"""The places an :class:`~backstage_sched.errors.InputError` names most often."""


def _argparse_texts(t: Speech) -> None:
    """argparse's texts, so that the catalogue holds them (never called)."""
    t._("usage: ")
    t._("positional arguments")
    t._("options")
    t._("show this help message and exit")
    t._("the following arguments are required: %s")
    t._("%(prog)s: error: %(message)s\n")
    t._("invalid choice: %(value)r (choose from %(choices)s)")
    t._("argument %(argument_name)s: %(message)s")
    t._("unrecognized arguments: %s")
    t._("expected one argument")
    t._("expected at most one argument")
    t._("expected at least one argument")
    t.n_("expected %s argument", "expected %s arguments", 2)
    t._("ambiguous option: %(option)s could match %(matches)s")
    t._("invalid %(type)s value: %(value)r")
    t._("not allowed with argument %s")
    t._("one of the arguments %s is required")
    t._("ignored explicit argument %r")
    t._("unexpected option string: %s")
    t._("unknown parser %(parser_name)r (choices: %(choices)s)")


class SpeakingParser(argparse.ArgumentParser):
    """An ArgumentParser that says argparse's own texts in the command line's language
    (:data:`speech`) while it builds, parses and prints; its subparsers are of its class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with speech.argparse_speaks():
            super().__init__(*args, **kwargs)

    def format_usage(self) -> str:
        with speech.argparse_speaks():
            return super().format_usage()

    def format_help(self) -> str:
        with speech.argparse_speaks():
            return super().format_help()

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with speech.argparse_speaks():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> Any:
        with speech.argparse_speaks():
            super().error(message)


def input_error(exc: InputError, flags: Mapping[str, str] | None = None) -> str:
    """``exc`` as the coordinator reads it: its file and place (row, line, column) in the
    command line's language, or the option that gave the data it names (``flags``:
    ``{"participant": "--from"}``); the message as the library wrote it, said again when
    it can be."""
    if isinstance(exc, InputErrors):
        lines = [f"  - {input_error(e, flags)}" for e in exc.errors[: exc.SHOWN]]
        more = len(exc.errors) - exc.SHOWN
        if more > 0:
            lines.append("  " + speech._("and {count} more", count=more))
        head = speech.n_("{count} problem in the input:", "{count} problems in the input:",
                         len(exc.errors), count=len(exc.errors))
        return head + "\n" + "\n".join(lines)
    flag = (flags or {}).get(exc.where or "")
    parts = [p for p in (exc.file, flag or speech.where(exc.where)) if p]
    message = speech.say(exc.message)
    return f"{', '.join(parts)}: {message}" if parts else message


speech = Speech()
"""What the command line says, in the environment's language until a program is read."""
