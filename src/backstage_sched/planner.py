"""The public planning flow: validated program -> CP-SAT schedule -> verified plan."""

from __future__ import annotations

from datetime import timedelta

from .domain import Program
from .errors import VerificationError
from .ical import uid_for
from .plan import Cohort, Plan, Session, Unplaced
from .solver import Schedule, SolveOptions, solve
from .solver.solve import Progress
from .verify import verify
from .workdays import WorkCalendar


def plan_program(
    program: Program, options: SolveOptions | None = None, progress: Progress | None = None
) -> Plan:
    """Plan ``program`` and verify the result; raises VerificationError on a broken rule."""
    options = options or SolveOptions()
    schedule = solve(program, options, progress)
    plan = schedule_to_plan(program, schedule, options)
    check_or_raise(program, plan)
    return plan


def check_or_raise(program: Program, plan: Plan) -> None:
    """Run the independent verifier; a violation is a bug, never an output."""
    violations = verify(program, plan)
    if violations:
        raise VerificationError(violations)


def schedule_to_plan(
    program: Program, schedule: Schedule, options: SolveOptions | None = None
) -> Plan:
    """Name cohorts ``c01``… in kick-off order and turn slots into aware sessions."""
    cal = WorkCalendar(program)
    width = max(2, len(str(len(schedule.cohorts))))
    cohorts = []
    for n, sc in enumerate(schedule.cohorts, start=1):
        cid = f"c{n:0{width}d}"
        sessions = tuple(
            Session(
                index=i,
                start=cal.start_datetime(slot),
                end=cal.end_datetime(slot),
                case_owner=None if i == 0 else sc.case_owners[i - 1],
                venue=sc.venue,
                uid=uid_for(program.id, cid, i),
                sequence=0,
            )
            for i, slot in enumerate(sc.slots)
        )
        deadline = sc.slots[0].day - timedelta(days=program.policy.cancellation_days)
        cohorts.append(Cohort(cid, sc.facilitator, sc.venue, sc.members, deadline, sessions))
    placed = sum(len(c.members) for c in cohorts)
    objective: dict[str, object] = {
        "placed": placed,
        "registered": len(program.participants),
        "optimal": bool(schedule.optimal.get("placed", False)),
    }
    for name, value in schedule.objective.items():
        if name != "placed":
            objective[name] = value
    objective["proved_optimal"] = dict(schedule.optimal)
    if options is not None:
        objective["seed"] = options.seed
    return Plan(
        program=program.id,
        cohorts=tuple(cohorts),
        unplaced=tuple(Unplaced(pid, reason) for pid, reason in schedule.unplaced),
        objective=objective,
        timezone=program.timezone,
    )
