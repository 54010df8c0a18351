"""Why someone could not be placed, in words a coordinator can act on."""

from __future__ import annotations

from collections import Counter
from datetime import date

from .instance import Instance


def series_fits(inst: Instance, open_when: frozenset[int] | None, sessions: int) -> bool:
    """True when some series of ``sessions`` dates obeying the gap rule fits ``open_when``.

    ``open_when`` holds allowed ``when`` values (see Instance; None: all).
    """
    g = inst.n_slots
    index = inst.calendar_index
    if open_when is None:
        days = list(range(inst.n_days))
    else:
        days = sorted(index[w // g] for w in {w // g * g for w in open_when})
    if not days:
        return False
    rules = inst.program.sessions
    cal_no = inst.calendar.calendar_number
    eff_no = inst.calendar.effective_number
    longest: dict[int, int] = {}
    for d in days:
        best = 1
        for e in days:
            if e >= d:
                break
            gap = cal_no[d] - cal_no[e]
            if gap >= rules.min_gap_days and eff_no[d] - eff_no[e] <= rules.max_gap_days:
                best = max(best, longest[e] + 1)
        longest[d] = best
        if best >= sessions:
            return True
    return False


def _intersect(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def unplaced_reasons(inst: Instance, placed: set[str], formed: int) -> dict[str, str]:
    """A reason for every participant not in ``placed``, in input order.

    ``formed`` is the number of cohorts the plan opens.
    """
    program = inst.program
    groups = program.groups
    rules = program.sessions
    need = groups.min_size + 1
    orgs = Counter(p.organization for p in inst.participants)
    reasons: dict[str, str] = {}
    window = f"{program.start.isoformat()}..{program.end.isoformat()}"
    capacity = sum(min(inst.facilitator_limit(f), 10**4) for f in inst.facilitators)
    unplaced = [p for p in inst.participants if p.id not in placed]
    for n, person in enumerate(inst.participants):
        if person.id in placed:
            continue
        own = inst.participant_open[n]
        if inst.n_days == 0 or inst.n_slots == 0:
            reasons[person.id] = (
                "no session can be held at all: the program window, weekdays, holidays "
                "and blackouts leave no day, or the day window is shorter than a session"
            )
            continue
        if not series_fits(inst, None, need):
            reasons[person.id] = (
                f"program calendar: the program window {window}, allowed weekdays, "
                f"holidays, closed days and blackouts leave no series of {need} sessions "
                f"{rules.min_gap_days}–{rules.max_gap_days} days apart"
            )
            continue
        if program.venues and max(v.capacity for v in program.venues) < groups.min_size + 1:
            reasons[person.id] = (
                f"venue: no room holds a cohort of at least {groups.min_size} plus its "
                f"facilitator (largest room: {max(v.capacity for v in program.venues)})"
            )
            continue
        if not series_fits(inst, own, need):
            reasons[person.id] = (
                f"availability: their unavailable and busy times leave no series of "
                f"{need} sessions {rules.min_gap_days}–{rules.max_gap_days} days apart "
                f"within {window}"
            )
            continue
        if not any(
            series_fits(inst, _intersect(own, inst.facilitator_open[f]), need)
            for f in range(len(inst.facilitators))
        ):
            reasons[person.id] = (
                f"availability: no facilitator is free on a series of {need} dates "
                "they can attend"
            )
            continue
        org = person.organization
        if program.mode == "company" and orgs[org] < groups.min_size:
            reasons[person.id] = (
                f"company-tailored run: {org} has only {orgs[org]} registration(s); "
                f"a cohort needs at least {groups.min_size}"
            )
            continue
        if inst.cohort_slots == 0:
            reasons[person.id] = (
                f"no cohort can be formed: {len(inst.participants)} registration(s) and "
                f"facilitator capacity allow no cohort of at least {groups.min_size}"
            )
            continue
        cap = groups.max_per_organization
        if program.mode == "mixed" and orgs[org] > cap and orgs[org] > formed * cap:
            reasons[person.id] = (
                f"organisation mix: {org} has {orgs[org]} registrations but the plan has "
                f"{formed} cohort(s) with at most {groups.max_per_organization} per organisation"
            )
            continue
        blockers = sorted(
            {*person.not_with}
            | {q.id for q in inst.participants if person.id in q.not_with}
        )
        started = sum(1 for e in inst.earlier if e.held > 0)
        if formed >= capacity:
            reasons[person.id] = (
                f"no feasible cohort: the facilitators are at capacity ({capacity} cohorts) "
                "and every cohort that suits their dates is full or would break a rule"
                + (f" (not_with: {', '.join(blockers)})" if blockers else "")
                + (
                    f"; {started} cohort(s) have already started and take no new members"
                    if started
                    else ""
                )
            )
            continue
        if blockers:
            reasons[person.id] = (
                f"not_with: kept apart from {', '.join(blockers)}, and no other cohort "
                f"that suits their dates has room ({len(unplaced)} unplaced in all)"
            )
            continue
        reasons[person.id] = (
            "no feasible cohort: every cohort that suits their dates is full or would break "
            "the organisation mix, and too few other unplaced people share dates with them "
            f"to open a new cohort of at least {groups.min_size} ({len(unplaced)} unplaced in all)"
        )
    return reasons



def held_conflicts(inst: Instance) -> list[str]:
    """Why a re-plan cannot keep a started cohort: for each one whose next session
    has no date in the gap window that suits its pinned members and facilitator,
    who blocks it."""
    program = inst.program
    rules = program.sessions
    g = inst.n_slots
    cal_no = inst.calendar.calendar_number
    eff_no = inst.calendar.effective_number
    index = inst.calendar_index
    facs = {f.id: n for n, f in enumerate(inst.facilitators)}
    problems = []
    for k, e in enumerate(inst.earlier):
        if e.held == 0 or e.held >= len(e.slots):
            continue
        prev = inst.held_when(k, e.held - 1)
        if prev is None:
            continue
        prev_c = prev // g
        window = [
            c for c in cal_no
            if c - prev_c >= rules.min_gap_days
            and eff_no[index[c]] - eff_no[index[prev_c]] <= rules.max_gap_days
        ]
        candidates = {c * g + s for c in window for s in range(g)}
        people = [
            (m, inst.participant_open[inst.participant_index[m]])
            for m in e.members if m in inst.participant_index
        ]
        if e.facilitator in facs:
            people.append((e.facilitator, inst.facilitator_open[facs[e.facilitator]]))
        left = set(candidates)
        for _, allowed in people:
            if allowed is not None:
                left &= allowed
        if left:
            continue
        blockers = [
            who for who, allowed in people
            if allowed is not None and not (candidates & allowed)
        ]
        first = program.start.toordinal()
        span = (
            f"{date.fromordinal(first + window[0]).isoformat()}.."
            f"{date.fromordinal(first + window[-1]).isoformat()}"
            if window else "(no allowed day)"
        )
        who = ", ".join(blockers) if blockers else "the members together"
        problems.append(
            f"cohort {e.id or k + 1} has started, so its members "
            f"stay; its session {e.held} must fall in {span} (gap rule), but no time then "
            f"suits {who}"
        )
    return problems

