"""Human-readable outputs: ``costs.csv``, ``costs-excel.csv`` and ``overview.html``.

All are deterministic functions of the program and the plan. Every text
cell written to a CSV file is protected against spreadsheet formula
injection (see :func:`csv_cell`); everything written into HTML is escaped.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from ..domain import Program
from ..inputs.workdays import public_holidays
from ..plan import Cohort, Plan, Session

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
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------
# costs


def csv_cell(text: str) -> str:
    """``text`` made safe for a spreadsheet: a leading ``= + - @``, tab or CR gets ``'``.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("Alfa AB")
    ("'=HYPERLINK(1)", 'Alfa AB')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def _money(value: Decimal) -> str:
    """A plain decimal: an integer when whole, else two decimals; no separators."""
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
    cohort's cancellation deadline (``plan.objective["withdrawals"]`` with
    ``fee_due``): they pay the full fee and are counted in ``withdrawn_charged``.
    """
    charged: dict[str, list[date | None]] = defaultdict(list)
    for record in _withdrawals(plan):
        if record.get("fee_due"):
            charged[str(record.get("organization") or "")].append(
                _iso_date(record.get("cancellation_deadline"))
            )
    placed: dict[str, list[date]] = defaultdict(list)
    for cohort in plan.cohorts:
        for pid in cohort.members:
            placed[_porg(program, pid)].append(cohort.cancellation_deadline)
    rows = []
    for org in sorted(set(placed) | set(charged)):
        late = charged.get(org, [])
        count = len(placed.get(org, [])) + len(late)
        fee, vat, total = _amounts(program, count)
        known = [d for d in [*placed.get(org, []), *late] if d is not None]
        rows.append(CostRow(org, count, fee, vat, total, min(known, default=None), len(late)))
    return rows


def _cost_cells(program: Program, row: CostRow, money: Any) -> list[str | int]:
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
    (``plan.objective["withdrawals"]`` with ``fee_due``): they pay the full
    fee; the last column says how many. Text cells pass through :func:`csv_cell`.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COSTS_HEADER)
    for row in cost_rows(program, plan):
        writer.writerow(_cost_cells(program, row, _money))
    return buf.getvalue()


def costs_excel_csv(program: Program, plan: Plan) -> bytes:
    """The rows of :func:`costs_csv` as bytes for Swedish Excel (``costs-excel.csv``).

    Swedish Excel opens a double-clicked ``.csv`` with the regional list
    separator, which is ``;`` because the comma is the decimal sign, and reads
    it as UTF-8 only when the file starts with a byte order mark. So: ``;``
    between fields, UTF-8 with BOM, CRLF line ends, amounts with a decimal
    comma and no grouping (``43749,98``), dates as ISO ``YYYY-MM-DD``; no
    ``sep=`` line (it makes Excel ignore the BOM). Same header and rows as
    ``costs.csv``; text cells pass through :func:`csv_cell`.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(COSTS_HEADER)
    for row in cost_rows(program, plan):
        writer.writerow(_cost_cells(program, row, lambda v: _money(v).replace(".", ",")))
    return buf.getvalue().encode("utf-8-sig")


def _withdrawals(plan: Plan) -> list[dict[str, Any]]:
    records = plan.objective.get("withdrawals") or []
    return [r for r in records if isinstance(r, dict)]


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# overview.html

