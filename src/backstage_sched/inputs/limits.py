"""How large an input may be: one program's registrations and the bytes of its files.

A coordinator who picks the wrong file (a whole region's export, a sheet of
400 000 rows) hears so within a second, before anything is parsed: file sizes
are checked before a file is read, a workbook's parts by the sizes its zip
directory records (before anything is unpacked), and rows are counted as they
are read, stopping at the first one over the limit. The numbers, and why
they are what they are, are in ``docs/inputs.md`` ("Limits").

- :data:`MAX_REGISTRATIONS`: participants of one program, the program
  file's ``[[participants]]`` and the participants file's rows together. The
  largest real program has about 1 500.
- :data:`MAX_PROGRAM_BYTES`, :data:`MAX_CSV_BYTES`,
  :data:`MAX_WORKBOOK_BYTES`: the files as they lie on disk.
- :data:`MAX_SHEET_XML_BYTES`, :data:`MAX_SHARED_STRINGS_BYTES`,
  :data:`MAX_UNPACKED_BYTES`, :data:`MAX_PACK_RATIO`: an ``.xlsx`` is a zip;
  these bound what it unpacks to, and refuse a zip bomb.

Busy calendars have limits of their own, in :mod:`.busy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..errors import InputError
from ..said import Said, said

Cells = TypeVar("Cells", bound=Sequence[str])  # a row's cells, as the reader gives them

__all__ = [
    "ALONE",
    "MAX_CSV_BYTES",
    "MAX_PACK_RATIO",
    "MAX_PROGRAM_BYTES",
    "MAX_REGISTRATIONS",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_SHEET_XML_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_WORKBOOK_BYTES",
    "PACKED_PARTS_FROM",
    "Registrations",
    "mib",
    "read_capped",
]

MIB = 1024 * 1024

#: Most registrations one program may hold (program file and participants file together).
MAX_REGISTRATIONS = 5000
#: Largest program file (TOML); 5 000 participants listed in it take about 1 MiB.
MAX_PROGRAM_BYTES = 5 * MIB
#: Largest participants CSV; 5 000 registrations take 0.5–3 MiB.
MAX_CSV_BYTES = 20 * MIB
#: Largest participants workbook (.xlsx) on disk; 5 000 registrations take well under 2 MiB.
MAX_WORKBOOK_BYTES = 20 * MIB
#: Most bytes one sheet of a workbook may unpack to; 5 000 rows of a Forms export
#: unpack to 3–10 MiB.
MAX_SHEET_XML_BYTES = 50 * MIB
#: Most bytes a workbook's shared text (xl/sharedStrings.xml) may unpack to.
MAX_SHARED_STRINGS_BYTES = 20 * MIB
#: Most bytes all parts of a workbook together may unpack to.
MAX_UNPACKED_BYTES = 100 * MIB
#: Most a workbook part may unpack to per packed byte: a spreadsheet's parts pack
#: 2 to 20 times, a zip bomb about 1 000 times.
MAX_PACK_RATIO = 100
#: Parts smaller than this unpacked are never judged by their ratio.
PACKED_PARTS_FROM = 1 * MIB

SPLIT = "split the program, e.g. by region, into programs of at most {most} registrations"


def split() -> Said:
    """:data:`SPLIT` with the limit in it, said in the front end's language."""
    return said("split the program, e.g. by region, into programs of at most {most} "
                "registrations", most=MAX_REGISTRATIONS)


def mib(size: int) -> str:
    """``20 MiB``, ``73.4 MiB``: a size as the limits are written.

    >>> mib(20 * 1024 * 1024), mib(77_000_000), mib(1)
    ('20 MiB', '73.4 MiB', '0.1 MiB')
    """
    value = size / MIB
    if value == int(value):
        return f"{int(value)} MiB"
    return f"{max(value, 0.1):.1f} MiB"


def read_capped(path: Path, most: int, what: str) -> bytes:
    """The bytes of the file at ``path`` (``what`` it is, for the message), refused
    when larger than ``most`` bytes: by its size before it is read, and by what
    was read should it grow meanwhile.

    Raises :class:`InputError` naming the file when it is missing, unreadable
    or too large.
    """
    file = str(path)
    if not path.is_file():
        raise InputError(file, None, said("{what} not found", what=said(what)))
    try:
        size = path.stat().st_size
        if size <= most:
            with path.open("rb") as fh:
                data = fh.read(size + 1)  # not most + 1: read() sets that much aside
                if len(data) > size:  # it grew while we looked
                    data += fh.read(most + 1 - len(data))
            size = max(size, len(data))
    except OSError as exc:
        raise InputError(file, None, said("cannot be read: {problem}",
                                          problem=str(exc))) from exc
    if size > most:
        raise InputError(file, None, too_large(said("the file is {size}", size=mib(size)),
                                               most, what))
    return data


def too_large(found: str, most: int, what: str) -> Said:
    """The message for a file over a byte limit: what was ``found``, the limit, the way on."""
    return said(
        "{found}, more than the {limit} a {what} may be (one program has at most {most} "
        "registrations, which take far less); is this the right file? If it is, {split}",
        found=found, limit=mib(most), what=said(what), most=MAX_REGISTRATIONS, split=split(),
    )


@dataclass(frozen=True)
class Registrations:
    """How many registrations a participants file may still hold.

    ``listed``: participants the program file (``program_file``) already lists;
    they count toward :data:`MAX_REGISTRATIONS` too.
    """

    listed: int = 0
    program_file: str | None = None

    @property
    def room(self) -> int:
        """Most rows of registrations the participants file may hold."""
        return max(0, MAX_REGISTRATIONS - self.listed)

    def refused(self, file: str, where: str) -> InputError:
        """The error for the registration at ``where`` of ``file``: the first one too many."""
        limit: str = said("one program may have at most {most} registrations (the largest "
                          "real one has about 1 500)", most=MAX_REGISTRATIONS)
        if self.listed:
            lists = (said("the program file {file}", file=self.program_file)
                     if self.program_file else said("the program file"))
            limit = said("{limit}, and {lists} already lists {listed}, so this file may hold "
                         "{room}", limit=limit, lists=lists, listed=self.listed, room=self.room)
        return InputError(
            file,
            where,
            said("registration number {number} of this file is one too many: {limit}. Is "
                 "this the right file? If it is, {split}", number=self.room + 1, limit=limit,
                 split=split()),
        )

    def capped(
        self,
        file: str,
        rows: Iterable[tuple[int, Cells]],
        where: Callable[[int], str],
    ) -> Iterator[tuple[int, Cells]]:
        """``rows`` (``(row number, cells)``) as they come, raising at the first row of
        text beyond the header and :attr:`room` registrations, before it is yielded
        (``where(row number)`` places it in ``file``). Blank rows do not count."""
        left = self.room + 1  # the header is the first row with text
        for number, cells in rows:
            if any(c.strip() for c in cells):
                if left == 0:
                    raise self.refused(file, where(number))
                left -= 1
            yield number, cells


ALONE = Registrations()
"""The limit of a participants file when the program file lists nobody."""
