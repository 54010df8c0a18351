"""``overview.html``: the plan on one self-contained page for people.

Summary, timeline (:mod:`.timeline`), cohorts, facilitators' load, venue use,
unplaced people and why, costs per organisation (:mod:`.costs`) and
withdrawals, as HTML5 with inline CSS and SVG and no script. A deterministic
function of the program and the plan; every user-typed text is HTML-escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from ..domain import Program
from ..plan import Cohort, Plan, Session
from .costs import cost_rows, plain_money
from .labels import escaped as _e
from .labels import (
    facilitator_name,
    local_time,
    ordered_sessions,
    participant_experience,
    participant_name,
    participant_org,
    venue_name,
)
from .timeline import closed_days, timeline_svg

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

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


def _human_money(value: Decimal) -> str:
    """``43750`` as ``43 750`` (no-break space), cents only when not whole."""
    text = plain_money(value)
    whole, _, cents = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{grouped}.{cents}" if cents else grouped


def _person(program: Program, pid: str) -> str:
    """Escaped name with the id in grey (the id alone when unknown)."""
    name = participant_name(program, pid)
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


def _member_table(program: Program, cohort: Cohort) -> str:
    """The cohort's members by name, each with the session that takes their own case."""
    owns = {s.case_owner: s for s in cohort.sessions if s.case_owner}
    members = sorted(cohort.members, key=lambda pid: (participant_name(program, pid), pid))
    rows = []
    for pid in members:
        own = owns.get(pid)
        when = local_time(program, own.start).date().isoformat() if own else "—"
        rows.append(
            [
                _person(program, pid),
                _e(participant_org(program, pid)),
                _e(participant_experience(program, pid)),
                f"{own.index + 1} · {when}" if own else when,
            ]
        )
    head = ("Member", "Organisation", "Experience", "Own case (session)")
    return _table(head, rows, cls={3: "date"})


def _session_table(program: Program, cohort: Cohort) -> str:
    """The cohort's sessions in order: date, weekday, local time, case owner, venue."""
    rows = []
    for s in ordered_sessions(cohort):
        start, end = local_time(program, s.start), local_time(program, s.end)
        rows.append(
            [
                _e(s.index + 1),
                _e(start.date().isoformat()),
                _e(_WEEKDAYS[start.weekday()]),
                _e(f"{start:%H:%M}–{end:%H:%M}"),
                _e(participant_name(program, s.case_owner)) if s.case_owner else "kick-off",
                _e(venue_name(program, s.venue or cohort.venue)) or "—",
            ]
        )
    return _table(
        ("#", "Date", "Weekday", "Time", "Case owner", "Venue"),
        rows,
        num=(0,),
        cls={1: "date", 3: "date"},
    )


def _cohort_section(program: Program, cohort: Cohort) -> str:
    """One cohort: facilitator, venue, size, deadline, then its members and its sessions."""
    venue = venue_name(program, cohort.venue) or "—"
    out = [f'<section class="cohort" id="cohort-{_e(cohort.id)}">']
    out.append(f"<h3>Cohort {_e(cohort.id)}</h3>")
    out.append(
        f'<p class="meta">Facilitator: {_e(facilitator_name(program, cohort.facilitator))}'
        f" · Venue: {_e(venue)} · {len(cohort.members)} members"
        f" · Cancellation deadline: {_e(cohort.cancellation_deadline.isoformat())}</p>"
    )
    out.append(_member_table(program, cohort))
    out.append(_session_table(program, cohort))
    out.append("</section>")
    return "\n".join(out)


