"""Earlier plans of a repeat program (SPEC §7): who met whom, and who waited.

``[program] previous_plans`` lists plan folders (or their ``plan.json``),
relative to the program file. Each is read with the program snapshot beside
it (``input.json``), so its people are known by e-mail address; this
program's participants are matched to them case-insensitively.
"""

from __future__ import annotations

from pathlib import Path

from ..domain import MetBefore, Participant
from ..errors import InputError
from ..plan import Plan
from ..said import said
from .snapshot import read_snapshot


def read_previous(
    file: str, base_dir: Path, paths: tuple[str, ...], people: tuple[Participant, ...]
) -> tuple[tuple[MetBefore, ...], tuple[str, ...]]:
    """The earlier cohorts with two or more of ``people``, and who of them waited before.

    Raises :class:`InputError` naming the key and the path when a plan cannot
    be read.
    """
    by_email = {p.email.casefold(): p.id for p in people}
    met: list[MetBefore] = []
    waited: list[str] = []
    for n, given in enumerate(paths, start=1):
        where = f"[program] previous_plans[{n}]"
        plan_json, input_json = _files(file, where, base_dir / given)
        plan = Plan.load(plan_json)
        earlier = read_snapshot(input_json)
        email_of = {p.id: p.email.casefold() for p in earlier.participants}
        for cohort in plan.cohorts:
            here = [by_email[email_of[m]] for m in cohort.members
                    if email_of.get(m) in by_email]
            if len(here) >= 2:
                met.append(MetBefore(plan.program, cohort.id, tuple(here)))
        for u in plan.unplaced:
            pid = by_email.get(email_of.get(u.participant, ""))
            if pid is not None and pid not in waited:
                waited.append(pid)
    return tuple(met), tuple(waited)


def _files(file: str, where: str, path: Path) -> tuple[Path, Path]:
    """``plan.json`` and ``input.json`` of a plan folder, or of the folder of a plan.json."""
    plan_json = path / "plan.json" if path.is_dir() else path
    input_json = plan_json.parent / "input.json"
    for needed in (plan_json, input_json):
        if not needed.is_file():
            raise InputError(file, where, said(
                "earlier plan: {path} not found; give a plan folder written by "
                "backstage-sched, or its plan.json", path=str(needed)))
    return plan_json, input_json