_CSS = """
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2430; line-height: 1.4;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
h1 { margin-bottom: 0.2rem; line-height: 1.2; }
h2 { margin-top: 2.2rem; border-bottom: 2px solid #d8dee9; padding-bottom: 0.2rem; }
h3 { margin-bottom: 0.4rem; }
.sub, .meta, .id { color: #5c6773; }
.sub { margin-top: 0.3rem; }
.figures { display: flex; flex-wrap: wrap; gap: 0.6rem; padding: 0; list-style: none; }
.figures li { background: #f1f4f8; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 7.5rem; }
.figures b { display: block; font-size: 1.5rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d8dee9; padding: 0.25rem 0.6rem; text-align: left;
  vertical-align: top; }
th { background: #f1f4f8; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; }
td.why { white-space: pre-line; min-width: 16rem; }
tfoot td { font-weight: 600; background: #f8fafc; }
.cohort { margin-bottom: 1.5rem; }
.timeline svg { display: block; width: 100%; min-width: 58rem; height: auto; font-family: inherit; }
.none { color: #5c6773; font-style: italic; }
.warn { color: #9a3412; }
details { margin: 0.5rem 0 1rem; }
summary { cursor: pointer; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 0.6rem; font-size: 15px; }
  h1 { font-size: 1.45rem; }
  h2 { font-size: 1.2rem; margin-top: 1.6rem; }
  .figures li { min-width: 6.2rem; padding: 0.4rem 0.7rem; }
  .figures b { font-size: 1.25rem; }
  th, td { padding: 0.2rem 0.4rem; }
}
@media print { .scroll { overflow: visible; } }
"""


def _local(program: Program, moment: datetime) -> datetime:
    zone = ZoneInfo(program.timezone)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _pname(program: Program, pid: str | None) -> str:
    if pid is None:
        return ""
    try:
        return program.participant(pid).name
    except KeyError:
        return pid


def _porg(program: Program, pid: str) -> str:
    try:
        return program.participant(pid).organization
    except KeyError:
        return ""


def _pexp(program: Program, pid: str) -> str:
    try:
        return program.participant(pid).experience
    except KeyError:
        return ""


def _fname(program: Program, fid: str) -> str:
    try:
        return program.facilitator(fid).name
    except KeyError:
        return fid


def _vname(program: Program, vid: str | None) -> str:
    if not vid:
        return ""
    for v in program.venues:
        if v.id == vid:
            return v.name
    return vid


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _human_money(value: Decimal) -> str:
    """``43750`` as ``43 750`` (no-break space), cents only when not whole."""
    text = _money(value)
    whole, _, cents = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{grouped}.{cents}" if cents else grouped


