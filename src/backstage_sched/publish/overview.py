"""``overview.html``: the plan on one self-contained page for people.

Summary, timeline (:mod:`.timeline`), cohorts, facilitators' load, venue use,
unplaced people and why, costs per organisation (:mod:`.costs`) and
withdrawals, as HTML5 with inline CSS and SVG and no script. Every text is in
the program's language (the ``reports`` catalogue), dates, numbers and money
in its conventions. Readable on a phone: the page never scrolls sideways,
and every table turns into labelled cards (one per row) that fit the width.
A deterministic function of the program and the plan; every user-typed text
is HTML-escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from ..domain import Program
from ..i18n import Language
from ..plan import Cohort, Plan, Session
from .costs import cost_rows
from .labels import (
    blackout_name,
    country_name,
    facilitator_name,
    language,
    local_time,
    numeric_day,
    ordered_sessions,
    participant_experience,
    participant_name,
    participant_org,
    percent,
    session_label,
    venue_name,
    weekday,
    zone_words,
)
from .labels import escaped as _e
from .timeline import (
    BLACKOUT,
    CLOSED,
    HOLIDAY,
    KICK_OFF,
    SESSION,
    closed_days,
    legend_html,
    timeline_svg,
)
from .waitlist import Waiting

_CSS = f"""
* {{ box-sizing: border-box; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2430; line-height: 1.4;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%; overflow-wrap: break-word; }}
h1 {{ margin-bottom: 0.2rem; line-height: 1.2; }}
h2 {{ margin-top: 2.2rem; border-bottom: 2px solid #d8dee9; padding-bottom: 0.2rem; }}
h3 {{ margin-bottom: 0.4rem; }}
.sub, .meta, .id {{ color: #5c6773; }}
.sub {{ margin-top: 0.3rem; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 0.6rem; padding: 0; list-style: none; }}
.figures li {{ background: #f1f4f8; border-radius: 6px; padding: 0.5rem 0.9rem;
  min-width: 7.5rem; }}
.figures b {{ display: block; font-size: 1.5rem; white-space: nowrap; }}
.scroll {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5rem 0 1rem;
  max-width: 100%;
  background: linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 2rem 100%,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 2rem 100%,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.2), transparent) left / 0.7rem 100%,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.2), transparent)
    right / 0.7rem 100%;
  background-repeat: no-repeat; background-attachment: local, local, scroll, scroll; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #d8dee9; padding: 0.25rem 0.6rem; text-align: left;
  vertical-align: top; overflow-wrap: normal; }}
