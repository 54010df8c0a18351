"""backstage_sched: plan Backstage leadership peer groups end to end.

The command line (``backstage-sched``) is the usual way in; the same steps are
available from Python. A whole program, from the files ``backstage-sched init``
writes to a verified plan folder:

>>> import tempfile
>>> from datetime import date
>>> from pathlib import Path
>>> from backstage_sched import (
...     InputError, SolveOptions, load_program, plan_program, read_plan_dir,
...     replan_program, verify, write_plan_dir, write_templates,
... )
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name)
>>> toml, csv = write_templates(folder, year=2027)   # program.toml, participants.csv
>>> program = load_program(toml, csv)                 # validated, or InputError
>>> len(program.participants), program.facilitators[0].name
(8, 'Ingrid Sjöström')
>>> plan = plan_program(program, SolveOptions(seed=0))   # verified, or an error
>>> plan.placed, len(plan.cohorts), plan.unplaced
(8, 2, ())
>>> [len(c.sessions) for c in plan.cohorts]          # a kick-off + one per member
[5, 5]
>>> plan.objective["proved_optimal"]["placed"]
True
>>> _ = write_plan_dir(program, plan, folder / "plan")
>>> published_program, published = read_plan_dir(folder / "plan")
>>> verify(published_program, published)            # no broken hard rule
[]

Re-plan after edited inputs (here: none); sessions before ``today`` stay as
they were, and only what changed must be sent again:

>>> new_plan, outbox, diff = replan_program(
...     program, published_program, published, date(2027, 1, 1), SolveOptions(effort=1))
>>> new_plan.placed, len(outbox.messages)
(8, 0)

Bad input raises :class:`InputError`, naming the file, the row or key, and
the problem:

>>> try:
...     load_program("no-such-program.toml")
... except InputError as exc:
...     print(exc)
no-such-program.toml: program file not found
>>> tmp.cleanup()
"""

from __future__ import annotations

from ._version import __version__
from .actions.planner import plan_program, replan_program
from .check.verify import verify
from .domain import Program
from .errors import InputError
from .inputs.load import load_program
from .inputs.templates import write_templates
from .plan import Plan
from .publish.folder import read_plan_dir, write_plan_dir
from .solver import SolveOptions

__all__ = [
    "InputError",
    "Plan",
    "Program",
    "SolveOptions",
    "__version__",
    "load_program",
    "plan_program",
    "read_plan_dir",
    "replan_program",
    "verify",
    "write_plan_dir",
    "write_templates",
]