def _person(program: Program, pid: str) -> str:
    """Escaped name with the id in grey (the id alone when unknown)."""
    name = _pname(program, pid)
    if name == pid:
        return _e(pid)
    return f'{_e(name)} <span class="id">({_e(pid)})</span>'


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    num: tuple[int, ...] = (),
    foot: Sequence[str] | None = None,
    cls: dict[int, str] | None = None,
) -> str:
    """An HTML table in a horizontally scrolling box; cells are already escaped."""
    classes = {i: "num" for i in num} | (cls or {})

    def row(cells: Sequence[str]) -> str:
        return (
            "<tr>"
            + "".join(
                f'<td class="{classes[i]}">{c}</td>' if i in classes else f"<td>{c}</td>"
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )

    out = ['<div class="scroll">', "<table>"]
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>")
    out += ["<tbody>", *(row(r) for r in rows), "</tbody>"]
    if foot is not None:
        out.append(f"<tfoot>{row(foot)}</tfoot>")
    out += ["</table>", "</div>"]
    return "\n".join(out)


def _session_label(cohort: Cohort, session: Session) -> str:
    text = f"session {session.index + 1}/{len(cohort.sessions)}"
    return text + " (kick-off)" if session.index == 0 else text


def _ordered(cohort: Cohort) -> list[Session]:
    return sorted(cohort.sessions, key=lambda s: s.index)


def _cohort_section(program: Program, cohort: Cohort) -> str:
    venue = _vname(program, cohort.venue) or "—"
    out = [f'<section class="cohort" id="cohort-{_e(cohort.id)}">']
    out.append(f"<h3>Cohort {_e(cohort.id)}</h3>")
    out.append(
        f'<p class="meta">Facilitator: {_e(_fname(program, cohort.facilitator))}'
        f" · Venue: {_e(venue)} · {len(cohort.members)} members"
        f" · Cancellation deadline: {_e(cohort.cancellation_deadline.isoformat())}</p>"
    )
    owns = {s.case_owner: s for s in cohort.sessions if s.case_owner}
    members = sorted(cohort.members, key=lambda pid: (_pname(program, pid), pid))
    rows = []
    for pid in members:
        own = owns.get(pid)
        when = _local(program, own.start).date().isoformat() if own else "—"
        rows.append(
            [
                _person(program, pid),
                _e(_porg(program, pid)),
                _e(_pexp(program, pid)),
                f"{own.index + 1} · {when}" if own else when,
            ]
        )
    head = ("Member", "Organisation", "Experience", "Own case (session)")
    out.append(_table(head, rows, cls={3: "date"}))
    rows = []
    for s in _ordered(cohort):
        start, end = _local(program, s.start), _local(program, s.end)
        rows.append(
            [
                _e(s.index + 1),
                _e(start.date().isoformat()),
                _e(_WEEKDAYS[start.weekday()]),
                _e(f"{start:%H:%M}–{end:%H:%M}"),
                _e(_pname(program, s.case_owner)) if s.case_owner else "kick-off",
                _e(_vname(program, s.venue or cohort.venue)) or "—",
            ]
        )
    out.append(
        _table(
            ("#", "Date", "Weekday", "Time", "Case owner", "Venue"),
            rows,
            num=(0,),
            cls={1: "date", 3: "date"},
        )
    )
    out.append("</section>")
    return "\n".join(out)


def _closed_days(program: Program, first: date, end: date) -> list[tuple[date, str, str]]:
    """(day, kind, name) of public holidays and extra closed days in ``[first, end)``."""
    try:
        table = public_holidays(
            program.country, program.holiday_categories, range(first.year, end.year + 1)
        )
    except (NotImplementedError, KeyError, ValueError):
        table = {}
    days = [(d, "holiday", str(name)) for d, name in table.items() if first <= d < end]
    extra = {d for d in program.extra_closed if first <= d < end}
    days += [(d, "closed", "extra closed day") for d in extra]
    return sorted(days)


def _timeline(program: Program, plan: Plan) -> str:
    """An inline SVG: one row per cohort, months along x, a mark per session.

    Blackouts are grey ``<rect class="blackout">``; public holidays and extra
    closed days are one-day ``<line class="holiday">`` / ``<line class="closed">``.
    """
    first = date(program.start.year, program.start.month, 1)
    dates = [_local(program, s.start).date() for c in plan.cohorts for s in c.sessions]
    last_day = max([program.end, *dates])
    first = min([first, *[date(d.year, d.month, 1) for d in dates]])
    end = date(last_day.year + (last_day.month == 12), last_day.month % 12 + 1, 1)
    labels = []
    for c in plan.cohorts:
        name = _fname(program, c.facilitator)
        labels.append((c.id, name if len(name) <= 24 else name[:23] + "…"))
    longest = max([len(cid) + 3 + len(name) for cid, name in labels], default=4)
    left = min(240, max(60, int(longest * 6.6) + 16))
    top, row_h, width = 30, 24, 900
    rows_bottom = top + row_h * max(1, len(plan.cohorts)) + 4
    height = rows_bottom + 34
    scale = width / (end - first).days
    total_w = left + width + 10

    def x(d: date) -> float:
        return left + (d - first).days * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{total_w}" '
        f'height="{height}" viewBox="0 0 {total_w} {height}" '
        'aria-labelledby="timeline-title">',
        '<title id="timeline-title">Timeline of sessions per cohort</title>',
    ]
    shown: set[str] = set()
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        lo, hi = max(b.start, first), min(b.end + timedelta(days=1), end)
        if lo >= hi:
            continue
        shown.add("blackout")
        parts.append(
            f'<rect class="blackout" x="{x(lo):.1f}" y="{top - 6}" '
            f'width="{(hi - lo).days * scale:.1f}" height="{rows_bottom - top + 6}" '
            f'fill="#e5e7eb"><title>{_e(b.name)}: '
            f"{b.start.isoformat()} – {b.end.isoformat()}</title></rect>"
        )
    stroke = max(scale, 1.5)
    closed = _closed_days(program, first, end)
    shown |= {kind for _, kind, _ in closed}
    for day, kind, name in closed:
        colour = "#dc2626" if kind == "holiday" else "#7c3aed"
        parts.append(
            f'<line class="{kind}" x1="{x(day) + scale / 2:.1f}" y1="{top - 6}" '
            f'x2="{x(day) + scale / 2:.1f}" y2="{rows_bottom}" stroke="{colour}" '
            f'stroke-opacity="0.45" stroke-width="{stroke:.1f}">'
            f"<title>{day.isoformat()} {_e(name)}</title></line>"
        )
    month = first
    while month < end:
        parts.append(
            f'<line x1="{x(month):.1f}" y1="{top - 16}" x2="{x(month):.1f}" y2="{rows_bottom}" '
            'stroke="#cbd2dc" stroke-width="1"/>'
        )
        label = _MONTHS[month.month - 1]
        if month.month == 1 or month == first:
            label += f" {month.year}"
        parts.append(
            f'<text x="{x(month) + 3:.1f}" y="{top - 12}" font-size="11" fill="#5c6773">'
            f"{_e(label)}</text>"
        )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    for row, (cohort, (cid, fname)) in enumerate(zip(plan.cohorts, labels, strict=True)):
        y = top + row * row_h + row_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f'<tspan font-weight="600">{_e(cid)}</tspan>'
            f'<tspan fill="#5c6773"> · {_e(fname)}</tspan></text>'
        )
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" '
            'stroke="#d8dee9" stroke-width="1"/>'
        )
        for s in _ordered(cohort):
            start = _local(program, s.start)
            fill = "#b45309" if s.index == 0 else "#1d4ed8"
            owner = f", case owner {_pname(program, s.case_owner)}" if s.case_owner else ""
            parts.append(
                f'<circle cx="{x(start.date()) + scale / 2:.1f}" cy="{y:.1f}" r="5" '
                f'fill="{fill}"><title>{_e(cohort.id)} {_e(_session_label(cohort, s))}: '
                f"{_e(f'{start:%Y-%m-%d %H:%M}')}{_e(owner)}</title></circle>"
            )
    parts.append(_legend(left, rows_bottom + 20, shown))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(left: int, y: int, shown: set[str]) -> str:
    """The legend row (session marks, and the shadings in ``shown``), drawn with paths."""
    items = (
        ("session", "#b45309", "circle", 1.0, "kick-off"),
        ("session", "#1d4ed8", "circle", 1.0, "session"),
        ("blackout", "#e5e7eb", "box", 1.0, "blackout"),
        ("holiday", "#dc2626", "day", 0.45, "public holiday"),
        ("closed", "#7c3aed", "day", 0.45, "extra closed day"),
    )
    out = ['<g class="legend" font-size="11" fill="#1d2430">']
    at = left
    for kind, colour, shape, opacity, label in items:
        if kind not in shown | {"session"}:
            continue
        if shape == "circle":
            d = f"M{at},{y} a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0z"
        elif shape == "box":
            d = f"M{at},{y - 6} h12 v12 h-12z"
        else:
            d = f"M{at + 4},{y - 7} h3 v14 h-3z"
        out.append(f'<path d="{d}" fill="{colour}" fill-opacity="{opacity}"/>')
        out.append(f'<text x="{at + 16}" y="{y + 4}">{_e(label)}</text>')
        at += 16 + int(len(label) * 6.2) + 22
    out.append("</g>")
    return "\n".join(out)