th {{ background: #f1f4f8; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
th.num {{ text-align: right; }}
td.date {{ white-space: nowrap; }}
td.why {{ white-space: pre-line; min-width: 16rem; }}
tfoot td {{ font-weight: 600; background: #f8fafc; }}
.cohort {{ margin-bottom: 1.5rem; }}
.timeline .scroll {{ padding: 0 6px; }}
.timeline svg {{ display: block; width: 100%; min-width: 18rem; overflow: visible;
  font-family: inherit; }}
.timeline svg .month-narrow {{ display: none; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; list-style: none;
  padding: 0; margin: 0.2rem 0 0.8rem; font-size: 0.85rem; }}
.legend li {{ display: flex; align-items: center; gap: 0.4rem; }}
.key {{ display: inline-block; flex: none; width: 10px; height: 10px; border-radius: 50%; }}
.key.kick-off {{ background: {KICK_OFF}; }}
.key.session {{ background: {SESSION}; }}
.key.blackout {{ background: {BLACKOUT}; width: 12px; height: 12px; border-radius: 0; }}
.key.holiday, .key.closed {{ width: 3px; height: 14px; border-radius: 0; opacity: 0.45; }}
.key.holiday {{ background: {HOLIDAY}; }}
.key.closed {{ background: {CLOSED}; }}
.none {{ color: #5c6773; font-style: italic; }}
.warn {{ color: #9a3412; }}
details {{ margin: 0.5rem 0 1rem; }}
summary {{ cursor: pointer; }}
@media (max-width: 40rem) {{
  body {{ margin: 1rem auto; padding: 0 0.6rem; font-size: 15px; }}
  h1 {{ font-size: 1.45rem; }}
  h2 {{ font-size: 1.2rem; margin-top: 1.6rem; }}
  .figures li {{ min-width: 6.2rem; padding: 0.4rem 0.7rem; }}
  .figures b {{ font-size: 1.25rem; }}
  th, td {{ padding: 0.2rem 0.4rem; }}
  .timeline svg text.month {{ font-size: 10px; }}
  .timeline svg.dense .month {{ display: none; }}
  .timeline svg.dense .month-narrow {{ display: inline; }}
}}
@media (max-width: 40rem) {{
  .cohort {{ border: 1px solid #d8dee9; border-radius: 8px; padding: 0.2rem 0.7rem 0.4rem; }}
  table.cards, table.cards tbody, table.cards tfoot, table.cards tr, table.cards td {{
    display: block; }}
  table.cards thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }}
  table.cards tr {{ border: 1px solid #d8dee9; border-radius: 6px; margin: 0 0 0.5rem;
    padding: 0.3rem 0.5rem; background: #f8fafc; }}
  table.cards td {{ display: flow-root; border: none; padding: 0.1rem 0 0.1rem 40%;
    text-align: left; white-space: normal; min-width: 0; background: none; }}
  /* the label floats in the cell's left padding (40 % of the card = 66.67 % of the
     value's width); its margin box is 0 wide, so the value is not pushed aside, and
     the cell grows to the taller of label and value (flow-root holds the float) */
  table.cards td::before {{ content: attr(data-label); float: left; width: 63.33%;
    margin: 0 3.34% 0 -66.67%; color: #5c6773; font-weight: normal; }}
  table.cards td:empty {{ display: none; }}
  table.cards td.why {{ padding-left: 0; }}
  table.cards td.why::before {{ float: none; display: block; width: auto; margin: 0; }}
  table.cards tfoot tr {{ background: #f1f4f8; font-weight: 600; }}
  table.cards tfoot td:first-child {{ padding-left: 0; }}
  table.cards tfoot td:first-child::before {{ content: none; }}
  table.cards td:first-child {{ font-weight: 600; }}
}}
@page {{ size: A4 portrait; margin: 14mm 12mm; }}
@media print {{
  body {{ max-width: none; margin: 0; padding: 0; font-size: 9pt; }}
  .scroll {{ overflow: visible; background: none; margin: 0.3rem 0 0.6rem; }}
  table {{ width: 100%; }}
  th, td {{ padding: 0.1rem 0.3rem; }}
  td {{ overflow-wrap: anywhere; }}
  td.num, td.date {{ overflow-wrap: normal; }}
  td.why {{ min-width: 0; }}
  tr {{ break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; }}
  .cohort {{ break-before: page; }}
  .timeline svg {{ min-width: 0; }}
}}
"""


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
    cards: bool = True,
) -> str:
    """An HTML table in a horizontally scrolling box; cells are already escaped.

    Columns in ``num`` are right-aligned, header included; ``cls`` gives other
    columns a class (``date``: never wrapped, ``why``: a wide text column).
    With ``cards`` (every table of the overview) each row becomes a card on a
    phone, every cell labelled with its column's heading (``data-label``), so
    nothing scrolls sideways at 390 px; the footer row becomes a card too.
    """
    classes = {i: "num" for i in num} | (cls or {})

    def cell(i: int, c: str) -> str:
        attrs = f' class="{classes[i]}"' if i in classes else ""
        if cards and i < len(head) and head[i]:
            attrs += f' data-label="{_e(head[i])}"'
        return f"<td{attrs}>{c}</td>"

    def row(cells: Sequence[str]) -> str:
        return "<tr>" + "".join(cell(i, c) for i, c in enumerate(cells)) + "</tr>"

    out = ['<div class="scroll">', '<table class="cards">' if cards else "<table>"]
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th class="num">{_e(h)}</th>' if i in num else f"<th>{_e(h)}</th>"
            for i, h in enumerate(head)
        )
        + "</tr></thead>"
    )
    out += ["<tbody>", *(row(r) for r in rows), "</tbody>"]
    if foot is not None:
        out.append(f"<tfoot>{row(foot)}</tfoot>")
    out += ["</table>", "</div>"]
    return "\n".join(out)


def _has_venues(program: Program, plan: Plan) -> bool:
    """Whether the program has rooms or the plan names one (else venue columns are left out)."""
    return bool(program.venues) or any(
        c.venue or any(s.venue for s in c.sessions) for c in plan.cohorts
    )


def _day(program: Program, session: Session) -> date:
    """The local date of a session."""
    return local_time(program, session.start).date()


def _member_table(program: Program, cohort: Cohort, lang: Language) -> str:
    """The cohort's members by name, each with the session that takes their own case,
    and the sessions they will miss when anyone in the cohort will miss one."""
    owns = {s.case_owner: s for s in cohort.sessions if s.case_owner}
    absences = any(s.absent for s in cohort.sessions)
    members = sorted(cohort.members, key=lambda pid: (participant_name(program, pid), pid))
    rows = []
    for pid in members:
        own = owns.get(pid)
        when = (
            f"{session_label(lang, cohort, own)} · {numeric_day(lang, _day(program, own))}"
            if own
            else "—"
        )
        missed = ", ".join(str(s.number) for s in cohort.sessions if pid in s.absent)
        rows.append(
            [
                _person(program, pid),
                _e(participant_org(program, pid)),
                _e(participant_experience(program, pid, lang)),
                _e(when),
                *([_e(missed or "—")] if absences else []),
            ]
        )
    head = (lang._("Member"), lang._("Organisation"), lang._("Experience"), lang._("Own case"),
            *([lang._("Will miss session")] if absences else []))
    return _table(head, rows, cls={3: "date"}, cards=True)


def _session_table(program: Program, cohort: Cohort, lang: Language, venues: bool) -> str:
    """The cohort's sessions in order: number, date, weekday, local time, case owner, venue.

    The venue column only when ``venues`` (the program has rooms).
    """
    columns = 6 if venues else 5
    answered = any(s.absent or s.replies for s in cohort.sessions)
    rows = []
    for s in ordered_sessions(cohort):
        start, end = local_time(program, s.start), local_time(program, s.end)
        owner = participant_name(program, s.case_owner) if s.case_owner else lang._("Kick-off")
        rows.append(
            [
                _e(s.number),
                _e(numeric_day(lang, start.date())),
                _e(weekday(lang, start.date())),
                _e(f"{lang.clock(start)}–{lang.clock(end)}"),
                _e(owner),
                _e(venue_name(program, s.venue or cohort.venue)) or "—",
            ][:columns]
            + ([_e(lang.number(n)) for n in _answers(cohort, s)] if answered else [])
        )
    head = (
        lang._("Session"),
        lang._("Date"),
        lang._("Weekday"),
        lang._("Time"),
        lang._("Case owner"),
        lang._("Venue"),
    )[:columns]
    if answered:  # the calendar answers read back (SPEC §11), once there are any
        head += (lang._("Accepted"), lang._("Tentative"), lang._("Declined"),
                 lang._("Not answered"))
    num = (0, *range(columns, columns + 4)) if answered else (0,)
    return _table(head, rows, num=num, cls={1: "date", 3: "date"}, cards=True)


def _answers(cohort: Cohort, session: Session) -> tuple[int, int, int, int]:
    """How many members accepted, answered tentative, declined (will miss it) and have
    not answered ``session``'s invitation."""
    said = [session.answer(pid) for pid in cohort.members]
    return (said.count("ACCEPTED"), said.count("TENTATIVE"), said.count("DECLINED"),
            said.count(None))


def _cohort_section(program: Program, cohort: Cohort, lang: Language, venues: bool) -> str:
    """One cohort: facilitator, venue, size, deadline, then its members and its sessions.

    The venue only when ``venues`` (the program has rooms).
    """
    count = len(cohort.members)
    facts = [
        lang._("Facilitator: {name}", name=facilitator_name(program, cohort.facilitator)),
        *(
            lang._("Sessions {numbers} led by {name}",
                numbers=numbers, name=facilitator_name(program, fid))
            for fid, numbers in _led_by_others(cohort).items()
        ),
        lang.n_("{count} member", "{count} members", count, count=lang.number(count)),
        lang._("Cancellation deadline: {day}", day=lang.day(cohort.cancellation_deadline)),
    ]
    if venues:
        venue = venue_name(program, cohort.venue) or "—"
        facts.insert(1, lang._("Venue: {name}", name=venue))
    out = [f'<section class="cohort" id="cohort-{_e(cohort.id)}">']
    out.append(f"<h3>{_e(lang._('Cohort {id}', id=cohort.id))}</h3>")
    out.append(f'<p class="meta">{" · ".join(_e(fact) for fact in facts)}</p>')
    out.append(_member_table(program, cohort, lang))
    out.append(_session_table(program, cohort, lang, venues))
    out.append("</section>")
    return "\n".join(out)


def _led_by_others(cohort: Cohort) -> dict[str, str]:
    """Facilitators other than the cohort's who lead some of its sessions (SPEC §8: a
    substitute took over), with those sessions' numbers: ``{"f-eva": "1–3"}``."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for s in ordered_sessions(cohort):
        if cohort.leader(s) != cohort.facilitator:
            numbers[cohort.leader(s)].append(s.number)
    return {fid: _runs(found) for fid, found in numbers.items()}


def _runs(numbers: list[int]) -> str:
    """``1–3, 5``: ascending numbers with runs joined by an en dash."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _closed_list(program: Program, lang: Language) -> str:
    """A collapsible list of the closed days and periods inside the program window."""
    end = program.end + timedelta(days=1)
    kinds = {"holiday": lang._("public holiday"), "closed": lang._("extra closed day")}
    listed: list[tuple[date, list[str]]] = [
        (d, [_e(numeric_day(lang, d)), _e(weekday(lang, d)), _e(name), _e(kinds[kind])])
        for d, kind, name in closed_days(program, program.start, end, lang)
    ]
    for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name)):
        if b.end >= program.start and b.start <= program.end:
            span = f"{numeric_day(lang, b.start)} – {numeric_day(lang, b.end)}"
            name = blackout_name(lang, b.name)
            listed.append((b.start, [_e(span), "", _e(name), _e(lang._("blackout"))]))
    if not listed:
        return ""
    listed.sort(key=lambda item: item[0])
    title = lang._("Closed days and periods in the window ({count})", count=len(listed))
    head = (lang._("Date"), lang._("Weekday"), lang._("Name"), lang._("Kind"))
    return "\n".join(
        [
            f"<details><summary>{_e(title)}</summary>",
            _table(head, [cells for _, cells in listed], cls={0: "date"}),
            "</details>",
        ]
    )


def _cohort_table(program: Program, plan: Plan, lang: Language) -> str:
    """One row per cohort: facilitator, sizes, first and last session, deadline, venue."""
    columns = 8 if _has_venues(program, plan) else 7
    rows = []
    for c in plan.cohorts:
        ordered = ordered_sessions(c)
        first = numeric_day(lang, _day(program, ordered[0])) if ordered else "—"
        last = numeric_day(lang, _day(program, ordered[-1])) if ordered else "—"
        rows.append(
            [
                f'<a href="#cohort-{_e(c.id)}">{_e(c.id)}</a>',
                _e(facilitator_name(program, c.facilitator)),
                _e(lang.number(len(c.members))),
                _e(lang.number(len(c.sessions))),
                _e(first),
                _e(last),
                _e(numeric_day(lang, c.cancellation_deadline)),
                _e(venue_name(program, c.venue)) or "—",
            ][:columns]
        )
    head = (
        lang._("Cohort"),
        lang._("Facilitator"),
        lang._("Members"),
        lang._("Sessions"),
        lang._("First session"),
        lang._("Last session"),
        lang._("Cancellation deadline"),
        lang._("Venue"),
    )[:columns]
    return _table(head, rows, num=(2, 3), cls={4: "date", 5: "date", 6: "date"})


def _facilitator_load(program: Program, plan: Plan, lang: Language) -> str:
    """Per facilitator: the cohorts they lead, their sessions, limit and busiest day."""
    fids = [f.id for f in program.facilitators]
    fids += sorted({f for c in plan.cohorts for f in c.leaders()} - set(fids))
    rows = []
    for fid in sorted(fids):
        led = [c for c in plan.cohorts if c.facilitator == fid]
        known = next((f for f in program.facilitators if f.id == fid), None)
        most = None if known is None else known.max_cohorts
        limit = "—" if most is None else lang.number(most)
        per_day: dict[date, int] = defaultdict(int)
        sessions = [s for c in plan.cohorts for s in c.sessions if c.leader(s) == fid]
        for s in sessions:
            per_day[_day(program, s)] += 1
        names = [c.id for c in led] + [  # sessions of a cohort handed over to someone else
            lang._("{cohort} (sessions {numbers})", cohort=c.id, numbers=numbers)
            for c in plan.cohorts for other, numbers in _led_by_others(c).items()
            if other == fid
        ]
        rows.append(
            [
                _e(facilitator_name(program, fid)),
                _e(", ".join(names)) or "—",
                _e(lang.number(len(led))),
                _e(lang.number(len(sessions))),
                _e(limit),
                _e(lang.number(max(per_day.values(), default=0))),
            ]
        )
    head = (
        lang._("Facilitator"),
        lang._("Cohorts"),
        lang._("Number of cohorts"),
        lang._("Sessions"),
        lang._("Most cohorts allowed"),
        lang._("Most sessions in a day"),
    )
    return _table(head, rows, (2, 3, 4, 5))


def _venue_use(program: Program, plan: Plan, lang: Language) -> str:
    """Per venue: capacity, the cohorts and sessions it hosts, the largest group in it."""
    used: dict[str, list[tuple[Cohort, Session]]] = defaultdict(list)
    for c in plan.cohorts:
        for s in c.sessions:
            vid = s.venue or c.venue
            if vid:
                used[vid].append((c, s))
    vids = [v.id for v in program.venues] + sorted(set(used) - {v.id for v in program.venues})
    if not vids:
        text = lang._("No venues in this program: sessions have no room assigned.")
        return f'<p class="none">{_e(text)}</p>'
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
                "—" if cap is None else _e(lang.number(cap)),
                _e(", ".join(cohorts)) or "—",
                _e(lang.number(len(sessions))),
                _e(lang.number(largest)) if sessions else "—",
            ]
        )
    head = (
        lang._("Venue"),
        lang._("Capacity"),
        lang._("Cohorts"),
        lang._("Sessions"),
        lang._("Largest group incl. facilitator"),
    )
    return _table(head, rows, (1, 3, 4))


def _unplaced(
    program: Program, plan: Plan, lang: Language, waiting: Sequence[Waiting] | None = None
) -> str:
    """The people not placed, with the plan's reason as it stands: by name, or with
    ``waiting`` in rank order with the cohorts each could join now."""
    if not plan.unplaced:
        return f'<p class="none">{_e(lang._("Everyone is placed."))}</p>'
    if waiting is not None:
        return _waiting_table(program, lang, waiting)
    ordered = sorted(
        plan.unplaced, key=lambda u: (participant_name(program, u.participant), u.participant)
    )
    rows = [
        [_person(program, u.participant), _e(participant_org(program, u.participant)), _e(u.reason)]
        for u in ordered
    ]
    head = (lang._("Participant"), lang._("Organisation"), lang._("Why not placed"))
    return _table(head, rows, cls={2: "why"})


def _waiting_table(program: Program, lang: Language, waiting: Sequence[Waiting]) -> str:
    """The waiting list (``waitlist.csv``'s facts): rank, person, reason, where they fit."""
    rows = [
        [
            _e(w.rank),
            _person(program, w.participant),
            _e(participant_org(program, w.participant)),
            _e(w.reason),
            _e(", ".join(j.cohort for j in w.fits) or "—"),
        ]
        for w in waiting
    ]
    head = (lang._("Place in queue"), lang._("Participant"), lang._("Organisation"),
            lang._("Why not placed"), lang._("Could join now"))
    return _table(head, rows, num=(0,), cls={3: "why"})


def _cost_table(program: Program, plan: Plan, lang: Language) -> str:
    """The fee and VAT rate, then what each organisation pays, with a total row."""
    policy = program.policy
    cur = policy.currency

    def money(value: Decimal) -> str:
        return _e(lang.money(value, cur))

    note = lang._(
        "Fee {fee} per participant excl. VAT; VAT {rate}. Participants who withdraw on or "
        "after their cohort's cancellation deadline are charged the full fee and counted.",
        fee=lang.money(Decimal(str(policy.fee)), cur), rate=percent(lang, policy.vat_rate))
    out = f'<p class="meta">{_e(note)}</p>'
    costs = cost_rows(program, plan)
    if not costs:
        return out + f'\n<p class="none">{_e(lang._("No fees: nobody is placed."))}</p>'
    rows = [
        [
            _e(r.organization),
            _e(lang.number(r.participants)),
            money(r.fee),
            money(r.vat),
            money(r.total),
            _e(numeric_day(lang, r.deadline) if r.deadline else "—"),
            _e(lang.number(r.withdrawn_charged)),
        ]
        for r in costs
    ]
    deadlines = [r.deadline for r in costs if r.deadline]
    foot = [
        _e(lang._("Total")),
        _e(lang.number(sum(r.participants for r in costs))),
        money(sum((r.fee for r in costs), Decimal(0))),
        money(sum((r.vat for r in costs), Decimal(0))),
        money(sum((r.total for r in costs), Decimal(0))),
        _e(numeric_day(lang, min(deadlines)) if deadlines else "—"),
        _e(lang.number(sum(r.withdrawn_charged for r in costs))),
    ]
    head = (
        lang._("Organisation"),
        lang._("Participants"),
        lang._("Fee excl. VAT"),
        lang._("VAT"),
        lang._("Total incl. VAT"),
        lang._("Earliest cancellation deadline"),
        lang._("Withdrew late, charged"),
    )
    return out + "\n" + _table(head, rows, (1, 2, 3, 4, 6), foot=foot, cls={5: "date"})


def _withdrawal_table(program: Program, plan: Plan, lang: Language) -> str:
    """Who withdrew, when, their deadline and whether the fee is due."""
    records = plan.history.withdrawals
    if not records:
        return f'<p class="none">{_e(lang._("No withdrawals."))}</p>'
    fee = lang.money(Decimal(str(program.policy.fee)), program.policy.currency)
    rows = []
    for r in records:
        pid = r.participant
        name = r.name or participant_name(program, pid) or pid
        who = f'{_e(name)} <span class="id">({_e(pid)})</span>' if name != pid else _e(pid)
        due = lang._("yes, {fee} excl. VAT", fee=fee) if r.fee_due else lang._("no")
        deadline = r.cancellation_deadline
        rows.append(
            [
                who,
                _e(r.organization),
                _e(r.cohort or lang._("not placed")),
                _e(numeric_day(lang, r.on)),
                _e(numeric_day(lang, deadline) if deadline else "—"),
                _e(due),
            ]
        )
    head = (
        lang._("Participant"),
        lang._("Organisation"),
        lang._("Cohort"),
        lang._("Withdrew on"),
        lang._("Cancellation deadline"),
        lang._("Fee due"),
    )
    return _table(head, rows, cls={3: "date", 4: "date"})


def _figures(program: Program, plan: Plan, lang: Language) -> list[tuple[str, str]]:
    """(label, value) of the summary's key figures, in the order shown.

    Each label is the plural form for its number (ngettext): ``1 avbokning``,
    ``2 avbokningar``, as the figure reads with its number above the label.
    """
    costs = cost_rows(program, plan)
    total = sum((r.total for r in costs), Decimal(0))
    registered, placed, unplaced = len(program.participants), plan.placed, len(plan.unplaced)
    cohorts, facilitators = len(plan.cohorts), len(program.facilitators)
    sessions = sum(len(c.sessions) for c in plan.cohorts)
    withdrawn = len(plan.history.withdrawals)
    bound = plan.objective.placed_bound
    figures = [
        (lang.n_("registration", "registrations", registered), registered),
        (lang.n_("placed", "placed", placed), placed),
        *([(lang.n_("at most placeable", "at most placeable", bound), bound)]
          if bound is not None else []),
        (lang.n_("unplaced", "unplaced", unplaced), unplaced),
        (lang.n_("cohort", "cohorts", cohorts), cohorts),
        (lang.n_("session", "sessions", sessions), sessions),
        (lang.n_("facilitator", "facilitators", facilitators), facilitators),
        *([(lang.n_("withdrawal", "withdrawals", withdrawn), withdrawn)] if withdrawn else []),
    ]
    shown = [(label, lang.number(count)) for label, count in figures]
    shown.append((lang._("in all incl. VAT"), lang.money(total, program.policy.currency)))
    return shown


def _page_head(program: Program, lang: Language) -> list[str]:
    """From the doctype to the end of the page header: title, CSS, the program's frame."""
    title = lang._("{name} – overview", name=program.name)
    mode = lang._("company-tailored run") if program.mode == "company" else lang._("mixed run")
    sub = lang._(
        "Program {id} · {start} – {end} · {times} · {mode} · public holidays of {country}",
        id=program.id,
        start=lang.short_day(program.start),
        end=lang.short_day(program.end),
        times=zone_words(lang, program.timezone),
        mode=mode,
        country=country_name(lang, program.country),
    )
    return [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang.code)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(program.name)}</h1>",
        f'<p class="sub">{_e(sub)}</p>',
        "</header>",
    ]


def _proof(program: Program, plan: Plan, lang: Language) -> list[str]:
    """What is proven about the number placed: nothing, a bound met, or optimality."""
    bound = plan.objective.placed_bound
    optimal = plan.objective.optimal
    registered = len(program.participants)
    if bound is not None and plan.placed >= bound:
        if plan.placed >= registered:
            text = lang.n_(
                "The one registrant is placed.", "All {count} registrants are placed.", registered,
                count=lang.number(registered))
        else:
            text = lang.n_(
                "{placed} of {count} registrant placed: no plan of these registrations and "
                "rules places more.",
                "{placed} of {count} registrants placed: no plan of these registrations and "
                "rules places more.",
                registered, placed=lang.number(plan.placed), count=lang.number(registered))
        return [f"<p>{_e(text)}</p>"]
    if optimal is True:
        text = lang._("No plan of these registrations and rules places more people.")
        return [f"<p>{_e(text)}</p>"]
    if optimal is False:
        text = lang._(
            "This is the best placement found within the time limit; a plan that places "
            "more people may exist."
        )
        if bound is not None:
            text += " " + lang._("No plan places more than {bound}.", bound=lang.number(bound))
        return [f'<p class="warn">{_e(text)}</p>']
    return []


def _summary(program: Program, plan: Plan, lang: Language) -> list[str]:
    """Key figures, what is proven, cancelled cohorts and the blackout periods."""
    out = ['<section id="summary">', f"<h2>{_e(lang._('Summary'))}</h2>", '<ul class="figures">']
    figures = _figures(program, plan, lang)
    out += [f"<li><b>{_e(value)}</b>{_e(label)}</li>" for label, value in figures]
    out.append("</ul>")
    out += _proof(program, plan, lang)
    retired = plan.history.retired_cohorts
    if retired:
        text = lang._("Cancelled cohorts: {ids}.", ids=", ".join(map(str, retired)))
        waiting = plan.history.waiting_since_cancelled()
        held = sum(1 for u in plan.unplaced if u.participant in waiting)
        if held:
            text += " " + lang.n_(
                "{count} person waits because the cohort was cancelled: a re-plan includes "
                "them only when asked (plan --reopen); fill offers free seats.",
                "{count} people wait because their cohort was cancelled: a re-plan includes "
                "them only when asked (plan --reopen); fill offers free seats.",
                held, count=lang.number(held))
        out.append(f"<p>{_e(text)}</p>")
    if program.blackouts:
        items = ", ".join(
            f"{blackout_name(lang, b.name)} ({lang.short_day(b.start)} – "
            f"{lang.short_day(b.end)})"
            for b in sorted(program.blackouts, key=lambda b: (b.start, b.end, b.name))
        )
        out.append(f"<p>{_e(lang._('Blackout periods: {periods}', periods=items))}</p>")
    out.append("</section>")
    return out


def _timeline_section(program: Program, plan: Plan, lang: Language) -> list[str]:
    """The timeline picture in its scroll box, its legend and, folded away, the closed days."""
    return [
        '<section id="timeline" class="timeline">',
        f"<h2>{_e(lang._('Timeline'))}</h2>",
        '<div class="scroll">',
        timeline_svg(program, plan, lang),
        "</div>",
        legend_html(program, plan, lang),
        _closed_list(program, lang),
        "</section>",
    ]


def _cohorts(program: Program, plan: Plan, lang: Language) -> list[str]:
    """The table of cohorts, then a section per cohort."""
    out = ['<section id="cohorts">', f"<h2>{_e(lang._('Cohorts'))}</h2>"]
    if plan.cohorts:
        out.append(_cohort_table(program, plan, lang))
        venues = _has_venues(program, plan)
        out += [_cohort_section(program, c, lang, venues) for c in plan.cohorts]
    else:
        out.append(f'<p class="none">{_e(lang._("No cohorts."))}</p>')
    out.append("</section>")
    return out


def overview_html(
    program: Program, plan: Plan, waiting: Sequence[Waiting] | None = None
) -> str:
    """A self-contained HTML5 overview of the plan (inline CSS and SVG, no script).

    Sections: summary, timeline, cohorts (members, sessions, cancellation
    deadline), facilitators' load, venue use, unplaced people and why (with
    ``waiting``: the waiting list in rank order and where each fits now), costs
    per organisation, withdrawals; in the program's language
    (``<html lang="sv">`` or ``"en"``). Every user-typed text is HTML-escaped.
    """
    lang = language(program)
    out = _page_head(program, lang)
    out += ["<main>", *_summary(program, plan, lang)]
    out += _timeline_section(program, plan, lang)
    out += _cohorts(program, plan, lang)
    sections = (
        ("facilitators", lang._("Facilitators' load"), _facilitator_load(program, plan, lang)),
        ("venues", lang._("Venue use"), _venue_use(program, plan, lang)),
        ("unplaced", lang._("Unplaced participants"), _unplaced(program, plan, lang, waiting)),
        ("costs", lang._("Costs per organisation"), _cost_table(program, plan, lang)),
        ("withdrawals", lang._("Withdrawals"), _withdrawal_table(program, plan, lang)),
    )
    for sid, heading, body in sections:
        out += [f'<section id="{sid}">', f"<h2>{_e(heading)}</h2>", body, "</section>"]
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
