"""A year of changes to the mixed example, through the Python API.

Plans the program, then re-plans three times, transfers a place, withdraws
someone after the cancellation deadline, moves a session and cancels a
cohort. After every step it writes a new plan folder and checks that its
outbox (the messages to send) is exactly right: every file exists, its
METHOD, UID and SEQUENCE match, sessions before "today" are never re-sent.

Run from the repository root:
    .venv/bin/python examples/year-2027/walkthrough.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from backstage_sched import (
    Change,
    Plan,
    Program,
    cancel_cohort,
    load_program,
    move,
    parse_rules,
    plan_program,
    read_plan_dir,
    replan_program,
    transfer,
    verify,
    withdraw,
    write_plan_dir,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "mixed-2027"
Edit = Callable[[Program, Plan], Change]


def check_folder(folder: Path, today: date | None) -> int:
    """Assert the folder verifies and its outbox is consistent; return message count."""
    program, plan = read_plan_dir(folder)
    assert verify(program, plan) == [], verify(program, plan)
    uids = {s.uid: s for c in plan.cohorts for s in c.sessions}
    messages = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["messages"]
    tz = ZoneInfo(program.timezone)
    for m in messages:
        cal = icalendar.Calendar.from_ical((folder / m["file"]).read_bytes())
        (event,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == m["method"]
        assert str(event["UID"]) == m["uid"] and int(event["SEQUENCE"]) == m["sequence"]
        start = event.decoded("DTSTART").astimezone(tz)
        assert today is None or start.date() >= today, "history is never re-sent"
        if m["method"] == "REQUEST":
            assert uids[m["uid"]].sequence == m["sequence"]
        assert m["recipients"], m
    return len(messages)


def step(title: str, folder: Path, today: date | None, notes: Sequence[str] = ()) -> None:
    count = check_folder(folder, today)
    print(f"\n== {title} → {folder.name}/ ({count} message(s) to send)")
    changes = folder / "changes.txt"
    if changes.exists():
        print(changes.read_text(encoding="utf-8").rstrip())
    for note in notes:
        print(f"note: {note}")


def write(change: Change, out: Path) -> None:
    """Write a checked change as the plan folder ``out``."""
    write_plan_dir(change.program, change.plan, out, change.stamp, change.outbox, change.diff)


def edit(folder: Path, out: Path, change: Edit) -> tuple[str, ...]:
    """Apply one change to the plan in ``folder`` and write ``out``."""
    done = change(*read_plan_dir(folder))
    write(done, out)
    return done.notes


def replan(folder: Path, out: Path, today: date, new_program: Program) -> None:
    """Re-plan the plan in ``folder`` for ``new_program`` and write ``out``."""
    old_program, old_plan = read_plan_dir(folder)
    write(replan_program(new_program, old_program, old_plan, today), out)


def main() -> None:
    """Walk through the year."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "out/year-2027")
    program = load_program(EXAMPLE / "program.toml", EXAMPLE / "participants.csv")
    v1 = root / "1-plan"
    write_plan_dir(program, plan_program(program), v1)
    step("Plan", v1, None)

    # Re-plan 1, before the start: a late registration
    today = date(2026, 12, 14)
    late = replace(program.participants[0], id="p037", name="Åke Lindholm",
                   email="ake.lindholm@vallby.example", organization="Vallby Kraft AB",
                   unavailable=(), avoid=(), not_with=(), busy=(), calendar=None)
    current, _ = read_plan_dir(v1)
    v2 = root / "2-replan-late-registration"
    replan(v1, v2, today, current.replace(participants=(*current.participants, late)))
    step("Re-plan 1: a late registration", v2, today)

    # Transfer, in January: p003 hands the place to a colleague
    today = date(2027, 1, 20)
    v3 = root / "3-transfer"
    notes = edit(v2, v3, lambda prog, plan: transfer(
        prog, plan, "p003", "p038", "Tove Ångman", "tove.angman@regionvastmanland.example",
        today))
    step("Transfer p003 → p038", v3, today, notes)

    # Re-plan 2, February: a participant reports a study trip
    today = date(2027, 2, 15)
    current, plan3 = read_plan_dir(v3)
    member = plan3.cohorts[1].members[0]
    trip = parse_rules("2027-03-01..2027-03-10")
    people = tuple(
        replace(p, unavailable=p.unavailable + trip) if p.id == member else p
        for p in current.participants
    )
    v4 = root / "4-replan-study-trip"
    replan(v3, v4, today, current.replace(participants=people))
    step(f"Re-plan 2: {member} away 1–10 March", v4, today)

    # Withdrawal after the deadline, in March
    today = date(2027, 3, 22)
    _, plan4 = read_plan_dir(v4)
    leaving = plan4.cohorts[2].members[-1]
    v5 = root / "5-withdraw"
    notes = edit(v4, v5, lambda prog, plan: withdraw(prog, plan, leaving, today))
    step(f"Withdraw {leaving} (after the deadline)", v5, today, notes)

    # Move a session: the facilitator of c04 is ill on its next date
    today = date(2027, 3, 24)
    _, plan5 = read_plan_dir(v5)
    tz = ZoneInfo(plan5.timezone)
    cohort = plan5.cohorts[3]
    nxt = next(s for s in cohort.sessions if s.start.astimezone(tz).date() >= today)
    ill = nxt.start.astimezone(tz).date()
    v6 = root / "6-move"
    notes = edit(v5, v6, lambda prog, plan: move(
        prog, plan, cohort.id, nxt.number, today, not_on=ill))
    step(f"Move {cohort.id} session {nxt.number} off {ill}", v6, today, notes)

    # Cancel a cohort that has not started? All have; cancel the smallest one.
    today = date(2027, 4, 1)
    _, plan6 = read_plan_dir(v6)
    smallest = min(plan6.cohorts, key=lambda c: (len(c.members), c.id))
    v7 = root / "7-cancel-cohort"
    notes = edit(v7.parent / v6.name, v7, lambda prog, plan: cancel_cohort(
        prog, plan, smallest.id, today))
    step(f"Cancel {smallest.id}", v7, today, notes)

    # Re-plan 3, April: a facilitator's sick leave
    today = date(2027, 4, 12)
    current, _ = read_plan_dir(v7)
    sick = parse_rules("2027-04-12..2027-05-07")
    facs = tuple(
        replace(f, unavailable=f.unavailable + sick) if n == 0 else f
        for n, f in enumerate(current.facilitators)
    )
    v8 = root / "8-replan-sick-leave"
    replan(v7, v8, today, current.replace(facilitators=facs))
    step(f"Re-plan 3: {facs[0].name} on sick leave 12 April – 7 May", v8, today)
    print(f"\nEvery step verified; folders in {root}/ at {datetime.now():%H:%M}.")


if __name__ == "__main__":
    main()
