"""Tests of the independent plan verifier (``backstage_sched.check.verify``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstage_sched.check.verify import Violation, verify
from backstage_sched.domain import (
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    Participant,
    Program,
    SessionRules,
    TimeRule,
    Venue,
)
from backstage_sched.errors import InputError
from backstage_sched.plan import Cohort, History, Plan, Session, Unplaced, Withdrawal
from backstage_sched.rules import RULES

TZ = ZoneInfo("Europe/Stockholm")
SUMMER = Blackout("Summer", date(2027, 6, 21), date(2027, 8, 13))
C01_DAYS = [date(2027, 1, 18) + timedelta(days=28 * i) for i in range(5)]  # Mondays
C02_DAYS = [date(2027, 1, 19) + timedelta(days=28 * i) for i in range(5)]  # Tuesdays


def program(**changes: object) -> Program:
    """A small valid program: 2 facilitators, 8 participants, 3 rooms."""
    base = Program(
        id="ht2027",
        name="Backstage 2027",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        blackouts=(SUMMER,),
        facilitators=(
            Facilitator("f1", "F One", "f1@example.org", max_cohorts=2),
            Facilitator("f2", "F Two", "f2@example.org"),
        ),
        venues=(
            Venue("room-a", "Room A", 8),
            Venue("room-b", "Room B", 6),
            Venue("closet", "Closet", 4),
        ),
        participants=tuple(
            Participant(f"p{i}", f"P {i}", f"p{i}@example.org", f"org{i}") for i in range(1, 9)
        ),
    )
    return base.replace(**changes)


def with_participant(prog: Program, pid: str, **changes: object) -> Program:
    """``prog`` with participant ``pid`` changed."""
    return prog.replace(
        participants=tuple(
            replace(p, **changes) if p.id == pid else p  # type: ignore[arg-type]
            for p in prog.participants
        )
    )


def with_facilitator(prog: Program, fid: str, **changes: object) -> Program:
    """``prog`` with facilitator ``fid`` changed."""
    return prog.replace(
        facilitators=tuple(
            replace(f, **changes) if f.id == fid else f  # type: ignore[arg-type]
            for f in prog.facilitators
        )
    )


def at(day: date, start: time = time(9, 0)) -> datetime:
    """An aware local datetime in Europe/Stockholm."""
    return datetime.combine(day, start, tzinfo=TZ)


def make_cohort(
    cid: str,
    facilitator: str,
    members: tuple[str, ...],
    days: list[date],
    *,
    start: time = time(9, 0),
    minutes: int = 180,
    venue: str | None = None,
) -> Cohort:
    """A cohort meeting on ``days``; session i > 0 has member i - 1 as case owner."""
    sessions = tuple(
        Session(
            index=i,
            start=at(d, start),
            end=at(d, start) + timedelta(minutes=minutes),
            case_owner=None if i == 0 else members[i - 1],
            venue=venue,
            uid=f"{cid}-{i}@ht2027",
        )
        for i, d in enumerate(days)
    )
    return Cohort(cid, facilitator, venue, members, days[0] - timedelta(days=10), sessions)


def base_plan(**c02: object) -> Plan:
    """The valid plan: c01 (f1, Mondays, room-a), c02 (f2, Tuesdays, room-b)."""
    kwargs: dict = {"venue": "room-b"} | c02
    days = kwargs.pop("days", C02_DAYS)
    fac = kwargs.pop("facilitator", "f2")
    return Plan(
        program="ht2027",
        cohorts=(
            make_cohort("c01", "f1", ("p1", "p2", "p3", "p4"), C01_DAYS, venue="room-a"),
            make_cohort("c02", fac, ("p5", "p6", "p7", "p8"), days, **kwargs),
        ),
    )


def one_cohort_plan(days: list[date], **kwargs: object) -> Plan:
    """c01 on ``days`` (f1, room-a); c02 as in the base plan."""
    plan = base_plan()
    c01 = make_cohort("c01", "f1", ("p1", "p2", "p3", "p4"), days, venue="room-a", **kwargs)
    return replace(plan, cohorts=(c01, plan.cohorts[1]))


def set_session(plan: Plan, cid: str, index: int, **changes: object) -> Plan:
    """``plan`` with one session changed."""
    cohorts = []
    for c in plan.cohorts:
        if c.id == cid:
            sessions = tuple(
                replace(s, **changes) if s.index == index else s  # type: ignore[arg-type]
                for s in c.sessions
            )
            c = replace(c, sessions=sessions)
        cohorts.append(c)
    return replace(plan, cohorts=tuple(cohorts))


def set_cohort(plan: Plan, cid: str, **changes: object) -> Plan:
    """``plan`` with one cohort changed."""
    return replace(
        plan,
        cohorts=tuple(
            replace(c, **changes) if c.id == cid else c  # type: ignore[arg-type]
            for c in plan.cohorts
        ),
    )


def move(plan: Plan, cid: str, index: int, day: date, start: time = time(9, 0)) -> Plan:
    """``plan`` with one session moved to ``day`` at ``start`` (180 min)."""
    begin = at(day, start)
    return set_session(plan, cid, index, start=begin, end=begin + timedelta(minutes=180))


def rules(violations: list[Violation]) -> set[str]:
    """The rule names among ``violations``."""
    return {v.rule for v in violations}


def located(violations: list[Violation], rule: str) -> set[tuple[str | None, int | None]]:
    """(cohort, session) of each violation of ``rule``."""
    return {(v.cohort, v.session) for v in violations if v.rule == rule}


# --- the valid baseline -------------------------------------------------------------


def test_base_dates_are_working_days() -> None:
    se = holidays.country_holidays("SE", years=2027, categories=("public", "de_facto", "optional"))
    for d in C01_DAYS + C02_DAYS:
        assert d not in se
        assert d.weekday() in (0, 1)
        assert not SUMMER.start <= d <= SUMMER.end


@pytest.mark.rule("kept", "duration")
@pytest.mark.rule("kept", "one person")
@pytest.mark.rule("kept", "placement")
@pytest.mark.rule("kept", "uid")
def test_valid_plan_has_no_violations() -> None:
    assert verify(program(), base_plan()) == []


def test_valid_plan_survives_json_round_trip() -> None:
    plan = Plan.from_dict(base_plan().to_dict())
    assert verify(program(), plan) == []


def test_verify_is_deterministic() -> None:
    prog = program(groups=GroupRules(min_size=5))
    plan = move(base_plan(), "c01", 2, date(2027, 3, 20))
    assert verify(prog, plan) == verify(prog, plan)


def test_rule_names_are_the_contract() -> None:
    assert len(RULES) == len(set(RULES)) == 23
    assert "facilitator no-overlap" in RULES and "not_with" in RULES


def test_violation_str() -> None:
    # ``session`` is the index (4: the fifth meeting); people read the number, 5
    v = Violation("gap rule", "37 days after session 4 (allowed 28–35, +0 blackout days)", "c03", 4)
    assert str(v) == (
        "[gap rule] c03 session 5: 37 days after session 4 (allowed 28–35, +0 blackout days)"
    )
    assert str(Violation("group size", "has 3 members", "c01")) == "[group size] c01: has 3 members"
    assert str(Violation("placement", "p9 missing")) == "[placement] p9 missing"


def test_session_given_in_another_offset_is_fine() -> None:
    plan = set_session(
        base_plan(),
        "c01",
        1,
        start=datetime.fromisoformat("2027-02-15T08:00:00+00:00"),
        end=datetime.fromisoformat("2027-02-15T11:00:00+00:00"),
    )
    plan = set_session(
        plan,
        "c01",
        4,
        start=datetime.fromisoformat("2027-05-10T07:00:00+00:00"),
        end=datetime.fromisoformat("2027-05-10T10:00:00+00:00"),
    )
    assert verify(program(), plan) == []


def test_cohort_across_summer_break_is_valid() -> None:
    days = [date(2027, m, d) for m, d in ((4, 12), (5, 10), (6, 7), (8, 16), (9, 13))]
    assert verify(program(), one_cohort_plan(days)) == []


def test_other_country_without_include_sundays_option() -> None:
    assert verify(program(country="DE", holiday_categories=("public",)), base_plan()) == []


def test_unsupported_holiday_category_is_an_input_error() -> None:
    with pytest.raises(InputError, match="de_facto"):
        verify(program(country="DE"), base_plan())


# --- allowed day --------------------------------------------------------------------


def test_weekday_not_allowed() -> None:
    out = verify(program(), move(base_plan(), "c01", 4, date(2027, 5, 15)))  # Saturday
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 4)}
    assert "sat" in out[0].message


def test_restricted_weekdays() -> None:
    out = verify(program(sessions=SessionRules(weekdays=(0,))), base_plan())
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c02", i) for i in range(5)}


FRIDAYS_TO_MIDSUMMER = [date(2027, 6, 25) - timedelta(days=28 * i) for i in range(4, -1, -1)]
FRIDAYS_TO_CHRISTMAS = [date(2027, 12, 24) - timedelta(days=28 * i) for i in range(4, -1, -1)]
FRIDAYS_TO_BRIDGE = [date(2027, 5, 7) - timedelta(days=28 * i) for i in range(4, -1, -1)]


def test_midsummer_eve_is_closed_by_default() -> None:
    plan = one_cohort_plan(FRIDAYS_TO_MIDSUMMER)
    out = verify(program(blackouts=()), plan)
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 4)}
    assert "holiday" in out[0].message
    assert verify(program(blackouts=(), holiday_categories=("public",)), plan) == []


def test_christmas_eve_is_closed_by_default() -> None:
    plan = one_cohort_plan(FRIDAYS_TO_CHRISTMAS)
    out = verify(program(end=date(2027, 12, 31)), plan)
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 4)}
    assert verify(program(end=date(2027, 12, 31), holiday_categories=("public",)), plan) == []


def test_bridge_day_is_closed_only_with_optional() -> None:
    plan = one_cohort_plan(FRIDAYS_TO_BRIDGE)
    assert verify(program(), plan) == []
    out = verify(program(holiday_categories=("public", "de_facto", "optional")), plan)
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 4)}


def test_extra_closed_day() -> None:
    out = verify(program(extra_closed=(date(2027, 5, 10),)), base_plan())
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 4)}
    assert "extra closed" in out[0].message


def test_session_inside_blackout() -> None:
    days = [date(2027, m, d) for m, d in ((4, 12), (5, 10), (6, 7), (8, 9), (9, 13))]
    out = verify(program(), one_cohort_plan(days))
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 3)}
    assert "Summer" in out[0].message


# --- time grid, day window, duration, DST -------------------------------------------


def test_off_grid_start() -> None:
    out = verify(program(), move(base_plan(), "c01", 1, date(2027, 2, 15), time(9, 15)))
    assert rules(out) == {"time grid"}
    assert located(out, "time grid") == {("c01", 1)}


def test_grid_counts_from_day_start() -> None:
    prog = program(sessions=SessionRules(day_start=time(8, 0), grid_minutes=60))
    plan = move(base_plan(), "c01", 1, date(2027, 2, 15), time(9, 30))
    assert located(verify(prog, plan), "time grid") == {("c01", 1)}
    assert verify(prog, base_plan()) == []


def test_afternoon_session_breaks_day_window() -> None:
    out = verify(program(), move(base_plan(), "c01", 1, date(2027, 2, 15), time(15, 0)))
    assert rules(out) == {"day window"}
    assert located(out, "day window") == {("c01", 1)}


def test_session_before_day_start() -> None:
    out = verify(program(), move(base_plan(), "c01", 1, date(2027, 2, 15), time(8, 0)))
    assert rules(out) == {"day window"}


def test_start_off_grid_by_seconds() -> None:
    s = at(date(2027, 2, 15), time(9, 0, 30))
    plan = set_session(base_plan(), "c01", 1, start=s, end=s + timedelta(minutes=180))
    out = verify(program(), plan)
    assert rules(out) == {"time grid"}
    assert located(out, "time grid") == {("c01", 1)}
    assert out[0].message == "starts at 09:00:30, not on the 30-minute grid from 08:30"


def test_session_crossing_midnight() -> None:
    out = verify(program(), move(base_plan(), "c01", 1, date(2027, 2, 15), time(22, 30)))
    assert rules(out) == {"day window"}
    assert located(out, "day window") == {("c01", 1)}
    assert out[0].message == "2027-02-15 22:30–2027-02-16 01:30 does not end on the day it starts"


@pytest.mark.rule("broken", "duration")
def test_wrong_duration() -> None:
    s = at(date(2027, 2, 15))
    plan = set_session(base_plan(), "c01", 1, end=s + timedelta(minutes=120))
    out = verify(program(), plan)
    assert rules(out) == {"duration"}
    assert located(out, "duration") == {("c01", 1)}


DST_DAYS = [date(2027, 2, 1), date(2027, 3, 1), date(2027, 3, 29), date(2027, 4, 26)]
DST_DAYS.append(date(2027, 5, 24))


def dst_plan() -> Plan:
    """c01 with session 2 given as 09:00+01:00 on 2027-03-29 (10:00 summer time)."""
    plan = one_cohort_plan(DST_DAYS)
    return set_session(
        plan,
        "c01",
        2,
        start=datetime.fromisoformat("2027-03-29T09:00:00+01:00"),
        end=datetime.fromisoformat("2027-03-29T12:00:00+01:00"),
    )


def test_dst_session_judged_in_local_summer_time() -> None:
    out = verify(program(), dst_plan())
    # 2027-03-29 is Easter Monday; nothing else is wrong at 10:00-13:00 local.
    assert rules(out) == {"allowed day"}
    assert located(out, "allowed day") == {("c01", 2)}
    assert "Easter" in out[0].message


def test_dst_session_day_window_uses_local_time() -> None:
    prog = program(sessions=SessionRules(day_end=time(12, 30)))
    out = verify(prog, dst_plan())
    assert located(out, "day window") == {("c01", 2)}
    assert "10:00" in next(v.message for v in out if v.rule == "day window")


def test_dst_session_availability_uses_local_time() -> None:
    day = date(2027, 3, 29)
    early = TimeRule("2027-03-29 09:00-10:00", day, day, None, time(9, 0), time(10, 0))
    late = TimeRule("2027-03-29 12:30-13:00", day, day, None, time(12, 30), time(13, 0))
    assert "participant availability" not in rules(
        verify(with_participant(program(), "p1", unavailable=(early,)), dst_plan())
    )
    out = verify(with_participant(program(), "p1", unavailable=(late,)), dst_plan())
    assert located(out, "participant availability") == {("c01", 2)}


def test_autumn_dst_offset_is_converted() -> None:
    # 2027-11-01 09:00+02:00 is 08:00 local winter time: before the day window.
    days = [date(2027, 5, 17), date(2027, 6, 14), date(2027, 9, 6), date(2027, 10, 4)]
    plan = one_cohort_plan([*days, date(2027, 11, 1)])
    assert verify(program(), plan) == []
    plan = set_session(
        plan,
        "c01",
        4,
        start=datetime.fromisoformat("2027-11-01T09:00:00+02:00"),
        end=datetime.fromisoformat("2027-11-01T12:00:00+02:00"),
    )
    out = verify(program(), plan)
    assert rules(out) == {"day window"}
    assert located(out, "day window") == {("c01", 4)}
    assert "08:00" in out[0].message


# --- gap rule -----------------------------------------------------------------------

SPORTLOV = Blackout("Sportlov", date(2027, 3, 1), date(2027, 3, 1))


def gap_plan(gap: int) -> Plan:
    """c01 with ``gap`` days between sessions 1 and 2, 28 elsewhere."""
    second = date(2027, 2, 15)
    third = second + timedelta(days=gap)
    days = [date(2027, 1, 18), second, third, third + timedelta(28), third + timedelta(56)]
    return one_cohort_plan(days)


def test_gap_of_36_needs_a_blackout_day_between() -> None:
    assert verify(program(blackouts=(SUMMER, SPORTLOV)), gap_plan(36)) == []
    out = verify(program(), gap_plan(36))
    assert rules(out) == {"gap rule"}
    assert located(out, "gap rule") == {("c01", 2)}


def test_gap_of_37_without_blackout_days() -> None:
    out = verify(program(), gap_plan(37))
    assert rules(out) == {"gap rule"}
    assert str(out[0]) == (
        "[gap rule] c01 session 3: 37 days after session 2 (allowed 28–35, +0 blackout days)"
    )
    out = verify(program(blackouts=(SUMMER, SPORTLOV)), gap_plan(37))
    assert located(out, "gap rule") == {("c01", 2)}
    assert "+1 blackout days" in out[0].message


def test_gap_too_short() -> None:
    out = verify(program(), gap_plan(22))
    assert rules(out) == {"gap rule"}
    assert located(out, "gap rule") == {("c01", 2)}


def test_blackout_day_on_session_date_does_not_extend() -> None:
    # a blackout ending on the later session's date is not strictly between
    edge = Blackout("Edge", date(2027, 3, 23), date(2027, 3, 23))
    plan = gap_plan(36)  # third session on 2027-03-23
    out = verify(program(blackouts=(SUMMER, edge)), plan)
    assert "gap rule" in rules(out)


# --- program window -----------------------------------------------------------------


def test_session_before_program_start() -> None:
    out = verify(program(start=date(2027, 1, 25)), base_plan())
    assert rules(out) == {"program window"}
    assert located(out, "program window") == {("c01", 0), ("c02", 0)}


def test_session_after_program_end() -> None:
    out = verify(program(end=date(2027, 5, 10)), base_plan())
    assert located(out, "program window") == {("c02", 4)}


# --- availability -------------------------------------------------------------------


def test_participant_unavailable_day() -> None:
    rule = TimeRule("2027-02-15", date(2027, 2, 15), date(2027, 2, 15))
    out = verify(with_participant(program(), "p1", unavailable=(rule,)), base_plan())
    assert rules(out) == {"participant availability"}
    assert located(out, "participant availability") == {("c01", 1)}


def test_participant_unavailable_weekday_time() -> None:
    rule = TimeRule("mon 11:00-12:00", weekday=0, start=time(11), end=time(12))
    out = verify(with_participant(program(), "p2", unavailable=(rule,)), base_plan())
    assert located(out, "participant availability") == {("c01", i) for i in range(5)}


@pytest.mark.parametrize(
    "rule",
    [
        TimeRule("mon 12:00-13:00", weekday=0, start=time(12), end=time(13)),
        TimeRule("mon 08:00-09:00", weekday=0, start=time(8), end=time(9)),
        TimeRule("wed", weekday=2),
        TimeRule("2027-02-16..2027-03-14", date(2027, 2, 16), date(2027, 3, 14)),
    ],
)
def test_participant_rules_that_do_not_touch(rule: TimeRule) -> None:
    assert verify(with_participant(program(), "p1", unavailable=(rule,)), base_plan()) == []


def test_participant_busy_interval() -> None:
    busy = Busy(datetime(2027, 3, 15, 11, 30), datetime(2027, 3, 15, 12, 30), "Board")
    out = verify(with_participant(program(), "p3", busy=(busy,)), base_plan())
    assert rules(out) == {"participant availability"}
    assert located(out, "participant availability") == {("c01", 2)}
    touching = Busy(datetime(2027, 3, 15, 8, 0), datetime(2027, 3, 15, 9, 0))
    assert verify(with_participant(program(), "p3", busy=(touching,)), base_plan()) == []


def test_facilitator_unavailable() -> None:
    rule = TimeRule("2027-03-01..2027-03-31", date(2027, 3, 1), date(2027, 3, 31))
    out = verify(with_facilitator(program(), "f1", unavailable=(rule,)), base_plan())
    assert rules(out) == {"facilitator availability"}
    assert located(out, "facilitator availability") == {("c01", 2)}


# --- facilitator load ---------------------------------------------------------------


def test_facilitator_capacity() -> None:
    plan = base_plan(facilitator="f1")
    assert verify(program(), plan) == []
    out = verify(with_facilitator(program(), "f1", max_cohorts=1), plan)
    assert rules(out) == {"facilitator capacity"}
    assert "c01, c02" in out[0].message


def test_facilitator_sessions_per_day() -> None:
    plan = base_plan(facilitator="f1", days=C01_DAYS, start=time(13, 30))
    assert verify(program(), plan) == []
    out = verify(with_facilitator(program(), "f1", max_sessions_per_day=1), plan)
    assert rules(out) == {"facilitator sessions per day"}
    assert located(out, "facilitator sessions per day") == {("c02", i) for i in range(5)}
    prog = program(sessions=SessionRules(max_sessions_per_day=1))
    assert rules(verify(prog, plan)) == {"facilitator sessions per day"}


def test_facilitator_buffer() -> None:
    plan = base_plan(facilitator="f1", days=C01_DAYS, start=time(12, 30))
    out = verify(program(), plan)
    assert rules(out) == {"facilitator buffer"}
    assert located(out, "facilitator buffer") == {("c02", i) for i in range(5)}
    assert verify(with_facilitator(program(), "f1", buffer_minutes=30), plan) == []


def test_facilitator_no_overlap() -> None:
    plan = base_plan(facilitator="f1", days=C01_DAYS, start=time(10, 0))
    out = verify(program(), plan)
    assert rules(out) == {"facilitator no-overlap"}
    assert located(out, "facilitator no-overlap") == {("c02", i) for i in range(5)}


# --- group formation ----------------------------------------------------------------


def test_group_size() -> None:
    out = verify(program(groups=GroupRules(min_size=5)), base_plan())
    assert rules(out) == {"group size"}
    assert located(out, "group size") == {("c01", None), ("c02", None)}
    assert rules(verify(program(groups=GroupRules(max_size=3)), base_plan())) == {"group size"}


def test_organisation_mix() -> None:
    out = verify(with_participant(program(), "p2", organization="org1"), base_plan())
    assert rules(out) == {"organisation mix"}
    assert located(out, "organisation mix") == {("c01", None)}
    prog = program(groups=GroupRules(max_per_organization=2))
    prog = with_participant(prog, "p2", organization="org1")
    assert verify(prog, base_plan()) == []


def company_program() -> Program:
    """A company run: c01 members from Acme, c02 members from Beta."""
    prog = program(mode="company")
    for i in range(1, 9):
        prog = with_participant(prog, f"p{i}", organization="Acme" if i <= 4 else "Beta")
    return prog


def test_company_mode() -> None:
    assert verify(company_program(), base_plan()) == []
    out = verify(with_participant(company_program(), "p4", organization="Other"), base_plan())
    assert rules(out) == {"company mode"}
    assert located(out, "company mode") == {("c01", None)}


@pytest.mark.parametrize(("who", "other"), [("p1", "p2"), ("p2", "p1")])
def test_not_with_either_direction(who: str, other: str) -> None:
    out = verify(with_participant(program(), who, not_with=(other,)), base_plan())
    assert rules(out) == {"not_with"}
    assert located(out, "not_with") == {("c01", None)}
    assert len(out) == 1


def test_not_with_across_cohorts_is_fine() -> None:
    assert verify(with_participant(program(), "p1", not_with=("p5",)), base_plan()) == []


# --- session count and case owner ---------------------------------------------------


def test_missing_session() -> None:
    plan = base_plan()
    c01 = plan.cohorts[0]
    out = verify(program(), set_cohort(plan, "c01", sessions=c01.sessions[:4]))
    assert "session count" in rules(out)
    assert ("c01", None) in located(out, "session count")


def test_sessions_out_of_order() -> None:
    plan = base_plan()
    s = plan.cohorts[0].sessions
    out = verify(program(), set_cohort(plan, "c01", sessions=(s[0], s[2], s[1], s[3], s[4])))
    assert "session count" in rules(out)


def test_sessions_not_chronological() -> None:
    plan = base_plan()
    s = plan.cohorts[0].sessions
    swapped = (
        s[0],
        replace(s[1], start=s[2].start, end=s[2].end),
        replace(s[2], start=s[1].start, end=s[1].end),
        s[3],
        s[4],
    )
    out = verify(program(), set_cohort(plan, "c01", sessions=swapped))
    assert ("c01", 2) in located(out, "session count")


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(5)).filter(lambda p: list(p) != list(range(5))))
def test_permuted_sessions_are_caught(order: list[int]) -> None:
    plan = base_plan()
    s = plan.cohorts[0].sessions
    out = verify(program(), set_cohort(plan, "c01", sessions=tuple(s[i] for i in order)))
    assert "session count" in rules(out)
    assert all(v.cohort == "c01" for v in out)


def test_kickoff_with_case_owner() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 0, case_owner="p1"))
    assert rules(out) == {"case owner"}
    assert located(out, "case owner") == {("c01", 0)}


def test_member_case_owner_twice() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 2, case_owner="p1"))
    assert rules(out) == {"case owner"}
    messages = " / ".join(v.message for v in out)
    assert "p1 is case owner 2 times" in messages and "p2 is never case owner" in messages


def test_case_owner_not_a_member() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 4, case_owner="p5"))
    assert rules(out) == {"case owner"}
    assert ("c01", 4) in located(out, "case owner")


def test_follow_up_without_case_owner() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 3, case_owner=None))
    assert ("c01", 3) in located(out, "case owner")


# --- venue --------------------------------------------------------------------------


def test_unknown_venue() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 1, venue="attic"))
    assert rules(out) == {"venue"}
    assert located(out, "venue") == {("c01", 1)}


def test_missing_venue_when_venues_listed() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 1, venue=None))
    assert located(out, "venue") == {("c01", 1)}


def test_venue_too_small() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 3, venue="closet"))
    assert rules(out) == {"venue"}
    assert located(out, "venue") == {("c01", 3)}


def test_venue_double_booked() -> None:
    plan = move(base_plan(), "c02", 0, date(2027, 1, 18))
    assert verify(program(), plan) == []  # different rooms
    plan = set_session(plan, "c02", 0, venue="room-a")
    out = verify(program(), plan)
    assert rules(out) == {"venue"}
    assert located(out, "venue") == {("c02", 0)}


def test_venue_given_when_none_listed() -> None:
    out = verify(program(venues=()), base_plan())
    assert rules(out) == {"venue"}
    assert ("c01", None) in located(out, "venue")
    assert ("c02", 4) in located(out, "venue")
    bare = Plan(
        program="ht2027",
        cohorts=(
            make_cohort("c01", "f1", ("p1", "p2", "p3", "p4"), C01_DAYS),
            make_cohort("c02", "f2", ("p5", "p6", "p7", "p8"), C02_DAYS),
        ),
    )
    assert verify(program(venues=()), bare) == []


def test_cohort_venue_not_listed() -> None:
    out = verify(program(), set_cohort(base_plan(), "c01", venue="attic"))
    assert rules(out) == {"venue"}
    assert located(out, "venue") == {("c01", None)}
    assert out[0].message == "cohort venue 'attic' is not a listed venue"


# --- placement and uid --------------------------------------------------------------


@pytest.mark.rule("broken", "placement")
def test_participant_missing_from_plan() -> None:
    extra = Participant("p9", "P 9", "p9@example.org", "org9")
    prog = program().replace(participants=(*program().participants, extra))
    out = verify(prog, base_plan())
    assert rules(out) == {"placement"}
    assert "p9" in out[0].message
    plan = replace(base_plan(), unplaced=(Unplaced("p9", "no feasible cohort"),))
    assert verify(prog, plan) == []


def test_plan_of_another_program() -> None:
    out = verify(program(), replace(base_plan(), program="vt2028"))
    assert rules(out) == {"placement"}
    assert located(out, "placement") == {(None, None)}
    assert out[0].message == "the plan is for program 'vt2028', not 'ht2027'"


def test_participant_placed_and_unplaced() -> None:
    plan = replace(base_plan(), unplaced=(Unplaced("p1", "oops"),))
    out = verify(program(), plan)
    assert rules(out) == {"placement"}


def test_unknown_participant_in_unplaced() -> None:
    plan = replace(base_plan(), unplaced=(Unplaced("p99", "?"),))
    assert rules(verify(program(), plan)) == {"placement"}


@pytest.mark.rule("broken", "placement")
def test_member_in_two_cohorts() -> None:
    plan = base_plan()
    c03 = make_cohort("c03", "f2", ("p1", "p5", "p6", "p7"), C01_DAYS, start=time(13, 30))
    c03 = replace(c03, sessions=tuple(replace(s, uid="x" + s.uid) for s in c03.sessions))
    out = verify(program(venues=()), replace(plan, cohorts=(*plan.cohorts, c03)))
    assert "placement" in rules(out)
    assert any("p1 appears 2 times" in v.message for v in out)


@pytest.mark.rule("broken", "one person")
def test_one_address_seated_twice() -> None:
    # p5 registered twice under another id (a hand-made input): seated in c01 and c02
    prog = with_participant(program(), "p5", email="P1@example.org", name="P 1")
    out = verify(prog, base_plan())
    assert rules(out) == {"one person"}
    (v,) = out
    assert v.cohort == "c02"
    assert "p5 and p1 (c01) share the e-mail address P1@example.org" in v.message


@pytest.mark.rule("broken", "one person")
def test_one_person_billed_twice() -> None:
    left = Withdrawal("p1", "P 1", "org1", date(2027, 1, 20), "c01", date(2027, 1, 8),
                      fee_due=True)
    plan = replace(base_plan(), history=History(withdrawals=(left,)))
    out = verify(program(), plan)
    assert rules(out) == {"one person"}
    assert "p1 is billed twice" in out[0].message
    free = replace(left, fee_due=False)
    assert verify(program(), replace(plan, history=History(withdrawals=(free,)))) == []


def test_unknown_member_and_facilitator() -> None:
    plan = set_cohort(base_plan(), "c02", facilitator="f9")
    out = verify(program(), plan)
    assert rules(out) == {"placement"}
    assert located(out, "placement") == {("c02", None)}
    plan = set_cohort(base_plan(), "c02", members=("p5", "p6", "p7", "p99"))
    assert "placement" in rules(verify(program(), plan))


def test_duplicate_cohort_id() -> None:
    plan = set_cohort(base_plan(), "c02", id="c01")
    out = verify(program(), plan)
    assert "placement" in rules(out)
    assert any("duplicate cohort id" in v.message for v in out)


@pytest.mark.rule("broken", "uid")
def test_duplicate_uid() -> None:
    out = verify(program(), set_session(base_plan(), "c02", 3, uid="c01-3@ht2027"))
    assert rules(out) == {"uid"}
    assert located(out, "uid") == {("c02", 3)}


@pytest.mark.rule("broken", "uid")
def test_empty_uid() -> None:
    out = verify(program(), set_session(base_plan(), "c01", 2, uid=""))
    assert rules(out) == {"uid"}
    assert located(out, "uid") == {("c01", 2)}


# --- history: what a plan's own history excuses, and no more ------------------------
# Each exemption the checker takes from plan.history is shown holding for a genuine
# history and caught for a forged or over-broad one.


def without(prog: Program, pid: str) -> Program:
    """``prog`` after ``pid`` withdrew (``withdraw`` takes them out of the program)."""
    return prog.replace(participants=tuple(p for p in prog.participants if p.id != pid))


def left(pid: str, on: date, cohort: str | None = "c01", held: int | None = None) -> Withdrawal:
    """``pid`` withdrew from ``cohort`` on ``on``, owning held session ``held``."""
    return Withdrawal(pid, pid.upper(), f"org{pid[1:]}", on, cohort, date(2027, 1, 8),
                      held_session=held)


def test_held_sessions_are_excused_from_availability_entered_later() -> None:
    # p1 is now unavailable on 2027-04-12, c01's session 4, held before the re-plan
    rule = TimeRule("2027-04-12", date(2027, 4, 12), date(2027, 4, 12))
    prog = with_participant(program(), "p1", unavailable=(rule,))
    assert located(verify(prog, base_plan()), "participant availability") == {("c01", 3)}
    replanned = replace(base_plan(), history=History(held_before=date(2027, 4, 13)))
    assert verify(prog, replanned) == []
    assert verify(prog, replanned, today=date(2027, 4, 13)) == []


def test_a_held_before_later_than_today_excuses_no_session_still_to_come() -> None:
    # held_before 2027-06-01 claims c01's 2027-05-10 session was held; on 2027-04-13
    # it is still to come, so p1's unavailability then is a broken rule
    rule = TimeRule("2027-05-10", date(2027, 5, 10), date(2027, 5, 10))
    prog = with_participant(program(), "p1", unavailable=(rule,))
    forged = replace(base_plan(), history=History(held_before=date(2027, 6, 1)))
    out = verify(prog, forged, today=date(2027, 4, 13))
    assert rules(out) == {"participant availability"}
    assert located(out, "participant availability") == {("c01", 4)}
    # the plan alone cannot date itself: without today the claim is all there is
    assert verify(prog, forged) == []
    # a facilitator's leave is not excused either
    leave = TimeRule("2027-05-10", date(2027, 5, 10), date(2027, 5, 10))
    prog = with_facilitator(program(), "f1", unavailable=(leave,))
    out = verify(prog, forged, today=date(2027, 4, 13))
    assert located(out, "facilitator availability") == {("c01", 4)}


def short_plan() -> Plan:
    """c01 with p1, p2, p3 (one below ``min_size``, four sessions); c02 as in the base plan."""
    plan = base_plan()
    c01 = make_cohort("c01", "f1", ("p1", "p2", "p3"), C01_DAYS[:4], venue="room-a")
    return replace(plan, cohorts=(c01, plan.cohorts[1]))


def test_a_cohort_that_lost_a_member_may_fall_below_min_size() -> None:
    plan = replace(short_plan(), history=History(withdrawals=(left("p4", date(2027, 1, 12)),)))
    assert verify(without(program(), "p4"), plan) == []
    assert rules(verify(without(program(), "p4"), short_plan())) == {"group size"}


@pytest.mark.rule("broken", "group size")
@pytest.mark.parametrize(
    "record",
    [
        left("p1", date(2027, 1, 12)),  # c01 never lost p1: p1 is still a member
        left("p4", date(2027, 1, 12), cohort="c02"),  # c02 lost p4, not c01
        left("p4", date(2027, 1, 12), cohort=None),  # p4 left before being placed
        left("p4", date(2027, 1, 12), cohort="c99"),  # a cohort the plan does not have
    ],
    ids=["still-a-member", "another-cohort", "no-cohort", "unknown-cohort"],
)
def test_a_shrunk_cohort_that_never_lost_a_member_is_caught(record: Withdrawal) -> None:
    plan = replace(short_plan(), history=History(withdrawals=(record,)))
    out = verify(without(program(), "p4"), plan)
    assert rules(out) == {"group size"}
    assert located(out, "group size") == {("c01", None)}
    assert out[0].message == "has 3 members, allowed 4–7"


def orphan_plan(record: Withdrawal) -> Plan:
    """c01 after p2 withdrew on 2027-03-20: p2's session 3 (2027-03-15, index 2) was
    held, so it stays without a case owner and c01 keeps five sessions."""
    plan = base_plan()
    c01 = make_cohort("c01", "f1", ("p1", "p2", "p3", "p4"), C01_DAYS, venue="room-a")
    c01 = replace(c01, members=("p1", "p3", "p4"))
    plan = replace(plan, cohorts=(c01, plan.cohorts[1]), history=History(withdrawals=(record,)))
    return set_session(plan, "c01", 2, case_owner=None)


def test_a_held_session_of_a_member_who_withdrew_keeps_its_place() -> None:
    plan = orphan_plan(left("p2", date(2027, 3, 20), held=2))
    assert verify(without(program(), "p2"), plan) == []


@pytest.mark.rule("broken", "case owner")
@pytest.mark.parametrize(
    "record",
    [
        left("p2", date(2027, 3, 1), held=2),  # left before session 3 was held
        left("p2", date(2027, 3, 15), held=2),  # left the day it was held
        left("p2", date(2027, 3, 20), held=None),  # owned no held session
        left("p2", date(2027, 3, 20), held=0),  # the kick-off has no case owner
        left("p2", date(2027, 3, 20), held=7),  # a session c01 does not have
        left("p2", date(2027, 3, 20), cohort="c02", held=2),  # c02's session, not c01's
        left("p1", date(2027, 3, 20), held=2),  # p1 is still a member
    ],
    ids=["before-held", "day-held", "none", "kick-off", "no-such-session", "other-cohort",
         "still-a-member"],
)
def test_an_orphaned_session_the_history_does_not_account_for_is_caught(
    record: Withdrawal,
) -> None:
    out = verify(without(program(), "p2"), orphan_plan(record))
    assert ("c01", 2) in located(out, "case owner")
    assert "has no case owner" in {v.message for v in out if v.rule == "case owner"}
    (count,) = (v for v in out if v.rule == "session count" and v.cohort == "c01")
    assert count.message == "has 5 sessions, a cohort of 3 needs 4"
