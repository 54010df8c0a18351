"""Reasons that name what keeps a person out (issue 19 §4): facilitator capacity
only when the cohorts are full; else what the cohorts with a free seat are."""

from __future__ import annotations

from pathlib import Path

from backstage_sched import SolveOptions, load_program, plan_program

PROGRAM = """\
[program]
id = "seats27"
name = "Seats 2027"
language = "en"
start = 2027-01-11
end = 2027-12-17

[groups]
size = 4
min_size = 4
max_size = {largest}

[[facilitators]]
id = "f1"
name = "Frida Facilitator"
email = "frida@backstage.example"
max_cohorts = 1
unavailable = ["tue", "thu", "fri"]
"""

PERSON = """
[[participants]]
id = "{pid}"
name = "{name}"
email = "{pid}@org-{pid}.example"
organization = "Org {pid}"
unavailable = {days}
"""


def _plan(tmp_path: Path, largest: int):
    wednesdays = '["mon", "tue", "thu", "fri"]'
    people = "".join(PERSON.format(pid=f"w{n}", name=f"Wed {n}", days=wednesdays)
                     for n in range(1, 5))
    people += PERSON.format(pid="m1", name="Åsa Måndag", days='["tue", "wed", "thu", "fri"]')
    path = tmp_path / "program.toml"
    path.write_text(PROGRAM.format(largest=largest) + people, encoding="utf-8")
    program = load_program(path)
    return program, plan_program(program, SolveOptions(effort=1))


def test_a_free_seat_on_other_days_is_named_not_capacity(tmp_path: Path) -> None:
    _, plan = _plan(tmp_path, largest=5)
    (c01,) = plan.cohorts
    assert len(c01.members) == 4 and c01.sessions[0].start.weekday() == 2
    (left,) = plan.unplaced
    assert left.participant == "m1"
    assert "capacity" not in left.reason
    said = ("every cohort the facilitators may lead is formed, and 1 has a free seat: c01 "
            "meets on Wednesday; Åsa Måndag (m1) can come on Monday.")
    assert said in left.reason


def test_capacity_is_named_when_every_cohort_is_full(tmp_path: Path) -> None:
    _, plan = _plan(tmp_path, largest=4)
    (left,) = plan.unplaced
    assert left.reason.startswith("facilitator capacity")
    assert "free seat" not in left.reason
