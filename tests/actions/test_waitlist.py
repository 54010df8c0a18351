"""The waiting list (SPEC §7): rank, reason, and the cohorts each person could join now."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backstage_sched import SolveOptions, load_program, plan_program, verify, write_templates
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.plan import Plan
from backstage_sched.publish.waitlist import HEADER, waiting_list, waitlist_csv
from backstage_sched.solver.join import joined
from conftest import WAITLIST_TODAY


def test_ranked_by_registration_with_the_reason(late) -> None:
    program, plan = late
    rows = waiting_list(program, plan, WAITLIST_TODAY)
    assert [(w.rank, w.participant) for w in rows] == [(1, "p102"), (2, "p101")]
    assert rows[0].reason == "registered late"


def test_every_seat_offered_is_confirmed_by_the_checker(late) -> None:
    program, plan = late
    rows = waiting_list(program, plan, WAITLIST_TODAY)
    assert rows[0].fits, "a cohort of four has room for a fifth"
    for w in rows:
        for join in w.fits:
            after = joined(program, plan, join)
            assert verify(program, after) == []
            cohort = after.cohort(join.cohort)
            assert cohort.sessions[-1].case_owner == w.participant
            assert len(cohort.sessions) == len(cohort.members) + 1


def test_nobody_fits_once_too_many_sessions_were_held(late) -> None:
    program, plan = late
    third = plan.cohorts[0].sessions[3].start.date()  # three sessions held before it
    rows = waiting_list(program, plan, third)
    assert all(plan.cohorts[0].id not in {j.cohort for j in w.fits} for w in rows)


def test_the_csv_has_the_spec_columns(late) -> None:
    program, plan = late
    listed = waiting_list(program, plan, WAITLIST_TODAY)
    rows = list(csv.reader(io.StringIO(waitlist_csv(program, listed))))
    assert tuple(rows[0]) == HEADER
    assert rows[1][:2] == ["1", "p102"] and rows[1][6]


def test_without_dates_the_file_order_ranks(late) -> None:
    program, plan = late
    undated = program.replace(participants=tuple(
        replace(p, registered=None) for p in program.participants))
    assert [w.participant for w in waiting_list(undated, plan, WAITLIST_TODAY)] == ["p101", "p102"]


def test_a_plan_folder_has_its_waiting_list(tmp_path: Path) -> None:
    from backstage_sched import write_plan_dir

    toml, csv_path = write_templates(tmp_path, year=2027)
    program = load_program(toml, csv_path)
    folder = write_plan_dir(program, plan_program(program, SolveOptions(effort=2)),
                            tmp_path / "plan")
    assert (folder / "waitlist.csv").read_text(encoding="utf-8").splitlines() == [
        ",".join(HEADER)]


def test_the_registered_column_is_read(tmp_path: Path) -> None:
    from backstage_sched import InputError

    toml, csv_path = write_templates(tmp_path, year=2027)
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += ";registered"
    lines[1] += ";2026-11-02 09:15"
    lines[2] += ";2026-11-03"
    csv_path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    people = load_program(toml, csv_path).participants
    assert people[0].registered == datetime(2026, 11, 2, 9, 15)
    assert people[1].registered == datetime(2026, 11, 3) and people[2].registered is None
    lines[2] = lines[2].rsplit(";", 1)[0] + ";igår"
    csv_path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    with pytest.raises(InputError) as caught:
        load_program(toml, csv_path)
    assert "registered must be a date" in str(caught.value) and "row 3" in str(caught.value)


def test_the_overview_shows_the_same_list(late) -> None:
    from backstage_sched.publish.overview import overview_html

    program, plan = late
    waiting = waiting_list(program, plan, WAITLIST_TODAY)
    page = overview_html(program, plan, waiting)
    assert "Plats i kön" in page and "Kan börja nu i" in page
    section = page.split('id="unplaced"')[1].split("</section>")[0]
    assert section.index("Tidig Anmälan") < section.index("Sen Anmälan")
    assert waiting[0].fits[0].cohort in section


def test_fill_gives_the_first_in_the_queue_a_seat_and_tells_everyone(late) -> None:
    from backstage_sched import fill
    from backstage_sched.publish.costs import cost_rows

    program, plan = late
    change = fill(program, plan, WAITLIST_TODAY)
    assert verify(change.program, change.plan) == []
    cohort = change.plan.cohort_of("p102")
    assert cohort is not None
    before = plan.cohort(cohort.id)
    added = cohort.sessions[len(before.sessions)]  # first in the queue, first added
    assert added.case_owner == "p102"
    assert added.uid not in {s.uid for c in plan.cohorts for s in c.sessions}
    assert all(s.sequence == b.sequence + 1 for s, b in zip(cohort.sessions, before.sessions,
                                                             strict=False))
    requests = [m for m in change.outbox.messages if m.method == "REQUEST"]
    to_newcomer = [m for m in requests if "p102" in {r.id for r in m.recipients}]
    assert len(to_newcomer) == len(cohort.sessions)
    assert any(m.uid == added.uid for m in requests)
    assert any("joins" in n and "p102" in n for n in change.notes)
    orgs = {r.organization for r in cost_rows(change.program, change.plan)}
    assert program.participant("p102").organization in orgs


def test_fill_dry_run_writes_nothing(late, tmp_path: Path) -> None:
    from backstage_sched import write_plan_dir
    from backstage_sched.cli.app import main

    program, plan = late
    folder = write_plan_dir(program, plan, tmp_path / "plan")
    before = sorted(p.name for p in folder.rglob("*"))
    out = tmp_path / "plan-v2"
    assert main(["fill", str(folder), "--today", WAITLIST_TODAY.isoformat(), "--dry-run"]) == 0
    assert not out.exists() and sorted(p.name for p in folder.rglob("*")) == before
    today = WAITLIST_TODAY.isoformat()
    assert main(["fill", str(folder), "--today", today, "--out", str(out)]) == 0
    assert (out / "plan.json").exists()


def test_the_neighbourhood_without_rooms_is_the_facilitators_cohorts(late) -> None:
    """No venue is no shared room: a cohort without one does not pull in every other
    cohort (which made the waiting list check the whole plan for each proposal)."""
    from backstage_sched.solver.join import neighbourhood

    program, plan = late
    first, second = plan.cohorts[:2]
    assert first.venue is None and all(s.venue is None for s in first.sessions)
    other = replace(program.facilitators[0], id="f-other", name="Annan Ledare",
                    email="annan@example.org")
    program = program.replace(facilitators=(*program.facilitators, other))
    plan = replace(plan, cohorts=(first, replace(second, facilitator="f-other"),
                                  *plan.cohorts[2:]))
    assert [c.id for c in neighbourhood(program, plan, first.id).cohorts] == [first.id]


def test_the_neighbourhood_judges_a_shared_room_as_the_whole_plan_does() -> None:
    """A cohort sharing a room comes into the neighbourhood only when it meets on one of
    the cohort's days (a room's rule is about sessions at the same time); a session moved
    onto another cohort's time in that room is caught there as in the whole plan."""
    from backstage_sched.solver.join import neighbourhood

    folder = Path(__file__).resolve().parents[2] / "examples" / "orebro-2027"
    program = load_program(folder / "program.toml", folder / "participants.xlsx")
    plan = plan_program(program, SolveOptions(seed=0))
    first = plan.cohorts[0]
    days = {s.start.date() for s in first.sessions}
    near = {c.id for c in neighbourhood(program, plan, first.id).cohorts}
    rooms = {s.venue for s in first.sessions}
    for c in plan.cohorts:
        shares = c.facilitator == first.facilitator or any(
            s.venue in rooms and s.start.date() in days for s in c.sessions)
        assert (c.id in near) == (c.id == first.id or shares), c.id
    other = next(c for c in plan.cohorts if c.facilitator != first.facilitator
                 and c.venue == first.venue)
    moved = replace(first.sessions[-1], start=other.sessions[1].start,
                    end=other.sessions[1].end)
    forged = replace(plan, cohorts=tuple(
        replace(c, sessions=(*c.sessions[:-1], moved)) if c.id == first.id else c
        for c in plan.cohorts))

    def found(judged: Plan) -> set[tuple[str, str | None]]:
        return {(v.rule, v.cohort) for v in verify(program, judged)
                if v.cohort == first.id or first.id in str(v.message)}

    whole = found(forged)
    assert {rule for rule, _ in whole} >= {"venue"}
    assert found(neighbourhood(program, forged, first.id)) == whole


