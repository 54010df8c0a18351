"""Each hard rule beside its constraint: one family on a tiny fixed model, kept and broken.

The model is :data:`TINY`: four people from four organisations, one facilitator,
two weeks in January 2027 (a public holiday on Wednesday the 6th), cohorts of two
(three sessions each). A test builds the variables, the bare structure of a plan
(:data:`STRUCTURE`) and only the family of the rule it is about, then:

- *kept*: pins a configuration at the edge of what the rule allows and shows
  CP-SAT finds a solution, which keeps the rule;
- *broken*: pins a configuration the rule forbids and shows CP-SAT refuses it,
  while the same pins without the family are solved (so the family, not the pins,
  refuses it); and the independent checker flags a hand-made plan breaking the rule
  with the rule's code, where the same plan kept (:func:`kept_plan`) is clean.

Rules built into the variables' domains (:func:`create_variables`) or kept outside
the model (case owners, UIDs, one person) are tested where they are enforced,
as their docstrings say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ortools.sat.python import cp_model

from backstage_sched.check.verify import verify
from backstage_sched.domain import (
    Facilitator,
    GroupRules,
    MetBefore,
    Participant,
    Program,
    SessionRules,
    TimeRule,
    Venue,
)
from backstage_sched.errors import InputError
from backstage_sched.inputs.load import load_program
from backstage_sched.inputs.workdays import Slot
from backstage_sched.plan import Cohort, Plan, Session, Unplaced, uid_for
from backstage_sched.solver.model import constraints as c
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.model.variables import Variables, create_variables
from backstage_sched.solver.polish.owners import assign_case_owners

TZ = ZoneInfo("Europe/Stockholm")
START = date(2027, 1, 4)  # a Monday; Wednesday 6 January is a public holiday
MONDAYS = TimeRule("mon", weekday=0)

TINY = Program(
    id="tiny",
    name="Tiny",
    start=START,
    end=date(2027, 1, 15),
    sessions=SessionRules(
        min_gap_days=2, max_gap_days=4, day_start=time(8), day_end=time(17), grid_minutes=60
    ),
    groups=GroupRules(size=2, min_size=2, max_size=2),
    facilitators=(Facilitator("f1", "Frida", "f1@example.org"),),
    participants=tuple(
        Participant(f"p{i}", f"P {i}", f"p{i}@example.org", f"org{i}") for i in range(1, 5)
    ),
)
"""Sessions of three hours on the hour from 08:00 to 14:00, 2 to 4 days apart."""

Pin = Callable[[cp_model.CpModel, Variables], object]

STRUCTURE = (
    c.add_session_count,
    c.add_group_size,
    c.add_placement,
    c.add_membership_opens_cohort,
    c.add_one_facilitator,
)
"""What makes the model a plan at all: sizes, sessions per member, one cohort each,
one facilitator per open cohort."""


def with_people(program: Program, **changes: dict[str, object]) -> Program:
    """``program`` with participants changed by id: ``p1={"organization": "org2"}``."""
    return program.replace(
        participants=tuple(replace(p, **changes.get(p.id, {})) for p in program.participants)
    )


def day(d: date) -> int:
    """The model's calendar day number of ``d``."""
    return (d - START).days


def solve(
    program: Program,
    families: Sequence[Callable[..., None]],
    pins: Sequence[Pin] = (),
    without: Callable[..., None] | None = None,
) -> tuple[int, cp_model.CpSolver, Variables]:
    """CP-SAT's status on the structure (less ``without``), ``families`` and ``pins``;
    the solver and the variables to read a solution."""
    inst = Instance.of(program)
    model = cp_model.CpModel()
    v = create_variables(model, inst)
    for add in [f for f in STRUCTURE if f not in families and f is not without] + [*families]:
        add(model, v, inst)
    for pin in pins:
        pin(model, v)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    solver.parameters.max_time_in_seconds = 30
    return solver.solve(model), solver, v


def solved(
    program: Program,
    families: Sequence[Callable[..., None]],
    pins: Sequence[Pin] = (),
    without: Callable[..., None] | None = None,
) -> tuple[cp_model.CpSolver, Variables]:
    """A solution of the model (asserting there is one)."""
    status, solver, v = solve(program, families, pins, without)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), solver.status_name(status)
    return solver, v


