"""Case owners: which member brings their case to each session after the kick-off.

The model has no case-owner variables: any order of the members keeps the
rule, so every plan's owners are given here, after the dates are known.
"""

from __future__ import annotations

from ...inputs.workdays import Slot
from ...rules import CASE_OWNER, enforces
from ..model.instance import Instance


@enforces(CASE_OWNER)
def assign_case_owners(
    inst: Instance,
    members: tuple[str, ...],
    slots: tuple[Slot, ...],
    keep: dict[int, str] | None = None,
    orphans: frozenset[int] = frozenset(),
) -> tuple[str | None, ...]:
    """Case owners of sessions 1..n: each member once, never the kick-off.

    ``keep`` maps session indexes to owners an earlier plan gave them, kept
    where the owner is still free; ``orphans`` (held sessions whose owner
    withdrew) keep no owner. Otherwise prefers, session by session, a
    member for whom the session is not an avoid time; ties go to input order.
    """
    keep = {i: o for i, o in (keep or {}).items() if i >= 1 and o in members}
    left = [m for m in members if m not in keep.values()]
    owners: list[str | None] = []
    for i, slot in enumerate(slots[1:], start=1):
        if i in orphans:
            owners.append(None)
            continue
        if i in keep:
            owners.append(keep[i])
            continue

        def hit(pid: str, slot: Slot = slot) -> bool:
            person = inst.program.participant(pid)
            return inst.calendar.blocked(person.avoid, (), slot)

        choice = next((m for m in left if not hit(m)), left[0])
        owners.append(choice)
        left.remove(choice)
    return tuple(owners)
