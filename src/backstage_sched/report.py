"""Human-readable outputs: ``costs.csv`` and ``overview.html``.

Both are deterministic functions of the program and the plan.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from zoneinfo import ZoneInfo

from .domain import Program
from .plan import Cohort, Plan, Session

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


# ---------------------------------------------------------------------------
# costs.csv


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


def _by_organization(program: Program, plan: Plan) -> dict[str, list[tuple[str, Cohort]]]:
    orgs: dict[str, list[tuple[str, Cohort]]] = defaultdict(list)
    for cohort in plan.cohorts:
        for pid in cohort.members:
            orgs[program.participant(pid).organization].append((pid, cohort))
    return orgs


def costs_csv(program: Program, plan: Plan) -> str:
    """Fees per organisation, sorted by organisation (CSV text).

    Counts placed participants plus those who withdrew on or after their
    cohort's cancellation deadline (``plan.objective["withdrawals"]`` with
    ``fee_due``): they pay the full fee; the last column says how many.
    """
    charged: dict[str, list[date]] = {}
    for record in plan.objective.get("withdrawals", []) or []:
        if record.get("fee_due"):
            deadline = date.fromisoformat(record["cancellation_deadline"])
            charged.setdefault(record["organization"], []).append(deadline)
    by_org = _by_organization(program, plan)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COSTS_HEADER)
    for org in sorted(set(by_org) | set(charged)):
        placed = by_org.get(org, [])
        late = charged.get(org, [])
        fee, vat, total = _amounts(program, len(placed) + len(late))
        deadline = min([cohort.cancellation_deadline for _, cohort in placed] + late)
        writer.writerow(
            (
                org,
                len(placed) + len(late),
                _money(fee),
                _money(vat),
                _money(total),
                program.policy.currency,
                deadline.isoformat(),
                len(late),
            )
        )
    return buf.getvalue()


# ---------------------------------------------------------------------------
# overview.html

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2430; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
h2 { margin-top: 2.2rem; border-bottom: 2px solid #d8dee9; padding-bottom: 0.2rem; }
h3 { margin-bottom: 0.4rem; }
.sub { color: #5c6773; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 0.8rem; padding: 0; list-style: none; }
.figures li { background: #f1f4f8; border-radius: 6px; padding: 0.6rem 1rem; min-width: 8rem; }
.figures b { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d8dee9; padding: 0.25rem 0.6rem; text-align: left;
  vertical-align: top; }
th { background: #f1f4f8; }
td.num { text-align: right; }
.cohort { margin-bottom: 1.5rem; }
.meta { color: #5c6773; }
svg { max-width: 100%; height: auto; font-family: inherit; }
.none { color: #5c6773; font-style: italic; }
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


def _table(head: tuple[str, ...], rows: list[list[str]], num: tuple[int, ...] = ()) -> str:
    """An HTML table; cells in ``rows`` are already escaped."""
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>"]
    out.append("<tbody>")
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _session_label(cohort: Cohort, session: Session) -> str:
    text = f"session {session.index + 1}/{len(cohort.sessions)}"
    return text + " (kick-off)" if session.index == 0 else text


def _cohort_section(program: Program, cohort: Cohort) -> str:
    venue = _vname(program, cohort.venue) or "—"
    out = [f'<section class="cohort" id="cohort-{_e(cohort.id)}">']
    out.append(f"<h3>Cohort {_e(cohort.id)}</h3>")
    out.append(
        f'<p class="meta">Facilitator: {_e(_fname(program, cohort.facilitator))}'
        f" · Venue: {_e(venue)} · {len(cohort.members)} members"
        f" · Cancellation deadline: {_e(cohort.cancellation_deadline.isoformat())}</p>"
    )
    members = sorted(cohort.members, key=lambda pid: (_pname(program, pid), pid))
    rows = [
        [_e(_pname(program, pid)), _e(_porg(program, pid)), _e(_pexp(program, pid))]
        for pid in members
    ]
    out.append(_table(("Member", "Organisation", "Experience"), rows))
    rows = []
    for s in sorted(cohort.sessions, key=lambda s: s.index):
        start, end = _local(program, s.start), _local(program, s.end)
        rows.append(
            [
                _e(s.index + 1),
                _e(start.date().isoformat()),
                _e(_WEEKDAYS[start.weekday()]),
                _e(f"{start:%H:%M}–{end:%H:%M}"),
                _e(_pname(program, s.case_owner)) if s.case_owner else "kick-off",
                _e(_vname(program, s.venue or cohort.venue)),
            ]
        )
    out.append(_table(("#", "Date", "Weekday", "Time", "Case owner", "Venue"), rows, num=(0,)))
    out.append("</section>")
    return "\n".join(out)


def _timeline(program: Program, plan: Plan) -> str:
    """An inline SVG: one row per cohort, months along x, a mark per session."""
    first = date(program.start.year, program.start.month, 1)
    dates = [_local(program, s.start).date() for c in plan.cohorts for s in c.sessions]
    last_day = max([program.end, *dates])
    first = min([first, *[date(d.year, d.month, 1) for d in dates]])
    end = (
        date(last_day.year + 1, 1, 1)
        if last_day.month == 12
        else date(last_day.year, last_day.month + 1, 1)
    )
    days = (end - first).days
    left, top, row_h, width = 70, 28, 24, 900
    height = top + row_h * max(1, len(plan.cohorts)) + 10
    scale = width / days

    def x(d: date) -> float:
        return left + (d - first).days * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{left + width + 10}" '
        f'height="{height}" viewBox="0 0 {left + width + 10} {height}" '
        'aria-labelledby="timeline-title">',
        '<title id="timeline-title">Timeline of sessions per cohort</title>',
    ]
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        lo, hi = max(b.start, first), min(b.end + timedelta(days=1), end)
        if lo >= hi:
            continue
        parts.append(
            f'<rect x="{x(lo):.1f}" y="{top - 6}" width="{(hi - lo).days * scale:.1f}" '
            f'height="{height - top - 4}" fill="#e5e7eb"><title>{_e(b.name)}: '
            f"{b.start.isoformat()} – {b.end.isoformat()}</title></rect>"
        )
    month = first
    while month < end:
        parts.append(
            f'<line x1="{x(month):.1f}" y1="{top - 14}" x2="{x(month):.1f}" y2="{height - 6}" '
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
    for row, cohort in enumerate(plan.cohorts):
        y = top + row * row_h + row_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f"{_e(cohort.id)}</text>"
        )
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" '
            'stroke="#eef1f5" stroke-width="1"/>'
        )
        for s in sorted(cohort.sessions, key=lambda s: s.index):
            start = _local(program, s.start)
            fill = "#b45309" if s.index == 0 else "#1d4ed8"
            parts.append(
                f'<circle cx="{x(start.date()) + scale / 2:.1f}" cy="{y:.1f}" r="5" '
                f'fill="{fill}"><title>{_e(cohort.id)} {_e(_session_label(cohort, s))}: '
                f"{_e(f'{start:%Y-%m-%d %H:%M}')}</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def overview_html(program: Program, plan: Plan) -> str:
    """A self-contained HTML5 overview of the plan (inline CSS and SVG)."""
    sessions = sum(len(c.sessions) for c in plan.cohorts)
    figures = (
        ("Registrations", len(program.participants)),
        ("Placed", plan.placed),
        ("Unplaced", len(plan.unplaced)),
        ("Cohorts", len(plan.cohorts)),
        ("Sessions", sessions),
        ("Facilitators", len(program.facilitators)),
    )
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
        f"{_e(program.mode)} run</p>",
        "</header>",
        "<main>",
        '<section id="summary">',
        "<h2>Summary</h2>",
        '<ul class="figures">',
    ]
    out += [f"<li><b>{value}</b>{_e(label)}</li>" for label, value in figures]
    out.append("</ul>")
    if program.blackouts:
        items = ", ".join(
            f"{_e(b.name)} ({_e(b.start.isoformat())} – {_e(b.end.isoformat())})"
            for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name))
        )
        out.append(f"<p>Blackout periods: {items}</p>")
    if plan.cohorts:
        fee = Decimal(str(program.policy.fee)) * plan.placed
        out.append(
            f"<p>Fees: {_e(_money(fee))} {_e(program.policy.currency)} excl. VAT "
            f"for {plan.placed} placed participants.</p>"
        )
    out.append("</section>")

    out += ['<section id="timeline">', "<h2>Timeline</h2>", _timeline(program, plan), "</section>"]

    out += ['<section id="cohorts">', "<h2>Cohorts</h2>"]
    if plan.cohorts:
        out += [_cohort_section(program, c) for c in plan.cohorts]
    else:
        out.append('<p class="none">No cohorts.</p>')
    out.append("</section>")

    out += ['<section id="facilitators">', "<h2>Facilitators' load</h2>"]
    fids = [f.id for f in program.facilitators]
    fids += sorted({c.facilitator for c in plan.cohorts} - set(fids))
    rows = []
    for fid in sorted(fids):
        led = [c for c in plan.cohorts if c.facilitator == fid]
        known = next((f for f in program.facilitators if f.id == fid), None)
        limit = "—" if known is None or known.max_cohorts is None else str(known.max_cohorts)
        rows.append(
            [
                _e(_fname(program, fid)),
                _e(", ".join(c.id for c in led)) or "—",
                str(len(led)),
                str(sum(len(c.sessions) for c in led)),
                _e(limit),
            ]
        )
    out.append(
        _table(("Facilitator", "Cohorts", "Cohort count", "Sessions", "Max cohorts"), rows, (2, 3))
    )
    out.append("</section>")

    out += ['<section id="unplaced">', "<h2>Unplaced participants</h2>"]
    if plan.unplaced:
        rows = [
            [_e(_pname(program, u.participant)), _e(_porg(program, u.participant)), _e(u.reason)]
            for u in sorted(
                plan.unplaced, key=lambda u: (_pname(program, u.participant), u.participant)
            )
        ]
        out.append(_table(("Participant", "Organisation", "Reason"), rows))
    else:
        out.append('<p class="none">Everyone is placed.</p>')
    out.append("</section>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
