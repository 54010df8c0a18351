"""Why "met before" (SPEC §7) keeps someone out: the earlier cohort and its people."""

from __future__ import annotations

from ...domain import Participant
from ...rules import MET_BEFORE, explains
from ..model.instance import Instance
from .finding import Finding, words


@explains(MET_BEFORE)
def met_before_finding(inst: Instance, person: Participant, other: str) -> Finding:
    """``person`` may not meet ``other`` (an id) again: they shared a cohort before."""
    w = words(inst)
    earlier = next(
        (g for g in inst.program.met_before if person.id in g.people and other in g.people),
        None,
    )
    peers = inst.participants[inst.participant_index[other]]
    where = (w._("cohort {cohort} of {plan}", cohort=earlier.cohort, plan=earlier.plan)
             if earlier else w._("an earlier program"))
    return Finding(
        MET_BEFORE.code,
        (person.id,),
        w._("{who} met {other} in {where} and may not share a cohort with them again; "
            "every cohort that suits their dates has room only beside them",
            who=w.who(person), other=w.who(peers), where=where),
        w._("add a cohort {name} can join without earlier peers (a facilitator or dates), "
            "or let {name} wait for the next program", name=person.name),
    )
