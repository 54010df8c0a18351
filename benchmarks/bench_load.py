"""Time the loader on hostile but legal input (what tests/inputs/test_hostile.py once timed).

Loads 5 000 registrations (one submitted twice, each with an unavailable time and a
``not_with``), and a calendar whose daily rule starts seven years before the program,
and prints the wall time of each. The tests assert what the loader does (the result,
the months of recurrence search); how fast it does it is measured here.

    python benchmarks/bench_load.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from backstage_sched.inputs.load import load_program

TOML = """\
[program]
id = "ht2027"
name = "Backstage 2027"
start = 2027-01-11
end = 2027-12-17

[[facilitators]]
id = "f1"
name = "Karin Sjöberg"
email = "karin@ledarhuset.se"
"""

CALENDAR = """\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//bench//EN\r
BEGIN:VEVENT\r
UID:daily@bench\r
DTSTAMP:20200101T000000Z\r
DTSTART:20200106T090000\r
DTEND:20200106T100000\r
RRULE:FREQ=DAILY\r
SUMMARY:Möte\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _timed(folder: Path, people: str) -> tuple[float, int]:
    (folder / "program.toml").write_text(TOML, encoding="utf-8")
    (folder / "people.csv").write_text(people, encoding="utf-8")
    began = time.perf_counter()
    program = load_program(folder / "program.toml", folder / "people.csv")
    return time.perf_counter() - began, len(program.participants)


def main() -> None:
    rows = ["id;name;email;organization;unavailable;not_with"]
    for i in range(4_999):
        rows.append(f"p{i:05d};Person {i};p{i}@org{i % 300}.example;Org {i % 300};"
                    f"fri 13:00-17:00;p{(i + 1) % 4_999:05d}")
    rows.append("p10000;Person 1;P1@org1.example;Org 1;;")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, count = _timed(folder, "\n".join(rows) + "\n")
        print(f"5 000 registrations: {count} participants in {seconds:.2f} s")
        (folder / "eve.ics").write_text(CALENDAR, encoding="utf-8")
        people = "id;name;email;organization;calendar\np001;Eve;eve@example.org;Evil AB;eve.ics\n"
        seconds, _ = _timed(folder, people)
        print(f"a daily rule from 2020 over the 2027 window: {seconds:.2f} s")


if __name__ == "__main__":
    main()
