"""Why a re-plan cannot keep a cohort that has started: who blocks its next session."""

from __future__ import annotations

from datetime import date

from ..model.instance import Instance


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
        leader = inst.pinned_leader(k, e.held) or e.facilitator
        if leader in facs:
            people.append((leader, inst.facilitator_open[facs[leader]]))
        left = set(candidates)
        for _, allowed in people:
            if allowed is not None:
                left &= allowed
        if left:
            continue
        blockers = [
            _name(inst, who_id) for who_id, allowed in people
            if allowed is not None and not (candidates & allowed)
        ]
        first = program.start.toordinal()
        span = (
            f"{date.fromordinal(first + window[0]).isoformat()}.."
            f"{date.fromordinal(first + window[-1]).isoformat()}"
            if window else "(no allowed day)"
        )
        who_text = ", ".join(blockers) if blockers else "the members together"
        problems.append(
            f"cohort {e.id or k + 1} has started, so its members "
            f"stay; its session {e.held + 1} must fall in {span} (gap rule), but no time then "
            f"suits {who_text}"
        )
    return problems


def _name(inst: Instance, pid: str) -> str:
    """``Name (id)`` of a participant or facilitator id; the bare id if unknown."""
    if pid in inst.participant_index:
        person = inst.participants[inst.participant_index[pid]]
        return f"{person.name} ({person.id})"
    for f in inst.facilitators:
        if f.id == pid:
            return f"{f.name} ({f.id})"
    return pid
