"""What each organisation pays: ``costs.csv`` and ``costs-excel.csv``.

Both are deterministic functions of the program and the plan, and hold the
same rows (:func:`cost_rows`). ``costs.csv`` is a machine file with fixed
English field names; ``costs-excel.csv`` is for people, so its header row is
in the program's language. Every text cell written to a CSV file is
protected against spreadsheet formula injection (see :func:`csv_cell`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..domain import Program
from ..i18n import Language
from ..plan import Plan
from .labels import language, participant_org

COSTS_HEADER = (
    "organization",
    "participants",
    "fee",
    "vat",
    "total",
    "currency",
    "cancellation_deadline",
    "withdrawn_charged",
)
_CENT = Decimal("0.01")


def excel_header(lang: Language) -> tuple[str, ...]:
    """The column names of ``costs-excel.csv`` in ``lang``, in the order of ``COSTS_HEADER``.

    >>> excel_header(Language("sv"))[:3]
    ('Organisation', 'Deltagare', 'Avgift exkl. moms')
    """
    return (
        lang._("Organisation"),
        lang._("Participants"),
        lang._("Fee excl. VAT"),
        lang._("VAT"),
        lang._("Total incl. VAT"),
        lang._("Currency"),
        lang._("Earliest cancellation deadline"),
        lang._("Withdrew late, charged"),
    )

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """``text`` made safe for a spreadsheet: a leading ``= + - @``, tab or CR gets ``'``.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("Alfa AB")
    ("'=HYPERLINK(1)", 'Alfa AB')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def plain_money(value: Decimal) -> str:
    """A plain decimal: an integer when whole, else two decimals; no separators.

    >>> plain_money(Decimal("43750.00")), plain_money(Decimal("0.125"))
    ('43750', '0.13')
    """
    value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def _amounts(program: Program, count: int) -> tuple[Decimal, Decimal, Decimal]:
    fee = (Decimal(str(program.policy.fee)) * count).quantize(_CENT, rounding=ROUND_HALF_UP)
    vat = (fee * Decimal(str(program.policy.vat_rate))).quantize(_CENT, rounding=ROUND_HALF_UP)
    return fee, vat, fee + vat


@dataclass(frozen=True)
class CostRow:
    """What one organisation pays: counts, amounts, earliest cancellation deadline."""

    organization: str
    participants: int
    fee: Decimal
    vat: Decimal
    total: Decimal
    deadline: date | None
    withdrawn_charged: int


def cost_rows(program: Program, plan: Plan) -> list[CostRow]:
    """One row per organisation, sorted by organisation.

    Counts placed participants plus those who withdrew on or after their
    cohort's cancellation deadline (``plan.history.withdrawals`` with
    ``fee_due``): they pay the full fee and are counted in ``withdrawn_charged``.
    """
    charged: dict[str, list[date | None]] = defaultdict(list)
    for w in plan.history.withdrawals:
        if w.fee_due:
            charged[w.organization].append(w.cancellation_deadline)
    placed: dict[str, list[date]] = defaultdict(list)
    for cohort in plan.cohorts:
        for pid in cohort.members:
            placed[participant_org(program, pid)].append(cohort.cancellation_deadline)
    rows = []
    for org in sorted(set(placed) | set(charged)):
        late = charged.get(org, [])
        count = len(placed.get(org, [])) + len(late)
        fee, vat, total = _amounts(program, count)
        known = [d for d in [*placed.get(org, []), *late] if d is not None]
        rows.append(CostRow(org, count, fee, vat, total, min(known, default=None), len(late)))
    return rows


def _cost_cells(program: Program, row: CostRow, money: Callable[[Decimal], str]) -> list[str | int]:
    return [
        csv_cell(row.organization),
        row.participants,
        money(row.fee),
        money(row.vat),
        money(row.total),
        csv_cell(program.policy.currency),
        row.deadline.isoformat() if row.deadline else "",
        row.withdrawn_charged,
    ]


def costs_csv(program: Program, plan: Plan) -> str:
    """Fees per organisation, sorted by organisation (CSV text, for machines).

    Comma-separated, CRLF, amounts with a decimal point and no grouping,
    dates ISO 8601; written as UTF-8 without BOM. Counts placed participants
    plus those who withdrew on or after their cohort's cancellation deadline
    (``plan.history.withdrawals`` with ``fee_due``): they pay the full
    fee; the last column says how many. Text cells pass through :func:`csv_cell`.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COSTS_HEADER)
    for row in cost_rows(program, plan):
        writer.writerow(_cost_cells(program, row, plain_money))
    return buf.getvalue()


def costs_excel_csv(program: Program, plan: Plan) -> bytes:
    """The rows of :func:`costs_csv` as bytes for Swedish Excel (``costs-excel.csv``).

    Swedish Excel opens a double-clicked ``.csv`` with the regional list
    separator, which is ``;`` because the comma is the decimal sign, and reads
    it as UTF-8 only when the file starts with a byte order mark. So: ``;``
    between fields, UTF-8 with BOM, CRLF line ends, amounts with a decimal
    comma and no grouping (``43749,98``), dates as ISO ``YYYY-MM-DD``; no
    ``sep=`` line (it makes Excel ignore the BOM). Same columns and rows as
    ``costs.csv``, the header in the program's language
    (:func:`excel_header`); text cells pass through :func:`csv_cell`.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in excel_header(language(program))])
    for row in cost_rows(program, plan):
        writer.writerow(_cost_cells(program, row, lambda v: plain_money(v).replace(".", ",")))
    return buf.getvalue().encode("utf-8-sig")



