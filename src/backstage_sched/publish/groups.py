"""The group lists: ``groups.xlsx``, a sheet per group to print or hand to a facilitator.

Each sheet names the group and its facilitator (and whoever leads some of
its sessions instead), then lists the members with title, organisation,
e-mail, phone and the session that takes their own case, then every session
with its weekday, date and time (as the program's language writes them,
``tisdag``, ``2027-03-02``, ``09:00–12:00``), whose case it is and where.
Sheets print on A4, fitted to the page's width. Texts come from the
``reports`` catalogue; the same plan gives the same bytes (:mod:`.sheets`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain import Program
from ..i18n import Language
from ..plan import Cohort, Plan
from .labels import (
    language,
    local_time,
    numeric_day,
    ordered_sessions,
    participant_name,
    session_label,
    venue_name,
    weekday,
)
from .sheets import same_style, sheet_title, workbook_bytes

GROUPS_XLSX = "groups.xlsx"
_WIDEST = 50


def groups_xlsx(program: Program, plan: Plan, stamp: datetime) -> bytes:
    """``groups.xlsx``: one sheet per cohort of ``plan``, in plan order."""
    import openpyxl

    lang = language(program)
    book = openpyxl.Workbook()
    taken: set[str] = set()
    first = book.active
    assert first is not None
    if not plan.cohorts:
        first.title = sheet_title(lang._("Groups"), taken)
        first["A1"] = lang._("No groups yet")
    for i, cohort in enumerate(plan.cohorts):
        sheet = first if i == 0 else book.create_sheet()
        sheet.title = sheet_title(cohort.id, taken)
        _group_sheet(program, cohort, lang, sheet)
    return workbook_bytes(book, stamp)


def _facilitator(program: Program, fid: str) -> str:
    """``Anna Fält, anna@example.org``; the id alone when unknown."""
    try:
        f = program.facilitator(fid)
    except KeyError:
        return fid
    return f"{f.name}, {f.email}"


def _group_sheet(program: Program, cohort: Cohort, lang: Language, sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    rows: list[list[str]] = []
    bold: list[int] = []
    rows.append([lang._("Cohort {id}", id=cohort.id)])
    rows.append([lang._("Facilitator: {name}",
        name=_facilitator(program, cohort.facilitator))])
    others: dict[str, list[int]] = {}
    for s in ordered_sessions(cohort):
        if cohort.leader(s) != cohort.facilitator:
            others.setdefault(cohort.leader(s), []).append(s.number)
    for fid, numbers in others.items():
        rows.append([lang._("Sessions {numbers} led by {name}",
            numbers=", ".join(map(str, numbers)), name=_facilitator(program, fid))])
    rows.append([])
    owns = {s.case_owner: s for s in cohort.sessions if s.case_owner}
    bold.append(len(rows) + 1)
    rows.append([lang._("Member"), lang._("Title"), lang._("Organisation"), lang._("E-mail"),
                 lang._("Phone"), lang._("Own case")])
    for pid in sorted(cohort.members, key=lambda m: (participant_name(program, m), m)):
        try:
            p = program.participant(pid)
            person = [p.name, p.title, p.organization, p.email, p.phone]
        except KeyError:  # a hand-edited plan: the id stands for itself
            person = [pid, "", "", "", ""]
        own = owns.get(pid)
        when = "" if own is None else (
            f"{session_label(lang, cohort, own)} · "
            f"{numeric_day(lang, local_time(program, own.start).date())}")
        rows.append([*person, when])
    rows.append([])
    bold.append(len(rows) + 1)
    rows.append([lang._("Session"), lang._("Weekday"), lang._("Date"), lang._("Time"),
                 lang._("Case owner"), lang._("Venue")])
    for s in ordered_sessions(cohort):
        start, end = local_time(program, s.start), local_time(program, s.end)
        owner = participant_name(program, s.case_owner) if s.case_owner else lang._("Kick-off")
        place = venue_name(program, s.venue or cohort.venue) or program.location or ""
        rows.append([str(s.number), weekday(lang, start.date()), numeric_day(lang, start.date()),
                     f"{lang.clock(start)}–{lang.clock(end)}", owner, place])
    widths: dict[int, int] = {}
    aligned: Any = None  # the first table cell; the others copy its style
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=text)
            cell.data_type = "s"  # text, never a formula
            if len(row) > 1:  # a table's cell (the title lines run wide, unwrapped)
                if aligned is None:
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
                    aligned = cell
                else:
                    same_style(cell, aligned)
                widths[c] = max(widths.get(c, 0), len(text))
    sheet["A1"].font = Font(bold=True, size=14)
    strong = Font(bold=True)
    for r in bold:
        for cell in sheet[r]:
            cell.font = strong
    from openpyxl.utils import get_column_letter
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, _WIDEST)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
