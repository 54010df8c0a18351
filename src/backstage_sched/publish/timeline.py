"""The overview's timeline: an inline SVG, one row per cohort, months along x.

The picture is as wide as the page: every x position is a percentage of its
width, so on a phone the whole year fits the screen and on a desktop it
spreads out, while the text keeps its size. Each row's label sits above its
line; the legend is HTML beside the picture (:func:`legend_html`) and wraps
like text. Deterministic and self-contained (no script, no external
resources); every user-typed text is HTML-escaped. :func:`closed_days` is
also the overview's list of closed days, so the list and the picture always
agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from ..domain import Program
from ..i18n import Language
from ..inputs.workdays import holiday_language, public_holidays
from ..plan import Cohort, Plan
from .labels import (
    blackout_name,
    facilitator_name,
    local_time,
    month_name,
    ordered_sessions,
    participant_name,
    session_label,
)
from .labels import escaped as _e

_YEAR_Y = 12  # baseline of the year labels
_MONTH_Y = 27  # baseline of the month labels
_TOP = 34  # top of the first cohort row
_ROW_H = 34  # height of one cohort row: its label, then its line
_LABEL_DY = 13  # baseline of a row's label below the row's top
_LINE_DY = 25  # the row's line below the row's top
_DENSE_MONTHS = 13  # more months than this: a phone shows one letter per month
_LABEL_CHARS = 40  # a facilitator's name is cut to this length in the picture

KICK_OFF, SESSION = "#b45309", "#1d4ed8"
BLACKOUT, HOLIDAY, CLOSED = "#e5e7eb", "#dc2626", "#7c3aed"


def _holiday_names(program: Program, years: range, code: str) -> dict[date, str]:
    """The names of the country's holidays in language ``code``, whatever the machine's locale.

    Which days are closed comes from :func:`~backstage_sched.inputs.workdays.public_holidays`
    alone; this only names them for people (``{}``: keep the names it gives).
    """
    language = holiday_language(program.country, code)
    if language is None:
        return {}
    try:
        table = holidays.country_holidays(
            program.country, years=list(years), categories=program.holiday_categories,
            language=language,
        )
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        return {}
    return {d: str(name) for d, name in table.items()}


def closed_days(
    program: Program, first: date, end: date, lang: Language | None = None
) -> list[tuple[date, str, str]]:
    """(day, kind, name) of public holidays and extra closed days in ``[first, end)``.

    ``kind`` is ``holiday`` or ``closed``. Names are in ``lang`` (the program's
    language by default): a holiday's from the ``holidays`` package, an extra
    closed day is "extra closed day".
    """
    lang = lang or Language(program.lang, "reports")
    years = range(first.year, end.year + 1)
    try:
        table = public_holidays(program.country, program.holiday_categories, years)
    except (NotImplementedError, KeyError, ValueError):
        table = {}
    names = _holiday_names(program, years, lang.code) if table else {}
    days = [
        (d, "holiday", names.get(d, str(name))) for d, name in table.items() if first <= d < end
    ]
    extra = {d for d in program.extra_closed if first <= d < end}
    days += [(d, "closed", lang._("extra closed day")) for d in extra]
    return sorted(days)


def _next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class _Frame:
    """Where things go: the days ``[first, end)`` across the width, ``rows`` rows."""

    first: date
    end: date
    rows: int

    @property
    def rows_bottom(self) -> int:
        """The y just below the last row."""
        return _TOP + _ROW_H * self.rows

    def x(self, day: date, shift: float = 0.0) -> str:
        """The left edge of ``day`` (plus ``shift`` days) as a percentage of the width."""
        share = ((day - self.first).days + shift) / (self.end - self.first).days
        return f"{100 * share:.3f}%"

    def width(self, first: date, end: date) -> str:
        """The width of the days ``[first, end)`` as a percentage of the width."""
        return f"{100 * (end - first).days / (self.end - self.first).days:.3f}%"

    def months(self) -> list[date]:
        """The first day of each month in the frame."""
        out, month = [], self.first
        while month < self.end:
            out.append(month)
            month = _next_month(month)
        return out

    def row_top(self, row: int) -> int:
        """The top of row ``row`` (0 is the first)."""
        return _TOP + row * _ROW_H


def _frame(program: Program, plan: Plan) -> _Frame:
    """Whole months from the program's start (or an earlier session) to its end (or a later one)."""
    first = date(program.start.year, program.start.month, 1)
    dates = [local_time(program, s.start).date() for c in plan.cohorts for s in c.sessions]
    last_day = max([program.end, *dates])
    first = min([first, *[date(d.year, d.month, 1) for d in dates]])
    return _Frame(first, _next_month(last_day), max(1, len(plan.cohorts)))


def _blackout_rects(program: Program, f: _Frame, lang: Language) -> list[str]:
    """A grey ``<rect class="blackout">`` per blackout inside the frame."""
    out = []
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        lo, hi = max(b.start, f.first), min(b.end + timedelta(days=1), f.end)
        if lo >= hi:
            continue
        name = blackout_name(lang, b.name)
        out.append(
            f'<rect class="blackout" x="{f.x(lo)}" y="{_TOP - 2}" width="{f.width(lo, hi)}" '
            f'height="{f.rows_bottom - _TOP + 2}" fill="{BLACKOUT}"><title>{_e(name)}: '
            f"{_e(lang.short_day(b.start))} – {_e(lang.short_day(b.end))}</title></rect>"
        )
    return out


