"""Plan the mixed example through the Python API and print the cohorts.

Run from the repository root:  .venv/bin/python examples/mixed-2027/plan_mixed.py
"""

from __future__ import annotations

from pathlib import Path

from backstage_sched import SolveOptions, load_program, plan_program

HERE = Path(__file__).parent


def main() -> None:
    """Load, plan (verified), print."""
    program = load_program(HERE / "program.toml", HERE / "participants.csv")
    plan = plan_program(program, SolveOptions(seed=0))
    print(f"{program.name}: {plan.placed} of {len(program.participants)} placed")
    for cohort in plan.cohorts:
        names = ", ".join(program.participant(m).name for m in cohort.members)
        first, last = cohort.sessions[0].start, cohort.sessions[-1].start
        print(f"{cohort.id} ({program.facilitator(cohort.facilitator).name}): "
              f"{first:%a %d %b %H:%M} – {last:%d %b}: {names}")
    for u in plan.unplaced:
        print(f"unplaced {program.participant(u.participant).name}: {u.reason}")


if __name__ == "__main__":
    main()
