"""The hard rules of SPEC §2, one entry each: the single name of a rule.

A rule's :attr:`Rule.code` is what the checker prints (``[gap rule] …``), what
the model's constraint function is registered under, what an explanation
names and what the tests mark themselves with. Nothing else names a rule:

- the CP-SAT model: ``@enforces(rules.GAP)`` on its constraint function
  (:mod:`backstage_sched.solver.model.constraints`, and the session-time domain in
  :mod:`backstage_sched.solver.model.variables`);
- the checker: ``@checks(rules.GAP)`` on its check
  (:mod:`backstage_sched.check.verify`);
- the explanation: ``@explains(rules.GAP)`` on the function that words a
  finding about it (:mod:`backstage_sched.solver.explain.reasons` and
  :mod:`~backstage_sched.solver.explain.diagnose`), for every rule that can keep
  someone out (:attr:`Rule.keeps_out`);
- the tests: ``@pytest.mark.rule("kept", "gap rule")`` and
  ``@pytest.mark.rule("broken", "gap rule")`` (kind, then code).

``tests/test_rules.py`` looks each of these up for every rule.

>>> GAP.code, GAP.section
('gap rule', '§2.3')
>>> RULES["gap rule"] is GAP
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class Rule:
    """One hard rule: its code (the one name), a title, its SPEC section and wording."""

    code: str
    title: str
    section: str
    wording: str
    keeps_out: bool = True
    """Whether it can be the reason someone is left out. False for rules the planner
    keeps by construction whoever is placed (the grid, the session count, case
    owners, placement, UIDs): no explanation ever names them."""


ALLOWED_DAY = Rule(
    "allowed day", "Sessions on allowed days", "§2.1",
    "Sessions fall on allowed weekdays and not on a public holiday, an extra closed day "
    "or inside a blackout period.",
)
TIME_GRID = Rule(
    "time grid", "Start on the time grid", "§2.2",
    "A session starts on the program's time grid, counted from day_start.",
    keeps_out=False,
)
DAY_WINDOW = Rule(
    "day window", "Inside the day window", "§2.2",
    "A session lies fully inside the day window.",
)
DURATION = Rule(
    "duration", "Every session lasts its length", "§1",
    "Every session lasts duration_minutes (3 hours by default).",
)
GAP = Rule(
    "gap rule", "4–5 weeks between sessions", "§2.3",
    "The gap between consecutive sessions, in calendar days, is within "
    "[min_gap_days, max_gap_days]; blackout days strictly between two sessions "
    "lengthen the maximum.",
)
PROGRAM_WINDOW = Rule(
    "program window", "Inside the program window", "§2.4",
    "All sessions of a cohort lie inside the program window [start, end].",
)
PARTICIPANT_AVAILABILITY = Rule(
    "participant availability", "A participant's unavailable times", "§2.5",
    "A participant's unavailable times and calendar busy events are never scheduled over.",
)
FACILITATOR_AVAILABILITY = Rule(
    "facilitator availability", "A facilitator's unavailable times", "§2.6",
    "A facilitator's unavailable times are never scheduled over.",
)
FACILITATOR_CAPACITY = Rule(
    "facilitator capacity", "Cohorts a facilitator leads", "§2.6",
    "A facilitator leads at most max_cohorts cohorts.",
)
FACILITATOR_SESSIONS_PER_DAY = Rule(
    "facilitator sessions per day", "Sessions a day per facilitator", "§2.6",
    "A facilitator leads at most max_sessions_per_day sessions a day.",
)
FACILITATOR_BUFFER = Rule(
    "facilitator buffer", "Pause between a facilitator's sessions", "§2.6",
    "At least buffer_minutes lie between two sessions of a facilitator on the same day.",
)
FACILITATOR_NO_OVERLAP = Rule(
    "facilitator no-overlap", "A facilitator is never double-booked", "§1",
    "A facilitator leads one session at a time.",
)
GROUP_SIZE = Rule(
    "group size", "Cohort size", "§2.7",
    "Every cohort has between min_size and max_size members.",
)
ORGANISATION_MIX = Rule(
    "organisation mix", "Members from different organisations", "§2.7",
    "In a mixed run at most max_per_organization members share an organisation.",
)
COMPANY_MODE = Rule(
    "company mode", "One organisation per cohort", "§2.7",
    "In a company run all members of a cohort share one organisation.",
)
NOT_WITH = Rule(
    "not_with", "Pairs kept apart", "§2.7",
    "Pairs listed as not_with are never in one cohort.",
)
MET_BEFORE = Rule(
    "met before", "New peers every year", "§7",
    "Two people who shared a cohort in an earlier plan (previous_plans) never share one "
    "again.",
)
SESSION_COUNT = Rule(
    "session count", "A kick-off and one session per member", "§1",
    "A cohort of n members has n + 1 sessions, numbered in time order.",
    keeps_out=False,
)
CASE_OWNER = Rule(
    "case owner", "Every member case owner once", "§1",
    "The kick-off has no case owner; every member owns the case of exactly one "
    "follow-up session.",
    keeps_out=False,
)
VENUE = Rule(
    "venue", "A room for every session", "§2.8",
    "When venues are given, every session has one with capacity for the cohort and its "
    "facilitator, never double-booked.",
)
ONE_PERSON = Rule(
    "one person", "One person, one place", "§8",
    "One e-mail address is one person: rows with the same address and name are one "
    "registration, and nobody is placed twice or billed twice.",
    keeps_out=False,
)
PLACEMENT = Rule(
    "placement", "Everyone placed or reported", "§2 objective 1",
    "Every participant is in exactly one cohort or in the unplaced list with a reason; "
    "the plan's objective counts them truly (placed ≤ placed_bound ≤ registered).",
    keeps_out=False,
)
UID = Rule(
    "uid", "Stable calendar UIDs", "§4",
    "Every session has its own non-empty UID.",
    keeps_out=False,
)

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        ALLOWED_DAY, TIME_GRID, DAY_WINDOW, DURATION, GAP, PROGRAM_WINDOW,
        PARTICIPANT_AVAILABILITY, FACILITATOR_AVAILABILITY, FACILITATOR_CAPACITY,
        FACILITATOR_SESSIONS_PER_DAY, FACILITATOR_BUFFER, FACILITATOR_NO_OVERLAP,
        GROUP_SIZE, ORGANISATION_MIX, COMPANY_MODE, NOT_WITH, MET_BEFORE, SESSION_COUNT,
        CASE_OWNER,
        VENUE, ONE_PERSON, PLACEMENT, UID,
    )
}  # fmt: skip
"""Every hard rule by code, in the order of SPEC §2 (then §1's structure and §4)."""

F = TypeVar("F", bound=Callable[..., object])


class Coded(Protocol):
    """Anything with a code: a :class:`Rule`, or a soft goal (:class:`.goals.Goal`)."""

    @property
    def code(self) -> str: ...


def tag(attribute: str, *rules: Coded) -> Callable[[F], F]:
    """A decorator that records on a function which rules (or goals) it stands for."""

    def mark(fn: F) -> F:
        setattr(fn, attribute, (*getattr(fn, attribute, ()), *(r.code for r in rules)))
        return fn

    return mark


def enforces(*rules: Rule) -> Callable[[F], F]:
    """Mark a CP-SAT constraint function (or domain) as the model's form of ``rules``."""
    return tag("enforces", *rules)


def checks(*rules: Rule) -> Callable[[F], F]:
    """Mark a checker function as the independent check of ``rules``."""
    return tag("checks", *rules)


def explains(*rules: Rule) -> Callable[[F], F]:
    """Mark a function that words a finding of ``rules`` for a coordinator."""
    return tag("explains", *rules)


def tagged(functions: ModuleType | Iterable[object],
           attribute: str) -> dict[str, list[Callable[..., object]]]:
    """Rule (or goal) code -> the functions in ``functions`` (a module or iterable)
    marked for it."""
    found: dict[str, list[Callable[..., object]]] = {}
    pool: Iterable[object] = (
        vars(functions).values() if isinstance(functions, ModuleType) else functions)
    for fn in pool:
        if callable(fn):
            for code in getattr(fn, attribute, ()):
                found.setdefault(code, []).append(fn)
    return found
