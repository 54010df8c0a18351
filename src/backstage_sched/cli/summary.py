"""The placement line every command that writes a plan prints (SPEC §4, §8)."""

from __future__ import annotations

from ..domain import Program
from ..plan import Plan


def placement_text(program: Program, plan: Plan) -> str:
    """``placed 348 of at most 352 (360 registered)``, saying when the placement is
    proven: it reaches the bound, or the solver proved no plan places more; and how
    many wait for a cancelled cohort (a re-plan leaves them out until reopened)."""
    registered = len(program.participants)
    bound = plan.objective.placed_bound
    waiting = plan.history.waiting_since_cancelled()
    held = sum(1 for u in plan.unplaced if u.participant in waiting)
    if bound is None:
        text = f"placed {plan.placed} of {registered}"
        return text + (f" ({held} wait for a cancelled cohort)" if held else "")
    text = f"placed {plan.placed} of at most {bound} ({registered} registered"
    while_ = ""
    if held:
        text += f", {held} wait for a cancelled cohort"
        while_ = " while they wait"
    if plan.placed >= bound:
        return text + f"; proven: no plan places more{while_})"
    if plan.objective.optimal:
        return text + f"; proven by the search: no plan places more{while_})"
    return text + ")"
