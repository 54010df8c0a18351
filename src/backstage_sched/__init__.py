"""backstage_sched: plan Backstage leadership peer groups end to end.

The command line (``backstage-sched``) is the usual way in; the same steps are
available from Python. A whole program, from the files ``backstage-sched init``
writes to a verified plan folder:

>>> import tempfile
>>> from datetime import date
>>> from pathlib import Path
>>> from backstage_sched import (
...     InputError, SolveOptions, load_program, plan_program, read_plan_dir,
...     replan_program, verify, withdraw, write_plan_dir, write_templates,
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
>>> plan.objective.proved_optimal["placed"]
True
>>> _ = write_plan_dir(program, plan, folder / "plan")
>>> published_program, published = read_plan_dir(folder / "plan")
>>> verify(published_program, published)            # no broken hard rule
[]

Re-plan after edited inputs (here: none); sessions before ``today`` stay as
they were, and only what changed must be sent again:

>>> again = replan_program(
...     program, published_program, published, date(2027, 1, 1), SolveOptions(effort=1))
>>> again.plan.placed, len(again.outbox.messages)
(8, 0)

Every change to a published plan is one call that returns a checked
:class:`Change`, ready for :func:`write_plan_dir`:

>>> leaving = published.cohorts[0].members[0]
>>> change = withdraw(published_program, published, leaving, on=date(2027, 1, 4))
>>> change.plan.cohort_of(leaving) is None, verify(change.program, change.plan)
(True, [])
>>> _ = write_plan_dir(change.program, change.plan, folder / "plan-2", change.stamp,
...                    sending=change.outbox, changes=change.diff)

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
from .actions.change import (
    Change,
    NeedsConfirmation,
    RepliesRead,
    absent,
    cancel_cohort,
    fill,
    move,
    replies,
    substitute,
    transfer,
    withdraw,
)
from .actions.planner import Explanation, explain_program, plan_program, replan_program
from .check.verify import Violation, verify
from .domain import Facilitator, Participant, Program, Venue
from .errors import (
    BackstageError,
    InfeasibleError,
    InputError,
    InputErrors,
    VerificationError,
)
from .goals import GOALS, LEVELS, Goal, Level
from .inputs.load import load_program
from .inputs.mail import read_mailbox
from .inputs.templates import write_templates
from .inputs.timeexpr import parse_rules
from .plan import (
    Cancellation,
    Cohort,
    History,
    LevelStatus,
    Objective,
    PlacedBound,
    Plan,
    Session,
    Unplaced,
    Withdrawal,
)
from .publish.changes import Outbox
from .publish.folder import read_plan_dir, write_plan_dir
from .publish.replies_log import RepliesLog, read_replies_log
from .publish.send import send_outbox
from .rules import RULES, Rule
from .solver import SolveOptions
from .solver.explain.finding import Finding
from .solver.explain.preflight import PreflightWarning, preflight

__all__ = [  # noqa: RUF022 (grouped in the order of the flow, not sorted)
    # the steps, in the order of the flow
    "write_templates",
    "load_program",
    "preflight",
    "plan_program",
    "explain_program",
    "verify",
    "write_plan_dir",
    "read_plan_dir",
    "send_outbox",
    "parse_rules",
    # changes to a published plan
    "replan_program",
    "transfer",
    "withdraw",
    "move",
    "cancel_cohort",
    "absent",
    "fill",
    "substitute",
    "replies",
    "read_mailbox",
    "read_replies_log",
    # what they take and give
    "SolveOptions",
    "Program",
    "Participant",
    "Facilitator",
    "Venue",
    "Plan",
    "Cohort",
    "Session",
    "Unplaced",
    "Objective",
    "LevelStatus",
    "PlacedBound",
    "History",
    "Withdrawal",
    "Cancellation",
    "RepliesRead",
    "RepliesLog",
    "Change",
    "Outbox",
    "Explanation",
    "Finding",
    "PreflightWarning",
    "Violation",
    "Rule",
    "RULES",
    "Goal",
    "Level",
    "GOALS",
    "LEVELS",
    # errors
    "BackstageError",
    "InputError",
    "InputErrors",
    "InfeasibleError",
    "VerificationError",
    "NeedsConfirmation",
    "__version__",
]
