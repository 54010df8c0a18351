"""What a change must send when the plan it changes was never sent.

A change (or a re-plan) lists the messages that bring calendars from the plan
it was made from to the new one. When nothing was sent from that folder,
people do not have its invitations: the messages must bring them from what
they last received, the nearest earlier folder of the chain that was sent
from (SPEC §8), or, when nothing was ever sent, from nothing at all. Without
this, a withdrawal made before the first ``send`` would mail only the
changed sessions, and every other cohort would never be invited.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..domain import Program
from ..plan import Plan
from ..publish.changes import Outbox, first_outbox, outbox
from ..publish.folder import read_plan_dir
from ..publish.history import ancestors, was_sent
from ..said import said


def outbox_since_sent(
    source: str | Path,
    program: Program,
    plan: Plan,
    today: date,
    stamp: datetime,
    sending: Outbox,
) -> tuple[Outbox, str | None]:
    """The messages to send for ``plan``, made from the plan folder ``source``.

    ``sending`` (counted from ``source``) stands when something was sent from
    ``source``. Otherwise the messages are counted from the nearest earlier
    folder that was sent from, or are every invitation of ``plan`` when
    nothing was sent yet; the note returned says so.
    """
    source = Path(source)
    if was_sent(source):
        return sending, None
    earlier, _ = ancestors(source)
    for folder in earlier:
        if was_sent(folder):
            old_program, old_plan = read_plan_dir(folder)
            return outbox(old_program, old_plan, program, plan, today, stamp), said(
                "nothing was sent from {source}: the messages bring calendars up to date "
                "from {folder}, the last plan folder that was sent from", source=source,
                folder=folder,
            )
    return first_outbox(program, plan, stamp), said(
        "nothing was sent from {source} yet: every invitation of the new plan goes out",
        source=source,
    )
