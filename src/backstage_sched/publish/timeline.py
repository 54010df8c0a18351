"""The overview's timeline: an inline SVG, one row per cohort, months along x.

Deterministic and self-contained (no script, no external resources); every
user-typed text is HTML-escaped. :func:`closed_days` is also the overview's
list of closed days, so the list and the picture always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain import Program
from ..inputs.workdays import public_holidays
from ..plan import Cohort, Plan
from .labels import escaped as _e
from .labels import facilitator_name, local_time, ordered_sessions, participant_name, session_label

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TOP = 30  # y of the first cohort row; month labels sit above it
_ROW_H = 24  # height of one cohort row
_WIDTH = 900  # width of the date axis


def closed_days(program: Program, first: date, end: date) -> list[tuple[date, str, str]]:
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


def _next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class _Frame:
    """Where things go: the days ``[first, end)`` along x from ``left``, ``rows`` rows."""

    first: date
    end: date
    left: int
    rows: int

    @property
    def scale(self) -> float:
        """Pixels per day."""
        return _WIDTH / (self.end - self.first).days

    @property
    def rows_bottom(self) -> int:
        return _TOP + _ROW_H * self.rows + 4

    def x(self, day: date) -> float:
        return self.left + (day - self.first).days * self.scale

    def row_y(self, row: int) -> float:
        return _TOP + row * _ROW_H + _ROW_H / 2


def _row_labels(program: Program, plan: Plan) -> list[tuple[str, str]]:
    """(cohort id, facilitator name cut to 24 characters) per cohort, in plan order."""
    labels = []
    for c in plan.cohorts:
        name = facilitator_name(program, c.facilitator)
        labels.append((c.id, name if len(name) <= 24 else name[:23] + "…"))
    return labels


def _frame(program: Program, plan: Plan, labels: list[tuple[str, str]]) -> _Frame:
    """The frame of the plan's timeline.

    Whole months from the program's start (or an earlier session) to its end
    (or a later session); the left margin wide enough for the longest row
    label, within 60-240 px.
    """
    first = date(program.start.year, program.start.month, 1)
    dates = [local_time(program, s.start).date() for c in plan.cohorts for s in c.sessions]
    last_day = max([program.end, *dates])
    first = min([first, *[date(d.year, d.month, 1) for d in dates]])
    longest = max([len(cid) + 3 + len(name) for cid, name in labels], default=4)
    left = min(240, max(60, int(longest * 6.6) + 16))
    return _Frame(first, _next_month(last_day), left, max(1, len(plan.cohorts)))


def _blackout_rects(program: Program, f: _Frame) -> list[str]:
    """A grey ``<rect class="blackout">`` per blackout inside the frame."""
    out = []
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        lo, hi = max(b.start, f.first), min(b.end + timedelta(days=1), f.end)
        if lo >= hi:
            continue
        out.append(
            f'<rect class="blackout" x="{f.x(lo):.1f}" y="{_TOP - 6}" '
            f'width="{(hi - lo).days * f.scale:.1f}" height="{f.rows_bottom - _TOP + 6}" '
            f'fill="#e5e7eb"><title>{_e(b.name)}: '
            f"{b.start.isoformat()} – {b.end.isoformat()}</title></rect>"
        )
    return out


def _closed_day_lines(closed: list[tuple[date, str, str]], f: _Frame) -> list[str]:
    """A one-day ``<line class="holiday">`` or ``<line class="closed">`` per closed day."""
    stroke = max(f.scale, 1.5)
    out = []
    for day, kind, name in closed:
        colour = "#dc2626" if kind == "holiday" else "#7c3aed"
        out.append(
            f'<line class="{kind}" x1="{f.x(day) + f.scale / 2:.1f}" y1="{_TOP - 6}" '
            f'x2="{f.x(day) + f.scale / 2:.1f}" y2="{f.rows_bottom}" stroke="{colour}" '
            f'stroke-opacity="0.45" stroke-width="{stroke:.1f}">'
            f"<title>{day.isoformat()} {_e(name)}</title></line>"
        )
    return out


def _month_grid(f: _Frame) -> list[str]:
    """A vertical line and a label per month; the year on January and on the first month."""
    out = []
    month = f.first
    while month < f.end:
        out.append(
            f'<line x1="{f.x(month):.1f}" y1="{_TOP - 16}" x2="{f.x(month):.1f}" '
            f'y2="{f.rows_bottom}" stroke="#cbd2dc" stroke-width="1"/>'
        )
        label = _MONTHS[month.month - 1]
        if month.month == 1 or month == f.first:
            label += f" {month.year}"
        out.append(
            f'<text x="{f.x(month) + 3:.1f}" y="{_TOP - 12}" font-size="11" fill="#5c6773">'
            f"{_e(label)}</text>"
        )
        month = _next_month(month)
    return out


def _cohort_row(
    program: Program, cohort: Cohort, label: tuple[str, str], f: _Frame, row: int
) -> list[str]:
    """The row's label and line, and a circle per session (the kick-off in amber)."""
    cid, fname = label
    y = f.row_y(row)
    out = [
        f'<text x="{f.left - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
        f'<tspan font-weight="600">{_e(cid)}</tspan>'
        f'<tspan fill="#5c6773"> · {_e(fname)}</tspan></text>',
        f'<line x1="{f.left}" y1="{y:.1f}" x2="{f.left + _WIDTH}" y2="{y:.1f}" '
        'stroke="#d8dee9" stroke-width="1"/>',
    ]
    for s in ordered_sessions(cohort):
        start = local_time(program, s.start)
        fill = "#b45309" if s.index == 0 else "#1d4ed8"
        owner = f", case owner {participant_name(program, s.case_owner)}" if s.case_owner else ""
        out.append(
            f'<circle cx="{f.x(start.date()) + f.scale / 2:.1f}" cy="{y:.1f}" r="5" '
            f'fill="{fill}"><title>{_e(cohort.id)} {_e(session_label(cohort, s))}: '
            f"{_e(f'{start:%Y-%m-%d %H:%M}')}{_e(owner)}</title></circle>"
        )
    return out


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


def timeline_svg(program: Program, plan: Plan) -> str:
    """An inline SVG: one row per cohort, months along x, a mark per session.

    Blackouts are grey ``<rect class="blackout">``; public holidays and extra
    closed days are one-day ``<line class="holiday">`` / ``<line class="closed">``.
    """
    labels = _row_labels(program, plan)
    f = _frame(program, plan, labels)
    width, height = f.left + _WIDTH + 10, f.rows_bottom + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        'aria-labelledby="timeline-title">',
        '<title id="timeline-title">Timeline of sessions per cohort</title>',
    ]
    blackouts = _blackout_rects(program, f)
    closed = closed_days(program, f.first, f.end)
    parts += blackouts
    parts += _closed_day_lines(closed, f)
    parts += _month_grid(f)
    for row, (cohort, label) in enumerate(zip(plan.cohorts, labels, strict=True)):
        parts += _cohort_row(program, cohort, label, f, row)
    shown = {"blackout"} if blackouts else set()
    shown |= {kind for _, kind, _ in closed}
    parts.append(_legend(f.left, f.rows_bottom + 20, shown))
    parts.append("</svg>")
    return "\n".join(parts)
