"""A finding: what keeps people out, named by a rule's or a goal's code, in the
program's language."""

from __future__ import annotations

from dataclasses import dataclass

from ...goals import GOALS
from ...rules import RULES
from ...wording import Words
from ..model.instance import Instance

HEADINGS = ("cohorts full", "several rules", "search effort", "no cohort")
"""What a coordinator reads as a finding's heading where the rule's own name would say
less (the ``reasons`` catalogue has each): words, never a code."""


@dataclass(frozen=True)
class Finding:
    """One cause that keeps people out: its rule, who it keeps out, why, and what
    would fix it.

    ``rule`` is a registered code: a hard rule's (:data:`~backstage_sched.rules.RULES`,
    as the verifier gives it) or a soft goal's (:data:`~backstage_sched.goals.GOALS`:
    ``placed`` when the search stopped before it placed someone it could have);
    ``also`` the codes of further rules it names (several rules together, or a
    cohort full or clashing); ``people`` the participant ids it keeps out (empty for
    a note); ``message`` and ``fix`` are in the program's language
    (:class:`~backstage_sched.wording.Words`); ``heading`` one of :data:`HEADINGS` when the
    coordinator reads that instead of the rule's name. Any other code is refused.

    >>> Finding("cohorts full", ("p1",), "", "")
    Traceback (most recent call last):
    ...
    ValueError: 'cohorts full' is neither a rule's nor a goal's code
    """

    rule: str
    people: tuple[str, ...]
    message: str
    fix: str
    dates: tuple[str, ...] = ()  # ISO dates the finding is about, where it names some
    also: tuple[str, ...] = ()
    heading: str = ""

    def __post_init__(self) -> None:
        for code in (self.rule, *self.also):
            if code not in RULES and code not in GOALS:
                raise ValueError(f"{code!r} is neither a rule's nor a goal's code")
        if self.heading and self.heading not in HEADINGS:
            raise ValueError(f"{self.heading!r} is not a heading of a finding")

    @property
    def name(self) -> str:
        """What the coordinator reads as its heading, before translation
        (:meth:`~backstage_sched.wording.Words.rule_name`): :attr:`heading`, else the
        rule's code."""
        return self.heading or self.rule


def words(inst: Instance) -> Words:
    """The words of ``inst``'s program language."""
    return Words.of(inst.program)
