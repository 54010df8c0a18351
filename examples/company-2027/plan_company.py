"""Plan the company-tailored example through the Python API and print rooms and dates.

Run from the repository root:  .venv/bin/python examples/company-2027/plan_company.py
"""

from __future__ import annotations

from pathlib import Path

from backstage_sched import load_program, plan_program

HERE = Path(__file__).parent


def main() -> None:
    """Load, plan (verified), print each cohort's room and session dates."""
    program = load_program(HERE / "program.toml")
    plan = plan_program(program)
    rooms = {v.id: v.name for v in program.venues}
    for cohort in plan.cohorts:
        print(f"{cohort.id}: {len(cohort.members)} members, {rooms.get(cohort.venue or '', '-')}")
        for s in cohort.sessions:
            owner = program.participant(s.case_owner).name if s.case_owner else "kick-off"
            print(f"   {s.index}: {s.start:%a %Y-%m-%d %H:%M}–{s.end:%H:%M}  {owner}")


if __name__ == "__main__":
    main()
