"""The starting templates: a commented ``program.toml`` and a participants file.

``program.toml`` has every section and key with its default and a one-line
comment; ``participants.csv`` is ``;``-separated, UTF-8 with BOM, as Swedish
Excel saves it, with eight example rows. ``participants.xlsx`` (with
``xlsx=True``) is the same rows as an Excel workbook, headed as an office
heads its own sheets: in Swedish, the language of the program template
(``country = "SE"``); the participants reader knows those headings
(:mod:`.columns`). The files
plan as they are, so a coordinator sees a whole plan before typing in their
own registrations.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..said import said
from . import workbook
from .columns import TEMPLATE_HEADINGS

PROGRAM = "program.toml"
PARTICIPANTS = "participants.csv"
PARTICIPANTS_XLSX = "participants.xlsx"
FILES: tuple[str, ...] = (PROGRAM, PARTICIPANTS)
FILES_XLSX: tuple[str, ...] = (PROGRAM, PARTICIPANTS_XLSX)
YEAR_TOKEN = "@YEAR@"
#: The name of the one sheet of ``participants.xlsx``.
SHEET = "participants"
#: The language of the program template, and so of the workbook's headings.
TEMPLATE_LANGUAGE = "sv"


def template_text(name: str, year: int) -> str:
    """The text of template ``name`` (``program.toml`` or ``participants.csv``) for ``year``.

    The CSV text starts with a byte order mark, as Excel writes "CSV UTF-8".
    """
    raw = resources.files(__package__).joinpath("templates", name).read_bytes()
    return raw.decode("utf-8").replace(YEAR_TOKEN, str(year))


def template_rows(year: int, language: str | None = None) -> list[list[str]]:
    """The header and example rows of the participants template for ``year``, as text.

    The header holds SPEC §3's names, or with ``language`` the headings an office
    of that language writes (``Namn``, ``E-post``, ... in Swedish) when it has them.
    """
    text = template_text(PARTICIPANTS, year).removeprefix("\ufeff")
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") if row]
    headings = TEMPLATE_HEADINGS.get(language or "", {})
    rows[0] = [headings.get(name, name) for name in rows[0]]
    return rows


def write_templates(
    folder: str | Path, year: int | None = None, force: bool = False, xlsx: bool = False
) -> list[Path]:
    """Write ``program.toml`` and ``participants.csv`` into ``folder``; return their paths.

    ``year`` (default: next year) is the year of the program window and the
    example dates. With ``xlsx`` the participants are ``participants.xlsx``,
    a workbook of the same rows under Swedish headings (:data:`TEMPLATE_LANGUAGE`).
    Raises :class:`InputError` when a file exists and ``force`` is false; nothing
    is written then.
    """
    folder = Path(folder)
    year = year if year is not None else date.today().year + 1
    targets = [folder / name for name in (FILES_XLSX if xlsx else FILES)]
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), None, said("exists and is not a folder"))
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        raise InputError(
            None, None,
            said("{names} already exists; nothing was written. Choose another folder, or "
                 "add --force to overwrite", "{names} already exist; nothing was written. "
                 "Choose another folder, or add --force to overwrite", names=names,
                 count=len(existing), plural="count"),
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path in targets:
        if path.name == PARTICIPANTS_XLSX:
            workbook.write_sheet(path, SHEET, template_rows(year, TEMPLATE_LANGUAGE))
            continue
        # newline="" keeps the template's line endings (CRLF in the CSV, as Excel writes)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(template_text(path.name, year))
    return targets
