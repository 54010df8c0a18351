"""Each hard rule of SPEC §2, end to end through the solver and the verifier.

Per rule family a triad:

(a) ``test_<rule>_feasible``: plan_program places everybody, the rule visibly holds
    and ``verify`` finds nothing;
(b) ``test_<rule>_infeasible``: a program made infeasible by that rule alone
    leaves exactly the expected people unplaced (with a fitting reason), and the
    same program with only that rule relaxed places everybody;
(c) ``test_<rule>_verifier``: a hand-mutated copy of a planned Plan that breaks
    the rule is caught by ``verify`` under that rule's name.

Programs are tiny (2–12 participants) so the whole module runs in seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
import pytest

from backstage_sched.actions.planner import plan_program
from backstage_sched.check.verify import verify
from backstage_sched.domain import (
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    Participant,
    Program,
    SessionRules,
    Venue,
)
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.plan import Cohort, Plan, Session, Unplaced
from backstage_sched.solver import SolveOptions
from backstage_sched.wording import Words

TZ = ZoneInfo("Europe/Stockholm")
OPTIONS = SolveOptions(effort=5)
MIDSUMMER_EVE = date(2027, 6, 25)
DURATION = timedelta(minutes=180)


# ---- builders ---------------------------------------------------------------


def _people(n: int, orgs: list[str] | None = None, prefix: str = "p") -> tuple[Participant, ...]:
    """``n`` participants ``p01``…; each in its own organisation unless ``orgs`` is given."""
    return tuple(
        Participant(
            id=f"{prefix}{i:02d}",
            name=f"Person {prefix.upper()}{i:02d}",
            email=f"{prefix}{i:02d}@lindqvist-mek.example",
            organization=orgs[i - 1] if orgs else f"Bruk {i:02d} AB",
        )
        for i in range(1, n + 1)
    )


def _program(
    n: int = 4,
    *,
    min_size: int = 2,
    max_size: int = 4,
    participants: tuple[Participant, ...] | None = None,
    facilitators: tuple[Facilitator, ...] | None = None,
    sessions: SessionRules | None = None,
    max_per_organization: int = 1,
    **changes: object,
) -> Program:
    """A small program, 2027-01-11..2027-06-30, one facilitator, no venues; in English,
    whose reasons the tests read (Swedish ones: test_unplaced_reason_names_the_binding_rule)."""
    base = Program(
        id="bs-test-27",
        name="Backstage rule tests",
        start=date(2027, 1, 11),
        end=date(2027, 6, 30),
        language="en",
        groups=GroupRules(
            size=min(max_size, max(min_size, 3)),
            min_size=min_size,
            max_size=max_size,
            max_per_organization=max_per_organization,
        ),
        sessions=sessions or SessionRules(),
        facilitators=facilitators or (Facilitator("f1", "Greta Ahlqvist", "greta@leda.example"),),
        participants=participants if participants is not None else _people(n),
    )
    return base.replace(**changes)


def _fac(fid: str = "f1", **changes: object) -> Facilitator:
    return replace(Facilitator(fid, f"Facilitator {fid}", f"{fid}@leda.example"), **changes)


def _with(program: Program, pid: str, **changes: object) -> Program:
    """``program`` with participant ``pid`` changed."""
    return program.replace(
        participants=tuple(
            replace(p, **changes) if p.id == pid else p for p in program.participants
        )
    )


def _plan(program: Program) -> Plan:
    return plan_program(program, OPTIONS)


def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


# ---- reading plans -----------------------------------------------------------


def _sessions(plan: Plan) -> list[tuple[Cohort, Session]]:
    return [(c, s) for c in plan.cohorts for s in c.sessions]


def _unplaced(plan: Plan) -> dict[str, str]:
    return {u.participant: u.reason for u in plan.unplaced}


def _rules(program: Program, plan: Plan) -> set[str]:
    return {v.rule for v in verify(program, plan)}


def _assert_everybody(program: Program, plan: Plan) -> None:
    """Everybody placed exactly once, nobody unplaced, no violation."""
    assert plan.unplaced == ()
    members = sorted(m for c in plan.cohorts for m in c.members)
    assert members == sorted(p.id for p in program.participants)
    assert verify(program, plan) == []


def _assert_partition(program: Program, plan: Plan) -> None:
    """Members and unplaced account for every participant exactly once."""
    ids = [m for c in plan.cohorts for m in c.members] + [u.participant for u in plan.unplaced]
    assert sorted(ids) == sorted(p.id for p in program.participants)
    assert verify(program, plan) == []


# ---- mutating plans ----------------------------------------------------------


def _with_session(plan: Plan, cid: str, index: int, **changes: object) -> Plan:
    cohorts = []
    for c in plan.cohorts:
        if c.id == cid:
            c = replace(
                c,
                sessions=tuple(
                    replace(s, **changes) if s.index == index else s for s in c.sessions
                ),
            )
        cohorts.append(c)
    return replace(plan, cohorts=tuple(cohorts))


def _with_cohort(plan: Plan, cid: str, **changes: object) -> Plan:
    return replace(
        plan, cohorts=tuple(replace(c, **changes) if c.id == cid else c for c in plan.cohorts)
    )


def _move(plan: Plan, cid: str, index: int, start: datetime) -> Plan:
    """Session ``index`` of ``cid`` moved to ``start`` (same duration)."""
    return _with_session(plan, cid, index, start=start, end=start + DURATION)


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ)


def _swap(plan: Plan, a: str, b: str) -> Plan:
    """Participants ``a`` and ``b`` trade places (membership and case ownership)."""

    def other(pid: str | None) -> str | None:
        return {a: b, b: a}.get(pid, pid) if pid is not None else None

    return replace(
        plan,
        cohorts=tuple(
            replace(
                c,
                members=tuple(other(m) for m in c.members),
                sessions=tuple(replace(s, case_owner=other(s.case_owner)) for s in c.sessions),
            )
            for c in plan.cohorts
        ),
    )


# ---- rule 1: allowed day -------------------------------------------------------


@pytest.mark.rule("kept", "allowed day")
def test_allowed_day_feasible_avoids_holidays_closed_days_and_blackouts() -> None:
    closed = date(2027, 7, 30)  # a Friday
    blackout = Blackout("Bygg", date(2027, 8, 2), date(2027, 8, 13))
    program = _program(
        6,
        max_size=3,
        start=date(2027, 5, 28),
        end=date(2027, 10, 29),
        sessions=SessionRules(weekdays=(4,)),
        extra_closed=(closed,),
        blackouts=(blackout,),
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    se = holidays.country_holidays("SE", years=2027, categories=("public", "de_facto"))
    assert MIDSUMMER_EVE in se
    for _, s in _sessions(plan):
        day = s.start.date()
        assert day.weekday() == 4
        assert day not in se
        assert day != closed
        assert not blackout.start <= day <= blackout.end


@pytest.mark.rule("kept", "allowed day")
def test_allowed_day_feasible_weekdays_restricted_to_wednesday() -> None:
    program = _program(6, max_size=3, sessions=SessionRules(weekdays=(2,)))
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert {s.start.strftime("%a") for _, s in _sessions(plan)} == {"Wed"}


@pytest.mark.parametrize(
    ("changes", "relaxed"),
    [
        pytest.param(
            # Fridays only: the one series of 3 in the window needs Midsummer Eve.
            {
                "start": date(2027, 5, 28),
                "end": date(2027, 7, 23),
                "sessions": SessionRules(weekdays=(4,)),
            },
            {"holiday_categories": ("public",)},
            id="midsummer-eve",
        ),
        pytest.param(
            # Every possible kick-off day (2027-02-01..05) is an extra closed day.
            {
                "start": date(2027, 2, 1),
                "end": date(2027, 4, 2),
                "extra_closed": _days(date(2027, 2, 1), date(2027, 2, 5)),
            },
            {"extra_closed": ()},
            id="extra-closed",
        ),
        pytest.param(
            {
                "start": date(2027, 2, 1),
                "end": date(2027, 4, 2),
                "blackouts": (Blackout("Sportlov", date(2027, 2, 1), date(2027, 2, 5)),),
            },
            {"blackouts": ()},
            id="blackout",
        ),
    ],
)
@pytest.mark.rule("broken", "allowed day")
def test_allowed_day_infeasible(changes: dict, relaxed: dict) -> None:
    program = _program(2, max_size=2, **changes)
    plan = _plan(program)
    assert plan.cohorts == ()
    assert set(_unplaced(plan)) == {"p01", "p02"}
    assert verify(program, plan) == []

    relaxed_program = program.replace(**relaxed)
    relaxed_plan = _plan(relaxed_program)
    _assert_everybody(relaxed_program, relaxed_plan)
    if "holiday_categories" in relaxed:
        assert MIDSUMMER_EVE in {s.start.date() for _, s in _sessions(relaxed_plan)}


@pytest.fixture(scope="module")
def closed_days_case() -> tuple[Program, Plan]:
    program = _program(
        4,
        extra_closed=(date(2027, 5, 12),),
        blackouts=(Blackout("Sommar", date(2027, 6, 14), date(2027, 6, 30)),),
    )
    return program, _plan(program)


@pytest.mark.rule("broken", "allowed day")
@pytest.mark.parametrize(
    "day",
    [
        pytest.param(MIDSUMMER_EVE, id="midsummer-eve"),
        pytest.param(date(2027, 5, 6), id="ascension-day"),
        pytest.param(date(2027, 5, 12), id="extra-closed"),
        pytest.param(date(2027, 6, 16), id="blackout"),
        pytest.param(date(2027, 5, 15), id="saturday"),
    ],
)
def test_allowed_day_verifier(closed_days_case: tuple[Program, Plan], day: date) -> None:
    program, plan = closed_days_case
    _assert_everybody(program, plan)
    c = plan.cohorts[0]
    last = c.sessions[-1]
    mutated = _move(plan, c.id, last.index, _at(day, last.start.time()))
    assert "allowed day" in _rules(program, mutated)


# ---- rule 2: time grid and day window ------------------------------------------


@pytest.mark.rule("kept", "time grid")
@pytest.mark.rule("kept", "day window")
def test_time_grid_and_day_window_feasible() -> None:
    rules = SessionRules(day_start=time(9, 0), day_end=time(16, 0), grid_minutes=45)
    program = _program(12, max_size=3, sessions=rules, end=date(2027, 4, 30))
    plan = _plan(program)
    _assert_everybody(program, plan)
    for _, s in _sessions(plan):
        assert s.start.date() == s.end.date()
        assert time(9, 0) <= s.start.time() and s.end.time() <= time(16, 0)
        assert (s.start.hour * 60 + s.start.minute - 9 * 60) % 45 == 0
        assert s.end - s.start == DURATION


@pytest.mark.rule("broken", "day window")
def test_day_window_infeasible_when_shorter_than_a_session() -> None:
    short = SessionRules(day_start=time(8, 30), day_end=time(11, 0))
    program = _program(4, sessions=short)
    plan = _plan(program)
    assert plan.cohorts == ()
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01", "p02", "p03", "p04"}
    assert all("day window" in r for r in reasons.values())

    relaxed = program.replace(sessions=SessionRules(day_start=time(8, 30), day_end=time(11, 30)))
    relaxed_plan = _plan(relaxed)
    _assert_everybody(relaxed, relaxed_plan)
    assert {s.start.time() for _, s in _sessions(relaxed_plan)} == {time(8, 30)}


@pytest.fixture(scope="module")
def default_case() -> tuple[Program, Plan]:
    """Six people from six organisations; defaults except small groups."""
    program = _program(6, max_size=3)
    return program, _plan(program)


@pytest.mark.rule("broken", "time grid")
def test_time_grid_verifier(default_case: tuple[Program, Plan]) -> None:
    program, plan = default_case
    _assert_everybody(program, plan)
    s = plan.cohorts[0].sessions[1]
    mutated = _move(plan, plan.cohorts[0].id, 1, _at(s.start.date(), time(9, 10)))
    assert "time grid" in _rules(program, mutated)


@pytest.mark.rule("broken", "day window")
@pytest.mark.parametrize("start", [time(7, 30), time(14, 30)])
def test_day_window_verifier(default_case: tuple[Program, Plan], start: time) -> None:
    program, plan = default_case
    s = plan.cohorts[0].sessions[1]
    mutated = _move(plan, plan.cohorts[0].id, 1, _at(s.start.date(), start))
    assert "day window" in _rules(program, mutated)


# ---- rule 3: gap rule -------------------------------------------------------------


def _blackout_days_between(program: Program, a: date, b: date) -> int:
    return sum(1 for bo in program.blackouts for d in _days(bo.start, bo.end) if a < d < b)


@pytest.mark.rule("kept", "gap rule")
def test_gap_rule_feasible_and_stretched_over_the_summer_blackout() -> None:
    # Only two sessions fit before the summer and a 4-session series does not fit after
    # it, so every cohort must cross the blackout with a gap longer than 35 days.
    program = _program(
        4,
        min_size=3,
        max_size=4,
        start=date(2027, 5, 3),
        end=date(2027, 10, 29),
        blackouts=(Blackout("Sommar", date(2027, 6, 21), date(2027, 8, 13)),),
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    long_gaps = []
    for c in plan.cohorts:
        for a, b in pairwise(c.sessions):
            d1, d2 = a.start.date(), b.start.date()
            gap = (d2 - d1).days
            extra = _blackout_days_between(program, d1, d2)
            assert 28 <= gap <= 35 + extra
            if extra == 0:
                assert gap <= 35
            if gap > 35:
                assert extra == 54
                long_gaps.append(gap)
    assert len(long_gaps) == len(plan.cohorts)


@pytest.mark.rule("kept", "gap rule")
def test_gap_rule_feasible_default_gaps() -> None:
    program = _program(6, max_size=3)
    plan = _plan(program)
    _assert_everybody(program, plan)
    for c in plan.cohorts:
        for a, b in pairwise(c.sessions):
            assert 28 <= (b.start.date() - a.start.date()).days <= 35


_CLOSED_SPRING = _days(date(2027, 3, 1), date(2027, 4, 9))


@pytest.mark.rule("broken", "gap rule")
def test_gap_rule_infeasible_without_a_stretching_blackout() -> None:
    # 2027-03-01..04-09 closed (not a blackout): a series must jump > 35 days over it,
    # and after it there is no room for 3 sessions before 05-31.
    program = _program(
        4, start=date(2027, 2, 1), end=date(2027, 5, 31), extra_closed=_CLOSED_SPRING
    )
    plan = _plan(program)
    assert plan.cohorts == ()
    assert set(_unplaced(plan)) == {"p01", "p02", "p03", "p04"}

    relaxed = program.replace(sessions=SessionRules(max_gap_days=60))
    relaxed_plan = _plan(relaxed)
    _assert_everybody(relaxed, relaxed_plan)
    gaps = [
        (b.start.date() - a.start.date()).days
        for c in relaxed_plan.cohorts
        for a, b in pairwise(c.sessions)
    ]
    assert max(gaps) > 35


@pytest.mark.rule("kept", "gap rule")
def test_gap_rule_blackout_instead_of_closed_days_stretches_the_gap() -> None:
    program = _program(
        4,
        start=date(2027, 2, 1),
        end=date(2027, 5, 31),
        blackouts=(Blackout("Vårpaus", _CLOSED_SPRING[0], _CLOSED_SPRING[-1]),),
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    gaps = [
        (b.start.date() - a.start.date()).days
        for c in plan.cohorts
        for a, b in pairwise(c.sessions)
    ]
    assert max(gaps) > 35


@pytest.mark.rule("broken", "gap rule")
@pytest.mark.parametrize("gap", [27, 36])
def test_gap_rule_verifier(default_case: tuple[Program, Plan], gap: int) -> None:
    program, plan = default_case
    c = plan.cohorts[0]
    kickoff, s = c.sessions[0], c.sessions[1]
    target = kickoff.start.date() + timedelta(days=gap)
    mutated = _move(plan, c.id, 1, _at(target, s.start.time()))
    violations = [v for v in verify(program, mutated) if v.rule == "gap rule"]
    assert violations
    assert violations[0].cohort == c.id and violations[0].session == 1
    assert f"{gap} days" in violations[0].message


@pytest.mark.rule("broken", "gap rule")
def test_gap_rule_overlapping_blackouts_count_each_day_once() -> None:
    # Two sessions fit before the summer, two after 09-20 (p01..p03 are away until
    # 09-17), so a series must jump 06-18 -> 09-20 or later: 94+ days, but only
    # 35 + 54 summer days = 89 are allowed. Listing the summer twice, or as two
    # overlapping blackouts, adds no blackout day and must not allow more.
    summer = Blackout("Sommar", date(2027, 6, 21), date(2027, 8, 13))
    program = _program(
        participants=tuple(
            replace(p, unavailable=parse_rules("2027-08-16..2027-09-17")) for p in _people(3)
        ),
        min_size=3,
        max_size=3,
        start=date(2027, 5, 3),
        end=date(2027, 10, 29),
        blackouts=(summer,),
    )
    single = _plan(program)
    assert single.cohorts == ()
    assert set(_unplaced(single)) == {"p01", "p02", "p03"}
    for blackouts in (
        (summer, Blackout("Semester", date(2027, 7, 1), date(2027, 8, 13))),
        (summer, replace(summer, name="Sommar igen")),
    ):
        doubled = program.replace(blackouts=blackouts)
        plan = _plan(doubled)  # raises VerificationError if a gap is too long
        assert plan.cohorts == ()
        assert verify(doubled, plan) == []


# ---- rule 4: program window ----------------------------------------------------------


@pytest.mark.rule("kept", "program window")
def test_program_window_feasible() -> None:
    program = _program(4, max_size=2, start=date(2027, 2, 1), end=date(2027, 3, 31))
    plan = _plan(program)
    _assert_everybody(program, plan)
    for _, s in _sessions(plan):
        assert program.start <= s.start.date() <= program.end


@pytest.mark.rule("broken", "program window")
def test_program_window_infeasible_when_too_short() -> None:
    # 3 sessions (min_size 2) need 56 days; 2027-02-01..03-26 has 53.
    program = _program(4, start=date(2027, 2, 1), end=date(2027, 3, 26))
    plan = _plan(program)
    assert plan.cohorts == ()
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01", "p02", "p03", "p04"}
    assert all("1 Feb" in r and "26 Mar 2027" in r for r in reasons.values())

    relaxed = program.replace(end=date(2027, 4, 30))
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "program window")
@pytest.mark.parametrize("day", [date(2027, 1, 8), date(2027, 7, 1)])
def test_program_window_verifier(default_case: tuple[Program, Plan], day: date) -> None:
    program, plan = default_case
    c = plan.cohorts[0]
    index = 0 if day < program.start else len(c.sessions) - 1
    mutated = _move(plan, c.id, index, _at(day, time(9, 0)))
    assert "program window" in _rules(program, mutated)


# ---- rule 5: participant availability ----------------------------------------------------

_BUSY = Busy(datetime(2027, 2, 9, 8, 0), datetime(2027, 2, 9, 12, 0), "Styrelsemöte")


@pytest.mark.rule("kept", "participant availability")
def test_participant_availability_feasible() -> None:
    # Wednesdays only; p01 never on Wednesday afternoons and busy all of the first
    # fortnight's Wednesday mornings; p02 has a calendar event.
    busy = (
        Busy(datetime(2027, 1, 13, 8, 0), datetime(2027, 1, 13, 12, 0), "Ledningsgrupp"),
        Busy(datetime(2027, 1, 20, 8, 0), datetime(2027, 1, 20, 12, 0), "Ledningsgrupp"),
    )
    program = _program(4, sessions=SessionRules(weekdays=(2,)))
    program = _with(program, "p01", unavailable=parse_rules("wed 12:00-17:00"), busy=busy)
    program = _with(program, "p02", busy=(_BUSY,))
    plan = _plan(program)
    _assert_everybody(program, plan)
    c = plan.cohort_of("p01")
    assert c is not None
    for s in c.sessions:
        assert s.end.time() <= time(12, 0)
        local_start, local_end = s.start.replace(tzinfo=None), s.end.replace(tzinfo=None)
        for b in busy:
            assert not (b.start < local_end and local_start < b.end)
    assert c.sessions[0].start.date() >= date(2027, 1, 27)


_ALL_WEEK_HALVES = "; ".join(
    f"{d} 08:00-12:30; {d} 12:30-17:00" for d in ("mon", "tue", "wed", "thu", "fri")
)


@pytest.mark.rule("broken", "participant availability")
@pytest.mark.parametrize(
    "unavailable",
    [
        pytest.param(_ALL_WEEK_HALVES, id="every-weekday-morning-and-afternoon"),
        pytest.param("2027-02-15..2027-05-14", id="long-absence"),
    ],
)
def test_participant_availability_infeasible(unavailable: str) -> None:
    program = _with(_program(4), "p01", unavailable=parse_rules(unavailable))
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01"}
    assert "availability" in reasons["p01"]
    _assert_partition(program, plan)

    relaxed = _with(program, "p01", unavailable=())
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "participant availability")
def test_participant_availability_busy_calendar_infeasible() -> None:
    busy = tuple(
        Busy(datetime.combine(d, time(0)), datetime.combine(d, time(23, 59)), "Tjänstledig")
        for d in _days(date(2027, 2, 15), date(2027, 5, 14))
    )
    program = _with(_program(4), "p03", busy=busy)
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert set(reasons) == {"p03"}
    assert "availability" in reasons["p03"]

    relaxed = _with(program, "p03", busy=())
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.fixture(scope="module")
def availability_case() -> tuple[Program, Plan]:
    program = _program(4)
    program = _with(program, "p01", unavailable=parse_rules("fri"))
    program = _with(program, "p02", busy=(_BUSY,))
    program = program.replace(facilitators=(_fac(unavailable=parse_rules("mon 08:00-12:00")),))
    return program, _plan(program)


def _cohort_day_moved(plan: Plan, pid: str, weekday: int, at: time) -> Plan:
    """Session 1 of ``pid``'s cohort moved to the same week's ``weekday`` at ``at``."""
    c = plan.cohort_of(pid)
    assert c is not None
    s = c.sessions[1]
    day = s.start.date() + timedelta(days=weekday - s.start.weekday())
    return _move(plan, c.id, 1, _at(day, at))


@pytest.mark.rule("broken", "participant availability")
def test_participant_availability_verifier_unavailable(
    availability_case: tuple[Program, Plan],
) -> None:
    program, plan = availability_case
    _assert_everybody(program, plan)
    c = plan.cohort_of("p01")
    assert c is not None
    assert all(s.start.weekday() != 4 for s in c.sessions)
    mutated = _cohort_day_moved(plan, "p01", 4, time(9, 0))
    assert "participant availability" in _rules(program, mutated)


@pytest.mark.rule("broken", "participant availability")
def test_participant_availability_verifier_busy(availability_case: tuple[Program, Plan]) -> None:
    program, plan = availability_case
    c = plan.cohort_of("p02")
    assert c is not None
    assert all(
        s.end.replace(tzinfo=None) <= _BUSY.start or s.start.replace(tzinfo=None) >= _BUSY.end
        for s in c.sessions
    )
    mutated = _move(plan, c.id, 1, _at(_BUSY.start.date(), time(10, 0)))
    assert "participant availability" in _rules(program, mutated)


# ---- rule 6: facilitators ------------------------------------------------------------------


@pytest.mark.rule("kept", "facilitator availability")
def test_facilitator_availability_feasible_only_fridays_left() -> None:
    program = _program(
        6, max_size=3, facilitators=(_fac(unavailable=parse_rules("mon; tue; wed; thu")),)
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert {s.start.weekday() for _, s in _sessions(plan)} == {4}


@pytest.mark.rule("broken", "facilitator availability")
def test_facilitator_availability_infeasible() -> None:
    program = _program(4, facilitators=(_fac(unavailable=parse_rules("mon; tue; wed; thu; fri")),))
    plan = _plan(program)
    assert plan.cohorts == ()
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01", "p02", "p03", "p04"}
    assert all("availability" in r and "facilitator" in r for r in reasons.values())

    relaxed = program.replace(facilitators=(_fac(),))
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "facilitator availability")
def test_facilitator_availability_verifier(availability_case: tuple[Program, Plan]) -> None:
    program, plan = availability_case
    assert all(
        not (s.start.weekday() == 0 and s.start.time() < time(12, 0)) for _, s in _sessions(plan)
    )
    mutated = _cohort_day_moved(plan, "p03", 0, time(8, 30))
    assert "facilitator availability" in _rules(program, mutated)


_LONG = {"start": date(2027, 2, 1), "end": date(2027, 9, 30)}


@pytest.mark.rule("kept", "facilitator capacity")
def test_facilitator_capacity_feasible() -> None:
    program = _program(
        12, max_size=6, facilitators=(_fac("f1", max_cohorts=2), _fac("f2", max_cohorts=1)), **_LONG
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    load = Counter(c.facilitator for c in plan.cohorts)
    assert load["f1"] <= 2 and load["f2"] <= 1


@pytest.mark.rule("broken", "facilitator capacity")
def test_facilitator_capacity_infeasible() -> None:
    program = _program(12, max_size=6, facilitators=(_fac(max_cohorts=1),), **_LONG)
    plan = _plan(program)
    assert len(plan.cohorts) == 1
    assert len(plan.cohorts[0].members) == 6
    reasons = _unplaced(plan)
    assert len(reasons) == 6
    assert all("capacity" in r for r in reasons.values())
    _assert_partition(program, plan)

    relaxed = program.replace(facilitators=(_fac(max_cohorts=2),))
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.fixture(scope="module")
def two_facilitators_case() -> tuple[Program, Plan]:
    program = _program(
        4, max_size=2, facilitators=(_fac("f1", max_cohorts=1), _fac("f2", max_cohorts=1))
    )
    return program, _plan(program)


@pytest.mark.rule("broken", "facilitator capacity")
def test_facilitator_capacity_verifier(two_facilitators_case: tuple[Program, Plan]) -> None:
    program, plan = two_facilitators_case
    _assert_everybody(program, plan)
    assert sorted(c.facilitator for c in plan.cohorts) == ["f1", "f2"]
    f2_cohort = next(c for c in plan.cohorts if c.facilitator == "f2")
    mutated = _with_cohort(plan, f2_cohort.id, facilitator="f1")
    assert "facilitator capacity" in _rules(program, mutated)


# Wednesdays 2027-02-03..03-31: the only series of 3 is 02-03, 03-03, 03-31,
# so two cohorts must meet on the same three days.
_ONE_CHAIN = {
    "start": date(2027, 2, 3),
    "end": date(2027, 3, 31),
    "sessions": SessionRules(weekdays=(2,)),
}


def _one_chain(**session_changes: object) -> dict:
    return _ONE_CHAIN | {"sessions": replace(_ONE_CHAIN["sessions"], **session_changes)}


def _per_facilitator_day(plan: Plan) -> Counter:
    return Counter((c.facilitator, s.start.date()) for c, s in _sessions(plan))


@pytest.mark.rule("kept", "facilitator sessions per day")
def test_facilitator_sessions_per_day_feasible() -> None:
    program = _program(6, max_size=2, facilitators=(_fac(max_sessions_per_day=1),))
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert max(_per_facilitator_day(plan).values()) == 1


@pytest.mark.rule("broken", "facilitator sessions per day")
def test_facilitator_sessions_per_day_infeasible() -> None:
    program = _program(4, max_size=2, facilitators=(_fac(max_sessions_per_day=1),), **_one_chain())
    plan = _plan(program)
    assert len(plan.cohorts) == 1
    assert len(_unplaced(plan)) == 2
    _assert_partition(program, plan)

    relaxed = program.replace(facilitators=(_fac(),))
    relaxed_plan = _plan(relaxed)
    _assert_everybody(relaxed, relaxed_plan)
    assert max(_per_facilitator_day(relaxed_plan).values()) == 2


def test_facilitator_sessions_per_day_from_sessions_table() -> None:
    program = _program(4, max_size=2, **_one_chain(max_sessions_per_day=1))
    plan = _plan(program)
    assert len(_unplaced(plan)) == 2
    _assert_partition(program, plan)


@pytest.fixture(scope="module")
def same_days_case() -> tuple[Program, Plan]:
    """One facilitator, two cohorts on the same three Wednesdays, buffer 150."""
    program = _program(4, max_size=2, **_one_chain(buffer_minutes=150))
    return program, _plan(program)


@pytest.mark.rule("kept", "facilitator no-overlap")
@pytest.mark.rule("kept", "facilitator buffer")
def test_facilitator_buffer_feasible(same_days_case: tuple[Program, Plan]) -> None:
    program, plan = same_days_case
    _assert_everybody(program, plan)
    assert len(plan.cohorts) == 2
    by_day: dict[date, list[Session]] = defaultdict(list)
    for _, s in _sessions(plan):
        by_day[s.start.date()].append(s)
    assert len(by_day) == 3
    for group in by_day.values():
        a, b = sorted(group, key=lambda s: s.start)
        assert b.start - a.end >= timedelta(minutes=150)
    # 08:30-11:30, then 150 min, then 14:00-17:00: the only way
    assert {s.start.time() for _, s in _sessions(plan)} == {time(8, 30), time(14, 0)}


@pytest.mark.rule("broken", "facilitator buffer")
def test_facilitator_buffer_infeasible() -> None:
    program = _program(4, max_size=2, **_one_chain(buffer_minutes=180))
    plan = _plan(program)
    assert len(plan.cohorts) == 1
    assert len(_unplaced(plan)) == 2
    _assert_partition(program, plan)

    relaxed = program.replace(sessions=_ONE_CHAIN["sessions"])
    _assert_everybody(relaxed, _plan(relaxed))


def test_facilitator_buffer_per_facilitator_override() -> None:
    program = _program(4, max_size=2, facilitators=(_fac(buffer_minutes=180),), **_one_chain())
    plan = _plan(program)
    assert len(_unplaced(plan)) == 2
    _assert_partition(program, plan)


def _second_on_day(plan: Plan) -> tuple[Cohort, Session, Session]:
    """The later session of day 1 of the two same-day cohorts, and the earlier one."""
    c1, c2 = plan.cohorts
    a, b = c1.sessions[1], c2.sessions[1]
    assert a.start.date() == b.start.date()
    if a.start < b.start:
        return c2, b, a
    return c1, a, b


@pytest.mark.rule("broken", "facilitator buffer")
def test_facilitator_buffer_verifier(same_days_case: tuple[Program, Plan]) -> None:
    program, plan = same_days_case
    later_cohort, _, earlier = _second_on_day(plan)
    mutated = _move(plan, later_cohort.id, 1, earlier.end + timedelta(minutes=60))
    rules = _rules(program, mutated)
    assert "facilitator buffer" in rules
    assert "facilitator no-overlap" not in rules


@pytest.mark.rule("broken", "facilitator no-overlap")
def test_facilitator_no_overlap_verifier(same_days_case: tuple[Program, Plan]) -> None:
    program, plan = same_days_case
    later_cohort, _, earlier = _second_on_day(plan)
    mutated = _move(plan, later_cohort.id, 1, earlier.start + timedelta(minutes=60))
    assert "facilitator no-overlap" in _rules(program, mutated)


@pytest.mark.rule("broken", "facilitator sessions per day")
def test_facilitator_sessions_per_day_verifier(same_days_case: tuple[Program, Plan]) -> None:
    program, plan = same_days_case
    strict = program.replace(facilitators=(_fac(max_sessions_per_day=1),))
    assert "facilitator sessions per day" in _rules(strict, plan)
    # and by mutation: a third session on the same day, in a cohort of its own
    extra = replace(
        plan.cohorts[0],
        id="c99",
        sessions=tuple(
            replace(
                s,
                uid=f"x{s.index}",
                start=s.start + timedelta(hours=2),
                end=s.end + timedelta(hours=2),
            )
            for s in plan.cohorts[0].sessions
        ),
    )
    mutated = replace(plan, cohorts=(*plan.cohorts, extra))
    assert "facilitator sessions per day" in _rules(program, mutated)


# ---- rule 7: group formation ------------------------------------------------------------------


@pytest.mark.rule("kept", "group size")
def test_group_size_feasible() -> None:
    program = _program(10, min_size=3, max_size=4)
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert all(3 <= len(c.members) <= 4 for c in plan.cohorts)


@pytest.mark.rule("broken", "group size")
def test_group_size_infeasible() -> None:
    program = _program(3, min_size=4, max_size=6)
    plan = _plan(program)
    assert plan.cohorts == ()
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01", "p02", "p03"}
    assert all("at least 4" in r for r in reasons.values())

    relaxed = _program(3, min_size=3, max_size=6)
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "group size")
def test_group_size_verifier(default_case: tuple[Program, Plan]) -> None:
    program, plan = default_case
    c = plan.cohorts[0]
    small = _with_cohort(plan, c.id, members=c.members[:1], sessions=c.sessions[:2])
    small = replace(
        small, unplaced=tuple(Unplaced(m, "moved out by the test") for m in c.members[1:])
    ).restated(len(program.participants))  # its objective counted again, as a change does
    rules = _rules(program, small)
    assert "group size" in rules
    assert "placement" not in rules


_MONO = ["Mono AB"] * 4 + ["Alfa AB", "Beta AB"]


@pytest.mark.rule("kept", "organisation mix")
def test_organisation_mix_feasible() -> None:
    orgs = ["Mono AB"] * 3 + ["Alfa AB", "Beta AB", "Gamma AB", "Delta AB"]
    program = _program(participants=_people(7, orgs), max_size=3)
    plan = _plan(program)
    _assert_everybody(program, plan)
    org = {p.id: p.organization for p in program.participants}
    for c in plan.cohorts:
        assert max(Counter(org[m] for m in c.members).values()) == 1


@pytest.mark.rule("broken", "organisation mix")
def test_organisation_mix_infeasible() -> None:
    program = _program(participants=_people(6, _MONO))
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert len(reasons) == 2
    assert set(reasons) <= {"p01", "p02", "p03", "p04"}
    assert all("organisation mix" in r for r in reasons.values())
    _assert_partition(program, plan)
    org = {p.id: p.organization for p in program.participants}
    for c in plan.cohorts:
        assert Counter(org[m] for m in c.members)["Mono AB"] == 1

    relaxed = program.replace(groups=replace(program.groups, max_per_organization=4))
    _assert_everybody(relaxed, _plan(relaxed))


def test_organisation_mix_all_one_org() -> None:
    program = _program(participants=_people(5, ["Mono AB"] * 5))
    plan = _plan(program)
    assert plan.cohorts == ()
    reasons = _unplaced(plan)
    assert set(reasons) == {f"p0{i}" for i in range(1, 6)}
    assert all("organisation" in r for r in reasons.values())


@pytest.mark.rule("broken", "organisation mix")
def test_organisation_mix_verifier() -> None:
    program = _program(participants=_people(4, ["Mono AB", "Mono AB", "Alfa AB", "Beta AB"]))
    plan = _plan(program)
    _assert_everybody(program, plan)
    c01, c02 = plan.cohorts
    mono_other = next(m for m in c02.members if m in ("p01", "p02"))
    non_mono = next(m for m in c01.members if m not in ("p01", "p02"))
    mutated = _swap(plan, mono_other, non_mono)
    assert "organisation mix" in _rules(program, mutated)


@pytest.mark.rule("kept", "company mode")
def test_company_mode_feasible() -> None:
    orgs = ["Volvo-ish AB"] * 4 + ["Sandvik-ish AB"] * 3
    program = _program(participants=_people(7, orgs), min_size=3, mode="company")
    plan = _plan(program)
    _assert_everybody(program, plan)
    org = {p.id: p.organization for p in program.participants}
    for c in plan.cohorts:
        assert len({org[m] for m in c.members}) == 1


@pytest.mark.rule("broken", "company mode")
def test_company_mode_infeasible() -> None:
    orgs = ["Stora AB"] * 4 + ["Lilla AB"] * 2
    program = _program(participants=_people(6, orgs), min_size=3, mode="company")
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert set(reasons) == {"p05", "p06"}
    assert all("company-tailored" in r for r in reasons.values())
    _assert_partition(program, plan)

    # Relaxed: mixed, with no limit per organisation.
    relaxed = program.replace(mode="mixed", groups=replace(program.groups, max_per_organization=4))
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "company mode")
def test_company_mode_verifier() -> None:
    orgs = ["Stora AB"] * 2 + ["Lilla AB"] * 2
    program = _program(participants=_people(4, orgs), mode="company")
    plan = _plan(program)
    _assert_everybody(program, plan)
    mutated = _swap(plan, "p01", "p03")
    assert "company mode" in _rules(program, mutated)


@pytest.mark.rule("kept", "not_with")
def test_not_with_feasible_both_directions() -> None:
    program = _program(4)
    program = _with(program, "p01", not_with=("p02",))
    program = _with(program, "p04", not_with=("p03",))
    plan = _plan(program)
    _assert_everybody(program, plan)
    for a, b in (("p01", "p02"), ("p03", "p04")):
        assert plan.cohort_of(a) != plan.cohort_of(b)


@pytest.mark.rule("broken", "not_with")
def test_not_with_infeasible() -> None:
    program = _with(_program(3, max_size=3), "p01", not_with=("p02", "p03"))
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01"}
    assert "not_with" in reasons["p01"]
    _assert_partition(program, plan)

    relaxed = _with(program, "p01", not_with=())
    _assert_everybody(relaxed, _plan(relaxed))


@pytest.mark.rule("broken", "not_with")
def test_not_with_verifier() -> None:
    program = _with(_program(4, max_size=2), "p02", not_with=("p01",))
    plan = _plan(program)
    _assert_everybody(program, plan)
    c = plan.cohort_of("p01")
    assert c is not None
    partner = next(m for m in c.members if m != "p01")
    mutated = _swap(plan, partner, "p02")
    assert "not_with" in _rules(program, mutated)


# ---- case owners and session count ---------------------------------------------------------


@pytest.mark.rule("kept", "case owner")
@pytest.mark.rule("kept", "session count")
def test_case_owner_and_session_count_feasible(default_case: tuple[Program, Plan]) -> None:
    program, plan = default_case
    _assert_everybody(program, plan)
    for c in plan.cohorts:
        assert len(c.sessions) == len(c.members) + 1
        assert [s.index for s in c.sessions] == list(range(len(c.members) + 1))
        assert c.sessions[0].case_owner is None
        owners = [s.case_owner for s in c.sessions[1:]]
        assert sorted(owners) == sorted(c.members)  # type: ignore[type-var]


@pytest.mark.rule("kept", "session count")
def test_session_count_grows_with_members() -> None:
    program = _program(participants=_people(7), min_size=3, max_size=7, **_LONG)
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert sorted(len(c.sessions) - len(c.members) for c in plan.cohorts) == [1] * len(plan.cohorts)


@pytest.mark.rule("broken", "case owner")
@pytest.mark.parametrize("mutation", ["kickoff-owner", "owner-twice", "owner-not-member"])
def test_case_owner_verifier(default_case: tuple[Program, Plan], mutation: str) -> None:
    program, plan = default_case
    c = plan.cohorts[0]
    if mutation == "kickoff-owner":
        mutated = _with_session(plan, c.id, 0, case_owner=c.members[0])
    elif mutation == "owner-twice":
        mutated = _with_session(plan, c.id, 2, case_owner=c.sessions[1].case_owner)
    else:
        outsider = next(p.id for p in program.participants if p.id not in c.members)
        mutated = _with_session(plan, c.id, 1, case_owner=outsider)
    assert "case owner" in _rules(program, mutated)


@pytest.mark.rule("broken", "session count")
def test_session_count_verifier(default_case: tuple[Program, Plan]) -> None:
    program, plan = default_case
    c = plan.cohorts[0]
    mutated = _with_cohort(plan, c.id, sessions=c.sessions[:-1])
    assert "session count" in _rules(program, mutated)


# ---- rule 8: venues ----------------------------------------------------------------


@pytest.mark.rule("kept", "venue")
def test_venue_feasible_too_small_room_not_used() -> None:
    program = _program(
        6,
        min_size=6,
        max_size=6,
        venues=(Venue("lillrum", "Lilla rummet", 5), Venue("storrum", "Stora salen", 7)),
        **_LONG,
    )
    plan = _plan(program)
    _assert_everybody(program, plan)
    assert {c.venue for c in plan.cohorts} == {"storrum"}
    assert {s.venue for _, s in _sessions(plan)} == {"storrum"}


@pytest.fixture(scope="module")
def one_room_case() -> tuple[Program, Plan]:
    """Two facilitators, one room, two cohorts that must share the same three days."""
    program = _program(
        4,
        max_size=2,
        facilitators=(_fac("f1"), _fac("f2")),
        venues=(Venue("rum", "Rummet", 3),),
        **_ONE_CHAIN,
    )
    return program, _plan(program)


@pytest.mark.rule("kept", "venue")
def test_venue_feasible_one_room_never_double_booked(one_room_case: tuple[Program, Plan]) -> None:
    program, plan = one_room_case
    _assert_everybody(program, plan)
    sessions = sorted((s for _, s in _sessions(plan)), key=lambda s: s.start)
    assert all(s.venue == "rum" for s in sessions)
    for a, b in pairwise(sessions):
        assert a.end <= b.start


@pytest.mark.parametrize(
    ("venues", "day_end", "relaxed"),
    [
        # a room for 2 cannot hold a cohort of 2 plus its facilitator
        pytest.param(
            (Venue("skrubb", "Skrubben", 2),),
            time(17, 0),
            (Venue("skrubb", "Skrubben", 3),),
            id="too-small",
        ),
        # morning-only day window: one slot a day, so one shared room fits one cohort
        pytest.param(
            (Venue("rum", "Rummet", 3),),
            time(12, 0),
            (Venue("rum", "Rummet", 3), Venue("rum2", "Rum 2", 3)),
            id="double-booking",
        ),
    ],
)
@pytest.mark.rule("broken", "venue")
def test_venue_infeasible(
    venues: tuple[Venue, ...], day_end: time, relaxed: tuple[Venue, ...]
) -> None:
    program = _program(
        4,
        max_size=2,
        facilitators=(_fac("f1"), _fac("f2")),
        venues=venues,
        **_one_chain(day_end=day_end),
    )
    plan = _plan(program)
    expected_placed = 0 if venues[0].capacity < 3 else 2
    assert plan.placed == expected_placed
    assert len(_unplaced(plan)) == 4 - expected_placed
    _assert_partition(program, plan)

    relaxed_program = program.replace(venues=relaxed)
    _assert_everybody(relaxed_program, _plan(relaxed_program))


@pytest.mark.rule("broken", "venue")
def test_venue_verifier_capacity_and_unknown(one_room_case: tuple[Program, Plan]) -> None:
    program, plan = one_room_case
    c = plan.cohorts[0]
    with_closet = program.replace(venues=(*program.venues, Venue("skrubb", "Skrubben", 2)))
    too_small = _with_session(plan, c.id, 1, venue="skrubb")
    assert "venue" in _rules(with_closet, too_small)
    unknown = _with_session(plan, c.id, 1, venue="nowhere")
    assert "venue" in _rules(program, unknown)
    missing = _with_session(plan, c.id, 1, venue=None)
    assert "venue" in _rules(program, missing)


@pytest.mark.rule("broken", "venue")
def test_venue_verifier_double_booking(one_room_case: tuple[Program, Plan]) -> None:
    program, plan = one_room_case
    c1, c2 = plan.cohorts
    s = c1.sessions[1]
    mutated = _move(plan, c2.id, 1, s.start + timedelta(minutes=30))
    violations = [v for v in verify(program, mutated) if v.rule == "venue"]
    assert violations and "double-booked" in violations[0].message


# ---- reasons for the unplaced name the rule that bites -----------------------------


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(
    ("changes", "must_mention"),
    [
        pytest.param({"end": date(2027, 3, 26)}, {"en": "26 Mar 2027", "sv": "26 mars 2027"},
                     id="window-too-short"),
        pytest.param(
            {"end": date(2027, 4, 2), "extra_closed": _days(date(2027, 2, 1), date(2027, 2, 5))},
            {"en": "2 Apr 2027", "sv": "2 apr. 2027"},
            id="closed-days",
        ),
        pytest.param({"venues": (Venue("skrubb", "Skrubben", 2),)},
                     {"en": "venue: no venue holds", "sv": "lokal: ingen lokal rymmer"},
                     id="venue-too-small"),
        pytest.param({"not_with": True}, {"en": "not_with", "sv": "not_with"}, id="not-with-pair"),
    ],
)
def test_unplaced_reason_names_the_binding_rule(
    changes: dict, must_mention: dict[str, str], language: str
) -> None:
    """Nobody here has unavailable or busy times and every organisation is distinct, so a
    reason blaming availability or the organisation mix misleads, in either language."""
    changes = dict(changes)
    program = _program(2, max_size=2, start=date(2027, 2, 1), end=date(2027, 4, 30),
                       language=language)
    if changes.pop("not_with", False):
        program = _with(program, "p01", not_with=("p02",))
    program = program.replace(**changes)
    plan = _plan(program)
    reasons = _unplaced(plan)
    assert set(reasons) == {"p01", "p02"}
    words = Words.of(program)
    unavailable = {"en": "unavailable", "sv": "inte tillgänglig"}[language]
    for reason in reasons.values():
        assert words.rule_name("participant availability") not in reason
        assert unavailable not in reason
        assert words.rule_name("organisation mix") not in reason
        assert must_mention[language] in reason