def assert_refused(
    program: Program, family: Callable[..., None] | None, pins: Sequence[Pin]
) -> None:
    """The pins are infeasible with ``family`` and feasible without it (``family``
    None: the rule lives in the variables' domains, always there)."""
    if family is not None:
        solved(program, [], pins, without=family)
    status, solver, _ = solve(program, [] if family is None else [family], pins)
    assert status == cp_model.INFEASIBLE, solver.status_name(status)


def together(*people: int, k: int = 0) -> Pin:
    """Participants (0-based) ``people`` in cohort slot ``k``."""
    return lambda m, v: [m.add(v.member[p, k] == 1) for p in people]


def everyone() -> Pin:
    """Every participant is placed."""
    return lambda m, v: m.add(sum(v.member.values()) == len(TINY.participants))


def at(k: int, i: int, d: date, hour: int, minute: int = 0) -> Pin:
    """Session ``i`` of cohort slot ``k`` starts on ``d`` at ``hour``:``minute``."""
    return lambda m, v: m.add(v.minute[k][i] == day(d) * 1440 + hour * 60 + minute)


def led(k: int, f: int = 0) -> Pin:
    """Cohort slot ``k`` is open and led by facilitator ``f``."""
    return lambda m, v: m.add(v.lead[k, f] == 1)


def starts(solver: cp_model.CpSolver, v: Variables, k: int) -> list[datetime]:
    """The start times of the sessions cohort slot ``k`` holds in a solution."""
    return [
        datetime.combine(START, time()) + timedelta(minutes=solver.value(v.minute[k][i]))
        for i in range(len(v.active[k]))
        if solver.value(v.active[k][i])
    ]


def members(solver: cp_model.CpSolver, v: Variables, k: int) -> set[int]:
    """The participants (0-based) of cohort slot ``k`` in a solution."""
    return {p for (p, kk), lit in v.member.items() if kk == k and solver.value(lit)}


# --- the hand-made plan the checker judges ----------------------------------------------

C01 = [date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 11)]
C02 = [date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 11)]


def cohort(
    cid: str, who: tuple[str, ...], days: list[date], hour: int = 9, *,
    minutes: int = 180, venue: str | None = None, owners: Sequence[str | None] | None = None,
) -> Cohort:
    """A cohort of ``who`` led by f1, meeting on ``days`` at ``hour``."""
    owners = [None, *who] if owners is None else owners
    sessions = tuple(
        Session(
            index=i,
            start=datetime.combine(d, time(hour), tzinfo=TZ),
            end=datetime.combine(d, time(hour), tzinfo=TZ) + timedelta(minutes=minutes),
            case_owner=owners[i],
            venue=venue,
            uid=uid_for("tiny", cid, i),
        )
        for i, d in enumerate(days)
    )
    return Cohort(cid, "f1", venue, who, days[0] - timedelta(days=10), sessions)


def kept_plan(*, c01: Cohort | None = None, c02: Cohort | None = None, **changes) -> Plan:
    """A plan keeping every rule of :data:`TINY`: c01 (p1, p2) at 09:00 and c02 (p3, p4)
    at 13:00, both on 4, 7 and 11 January; ``c01``/``c02`` replace a cohort."""
    return Plan(
        program="tiny",
        cohorts=(
            c01 or cohort("c01", ("p1", "p2"), C01),
            c02 or cohort("c02", ("p3", "p4"), C02, 13),
        ),
        **changes,
    )


def flagged(program: Program, plan: Plan) -> set[str]:
    """The codes of the rules the checker finds broken."""
    return {x.rule for x in verify(program, plan)}


def test_the_kept_plan_is_clean() -> None:
    assert flagged(TINY, kept_plan()) == set()


# --- rules in the variables' domains ----------------------------------------------------


@pytest.mark.rule("kept", "allowed day")
def test_allowed_day_kept() -> None:
    """Domain of ``calendar_day`` (create_variables): every session day is open."""
    solver, v = solved(TINY, [], [everyone()])
    days = {s.date() for k in range(2) for s in starts(solver, v, k)}
    assert days and all(d.weekday() < 5 and d != date(2027, 1, 6) for d in days)


@pytest.mark.rule("broken", "allowed day")
@pytest.mark.parametrize(
    ("closed", "days"),
    [
        (date(2027, 1, 6), [date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 8)]),
        (date(2027, 1, 9), [date(2027, 1, 7), date(2027, 1, 9), date(2027, 1, 11)]),
    ],
    ids=["holiday", "saturday"],
)
def test_allowed_day_broken(closed: date, days: list[date]) -> None:
    """A kick-off on a holiday or a Saturday is outside the domain; the day before is not."""
    solved(TINY, [], [at(0, 0, closed - timedelta(days=1), 9)])
    assert_refused(TINY, None, [at(0, 0, closed, 9)])
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), days))
    assert flagged(TINY, plan) == {"allowed day"}


