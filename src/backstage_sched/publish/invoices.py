"""The invoice basis: ``invoices.xlsx`` and ``invoices.csv``, a row per billable person.

Who is billed is who :mod:`.costs` counts: every member of a cohort, and
everyone who withdrew on or after their cohort's cancellation deadline
(``plan.history.withdrawals`` with ``fee_due``). Each row says why: the
person registered, took the place over from a colleague (``transfer``), or
withdrew too late. Every person pays the fee and its VAT; the VAT of an
organisation is rounded as ``costs.csv`` rounds it, and any öre the rounding
leaves go to its last row, so an organisation's rows add up to its row of
``costs.csv``, and all rows to the sum of ``costs.csv``.

The workbook has a sheet of everyone with the grand total, then a sheet per
organisation with its subtotal; amounts are numbers with a currency format.
The CSV holds the rows of the first sheet as Swedish Excel opens a CSV (as
``costs-excel.csv`` is written). Headings and reasons are in the program's
language (catalogue ``reports``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain import Program
from ..i18n import Language
from ..plan import Plan
from .costs import cost_rows, csv_cell, plain_money
from .labels import language, numeric_day, participant_org
from .sheets import bold_row, fill_sheet, money_format, sheet_title, workbook_bytes

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

INVOICES_XLSX = "invoices.xlsx"
INVOICES_CSV = "invoices.csv"
#: The columns holding amounts (0-based), in the order of :func:`invoice_header`.
_MONEY = (6, 7, 8)


@dataclass(frozen=True)
class InvoiceRow:
    """One billable person: who, whom to invoice, what and why."""

    participant: str
    name: str
    email: str
    organization: str
    org_number: str
    invoice_reference: str
    cohort: str
    fee: Decimal
    vat: Decimal
    total: Decimal
    why: str


def invoice_header(lang: Language) -> tuple[str, ...]:
    """The column names of the invoice basis in ``lang``.

    >>> invoice_header(Language("sv"))[:4]
    ('Organisation', 'Organisationsnummer', 'Fakturareferens', 'Namn')
    """
    return (
        lang._("Organisation"),
        lang._("Organisation number"),
        lang._("Invoice reference"),
        lang._("Name"),
        lang._("E-mail"),
        lang._("Group"),
        lang._("Fee excl. VAT"),
        lang._("VAT"),
        lang._("Total incl. VAT"),
        lang._("Currency"),
        lang._("Why billed"),
    )


def invoice_rows(program: Program, plan: Plan) -> list[InvoiceRow]:
    """Every billable person, by organisation (as ``costs.csv`` sorts them), then name."""
    lang = language(program)
    by_org: dict[str, list[InvoiceRow]] = defaultdict(list)
    for cohort in plan.cohorts:
        for pid in cohort.members:
            org = participant_org(program, pid)
            try:
                p = program.participant(pid)
            except KeyError:  # a hand-edited plan: the id stands for itself
                by_org[org].append(_row(pid, pid, "", org, "", "", cohort.id,
                                        lang._("Registered")))
                continue
            why = (lang._("Took over the place from {name}", name=p.took_over_from)
                   if p.took_over_from else lang._("Registered"))
            by_org[org].append(_row(pid, p.name, p.email, org, p.org_number,
                                    p.invoice_reference, cohort.id, why))
    for w in plan.history.withdrawals:
        if not w.fee_due:
            continue
        deadline = "" if w.cancellation_deadline is None else numeric_day(
            lang, w.cancellation_deadline)
        why = lang._("Withdrew on {day}, when the registration was binding (from "
                     "{deadline})", day=numeric_day(lang, w.on), deadline=deadline)
        by_org[w.organization].append(_row(w.participant, w.name, w.email, w.organization,
                                           w.org_number, w.invoice_reference, w.cohort or "",
                                           why))
    out: list[InvoiceRow] = []
    for cost in cost_rows(program, plan):
        rows = sorted(by_org.get(cost.organization, []),
                      key=lambda r: (r.name.casefold(), r.participant))
        assert len(rows) == cost.participants, cost.organization
        out += _priced(program, rows, cost.fee, cost.vat)
    return out


def _row(pid: str, name: str, email: str, org: str, org_number: str, reference: str,
         cohort: str, why: str) -> InvoiceRow:
    zero = Decimal(0)
    return InvoiceRow(pid, name, email, org, org_number, reference, cohort, zero, zero, zero,
                      why)


def _priced(program: Program, rows: list[InvoiceRow], fee: Decimal,
            vat: Decimal) -> list[InvoiceRow]:
    """``rows`` with the fee and VAT of one person each; the last row takes what the
    rounding of the organisation's ``fee`` and ``vat`` (``costs.csv``) leaves over."""
    if not rows:
        return []
    cent = Decimal("0.01")
    one = Decimal(str(program.policy.fee)).quantize(cent)
    one_vat = (one * Decimal(str(program.policy.vat_rate))).quantize(cent)
    out = []
    for i, row in enumerate(rows):
        last = i == len(rows) - 1
        f = fee - one * (len(rows) - 1) if last else one
        v = vat - one_vat * (len(rows) - 1) if last else one_vat
        out.append(replace(row, fee=f, vat=v, total=f + v))
    return out