def _closed_list(program: Program) -> str:
    """A collapsible list of the closed days and periods inside the program window."""
    end = program.end + timedelta(days=1)
    days = _closed_days(program, program.start, end)
    rows = [
        [
            _e(d.isoformat()),
            _e(_WEEKDAYS[d.weekday()]),
            _e(name),
            "public holiday" if kind == "holiday" else "closed day",
        ]
        for d, kind, name in days
    ]
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        if b.end >= program.start and b.start <= program.end:
            rows.append(
                [f"{_e(b.start.isoformat())} – {_e(b.end.isoformat())}", "", _e(b.name), "blackout"]
            )
    if not rows:
        return ""
    rows.sort(key=lambda r: r[0])
    return "\n".join(
        [
            f"<details><summary>Closed days and periods in the window ({len(rows)})</summary>",
            _table(("Date", "Weekday", "Name", "Kind"), rows, cls={0: "date"}),
            "</details>",
        ]
    )


def _cohort_table(program: Program, plan: Plan) -> str:
    rows = []
    for c in plan.cohorts:
        ordered = _ordered(c)
        firsts = [_local(program, s.start).date().isoformat() for s in ordered[:1]]
        lasts = [_local(program, s.start).date().isoformat() for s in ordered[-1:]]
        rows.append(
            [
                f'<a href="#cohort-{_e(c.id)}">{_e(c.id)}</a>',
                _e(_fname(program, c.facilitator)),
                _e(_vname(program, c.venue)) or "—",
                str(len(c.members)),
                str(len(c.sessions)),
                _e(firsts[0] if firsts else "—"),
                _e(lasts[0] if lasts else "—"),
                _e(c.cancellation_deadline.isoformat()),
            ]
        )
    head = (
        "Cohort",
        "Facilitator",
        "Venue",
        "Members",
        "Sessions",
        "First session",
        "Last session",
        "Cancellation deadline",
    )
    return _table(head, rows, num=(3, 4), cls={5: "date", 6: "date", 7: "date"})