@pytest.mark.rule("kept", "time grid")
def test_time_grid_kept() -> None:
    """Domain of ``slot`` (create_variables): starts fall on the hour from 08:00."""
    solver, v = solved(TINY, [], [everyone()])
    assert all(s.minute == 0 and s.hour >= 8 for k in range(2) for s in starts(solver, v, k))


@pytest.mark.rule("broken", "time grid")
def test_time_grid_broken() -> None:
    """Half past eight is between two grid times."""
    solved(TINY, [], [at(0, 0, C01[0], 9)])
    assert_refused(TINY, None, [at(0, 0, C01[0], 8, 30)])
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), C01))
    plan = replace(plan, cohorts=(_shift(plan.cohorts[0], 0, minutes=-30), plan.cohorts[1]))
    assert flagged(TINY, plan) == {"time grid"}


def _shift(c: Cohort, index: int, minutes: int) -> Cohort:
    """``c`` with session ``index`` moved by ``minutes``."""
    move = timedelta(minutes=minutes)
    return replace(c, sessions=tuple(
        replace(s, start=s.start + move, end=s.end + move) if s.index == index else s
        for s in c.sessions
    ))


@pytest.mark.rule("kept", "day window")
def test_day_window_kept() -> None:
    """Domain of ``slot`` (create_variables): a session starting at 14:00 ends at 17:00."""
    solver, v = solved(TINY, [], [at(0, 0, C01[0], 14)])
    assert starts(solver, v, 0)[0].hour == 14


@pytest.mark.rule("broken", "day window")
def test_day_window_broken() -> None:
    """A session starting at 15:00 would end after 17:00; before 08:00, start before it."""
    assert_refused(TINY, None, [at(0, 0, C01[0], 15)])
    assert_refused(TINY, None, [at(0, 0, C01[0], 7)])
    plan = kept_plan(c02=cohort("c02", ("p3", "p4"), C02, 15))
    assert flagged(TINY, plan) == {"day window"}


@pytest.mark.rule("kept", "duration")
def test_duration_kept() -> None:
    """The solution's slots read back as sessions of ``duration_minutes`` (the writer:
    ``WorkCalendar.end_datetime``); the model's slots leave room for all of it."""
    solver, v = solved(TINY, [], [everyone()])
    inst = Instance.of(TINY)
    for k in range(2):
        for s in starts(solver, v, k):
            slot = Slot(s.date(), s.hour * 60 + s.minute)
            length = inst.calendar.end_datetime(slot) - inst.calendar.start_datetime(slot)
            assert length == timedelta(minutes=180)


@pytest.mark.rule("broken", "duration")
def test_duration_broken() -> None:
    """With three hours a session cannot start at 15:00, though it would fit two hours
    (create_variables' slot domain); a two-hour session is flagged."""
    assert_refused(TINY, None, [at(0, 2, C01[2], 15)])
    two_hours = TINY.replace(sessions=replace(TINY.sessions, duration_minutes=120))
    solved(two_hours, [], [at(0, 2, C01[2], 15)])
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), C01, minutes=120))
    assert flagged(TINY, plan) == {"duration"}


@pytest.mark.rule("kept", "program window")
def test_program_window_kept() -> None:
    """Domain of ``calendar_day`` (create_variables): the last session may fall on the
    window's last day."""
    solver, v = solved(TINY, [], [at(0, 2, TINY.end, 9)])
    assert starts(solver, v, 0)[-1].date() == TINY.end


@pytest.mark.rule("broken", "program window")
def test_program_window_broken() -> None:
    """Not a day after the window, nor a kick-off before it."""
    assert_refused(TINY, None, [at(0, 2, TINY.end + timedelta(days=3), 9)])
    assert_refused(TINY, None, [at(0, 0, START - timedelta(days=1), 9)])
    late = [date(2027, 1, 11), date(2027, 1, 14), date(2027, 1, 18)]
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), late))
    assert flagged(TINY, plan) == {"program window"}


# --- constraint families ----------------------------------------------------------------