def _closed_day_lines(closed: list[tuple[date, str, str]], f: _Frame, lang: Language) -> list[str]:
    """A one-day ``<line class="holiday">`` or ``<line class="closed">`` per closed day."""
    out = []
    for day, kind, name in closed:
        colour = HOLIDAY if kind == "holiday" else CLOSED
        x = f.x(day, 0.5)
        out.append(
            f'<line class="{kind}" x1="{x}" y1="{_TOP - 2}" x2="{x}" y2="{f.rows_bottom}" '
            f'stroke="{colour}" stroke-opacity="0.45" stroke-width="2">'
            f"<title>{_e(lang.short_day(day))}: {_e(name)}</title></line>"
        )
    return out


def _month_grid(f: _Frame, lang: Language) -> list[str]:
    """A vertical line and a label per month; the year above each January and the first month.

    The first month gets its year only when it is not December (a January
    label follows right after it). With more than ``_DENSE_MONTHS`` months a
    second, one-letter label is added, which a narrow screen shows instead.
    """
    months = f.months()
    dense = len(months) > _DENSE_MONTHS
    out = []
    for month in months:
        x = f.x(month)
        out.append(
            f'<line x1="{x}" y1="{_MONTH_Y - 10}" x2="{x}" y2="{f.rows_bottom}" '
            'stroke="#cbd2dc" stroke-width="1"/>'
        )
        if month.month == 1 or (month == f.first and month.month != 12):
            out.append(
                f'<text class="year" x="{x}" dx="3" y="{_YEAR_Y}" font-size="11" '
                f'font-weight="600" fill="#1d2430">{month.year}</text>'
            )
        out.append(
            f'<text class="month" x="{x}" dx="3" y="{_MONTH_Y}" font-size="11" '
            f'fill="#5c6773">{_e(month_name(lang, month))}</text>'
        )
        if dense:
            out.append(
                f'<text class="month-narrow" x="{x}" dx="3" y="{_MONTH_Y}" font-size="11" '
                f'fill="#5c6773">{_e(month_name(lang, month, "narrow"))}</text>'
            )
    return out


def _cohort_row(
    program: Program, cohort: Cohort, f: _Frame, row: int, lang: Language
) -> list[str]:
    """The row's label (cohort and facilitator), its line and a circle per session.

    The kick-off is amber, the other sessions blue; each circle's tooltip
    names the session, its day and time, and its case owner.
    """
    top = f.row_top(row)
    y = top + _LINE_DY
    name = facilitator_name(program, cohort.facilitator)
    if len(name) > _LABEL_CHARS:
        name = name[: _LABEL_CHARS - 1] + "…"
    out = [
        f'<line x1="0" y1="{y}" x2="100%" y2="{y}" stroke="#d8dee9" stroke-width="1"/>',
        f'<text class="row" x="0" y="{top + _LABEL_DY}" font-size="12" stroke="#fff" '
        'stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
        f'<tspan font-weight="600">{_e(cohort.id)}</tspan>'
        f'<tspan fill="#5c6773"> · {_e(name)}</tspan></text>',
    ]
    for s in ordered_sessions(cohort):
        start, end = local_time(program, s.start), local_time(program, s.end)
        tip = f"{cohort.id} · {session_label(lang, cohort, s)}: {lang.span(start, end)}"
        if s.case_owner:
            owner = participant_name(program, s.case_owner)
            tip += "; " + lang._("case owner {name}", name=owner)
        fill = KICK_OFF if s.index == 0 else SESSION
        out.append(
            f'<circle cx="{f.x(start.date(), 0.5)}" cy="{y}" r="5" fill="{fill}">'
            f"<title>{_e(tip)}</title></circle>"
        )
    return out


def legend_html(program: Program, plan: Plan, lang: Language) -> str:
    """The legend of :func:`timeline_svg` as an HTML list that wraps like text.

    Session marks always; blackouts, public holidays and extra closed days only
    when the picture shows some.
    """
    f = _frame(program, plan)
    shown = {kind for _, kind, _ in closed_days(program, f.first, f.end, lang)}
    if any(b.end >= f.first and b.start < f.end for b in program.blackouts):
        shown.add("blackout")
    items = (
        ("kick-off", lang._("kick-off")),
        ("session", lang.n_("session", "sessions", 1)),  # one entry with the key figures
        ("blackout", lang._("blackout")),
        ("holiday", lang._("public holiday")),
        ("closed", lang._("extra closed day")),
    )
    out = ['<ul class="legend">']
    for kind, label in items:
        if kind in shown | {"kick-off", "session"}:
            out.append(f'<li><span class="key {kind}"></span>{_e(label)}</li>')
    out.append("</ul>")
    return "\n".join(out)


def timeline_svg(program: Program, plan: Plan, lang: Language | None = None) -> str:
    """An inline SVG as wide as its box: one row per cohort, months along x, a mark per session.

    Blackouts are grey ``<rect class="blackout">``; public holidays and extra
    closed days are one-day ``<line class="holiday">`` / ``<line class="closed">``.
    Texts are in ``lang`` (the program's language by default).
    """
    lang = lang or Language(program.lang, "reports")
    f = _frame(program, plan)
    dense = " dense" if len(f.months()) > _DENSE_MONTHS else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-picture{dense}" role="img" '
        f'width="100%" height="{f.rows_bottom + 6}" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{_e(lang._("Timeline of sessions per cohort"))}</title>',
    ]
    closed = closed_days(program, f.first, f.end, lang)
    parts += _blackout_rects(program, f, lang)
    parts += _closed_day_lines(closed, f, lang)
    parts += _month_grid(f, lang)
    for row, cohort in enumerate(plan.cohorts):
        parts += _cohort_row(program, cohort, f, row, lang)
    parts.append("</svg>")
    return "\n".join(parts)
