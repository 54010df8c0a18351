"""The placement line every command that writes a plan prints (SPEC §4, §8)."""

from __future__ import annotations

from ..domain import Program
from ..plan import Plan
from .words import speech as t


def placement_text(program: Program, plan: Plan) -> str:
    """``placed 348 of at most 352 (360 registered)``, saying when the placement is
    proven: it reaches the bound, or the solver proved no plan places more; and how
    many wait for a cancelled cohort (a re-plan leaves them out until reopened).
    In the command line's language."""
    registered = len(program.participants)
    bound = plan.objective.placed_bound
    waiting = plan.history.waiting_since_cancelled()
    held = sum(1 for u in plan.unplaced if u.participant in waiting)
    placed = plan.placed
    if bound is None:
        text = t._("placed {placed} of {registered}", placed=placed, registered=registered)
        if held:
            text += " " + t._("({count} wait for a cancelled cohort)", count=held)
        return text
    if held:
        counts = t._("{registered} registered, {count} wait for a cancelled cohort",
            registered=registered, count=held)
    else:
        counts = t._("{registered} registered", registered=registered)
    head = t._("placed {placed} of at most {bound}", placed=placed, bound=bound)
    if plan.placed >= bound:
        proof = t._("proven: no plan places more while they wait") if held \
            else t._("proven: no plan places more")
    elif plan.objective.optimal:
        proof = t._("proven by the search: no plan places more while they wait") if held \
            else t._("proven by the search: no plan places more")
    else:
        return f"{head} ({counts})"
    return f"{head} ({counts}; {proof})"