@pytest.mark.rule("kept", "session count")
def test_session_count_kept() -> None:
    """add_session_count: a cohort of two has its kick-off and two sessions, no fourth."""
    three = TINY.replace(groups=GroupRules(size=2, min_size=2, max_size=3))
    solver, v = solved(three, [c.add_session_count], [together(0, 1), led(0)])
    assert members(solver, v, 0) == {0, 1}
    assert len(starts(solver, v, 0)) == 3


@pytest.mark.rule("broken", "session count")
def test_session_count_broken() -> None:
    """A fourth session for a cohort of two is refused; a cohort missing its last session
    is flagged."""
    three = TINY.replace(groups=GroupRules(size=2, min_size=2, max_size=3))
    assert_refused(three, c.add_session_count, [
        together(0, 1), led(0), lambda m, v: m.add(v.size[0] == 2),
        lambda m, v: m.add(v.active[0][3] == 1),
    ])
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), C01[:2], owners=[None, "p1"]))
    assert "session count" in flagged(TINY, plan)


@pytest.mark.rule("kept", "group size")
def test_group_size_kept() -> None:
    """add_group_size: an open cohort of exactly ``min_size`` = ``max_size`` = 2."""
    solver, v = solved(TINY, [c.add_group_size], [together(0, 1), led(0)])
    assert members(solver, v, 0) == {0, 1}


@pytest.mark.rule("broken", "group size")
def test_group_size_broken() -> None:
    """An open cohort of one is refused and flagged."""
    alone = lambda m, v: [m.add(v.member[p, 0] == 0) for p in (1, 2, 3)]  # noqa: E731
    assert_refused(TINY, c.add_group_size, [together(0), alone, led(0)])
    plan = kept_plan(
        c01=cohort("c01", ("p1",), C01[:2]), unplaced=(Unplaced("p2", "no room"),)
    )
    assert flagged(TINY, plan) == {"group size"}


@pytest.mark.rule("kept", "placement")
def test_placement_kept() -> None:
    """add_placement: everyone placed, each in one cohort."""
    solver, v = solved(TINY, [c.add_placement], [everyone()])
    assert sorted(p for k in range(2) for p in members(solver, v, k)) == [0, 1, 2, 3]


@pytest.mark.rule("broken", "placement")
def test_placement_broken() -> None:
    """One person in two cohorts is refused; in a cohort and unplaced too, flagged."""
    assert_refused(TINY, c.add_placement, [together(0, 1, k=0), together(0, 2, k=1)])
    plan = kept_plan(unplaced=(Unplaced("p1", "no room"),))
    assert flagged(TINY, plan) == {"placement"}


@pytest.mark.rule("kept", "organisation mix")
def test_organisation_mix_kept() -> None:
    """add_organisation_mix: two of one organisation are placed, in different cohorts."""
    same = with_people(TINY, p2={"organization": "org1"})
    solver, v = solved(same, [c.add_organisation_mix], [everyone()])
    assert all(not {0, 1} <= members(solver, v, k) for k in range(2))


@pytest.mark.rule("broken", "organisation mix")
def test_organisation_mix_broken() -> None:
    """Two of one organisation in one cohort are refused and flagged."""
    same = with_people(TINY, p2={"organization": "org1"})
    assert_refused(same, c.add_organisation_mix, [together(0, 1)])
    assert flagged(same, kept_plan()) == {"organisation mix"}


COMPANY = with_people(
    TINY.replace(mode="company"),
    p1={"organization": "A"}, p2={"organization": "B"},
    p3={"organization": "A"}, p4={"organization": "B"},
)


@pytest.mark.rule("kept", "company mode")
def test_company_mode_kept() -> None:
    """add_company_mode: everyone placed, each cohort of one organisation."""
    solver, v = solved(COMPANY, [c.add_company_mode], [everyone()])
    assert sorted(sorted(members(solver, v, k)) for k in range(2)) == [[0, 2], [1, 3]]


@pytest.mark.rule("broken", "company mode")
def test_company_mode_broken() -> None:
    """Two organisations in one cohort are refused and flagged."""
    assert_refused(COMPANY, c.add_company_mode, [together(0, 1)])
    assert flagged(COMPANY, kept_plan()) == {"company mode"}


NOT_WITH = with_people(TINY, p1={"not_with": ("p2",)}, p2={"not_with": ("p1",)})