def _cells(program: Program, row: InvoiceRow) -> list[object]:
    return [row.organization, row.org_number, row.invoice_reference, row.name, row.email,
            row.cohort, row.fee, row.vat, row.total, program.policy.currency, row.why]


def invoices_csv(program: Program, plan: Plan) -> bytes:
    """``invoices.csv``: the rows of :func:`invoice_rows` as Swedish Excel opens a CSV.

    ``;`` between fields, UTF-8 with byte order mark, CRLF, amounts with a
    decimal comma and no grouping, the header in the program's language;
    text cells pass :func:`~.costs.csv_cell` (no formula runs in a spreadsheet).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in invoice_header(language(program))])
    for row in invoice_rows(program, plan):
        writer.writerow([
            plain_money(v).replace(".", ",") if isinstance(v, Decimal) else csv_cell(str(v))
            for v in _cells(program, row)
        ])
    return buf.getvalue().encode("utf-8-sig")


def invoices_xlsx(program: Program, plan: Plan, stamp: datetime) -> bytes:
    """``invoices.xlsx``: a sheet of everyone with the grand total, then a sheet per
    organisation with its subtotal (deterministic bytes, see :mod:`.sheets`)."""
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    lang = language(program)
    header = invoice_header(lang)
    money = money_format(lang, program.policy.currency)
    rows = invoice_rows(program, plan)
    book = openpyxl.Workbook()
    taken: set[str] = set()
    first = book.active
    assert isinstance(first, Worksheet)  # a new workbook's one sheet
    first.title = sheet_title(lang._("All"), taken)
    _sheet(program, first, header, rows, money, lang._("Total"))
    by_org: dict[str, list[InvoiceRow]] = defaultdict(list)
    for row in rows:
        by_org[row.organization].append(row)
    for org, org_rows in by_org.items():
        sheet = book.create_sheet(sheet_title(org, taken))
        _sheet(program, sheet, header, org_rows, money, lang._("Subtotal"))
    return workbook_bytes(book, stamp)


def _sheet(program: Program, sheet: Worksheet, header: tuple[str, ...], rows: list[InvoiceRow],
           money: str, label: str) -> None:
    """The rows and, below them, a bold sum line ``label`` with the count of people."""
    nxt = fill_sheet(sheet, header, (_cells(program, r) for r in rows), _MONEY, money)
    lang = language(program)
    people = lang.n_("{n} person", "{n} people", len(rows), n=len(rows))
    sums = [sum((getattr(r, key) for r in rows), Decimal(0)) for key in ("fee", "vat", "total")]
    line: list[str | float] = [label, "", "", people, "", "", *map(float, sums),
                               program.policy.currency, ""]
    for c, value in enumerate(line, start=1):
        cell = sheet.cell(row=nxt, column=c, value=value)
        if c - 1 in _MONEY:
            cell.number_format = money
    bold_row(sheet, nxt)