def _facilitator_load(program: Program, plan: Plan) -> str:
    fids = [f.id for f in program.facilitators]
    fids += sorted({c.facilitator for c in plan.cohorts} - set(fids))
    rows = []
    for fid in sorted(fids):
        led = [c for c in plan.cohorts if c.facilitator == fid]
        known = next((f for f in program.facilitators if f.id == fid), None)
        limit = "—" if known is None or known.max_cohorts is None else str(known.max_cohorts)
        per_day: dict[date, int] = defaultdict(int)
        for c in led:
            for s in c.sessions:
                per_day[_local(program, s.start).date()] += 1
        rows.append(
            [
                _e(_fname(program, fid)),
                _e(", ".join(c.id for c in led)) or "—",
                str(len(led)),
                str(sum(len(c.sessions) for c in led)),
                _e(limit),
                str(max(per_day.values(), default=0)),
            ]
        )
    head = ("Facilitator", "Cohorts", "Cohort count", "Sessions", "Max cohorts", "Most in a day")
    return _table(head, rows, (2, 3, 4, 5))


def _venue_use(program: Program, plan: Plan) -> str:
    used: dict[str, list[tuple[Cohort, Session]]] = defaultdict(list)
    for c in plan.cohorts:
        for s in c.sessions:
            vid = s.venue or c.venue
            if vid:
                used[vid].append((c, s))
    vids = [v.id for v in program.venues] + sorted(set(used) - {v.id for v in program.venues})
    if not vids:
        return '<p class="none">No venues in this program: sessions have no room assigned.</p>'
    capacity = {v.id: v.capacity for v in program.venues}
    rows = []
    for vid in vids:
        sessions = used.get(vid, [])
        cohorts = sorted({c.id for c, _ in sessions})
        largest = max((len(c.members) + 1 for c, _ in sessions), default=0)
        cap = capacity.get(vid)
        rows.append(
            [
                _e(_vname(program, vid)),
                "—" if cap is None else str(cap),
                _e(", ".join(cohorts)) or "—",
                str(len(sessions)),
                str(largest) if sessions else "—",
            ]
        )
    head = ("Venue", "Capacity", "Cohorts", "Sessions", "Largest group incl. facilitator")
    return _table(head, rows, (1, 3, 4))