@pytest.mark.rule("kept", "not_with")
def test_not_with_kept() -> None:
    """add_not_with: everyone placed, the pair apart."""
    solver, v = solved(NOT_WITH, [c.add_not_with], [everyone()])
    assert all(not {0, 1} <= members(solver, v, k) for k in range(2))


@pytest.mark.rule("broken", "not_with")
def test_not_with_broken() -> None:
    """The pair together is refused and flagged."""
    assert_refused(NOT_WITH, c.add_not_with, [together(0, 1)])
    assert flagged(NOT_WITH, kept_plan()) == {"not_with"}


MET = TINY.replace(met_before=(MetBefore("ht2026", "c03", ("p1", "p2")),))


@pytest.mark.rule("kept", "met before")
def test_met_before_kept() -> None:
    """add_met_before: everyone placed, last year's pair apart."""
    solver, v = solved(MET, [c.add_met_before], [everyone()])
    assert all(not {0, 1} <= members(solver, v, k) for k in range(2))


@pytest.mark.rule("broken", "met before")
def test_met_before_broken() -> None:
    """Last year's pair together again is refused and flagged."""
    assert_refused(MET, c.add_met_before, [together(0, 1)])
    assert flagged(MET, kept_plan()) == {"met before"}


@pytest.mark.rule("kept", "gap rule")
def test_gap_rule_kept() -> None:
    """add_gap_rule: gaps of exactly ``min_gap_days`` (2) and ``max_gap_days`` (4)."""
    pins = [at(0, 0, date(2027, 1, 5), 9), at(0, 1, date(2027, 1, 7), 9),
            at(0, 2, date(2027, 1, 11), 9), together(0, 1)]
    solver, v = solved(TINY, [c.add_gap_rule], pins)
    assert [s.day for s in starts(solver, v, 0)] == [5, 7, 11]


@pytest.mark.rule("broken", "gap rule")
@pytest.mark.parametrize(
    ("first", "second"),
    [(date(2027, 1, 7), date(2027, 1, 8)), (date(2027, 1, 4), date(2027, 1, 11))],
    ids=["short", "long"],
)
def test_gap_rule_broken(first: date, second: date) -> None:
    """One day after the kick-off is too soon, a week after it too late."""
    pins = [at(0, 0, first, 9), at(0, 1, second, 9), together(0, 1)]
    assert_refused(TINY, c.add_gap_rule, pins)
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), [first, second, second + timedelta(3)]))
    assert flagged(TINY, plan) == {"gap rule"}


UNAVAILABLE = with_people(TINY, p1={"unavailable": (MONDAYS,)})


@pytest.mark.rule("kept", "participant availability")
def test_participant_availability_kept() -> None:
    """add_participant_availability: p1 placed, never on a Monday."""
    solver, v = solved(UNAVAILABLE, [c.add_participant_availability], [together(0, 1)])
    assert all(s.weekday() != 0 for s in starts(solver, v, 0))


@pytest.mark.rule("broken", "participant availability")
def test_participant_availability_broken() -> None:
    """p1's cohort on a Monday is refused and flagged."""
    pins = [together(0, 1), at(0, 0, C01[0], 9)]
    assert_refused(UNAVAILABLE, c.add_participant_availability, pins)
    assert flagged(UNAVAILABLE, kept_plan()) == {"participant availability"}


AWAY = TINY.replace(facilitators=(replace(TINY.facilitators[0], unavailable=(MONDAYS,)),))


@pytest.mark.rule("kept", "facilitator availability")
def test_facilitator_availability_kept() -> None:
    """add_facilitator_availability: f1 leads everyone's cohorts, never on a Monday."""
    solver, v = solved(AWAY, [c.add_facilitator_availability], [everyone()])
    assert all(s.weekday() != 0 for k in range(2) for s in starts(solver, v, k))


@pytest.mark.rule("broken", "facilitator availability")
def test_facilitator_availability_broken() -> None:
    """f1 leading on a Monday is refused and flagged."""
    assert_refused(AWAY, c.add_facilitator_availability, [led(0), at(0, 0, C01[0], 9)])
    assert flagged(AWAY, kept_plan()) == {"facilitator availability"}


def _facilitator(program: Program, **changes: object) -> Program:
    return program.replace(facilitators=(replace(program.facilitators[0], **changes),))


TWO_LEADERS = TINY.replace(facilitators=(
    Facilitator("f1", "Frida", "f1@example.org", max_cohorts=1),
    Facilitator("f2", "Gustav", "f2@example.org"),
))