def test_the_cohort_alone_is_judged_as_the_whole_plan_judges_it(late) -> None:
    """``verify_cohort`` finds what ``verify`` finds in that cohort, save the rules
    between cohorts: a newcomer who cannot come is caught by both."""
    from backstage_sched.check.verify import verify_cohort

    program, plan = late
    first = plan.cohorts[0]
    assert verify_cohort(program, plan, first.id) == []
    busy = program.participant(first.members[0])
    day = first.sessions[2].start.astimezone(ZoneInfo(program.timezone)).date()
    blocked = replace(busy, unavailable=(*busy.unavailable, *parse_rules([day.isoformat()])))
    program = program.replace(participants=tuple(
        blocked if p.id == busy.id else p for p in program.participants))
    alone = {(v.rule, v.session) for v in verify_cohort(program, plan, first.id)}
    whole = {(v.rule, v.session) for v in verify(program, plan) if v.cohort == first.id}
    assert alone == whole and ("participant availability", 2) in alone


def test_a_start_the_checker_refused_is_refused_for_everyone(late) -> None:
    """The verdict on a cohort's neighbourhood is reached once per start and kept:
    a start whose neighbourhood breaks a rule between cohorts is never offered."""
    from backstage_sched.publish.waitlist import confirmed_seat
    from backstage_sched.solver.join import Openings, open_cohorts, proposals

    program, plan = late
    people = {p.id: p for p in program.participants}
    openings = Openings(program, plan, WAITLIST_TODAY)
    person = people[waiting_list(program, plan, WAITLIST_TODAY)[0].participant]
    cohort = open_cohorts(program, plan, WAITLIST_TODAY)[0]
    first = next(proposals(program, plan, cohort, person, WAITLIST_TODAY, openings))
    seat = confirmed_seat(program, plan, cohort, person, WAITLIST_TODAY, openings)
    assert seat == first and openings.verdicts[(cohort.id, first.start)] is True
    openings.verdicts[(cohort.id, first.start)] = False  # as if the facilitator were busy
    again = confirmed_seat(program, plan, cohort, person, WAITLIST_TODAY, openings)
    assert again is None or again.start != first.start