def _unplaced(program: Program, plan: Plan) -> str:
    if not plan.unplaced:
        return '<p class="none">Everyone is placed.</p>'
    ordered = sorted(plan.unplaced, key=lambda u: (_pname(program, u.participant), u.participant))
    rows = [
        [_person(program, u.participant), _e(_porg(program, u.participant)), _e(u.reason)]
        for u in ordered
    ]
    return _table(("Participant", "Organisation", "Why not placed"), rows, cls={2: "why"})


def _cost_table(program: Program, plan: Plan) -> str:
    policy = program.policy
    vat = Decimal(str(policy.vat_rate)) * 100
    note = (
        f'<p class="meta">Fee {_e(_human_money(Decimal(str(policy.fee))))} '
        f"{_e(policy.currency)} per participant excl. VAT; VAT {_e(_money(vat))} %. "
        "Participants who withdrew on or after their cohort's cancellation deadline "
        "are charged and counted.</p>"
    )
    costs = cost_rows(program, plan)
    if not costs:
        return note + '\n<p class="none">No fees: nobody is placed.</p>'
    rows = [
        [
            _e(r.organization),
            str(r.participants),
            _e(_human_money(r.fee)),
            _e(_human_money(r.vat)),
            _e(_human_money(r.total)),
            _e(r.deadline.isoformat() if r.deadline else "—"),
            str(r.withdrawn_charged),
        ]
        for r in costs
    ]
    deadlines = [r.deadline for r in costs if r.deadline]
    foot = [
        "Total",
        str(sum(r.participants for r in costs)),
        _e(_human_money(sum((r.fee for r in costs), Decimal(0)))),
        _e(_human_money(sum((r.vat for r in costs), Decimal(0)))),
        _e(_human_money(sum((r.total for r in costs), Decimal(0)))),
        _e(min(deadlines).isoformat() if deadlines else "—"),
        str(sum(r.withdrawn_charged for r in costs)),
    ]
    cur = policy.currency
    head = (
        "Organisation",
        "Participants",
        f"Fee ({cur})",
        f"VAT ({cur})",
        f"Total incl. VAT ({cur})",
        "Earliest cancellation deadline",
        "Withdrawn, charged",
    )
    return note + "\n" + _table(head, rows, (1, 2, 3, 4, 6), foot=foot, cls={5: "date"})


def _withdrawal_table(program: Program, plan: Plan) -> str:
    records = _withdrawals(plan)
    if not records:
        return '<p class="none">No withdrawals.</p>'
    fee = _human_money(Decimal(str(program.policy.fee)))
    rows = []
    for r in records:
        pid = str(r.get("participant") or "")
        name = str(r.get("name") or _pname(program, pid) or pid)
        who = f'{_e(name)} <span class="id">({_e(pid)})</span>' if name != pid else _e(pid)
        due = f"yes: {fee} {program.policy.currency} excl. VAT" if r.get("fee_due") else "no"
        rows.append(
            [
                who,
                _e(r.get("organization") or ""),
                _e(r.get("cohort") or "not placed"),
                _e(r.get("on") or ""),
                _e(r.get("cancellation_deadline") or "—"),
                _e(due),
            ]
        )
    head = (
        "Participant",
        "Organisation",
        "Cohort",
        "Withdrew on",
        "Cancellation deadline",
        "Fee due",
    )
    return _table(head, rows, cls={3: "date", 4: "date"})