@pytest.mark.rule("kept", "facilitator capacity")
def test_facilitator_capacity_kept() -> None:
    """add_facilitator_capacity: f1 leads one cohort, f2 the other."""
    solver, v = solved(TWO_LEADERS, [c.add_facilitator_capacity], [everyone(), led(0, 0)])
    assert solver.value(v.lead[1, 1]) == 1


@pytest.mark.rule("broken", "facilitator capacity")
def test_facilitator_capacity_broken() -> None:
    """f1 leading both cohorts is refused and flagged."""
    assert_refused(TWO_LEADERS, c.add_facilitator_capacity, [led(0, 0), led(1, 0)])
    assert flagged(TWO_LEADERS, kept_plan()) == {"facilitator capacity"}


ONE_A_DAY = _facilitator(TINY, max_sessions_per_day=1)


@pytest.mark.rule("kept", "facilitator sessions per day")
def test_facilitator_sessions_per_day_kept() -> None:
    """add_facilitator_sessions_per_day: f1 leads both cohorts, one session a day."""
    solver, v = solved(ONE_A_DAY, [c.add_facilitator_sessions_per_day], [everyone()])
    days = [s.date() for k in range(2) for s in starts(solver, v, k)]
    assert len(days) == len(set(days)) == 6


@pytest.mark.rule("broken", "facilitator sessions per day")
def test_facilitator_sessions_per_day_broken() -> None:
    """Two kick-offs on one day, at 09:00 and 13:00, are refused and flagged."""
    pins = [led(0), led(1), at(0, 0, C01[0], 9), at(1, 0, C01[0], 13)]
    assert_refused(ONE_A_DAY, c.add_facilitator_sessions_per_day, pins)
    assert flagged(ONE_A_DAY, kept_plan()) == {"facilitator sessions per day"}


@pytest.mark.rule("kept", "facilitator no-overlap")
@pytest.mark.rule("kept", "facilitator buffer")
def test_facilitator_no_overlap_and_buffer_kept() -> None:
    """add_facilitator_no_overlap: 09:00–12:00 and 13:00–16:00 leave the 60-minute buffer."""
    pins = [led(0), led(1), at(0, 0, C01[0], 9), at(1, 0, C01[0], 13)]
    solver, v = solved(TINY, [c.add_facilitator_no_overlap], pins)
    assert [starts(solver, v, k)[0].hour for k in range(2)] == [9, 13]


@pytest.mark.rule("broken", "facilitator no-overlap")
def test_facilitator_no_overlap_broken() -> None:
    """f1 leading 09:00–12:00 and 10:00–13:00 is refused and flagged."""
    pins = [led(0), led(1), at(0, 0, C01[0], 9), at(1, 0, C01[0], 10)]
    assert_refused(TINY, c.add_facilitator_no_overlap, pins)
    plan = kept_plan(c02=cohort("c02", ("p3", "p4"), C02, 10))
    assert flagged(TINY, plan) == {"facilitator no-overlap"}


@pytest.mark.rule("broken", "facilitator buffer")
def test_facilitator_buffer_broken() -> None:
    """09:00–12:00 then 12:00–15:00 overlap nothing but leave no buffer: refused, flagged."""
    pins = [led(0), led(1), at(0, 0, C01[0], 9), at(1, 0, C01[0], 12)]
    assert_refused(TINY, c.add_facilitator_no_overlap, pins)
    plan = kept_plan(c02=cohort("c02", ("p3", "p4"), C02, 12))
    assert flagged(TINY, plan) == {"facilitator buffer"}


ROOM = TINY.replace(venues=(Venue("room", "Rum", 3),))


def _in_room(plan: Plan) -> Plan:
    return replace(plan, cohorts=tuple(
        replace(x, venue="room", sessions=tuple(replace(s, venue="room") for s in x.sessions))
        for x in plan.cohorts
    ))


@pytest.mark.rule("kept", "venue")
def test_venue_kept() -> None:
    """add_venue: both cohorts seated with f1 in the one room of three, never at once."""
    pins = [everyone(), at(0, 0, C01[0], 9), at(1, 0, C01[0], 12)]
    solver, v = solved(ROOM, [c.add_venue], pins)
    assert solver.value(v.venue[0, 0]) == solver.value(v.venue[1, 0]) == 1
    assert flagged(ROOM, _in_room(kept_plan())) == set()


