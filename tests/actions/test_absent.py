"""Absences (SPEC §7): the case turn moves to the next member, and stays on a re-plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backstage_sched import (
    InfeasibleError,
    InputError,
    SolveOptions,
    absent,
    load_program,
    plan_program,
    replan_program,
    verify,
    write_plan_dir,
)
from backstage_sched.cli.app import EXIT_RULES, main

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027"
BEFORE = date(2026, 12, 1)  # before every session of the example


@pytest.fixture(scope="module")
def planned():
    program = load_program(COMPANY / "program.toml")
    return program, plan_program(program, SolveOptions(effort=2))


def test_the_case_owner_swaps_with_the_next_turn(planned) -> None:
    program, plan = planned
    cohort = plan.cohorts[0]
    owner = cohort.sessions[2].case_owner
    following = cohort.sessions[3].case_owner
    change = absent(program, plan, owner, 3, BEFORE)
    after = change.plan.cohort(cohort.id)
    assert after.sessions[2].case_owner == following and after.sessions[3].case_owner == owner
    assert after.sessions[2].absent == (owner,)
    assert verify(change.program, change.plan) == []
    # both sessions change for everyone: same UID, SEQUENCE raised
    for i in (2, 3):
        assert after.sessions[i].uid == cohort.sessions[i].uid
        assert after.sessions[i].sequence == cohort.sessions[i].sequence + 1
    assert any("swapped" in note for note in change.notes)


def test_someone_else_missing_a_session_moves_no_turn(planned) -> None:
    program, plan = planned
    cohort = plan.cohorts[0]
    owner = cohort.sessions[2].case_owner
    guest = next(m for m in cohort.members if m != owner)
    change = absent(program, plan, guest, 3, BEFORE)
    after = change.plan.cohort(cohort.id)
    assert [s.case_owner for s in after.sessions] == [s.case_owner for s in cohort.sessions]
    assert after.sessions[2].absent == (guest,)


def test_the_last_turn_swaps_with_an_earlier_one_still_to_come(planned) -> None:
    program, plan = planned
    cohort = plan.cohorts[0]
    last = len(cohort.sessions)
    owner = cohort.sessions[-1].case_owner
    change = absent(program, plan, owner, last, BEFORE)
    after = change.plan.cohort(cohort.id)
    assert after.sessions[-1].case_owner == cohort.sessions[-2].case_owner
    assert after.sessions[-2].case_owner == owner


def test_no_turn_left_to_swap_is_refused_with_the_reason(planned, tmp_path: Path) -> None:
    program, plan = planned
    cohort = plan.cohorts[0]
    owner = cohort.sessions[-1].case_owner
    tz_day = cohort.sessions[-1].start.date()  # every other session held by then
    with pytest.raises(InfeasibleError) as caught:
        absent(program, plan, owner, len(cohort.sessions), tz_day)
    assert "cannot move" in str(caught.value)
    folder = tmp_path / "plan"
    write_plan_dir(program, plan, folder)
    out = tmp_path / "plan-v2"
    code = main(["absent", str(folder), owner, "--session", str(len(cohort.sessions)),
                 "--today", tz_day.isoformat(), "--out", str(out)])
    assert code == EXIT_RULES and not out.exists()


@pytest.mark.parametrize(
    ("who", "number", "message"),
    [("n99", 2, "not a participant"), (None, 99, "has sessions 1..")],
)
def test_bad_absences_are_named(planned, who: str | None, number: int, message: str) -> None:
    program, plan = planned
    person = who or plan.cohorts[0].members[0]
    with pytest.raises(InputError) as caught:
        absent(program, plan, person, number, BEFORE)
    assert message in str(caught.value)


def test_a_replan_keeps_absences_and_swapped_turns(planned) -> None:
    program, plan = planned
    cohort = plan.cohorts[0]
    owner = cohort.sessions[2].case_owner
    change = absent(program, plan, owner, 3, BEFORE)
    again = replan_program(program, change.program, change.plan, BEFORE,
                           SolveOptions(effort=1))
    kept = again.plan.cohort(cohort.id)
    swapped = change.plan.cohort(cohort.id)
    assert [s.case_owner for s in kept.sessions] == [s.case_owner for s in swapped.sessions]
    assert kept.sessions[2].absent == (owner,)


def test_attendance_lists_sessions_absences_and_the_case_session(planned) -> None:
    import csv
    import io

    from backstage_sched.publish.attendance import HEADER, attendance_csv, rsvp_columns

    program, plan = planned
    cohort = plan.cohorts[0]
    owner = cohort.sessions[2].case_owner
    change = absent(program, plan, owner, 3, BEFORE)
    rows = list(csv.reader(io.StringIO(attendance_csv(change.program, change.plan))))
    most = max(len(c.sessions) for c in plan.cohorts)
    assert tuple(rows[0]) == (*HEADER, *rsvp_columns(most))
    mine = next(r for r in rows[1:] if r[0] == owner)
    assert mine[3:len(HEADER)] == [cohort.id, str(len(cohort.sessions) - 1), "3", "4"]
    # the absence is their answer to session 3's invitation (SPEC §7: PARTSTAT=DECLINED)
    assert mine[len(HEADER) + 2] == "DECLINED"
    assert mine[len(HEADER):len(HEADER) + 2] == ["", ""]
    assert len(rows) == 1 + change.plan.placed


def test_the_overview_shows_who_will_miss_which_session(planned) -> None:
    from backstage_sched.publish.overview import overview_html

    program, plan = planned
    cohort = plan.cohorts[0]
    guest = cohort.members[0]
    assert "Missar träff" not in overview_html(program, plan)
    change = absent(program, plan, guest, 2, BEFORE)
    page = overview_html(change.program, change.plan)
    assert page.count("<th>Missar träff</th>") == 1  # the column of that cohort only


def test_the_absent_member_has_declined_in_the_invitation(planned) -> None:
    import icalendar

    from backstage_sched.publish.folder import default_stamp
    from backstage_sched.publish.ical import invite

    program, plan = planned
    cohort = plan.cohorts[0]
    guest = cohort.members[0]
    change = absent(program, plan, guest, 2, BEFORE)
    after = change.plan.cohort(cohort.id)
    data = invite(change.program, change.plan, after, after.sessions[1], default_stamp(program))
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    states = {str(a).lower().removeprefix("mailto:"): a.params.get("PARTSTAT")
              for a in event.get("ATTENDEE")}
    email = program.participant(guest).email.lower()
    assert states[email] == "DECLINED"
    assert {v for k, v in states.items() if k != email} <= {"NEEDS-ACTION", "ACCEPTED"}
    assert any(m.uid == after.sessions[1].uid for m in change.outbox.messages)
