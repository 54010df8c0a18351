"""A finding: one rule that keeps people out, in the program's language."""

from __future__ import annotations

from dataclasses import dataclass

from ..wording import Words
from .instance import Instance


@dataclass(frozen=True)
class Finding:
    """One blocking rule: who it keeps out, why, and what would fix it.

    ``rule`` is the rule's code as the verifier gives it ("participant availability",
    ORGANISATION_MIX.code, ...) or "search effort" / "cohorts full" / "no cohort" /
    "several rules"; ``people`` the participant ids it keeps out (empty for a note);
    ``message`` and ``fix`` are in the program's language (:class:`~backstage_sched.wording.Words`).
    """

    rule: str
    people: tuple[str, ...]
    message: str
    fix: str
    dates: tuple[str, ...] = ()  # ISO dates the finding is about, where it names some


def words(inst: Instance) -> Words:
    """The words of ``inst``'s program language."""
    return Words.of(inst.program)