@pytest.mark.rule("broken", "venue")
def test_venue_broken() -> None:
    """Two cohorts in the one room at once are refused and flagged; so is a room of two
    for a cohort of two and its facilitator."""
    pins = [everyone(), at(0, 0, C01[0], 9), at(1, 0, C01[0], 10)]
    assert_refused(ROOM, c.add_venue, pins)
    small = TINY.replace(venues=(Venue("room", "Rum", 2),))
    assert_refused(small, c.add_venue, [together(0, 1)])
    clash = _in_room(kept_plan(c02=cohort("c02", ("p3", "p4"), C02, 10)))
    assert flagged(ROOM.replace(facilitators=TWO_LEADERS.facilitators), _two_leaders(clash)) == {
        "venue"
    }
    assert flagged(small, _in_room(kept_plan())) == {"venue"}


def _two_leaders(plan: Plan) -> Plan:
    """``plan`` with c02 led by f2 (so only the room is shared)."""
    first, second = plan.cohorts
    return replace(plan, cohorts=(first, replace(second, facilitator="f2")))


# --- rules kept outside the model -------------------------------------------------------


@pytest.mark.rule("kept", "case owner")
def test_case_owner_kept() -> None:
    """assign_case_owners (owners.py; the model has no case-owner variables): the
    kick-off has none, each member owns one session."""
    inst = Instance.of(TINY)
    slots = tuple(Slot(d, 9 * 60) for d in C01)
    owners = assign_case_owners(inst, ("p1", "p2"), slots)  # of sessions 1 and 2
    assert sorted(owners) == ["p1", "p2"]


@pytest.mark.rule("broken", "case owner")
def test_case_owner_broken() -> None:
    """A member owning two sessions (the other none) is flagged, and an owner kept from
    an earlier plan is not given a second session."""
    plan = kept_plan(c01=cohort("c01", ("p1", "p2"), C01, owners=[None, "p1", "p1"]))
    assert flagged(TINY, plan) == {"case owner"}
    slots = tuple(Slot(d, 9 * 60) for d in C01)
    assert assign_case_owners(Instance.of(TINY), ("p1", "p2"), slots, keep={2: "p1"}) == (
        "p2", "p1",
    )


@pytest.mark.rule("kept", "uid")
def test_uid_kept() -> None:
    """uid_for (plan.py, the writer): every session of the plan has its own UID."""
    uids = [s.uid for x in kept_plan().cohorts for s in x.sessions]
    assert all(uids) and len(set(uids)) == len(uids) == 6


@pytest.mark.rule("broken", "uid")
def test_uid_broken() -> None:
    """Two sessions sharing a UID are flagged."""
    plan = kept_plan()
    c01, c02 = plan.cohorts
    copied = replace(c02, sessions=(replace(c02.sessions[0], uid=c01.sessions[0].uid),
                                    *c02.sessions[1:]))
    assert flagged(TINY, replace(plan, cohorts=(c01, copied))) == {"uid"}


ONE_PROGRAM = """\
[program]
id = "tiny"
name = "Tiny"
start = 2027-01-04
end = 2027-01-15

[[facilitators]]
id = "f1"
name = "Frida"
email = "f1@example.org"
"""


def _person(pid: str, name: str, email: str) -> str:
    return (
        f'\n[[participants]]\nid = "{pid}"\nname = "{name}"\nemail = "{email}"\n'
        'organization = "org1"\n'
    )


@pytest.mark.rule("kept", "one person")
def test_one_person_kept(tmp_path: Path) -> None:
    """one_registration_per_person (the loader): one address and name twice is one
    registration, the later row kept."""
    text = ONE_PROGRAM + _person("p1", "Ann Ek", "ann@example.org")
    text += _person("p2", "Ann  Ek", "ANN@example.org")
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    program = load_program(tmp_path / "program.toml")
    assert [p.id for p in program.participants] == ["p2"]


@pytest.mark.rule("broken", "one person")
def test_one_person_broken(tmp_path: Path) -> None:
    """One address under two names is refused by the loader; seated twice, flagged."""
    text = ONE_PROGRAM + _person("p1", "Ann Ek", "ann@example.org")
    text += _person("p2", "Bo Ek", "ann@example.org")
    (tmp_path / "program.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"ann@example\.org"):
        load_program(tmp_path / "program.toml")
    twice = with_people(TINY, p3={"email": "p1@example.org"})
    assert flagged(twice, kept_plan()) == {"one person"}
