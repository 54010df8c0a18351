"""Solver-side view of a program: indexes, allowed time sets, bounds."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ...domain import Busy, Facilitator, Participant, Program, TimeRule
from ...inputs.workdays import Slot, WorkCalendar

UNLIMITED = 10**6


@dataclass(frozen=True)
class EarlierCohort:
    """A cohort of an earlier plan, for a re-plan: kept where possible.

    ``held`` sessions (those before the re-plan's today) are history: pinned
    exactly, with their members; ``case_owners`` has one entry per session
    (None for the kick-off). ``leaders`` (per session, may be shorter) names the
    facilitator who keeps a session whoever leads the cohort: who led a held one,
    or who leads one before a handover (SPEC §8); None: the cohort's facilitator.
    """

    facilitator: str
    venue: str | None
    members: tuple[str, ...]
    slots: tuple[Slot, ...]
    case_owners: tuple[str | None, ...]
    held: int
    orphans: frozenset[int] = frozenset()  # held sessions whose case owner withdrew
    id: str = ""  # the cohort's id in the earlier plan, for messages
    shrunk: bool = False  # lost members to withdrawals: may stay below min_size
    leaders: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Instance:
    """A program plus everything the model needs precomputed from it.

    ``earlier`` holds the cohorts of a previous plan when re-planning; cohort
    slot ``k < len(earlier)`` stands for ``earlier[k]``. On a re-plan, no
    session that is not already held may fall before ``today``.
    """

    program: Program
    calendar: WorkCalendar
    earlier: tuple[EarlierCohort, ...] = ()
    today: date | None = None

    @classmethod
    def of(
        cls,
        program: Program,
        earlier: tuple[EarlierCohort, ...] = (),
        today: date | None = None,
    ) -> Instance:
        """Build the instance of ``program`` (re-planning ``earlier`` cohorts on ``today``)."""
        return cls(program, WorkCalendar(program), earlier, today)

    @cached_property
    def participant_index(self) -> dict[str, int]:
        """Position of each participant id."""
        return {p.id: n for n, p in enumerate(self.participants)}

    @cached_property
    def not_with_pairs(self) -> frozenset[tuple[int, int]]:
        """Participant index pairs (lower first) that ``not_with`` keeps apart."""
        index = self.participant_index
        return frozenset(
            (min(p, index[q]), max(p, index[q]))
            for p, person in enumerate(self.participants)
            for q in person.not_with
            if q in index
        )

    @cached_property
    def met_before_pairs(self) -> frozenset[tuple[int, int]]:
        """Participant index pairs (lower first) who shared a cohort in an earlier plan."""
        index = self.participant_index
        pairs: set[tuple[int, int]] = set()
        for group in self.program.met_before:
            people = sorted(index[p] for p in group.people if p in index)
            pairs.update((a, b) for i, a in enumerate(people) for b in people[i + 1:])
        return frozenset(pairs)

    @cached_property
    def apart(self) -> frozenset[tuple[int, int]]:
        """Every pair that may not share a cohort: ``not_with`` and "met before"."""
        return self.not_with_pairs | self.met_before_pairs

    def may_join(self, members: Sequence[int], p: int) -> bool:
        """Whether participant ``p`` may sit with ``members`` (indexes): the organisation
        rule (a company run: one organisation a cohort) and no pair kept apart."""
        people, program = self.participants, self.program
        org = people[p].organization
        orgs = [people[q].organization for q in members]
        if program.mode == "company" and orgs and orgs[0] != org:
            return False
        if program.mode == "mixed" and orgs.count(org) >= program.groups.max_per_organization:
            return False
        return not any((min(p, q), max(p, q)) in self.apart for q in members)

    def extra(self, k: int) -> int:
        """Sessions slot ``k`` holds beyond members + 1: held for members since withdrawn."""
        return len(self.earlier[k].orphans) if k < len(self.earlier) else 0

    def smallest(self, k: int) -> int:
        """Fewest members slot ``k`` may have when open."""
        shrunk = k < len(self.earlier) and self.earlier[k].shrunk
        return 1 if shrunk else self.program.groups.min_size

    def held_when(self, k: int, i: int) -> int | None:
        """The pinned ``when`` of session ``i`` of slot ``k`` if already held, else None."""
        if k >= len(self.earlier) or i >= self.earlier[k].held:
            return None
        slot = self.earlier[k].slots[i]
        day = (slot.day - self.program.start).days
        return day * self.n_slots + self.calendar.slot_minutes.index(slot.minute)

    def pinned_leader(self, k: int, i: int) -> str | None:
        """The facilitator who leads session ``i`` of slot ``k`` whoever leads the cohort
        (``EarlierCohort.leaders``), or None: the cohort's facilitator."""
        if k >= len(self.earlier):
            return None
        leaders = self.earlier[k].leaders
        return leaders[i] if i < len(leaders) else None

    @property
    def participants(self) -> tuple[Participant, ...]:
        """Participants in input order."""
        return self.program.participants

    @property
    def facilitators(self) -> tuple[Facilitator, ...]:
        """Facilitators in input order."""
        return self.program.facilitators

    @property
    def n_days(self) -> int:
        """Number of allowed session days."""
        return len(self.calendar.days)

    @property
    def n_slots(self) -> int:
        """Number of allowed start times per day."""
        return len(self.calendar.slot_minutes)

    @property
    def n_sessions(self) -> int:
        """Session places per cohort slot: kick-off, one per possible member, and
        any held for members since withdrawn."""
        extra = max((len(e.orphans) for e in self.earlier), default=0)
        return self.program.groups.max_size + 1 + extra

    @cached_property
    def calendar_index(self) -> dict[int, int]:
        """Position in ``calendar.days`` of each allowed calendar day number."""
        return {c: d for d, c in enumerate(self.calendar.calendar_number)}

    @cached_property
    def participant_open(self) -> tuple[frozenset[int] | None, ...]:
        """Per participant the allowed ``when`` values, or None when unrestricted.

        ``when`` is ``calendar day number * n_slots + slot index``, as in the model.
        """
        return tuple(self._open_when(p.unavailable, p.busy) for p in self.participants)

    @cached_property
    def every_when(self) -> frozenset[int]:
        """Every ``when`` value of the allowed days and start times."""
        g = self.n_slots
        return frozenset(c * g + s for c in self.calendar.calendar_number for s in range(g))

    @cached_property
    def participant_avoid(self) -> tuple[frozenset[int], ...]:
        """Per participant the ``when`` values touching their avoid times."""
        everything = self.every_when
        result: list[frozenset[int]] = []
        for p in self.participants:
            if not p.avoid:
                result.append(frozenset())
                continue
            fine = self._open_when(p.avoid, ())
            result.append(everything - (fine or frozenset()))
        return tuple(result)

    @cached_property
    def facilitator_open(self) -> tuple[frozenset[int] | None, ...]:
        """Per facilitator the allowed ``when`` values, or None when unrestricted."""
        return tuple(self._open_when(f.unavailable, ()) for f in self.facilitators)

    def _open_when(self, rules: Collection[TimeRule], busy: Collection[Busy]
                   ) -> frozenset[int] | None:
        """Allowed ``calendar_number * n_slots + slot`` values (the model's ``when``)."""
        if not rules and not busy:
            return None
        g = self.n_slots
        number = self.calendar.calendar_number
        return frozenset(number[d] * g + s for d, s in self.calendar.open_slots(rules, busy))

    def facilitator_limit(self, f: Facilitator) -> int:
        """Most cohorts facilitator ``f`` may lead."""
        return UNLIMITED if f.max_cohorts is None else f.max_cohorts

    def sessions_led(self, f: int) -> int:
        """Most sessions facilitator ``f`` (index) can lead: open days times sessions a day."""
        opened = self.facilitator_open[f]
        g = self.n_slots
        open_days = self.n_days if opened is None else len({w // g for w in opened})
        return open_days * min(self.program.sessions_per_day(self.facilitators[f]), g)

    @cached_property
    def organizations(self) -> tuple[str, ...]:
        """Distinct organisations, sorted."""
        return tuple(sorted({p.organization for p in self.participants}))

    @cached_property
    def experience_levels(self) -> tuple[str, ...]:
        """Distinct non-empty experience labels, sorted."""
        return tuple(sorted({p.experience for p in self.participants if p.experience}))

    @cached_property
    def cohort_slots(self) -> int:
        """How many cohorts the model may open: no more than can be filled or led."""
        groups = self.program.groups
        if self.program.mode == "company":
            by_org: dict[str, int] = {}
            for p in self.participants:
                by_org[p.organization] = by_org.get(p.organization, 0) + 1
            fillable = sum(n // groups.min_size for n in by_org.values())
        else:
            fillable = len(self.participants) // groups.min_size
        leadable = sum(min(self.facilitator_limit(f), fillable) for f in self.facilitators)
        return max(len(self.earlier), min(fillable, leadable))

    @cached_property
    def largest_cohort(self) -> int:
        """Most members a cohort can have: the maximum size, or fewer when the
        largest room cannot seat that many and the facilitator."""
        seats = self.program.groups.max_size
        if self.program.venues:
            seats = min(seats, max(r.capacity for r in self.program.venues) - 1)
        return max(0, seats)

    @cached_property
    def placed_bound(self) -> int:
        """Most participants any plan can place: everyone, or every cohort slot
        filled to :attr:`largest_cohort`."""
        return min(len(self.participants), self.cohort_slots * self.largest_cohort)
