"""The CP-SAT decision variables of a planning model, in one typed container."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ...domain import Program
from ...rules import ALLOWED_DAY, DAY_WINDOW, DURATION, PROGRAM_WINDOW, TIME_GRID, enforces
from .instance import Instance

BoolVar = cp_model.IntVar  # CP-SAT's Python API types Booleans as IntVar
IntVar = cp_model.IntVar


@dataclass
class Variables:
    """Every decision of the model, indexed by cohort slot ``k`` and session ``i``.

    A *cohort slot* is a cohort that may or may not be opened; sessions are
    numbered 0 (kick-off) to ``max_size``; session ``i`` exists when the cohort
    has at least ``i`` members.
    """

    open: list[BoolVar] = field(default_factory=list)
    member: dict[tuple[int, int], BoolVar] = field(default_factory=dict)  # (p, k)
    lead: dict[tuple[int, int], BoolVar] = field(default_factory=dict)  # (k, f)
    venue: dict[tuple[int, int], BoolVar] = field(default_factory=dict)  # (k, r)
    size: list[IntVar] = field(default_factory=list)
    active: list[list[BoolVar]] = field(default_factory=list)  # [k][i]
    slot: list[list[IntVar]] = field(default_factory=list)  # index into slot_minutes
    calendar_day: list[list[IntVar]] = field(default_factory=list)  # days since start
    when: list[list[IntVar]] = field(default_factory=list)  # calendar_day * n_slots + slot
    effective_day: list[list[IntVar]] = field(default_factory=list)  # minus blackouts
    minute: list[list[IntVar]] = field(default_factory=list)  # absolute start minute

    def members_of(self, k: int) -> list[tuple[int, BoolVar]]:
        """(participant index, literal) pairs of cohort slot ``k``."""
        return [(p, v) for (p, kk), v in self.member.items() if kk == k]


@enforces(ALLOWED_DAY, TIME_GRID, DAY_WINDOW, DURATION, PROGRAM_WINDOW)
def create_variables(model: cp_model.CpModel, inst: Instance) -> Variables:
    """Create all variables with their tightest static domains.

    The domains are where the calendar rules live: a session's day ranges
    only over the allowed days of the program window, and its start only over
    the grid times from which a whole session (its duration) ends inside the
    day window (:class:`~backstage_sched.inputs.workdays.WorkCalendar`).

    A session's day is its calendar day number (days since the program
    start) restricted to allowed days; session ``i`` cannot start before
    ``i * min_gap`` days, and sessions that always exist (``i <= min_size``)
    must leave room for the ones after them before the program end. The
    blackout-free day number subtracts, per blackout, its length once the
    session lies after it (sessions never fall inside one).
    """
    program = inst.program
    cal = inst.calendar
    rules = program.sessions
    groups = program.groups
    n_slots = inst.n_slots
    v = Variables()
    cal_no = cal.calendar_number
    span = (program.end - program.start).days
    day_start = rules.day_start.hour * 60 + rules.day_start.minute
    blackouts = _blackout_steps(program)
    for k in range(inst.cohort_slots):
        v.open.append(model.new_bool_var(f"open[{k}]"))
        v.size.append(model.new_int_var(0, groups.max_size, f"size[{k}]"))
        active: list[BoolVar] = []
        slot: list[IntVar] = []
        when: list[IntVar] = []
        cday: list[IntVar] = []
        eday: list[IntVar] = []
        minute: list[IntVar] = []
        always = inst.smallest(k) + inst.extra(k)  # sessions every open cohort has
        for i in range(inst.n_sessions):
            if i <= always:
                active.append(v.open[k])
            else:
                active.append(model.new_bool_var(f"active[{k},{i}]"))
            earliest = i * rules.min_gap_days
            latest = span - max(0, always - i) * rules.min_gap_days
            days = [c for c in cal_no if earliest <= c <= latest] or [cal_no[0]]
            c_var = model.new_int_var_from_domain(
                cp_model.Domain.from_values(days), f"cday[{k},{i}]"
            )
            s_var = model.new_int_var(0, n_slots - 1, f"slot[{k},{i}]")
            w_var = model.new_int_var(
                days[0] * n_slots, days[-1] * n_slots + n_slots - 1, f"when[{k},{i}]"
            )
            model.add(w_var == c_var * n_slots + s_var)
            steps: list[cp_model.LinearExpr | int] = []
            for b, (after_day, length) in enumerate(blackouts):
                if days[-1] < after_day:
                    continue
                if days[0] >= after_day:
                    steps.append(length)
                    continue
                past = model.new_bool_var(f"past_blackout[{k},{i},{b}]")
                model.add(c_var >= after_day).only_enforce_if(past)
                model.add(c_var < after_day).only_enforce_if(past.Not())
                steps.append(past * length)
            e_var = model.new_int_var(-span, span, f"eday[{k},{i}]")
            model.add(e_var == c_var - sum(steps))
            m_var = model.new_int_var(0, (span + 1) * 1440, f"minute[{k},{i}]")
            model.add(m_var == c_var * 1440 + day_start + s_var * rules.grid_minutes)
            for lst, var in (
                (slot, s_var), (when, w_var), (cday, c_var), (eday, e_var), (minute, m_var)
            ):
                lst.append(var)
        v.active.append(active)
        v.slot.append(slot)
        v.when.append(when)
        v.calendar_day.append(cday)
        v.effective_day.append(eday)
        v.minute.append(minute)
        for p in range(len(inst.participants)):
            v.member[p, k] = model.new_bool_var(f"member[{p},{k}]")
        for f in range(len(inst.facilitators)):
            v.lead[k, f] = model.new_bool_var(f"lead[{k},{f}]")
        for r in range(len(program.venues)):
            v.venue[k, r] = model.new_bool_var(f"venue[{k},{r}]")
    return v


def _blackout_steps(program: Program) -> list[tuple[int, int]]:
    """Per run of consecutive blackout days in the window: (first day number after
    it, its length). Overlapping blackouts count each day once."""
    days = sorted(
        {
            (b.start - program.start).days + i
            for b in program.blackouts
            for i in range((b.end - b.start).days + 1)
        }
    )
    span = (program.end - program.start).days
    days = [d for d in days if 0 <= d <= span]
    steps: list[tuple[int, int]] = []
    run_start = None
    for n, d in enumerate(days):
        if run_start is None:
            run_start = d
        if n + 1 == len(days) or days[n + 1] != d + 1:
            steps.append((d + 1, d - run_start + 1))
            run_start = None
    return steps