def overview_html(program: Program, plan: Plan) -> str:
    """A self-contained HTML5 overview of the plan (inline CSS and SVG, no script).

    Sections: summary, timeline, cohorts (members, sessions, cancellation
    deadline), facilitators' load, venue use, unplaced people and why, costs
    per organisation, withdrawals. Every user-typed text is HTML-escaped.
    """
    sessions = sum(len(c.sessions) for c in plan.cohorts)
    costs = cost_rows(program, plan)
    total = sum((r.total for r in costs), Decimal(0))
    figures = [
        ("Registrations", str(len(program.participants))),
        ("Placed", str(plan.placed)),
    ]
    bound = plan.objective.get("placed_bound")
    if isinstance(bound, int):
        figures.append(("At most placeable", str(bound)))
    figures += [
        ("Unplaced", str(len(plan.unplaced))),
        ("Cohorts", str(len(plan.cohorts))),
        ("Sessions", str(sessions)),
        ("Facilitators", str(len(program.facilitators))),
    ]
    if _withdrawals(plan):
        figures.append(("Withdrawals", str(len(_withdrawals(plan)))))
    figures.append((f"{program.policy.currency} incl. VAT", _human_money(total)))
    title = f"{program.name} — overview"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(program.name)}</h1>",
        f'<p class="sub">Program {_e(program.id)} · {_e(program.start.isoformat())} – '
        f"{_e(program.end.isoformat())} · time zone {_e(program.timezone)} · "
        f"{_e(program.mode)} run · holidays of {_e(program.country)}</p>",
        "</header>",
        "<main>",
        '<section id="summary">',
        "<h2>Summary</h2>",
        '<ul class="figures">',
    ]
    out += [f"<li><b>{_e(value)}</b>{_e(label)}</li>" for label, value in figures]
    out.append("</ul>")
    optimal = plan.objective.get("optimal")
    if isinstance(bound, int) and plan.placed >= bound:
        out.append(
            f"<p>Placed {plan.placed} of at most {bound}: proven, no plan of these "
            "registrations places more people.</p>"
        )
    elif optimal is True:
        out.append("<p>The solver proved that no plan places more people.</p>")
    elif optimal is False:
        most = f" No plan places more than {bound}." if isinstance(bound, int) else ""
        out.append(
            '<p class="warn">Best placement found within the time limit; the solver did not '
            f"prove that no plan places more people.{_e(most)}</p>"
        )
    retired = plan.objective.get("retired_cohorts") or []
    if retired:
        out.append(f"<p>Cancelled cohorts: {_e(', '.join(map(str, retired)))}.</p>")
    if program.blackouts:
        items = ", ".join(
            f"{_e(b.name)} ({_e(b.start.isoformat())} – {_e(b.end.isoformat())})"
            for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name))
        )
        out.append(f"<p>Blackout periods: {items}</p>")
    out.append("</section>")

    out += [
        '<section id="timeline" class="timeline">',
        "<h2>Timeline</h2>",
        '<div class="scroll">',
        _timeline(program, plan),
        "</div>",
        _closed_list(program),
        "</section>",
    ]

    out += ['<section id="cohorts">', "<h2>Cohorts</h2>"]
    if plan.cohorts:
        out.append(_cohort_table(program, plan))
        out += [_cohort_section(program, c) for c in plan.cohorts]
    else:
        out.append('<p class="none">No cohorts.</p>')
    out.append("</section>")

    sections = (
        ("facilitators", "Facilitators' load", _facilitator_load(program, plan)),
        ("venues", "Venue use", _venue_use(program, plan)),
        ("unplaced", "Unplaced participants", _unplaced(program, plan)),
        ("costs", "Costs per organisation", _cost_table(program, plan)),
        ("withdrawals", "Withdrawals", _withdrawal_table(program, plan)),
    )
    for sid, heading, body in sections:
        out += [f'<section id="{sid}">', f"<h2>{_e(heading)}</h2>", body, "</section>"]
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