def _closed_list(program: Program) -> str:
    """A collapsible list of the closed days and periods inside the program window."""
    end = program.end + timedelta(days=1)
    days = closed_days(program, program.start, end)
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
        ordered = ordered_sessions(c)
        firsts = [local_time(program, s.start).date().isoformat() for s in ordered[:1]]
        lasts = [local_time(program, s.start).date().isoformat() for s in ordered[-1:]]
        rows.append(
            [
                f'<a href="#cohort-{_e(c.id)}">{_e(c.id)}</a>',
                _e(facilitator_name(program, c.facilitator)),
                _e(venue_name(program, c.venue)) or "—",
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
                per_day[local_time(program, s.start).date()] += 1
        rows.append(
            [
                _e(facilitator_name(program, fid)),
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
                _e(venue_name(program, vid)),
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
    ordered = sorted(
        plan.unplaced, key=lambda u: (participant_name(program, u.participant), u.participant)
    )
    rows = [
        [_person(program, u.participant), _e(participant_org(program, u.participant)), _e(u.reason)]
        for u in ordered
    ]
    return _table(("Participant", "Organisation", "Why not placed"), rows, cls={2: "why"})


def _cost_table(program: Program, plan: Plan) -> str:
    policy = program.policy
    vat = Decimal(str(policy.vat_rate)) * 100
    note = (
        f'<p class="meta">Fee {_e(_human_money(Decimal(str(policy.fee))))} '
        f"{_e(policy.currency)} per participant excl. VAT; VAT {_e(plain_money(vat))} %. "
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
    records = plan.history.withdrawals
    if not records:
        return '<p class="none">No withdrawals.</p>'
    fee = _human_money(Decimal(str(program.policy.fee)))
    rows = []
    for r in records:
        pid = r.participant
        name = r.name or participant_name(program, pid) or pid
        who = f'{_e(name)} <span class="id">({_e(pid)})</span>' if name != pid else _e(pid)
        due = f"yes: {fee} {program.policy.currency} excl. VAT" if r.fee_due else "no"
        deadline = r.cancellation_deadline
        rows.append(
            [
                who,
                _e(r.organization),
                _e(r.cohort or "not placed"),
                _e(r.on.isoformat()),
                _e(deadline.isoformat() if deadline else "—"),
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


def _figures(program: Program, plan: Plan) -> list[tuple[str, str]]:
    """(label, value) of the summary's key figures, in the order shown."""
    costs = cost_rows(program, plan)
    total = sum((r.total for r in costs), Decimal(0))
    figures = [
        ("Registrations", str(len(program.participants))),
        ("Placed", str(plan.placed)),
    ]
    bound = plan.objective.placed_bound
    if bound is not None:
        figures.append(("At most placeable", str(bound)))
    figures += [
        ("Unplaced", str(len(plan.unplaced))),
        ("Cohorts", str(len(plan.cohorts))),
        ("Sessions", str(sum(len(c.sessions) for c in plan.cohorts))),
        ("Facilitators", str(len(program.facilitators))),
    ]
    if plan.history.withdrawals:
        figures.append(("Withdrawals", str(len(plan.history.withdrawals))))
    figures.append((f"{program.policy.currency} incl. VAT", _human_money(total)))
    return figures


def _page_head(program: Program) -> list[str]:
    """From the doctype to the end of the page header: title, CSS, the program's frame."""
    title = f"{program.name} — overview"
    return [
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
    ]


def _proof(plan: Plan) -> list[str]:
    """What is proven about the number placed: nothing, a bound met, or optimality."""
    bound = plan.objective.placed_bound
    optimal = plan.objective.optimal
    if bound is not None and plan.placed >= bound:
        return [
            f"<p>Placed {plan.placed} of at most {bound}: proven, no plan of these "
            "registrations places more people.</p>"
        ]
    if optimal is True:
        return ["<p>The solver proved that no plan places more people.</p>"]
    if optimal is False:
        most = f" No plan places more than {bound}." if bound is not None else ""
        return [
            '<p class="warn">Best placement found within the time limit; the solver did not '
            f"prove that no plan places more people.{_e(most)}</p>"
        ]
    return []


def _summary(program: Program, plan: Plan) -> list[str]:
    """Key figures, what is proven, cancelled cohorts and the blackout periods."""
    out = ['<section id="summary">', "<h2>Summary</h2>", '<ul class="figures">']
    out += [f"<li><b>{_e(value)}</b>{_e(label)}</li>" for label, value in _figures(program, plan)]
    out.append("</ul>")
    out += _proof(plan)
    retired = plan.history.retired_cohorts
    if retired:
        out.append(f"<p>Cancelled cohorts: {_e(', '.join(map(str, retired)))}.</p>")
    if program.blackouts:
        items = ", ".join(
            f"{_e(b.name)} ({_e(b.start.isoformat())} – {_e(b.end.isoformat())})"
            for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name))
        )
        out.append(f"<p>Blackout periods: {items}</p>")
    out.append("</section>")
    return out


def _timeline_section(program: Program, plan: Plan) -> list[str]:
    """The timeline picture and, folded away, the closed days it shades."""
    return [
        '<section id="timeline" class="timeline">',
        "<h2>Timeline</h2>",
        '<div class="scroll">',
        timeline_svg(program, plan),
        "</div>",
        _closed_list(program),
        "</section>",
    ]


def _cohorts(program: Program, plan: Plan) -> list[str]:
    """The table of cohorts, then a section per cohort."""
    out = ['<section id="cohorts">', "<h2>Cohorts</h2>"]
    if plan.cohorts:
        out.append(_cohort_table(program, plan))
        out += [_cohort_section(program, c) for c in plan.cohorts]
    else:
        out.append('<p class="none">No cohorts.</p>')
    out.append("</section>")
    return out


def overview_html(program: Program, plan: Plan) -> str:
    """A self-contained HTML5 overview of the plan (inline CSS and SVG, no script).

    Sections: summary, timeline, cohorts (members, sessions, cancellation
    deadline), facilitators' load, venue use, unplaced people and why, costs
    per organisation, withdrawals. Every user-typed text is HTML-escaped.
    """
    out = _page_head(program)
    out += ["<main>", *_summary(program, plan)]
    out += _timeline_section(program, plan)
    out += _cohorts(program, plan)
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
