"""The starting templates: a commented ``program.toml`` and a ``participants.csv``.

``program.toml`` has every section and key with its default and a one-line
comment; ``participants.csv`` is ``;``-separated, UTF-8 with BOM, as Swedish
Excel saves it, with eight example rows. The two plan as they are, so a
coordinator sees a whole plan before typing in their own registrations.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

from ..errors import InputError

PROGRAM = "program.toml"
PARTICIPANTS = "participants.csv"
FILES: tuple[str, ...] = (PROGRAM, PARTICIPANTS)
YEAR_TOKEN = "@YEAR@"


def template_text(name: str, year: int) -> str:
    """The text of template ``name`` (``program.toml`` or ``participants.csv``) for ``year``.

    The CSV text starts with a byte order mark, as Excel writes "CSV UTF-8".
    """
    raw = resources.files(__package__).joinpath("templates", name).read_bytes()
    return raw.decode("utf-8").replace(YEAR_TOKEN, str(year))


def write_templates(folder: str | Path, year: int | None = None, force: bool = False) -> list[Path]:
    """Write ``program.toml`` and ``participants.csv`` into ``folder``; return their paths.

    ``year`` (default: next year) is the year of the program window and the
    example dates. Raises :class:`InputError` when a file exists and ``force``
    is false; nothing is written then.
    """
    folder = Path(folder)
    year = year if year is not None else date.today().year + 1
    targets = [folder / name for name in FILES]
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), None, "exists and is not a folder")
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        raise InputError(
            None, None,
            f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was written. "
            "Choose another folder, or add --force to overwrite",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path in targets:
        # newline="" keeps the template's line endings (CRLF in the CSV, as Excel writes)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(template_text(path.name, year))
    return targets
