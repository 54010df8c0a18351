"""Why someone could not be placed, in words a coordinator can act on.

:func:`unplaced_reasons` gives every unplaced participant one reason that names
the person, the rule, the people or dates involved and a fix. Checks that are
exact (no allowed day, a window too short, a person or facilitator never free
on a whole series) come first; only then the cohort-level rules (organisation
mix, facilitator capacity, not_with), each blamed only when the numbers show it
binds. :mod:`.diagnose` confirms the cohort-level ones with CP-SAT.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from ..domain import WEEKDAYS, Participant
from ..rules import (
    ALLOWED_DAY,
    COMPANY_MODE,
    DAY_WINDOW,
    DURATION,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_CAPACITY,
    GAP,
    GROUP_SIZE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PROGRAM_WINDOW,
    VENUE,
    explains,
)
from .instance import UNLIMITED, Instance
from .series import further_cohort, intersect, series_fits


@dataclass(frozen=True)
class Finding:
    """One blocking rule: who it keeps out, why, and what would fix it.

    ``rule`` is the rule's name as the verifier gives it ("participant availability",
    ORGANISATION_MIX.code, ...) or "search effort" / "cohorts full" / "no cohort";
    ``people`` the participant ids it keeps out (empty for a note).
    """

    rule: str
    people: tuple[str, ...]
    message: str
    fix: str
    dates: tuple[str, ...] = ()  # ISO dates the finding is about, where it names some

    @property
    def text(self) -> str:
        """``rule: message. Fix: fix.`` in one line."""
        fix = f" Fix: {self.fix}." if self.fix else ""
        return f"{self.rule}: {self.message}.{fix}"


def restricted(person: Participant) -> bool:
    """Whether ``person`` has unavailable times or busy calendar events."""
    return bool(person.unavailable or person.busy)


def who(person: Participant) -> str:
    """``Name (id)``, as a coordinator reads it."""
    return f"{person.name} ({person.id})"


def window_text(inst: Instance) -> str:
    """The program window as ``start..end``."""
    return f"{inst.program.start.isoformat()}..{inst.program.end.isoformat()}"


def gap_text(inst: Instance) -> str:
    """The gap rule as ``28–35 days apart``."""
    rules = inst.program.sessions
    return f"{rules.min_gap_days}–{rules.max_gap_days} days apart"


def _weekday_text(inst: Instance) -> str:
    days = inst.program.sessions.weekdays
    if tuple(days) == (0, 1, 2, 3, 4):
        return "weekday"
    return "allowed day (" + ", ".join(WEEKDAYS[d] for d in days) + ")"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _rule_texts(person: Participant) -> str:
    items = [r.text for r in person.unavailable]
    if person.busy:
        items.append(f"{len(person.busy)} busy event(s) in their calendar")
    return "; ".join(items)


def sessions_needed(inst: Instance) -> int:
    """Sessions of the smallest cohort: ``min_size + 1``."""
    return inst.program.groups.min_size + 1


def program_problem(inst: Instance) -> Finding | None:
    """Why nobody at all can be placed (calendar, day window, venues, people), or None."""
    everyone = tuple(p.id for p in inst.participants)
    return (
        _calendar_problem(inst, everyone)
        or _series_problem(inst, everyone)
        or _people_problem(inst, everyone)
    )


@explains(ALLOWED_DAY, DAY_WINDOW, DURATION)
def _calendar_problem(inst: Instance, everyone: tuple[str, ...]) -> Finding | None:
    """No start time fits the day window, or no day of the window allows a session."""
    program = inst.program
    rules = program.sessions
    if inst.n_slots == 0:
        start = rules.day_start.hour * 60 + rules.day_start.minute
        end = rules.day_end.hour * 60 + rules.day_end.minute
        return Finding(
            DAY_WINDOW.code,
            everyone,
            f"the day window {_hhmm(start)}–{_hhmm(end)} ({end - start} minutes) is shorter "
            f"than a session ({rules.duration_minutes} minutes), so no session can be held",
            f"set day_end to {_hhmm(start + rules.duration_minutes)} or later, or shorten "
            "duration_minutes",
        )
    if inst.n_days == 0:
        causes = Counter(
            (inst.calendar.closed_reason(program.start + timedelta(days=i)) or "").split(" (")[0]
            for i in range((program.end - program.start).days + 1)
        )
        why = ", ".join(f"{c}: {n} day(s)" for c, n in causes.most_common() if c)
        return Finding(
            ALLOWED_DAY.code,
            everyone,
            f"no day in the program window {window_text(inst)} allows a session ({why})",
            "widen the program window, allow more weekdays, or shorten blackouts and closed days",
        )
    return None


@explains(GAP, PROGRAM_WINDOW)
def _series_problem(inst: Instance, everyone: tuple[str, ...]) -> Finding | None:
    """The allowed days hold no series of the smallest cohort's sessions."""
    program = inst.program
    rules = program.sessions
    need = sessions_needed(inst)
    if series_fits(inst, None, need):
        return None
    span = (program.end - program.start).days
    least = (need - 1) * rules.min_gap_days
    if span < least:
        latest = program.start + timedelta(days=least)
        return Finding(
            PROGRAM_WINDOW.code,
            everyone,
            f"the program window {window_text(inst)} is too short for {need} sessions "
            f"{gap_text(inst)} (needs at least {least} days from first to last session; "
            f"it has {span})",
            f"move the end to {latest.isoformat()} or later, start earlier, or lower "
            "min_gap_days or min_size",
        )
    blackouts = ", ".join(
        f"{b.name} {b.start.isoformat()}..{b.end.isoformat()}" for b in program.blackouts
    )
    return Finding(
        PROGRAM_WINDOW.code,
        everyone,
        f"the allowed days in the program window {window_text(inst)} (weekdays, holidays, "
        f"closed days{', blackouts ' + blackouts if blackouts else ''}) leave no series of "
        f"{need} sessions {gap_text(inst)}",
        "extend the window, allow more weekdays, or shorten blackouts and closed days",
    )


@explains(VENUE, GROUP_SIZE, ORGANISATION_MIX, FACILITATOR_CAPACITY)
def _people_problem(inst: Instance, everyone: tuple[str, ...]) -> Finding | None:
    """No room seats a cohort, too few people or organisations, or no facilitator."""
    program = inst.program
    if program.venues and max(v.capacity for v in program.venues) < program.groups.min_size + 1:
        largest = max(program.venues, key=lambda v: v.capacity)
        return Finding(
            VENUE.code,
            everyone,
            f"no venue holds a cohort of {program.groups.min_size} plus its facilitator "
            f"(the largest, {largest.name}, holds {largest.capacity})",
            f"add a venue for at least {program.groups.min_size + 1} people, or lower min_size",
        )
    groups = program.groups
    orgs = {p.organization for p in inst.participants}
    if len(inst.participants) < groups.min_size and not inst.earlier:
        return Finding(
            GROUP_SIZE.code,
            everyone,
            f"only {len(inst.participants)} registrant(s), but a cohort needs at least "
            f"{groups.min_size}",
            f"register {groups.min_size - len(inst.participants)} more, or lower min_size",
        )
    cap = groups.max_per_organization
    if program.mode == "mixed" and len(orgs) * cap < groups.min_size and not inst.earlier:
        return Finding(
            ORGANISATION_MIX.code,
            everyone,
            f"a cohort needs at least {groups.min_size} members, at most {cap} per "
            f"organisation, but only {len(orgs)} organisation(s) registered "
            f"({', '.join(sorted(orgs))})",
            "allow more per organisation (max_per_organization), lower min_size, or run a "
            "company-tailored program",
        )
    if not program.facilitators or all(
        inst.facilitator_limit(f) <= 0 for f in inst.facilitators
    ):
        return Finding(
            FACILITATOR_CAPACITY.code,
            everyone,
            "no facilitator can lead a cohort (none listed, or max_cohorts is 0)",
            "add a facilitator or raise max_cohorts",
        )
    return None


@explains(FACILITATOR_AVAILABILITY, PARTICIPANT_AVAILABILITY, COMPANY_MODE)
def person_problem(inst: Instance, n: int) -> Finding | None:
    """Why participant ``n`` fits no cohort whoever else joins (dates, company size), or None."""
    program = inst.program
    person = inst.participants[n]
    need = sessions_needed(inst)
    own = inst.participant_open[n]
    window = f"between {program.start.isoformat()} and {program.end.isoformat()}"
    rules = _rule_texts(person)
    if own is not None and not own:
        return Finding(
            PARTICIPANT_AVAILABILITY.code,
            (person.id,),
            f"{who(person)} is unavailable on every {_weekday_text(inst)} {window} "
            f"(availability: {rules})",
            f"narrow {person.name}'s unavailable times, or offer them a later program",
        )
    if not series_fits(inst, own, need):
        free_days = len({w // inst.n_slots for w in own or ()})
        return Finding(
            PARTICIPANT_AVAILABILITY.code,
            (person.id,),
            f"{who(person)} is free on only {free_days} of the {inst.n_days} session days "
            f"{window}, which hold no series of {need} sessions {gap_text(inst)} "
            f"(availability: {rules})",
            f"narrow {person.name}'s unavailable times, or offer them a later program",
        )
    if not any(
        series_fits(inst, intersect(own, inst.facilitator_open[f]), need)
        for f in range(len(inst.facilitators))
    ):
        facs = "; ".join(
            f"{f.name} ({f.id}) unavailable {', '.join(r.text for r in f.unavailable) or '-'}"
            for f in inst.facilitators
        )
        return Finding(
            FACILITATOR_AVAILABILITY.code,
            (person.id,),
            f"no facilitator is free on a series of {need} sessions {gap_text(inst)} that "
            f"{who(person)} can attend (availability: {facs})",
            f"free a facilitator on {person.name}'s days, add a facilitator, or narrow "
            f"{person.name}'s unavailable times",
        )
    if program.mode == "company":
        orgs = Counter(p.organization for p in inst.participants)
        count = orgs[person.organization]
        if count < program.groups.min_size:
            return Finding(
                COMPANY_MODE.code,
                (person.id,),
                f"company-tailored run: {person.organization} has only {count} "
                f"registration(s), but a cohort needs at least {program.groups.min_size}; "
                f"{who(person)} cannot form one",
                f"register {program.groups.min_size - count} more from {person.organization}, "
                "lower min_size, or run a mixed program",
            )
    return None


def cohorts_possible(inst: Instance) -> tuple[int, str]:
    """An upper bound on how many cohorts can form, and what sets it."""
    program = inst.program
    groups = program.groups
    if program.mode == "company":
        orgs = Counter(p.organization for p in inst.participants)
        fill = sum(n // groups.min_size for n in orgs.values())
    else:
        fill = len(inst.participants) // groups.min_size
    lead = facilitator_capacity(inst)
    if lead < fill:
        return lead, FACILITATOR_CAPACITY.code
    return fill, f"{len(inst.participants)} registrants, at least {groups.min_size} per cohort"


def facilitator_capacity(inst: Instance) -> int:
    """Total ``max_cohorts`` over the facilitators (UNLIMITED when one has no limit)."""
    return min(UNLIMITED, sum(inst.facilitator_limit(f) for f in inst.facilitators))


def capacity_detail(inst: Instance) -> str:
    """Each facilitator's ``max_cohorts``, e.g. ``Anna (f1) 4, Bo (f2) 4``."""
    return ", ".join(
        f"{f.name} ({f.id}) {f.max_cohorts if f.max_cohorts is not None else 'no limit'}"
        for f in inst.facilitators
    )


@explains(ORGANISATION_MIX)
def org_cap_finding(
    inst: Instance, org: str, people: Iterable[str], cohorts: int, most: bool
) -> Finding:
    """The organisation mix keeps ``people`` (all of ``org``) out when ``cohorts`` form.

    ``most``: ``cohorts`` is the most that can form, so the number waiting holds
    for every plan; otherwise it is this plan's. Either way it is never more than
    the plan leaves out of ``org``: each cohort holds at most the cap from it.
    """
    cap = inst.program.groups.max_per_organization
    count = sum(1 for p in inst.participants if p.organization == org)
    wait = max(0, count - cohorts * cap)
    if most:
        tail = f"at most {cohorts} cohort(s) can form, so at least {wait} of them must wait"
    else:
        tail = f"this plan forms {cohorts} cohort(s), so {wait} of them wait"
    return Finding(
        ORGANISATION_MIX.code,
        tuple(people),
        f"{org} has {count} registrants and a mixed run allows {cap} per cohort; {tail}",
        f"allow {cap + 1} per cohort (max_per_organization = {cap + 1}), add cohorts, "
        f"or offer them a later program",
    )


@explains(FACILITATOR_CAPACITY)
def capacity_finding(
    inst: Instance, people: Iterable[str], formed: int, waiting: int | None = None
) -> Finding:
    """Facilitator capacity keeps ``people`` out: the plan uses every cohort the
    facilitators may lead. ``waiting``: how many this plan leaves out in all.

    "at most" and "must wait" are bounds every plan obeys (cohorts times their
    largest size); the plan's own figure is given as the plan's.
    """
    total = facilitator_capacity(inst)
    n = len(inst.participants)
    most = min(n, total * inst.largest_cohort)
    people = tuple(people)
    text = (
        f"the facilitators may lead {total} cohort(s) in all ({capacity_detail(inst)}), "
        f"of at most {inst.largest_cohort} members: at most {most} of the {n} registrants "
        "can be placed"
    )
    if n > most:
        text += f", so at least {n - most} must wait"
    if formed >= total:
        text += f"; this plan uses all {formed} cohorts"
    if waiting is not None:
        text += f" and leaves out {waiting}"
    return Finding(
        FACILITATOR_CAPACITY.code, people, text, "raise max_cohorts or add a facilitator"
    )


@explains(NOT_WITH)
def not_with_finding(
    inst: Instance, person: Participant, others: Iterable[str], formed: int = -1
) -> Finding:
    """not_with keeps ``person`` away from ``others`` (ids), and so out of every cohort
    (``formed``: cohorts in the plan, -1 unknown)."""
    names = ", ".join(who(inst.participants[inst.participant_index[o]]) for o in others)
    possible, why = cohorts_possible(inst)
    rest = (
        f"only {formed} cohort(s) can form ({why})"
        if 0 <= possible <= formed
        else "no other cohort that suits their dates has room"
    )
    return Finding(
        NOT_WITH.code,
        (person.id,),
        f"{who(person)} must not share a cohort with {names} (not_with), and {rest}",
        f"drop the not_with pair if it is no longer needed, or move {person.name} to "
        "another program; a further cohort needs enough others who share their dates",
    )


def heuristic_finding(
    inst: Instance,
    n: int,
    placed: set[str],
    formed: int,
    unplaced: int,
    spare: list[int] | None = None,
) -> Finding:
    """The reason participant ``n`` is unplaced (heuristic where the cause is cohort-level).

    ``spare``: facilitators (indexes) who could lead one more cohort in this plan;
    when given, "too few share their dates" is said only after looking for a
    further cohort on the people's and facilitators' dates (:func:`further_cohort`).
    """
    program = inst.program
    groups = program.groups
    person = inst.participants[n]
    found = program_problem(inst) or person_problem(inst, n)
    if found is not None:
        return found
    orgs = Counter(p.organization for p in inst.participants)
    org = person.organization
    cap = groups.max_per_organization
    total = facilitator_capacity(inst)
    if formed >= total:
        return capacity_finding(inst, (person.id,), formed, unplaced)
    possible, _ = cohorts_possible(inst)
    if program.mode == "mixed" and orgs[org] > max(cap, formed * cap):
        return org_cap_finding(inst, org, (person.id,), formed, formed >= possible)
    blockers = sorted(
        {o for o in person.not_with if o in placed}
        | {q.id for q in inst.participants if person.id in q.not_with and q.id in placed}
    )
    unplaced_blockers = sorted(
        {o for o in person.not_with if o not in placed}
        | {q.id for q in inst.participants if person.id in q.not_with and q.id not in placed}
    )
    if blockers or (unplaced_blockers and unplaced <= groups.min_size):
        return not_with_finding(inst, person, blockers or unplaced_blockers, formed)
    could = None if spare is None else further_cohort(inst, n, placed, spare)
    if could is not None:
        fid, others = could
        names = ", ".join(who(inst.participants[inst.participant_index[o]]) for o in others)
        rooms = " and of the rooms' bookings" if program.venues else ""
        return Finding(
            "no cohort",
            (person.id,),
            f"no cohort can take {who(person)}, and this plan opens no further one although "
            f"{who(person)}, {names} and facilitator {fid} (who may lead one more) share "
            f"dates for a series: the plan found no such series clear of the facilitators' "
            f"other sessions{rooms}",
            ("add a room, " if program.venues else "")
            + "free a facilitator's days, or plan again with more effort (--effort)",
        )
    searched = "" if spare is None else (
        " with a facilitator who may lead one more")
    return Finding(
        "no cohort",
        (person.id,),
        f"no cohort can take {who(person)}: every cohort that suits their dates is full or "
        f"would break a rule, and no further cohort of at least {groups.min_size} was found "
        f"among the {unplaced} left out who share their dates{searched}",
        ("widen " + person.name + "'s availability, raise max_size, or lower min_size")
        if restricted(person) else "raise max_size, or lower min_size",
    )


def unplaced_reasons(
    inst: Instance, placed: set[str], formed: int, loads: dict[str, int] | None = None
) -> dict[str, str]:
    """A reason for every participant not in ``placed``, in input order.

    ``formed`` is the number of cohorts the plan opens; ``loads`` how many each
    facilitator (id) leads, which lets the reasons look for a further cohort.
    """
    unplaced = sum(1 for p in inst.participants if p.id not in placed)
    spare = None
    if loads is not None:
        spare = [f for f, fac in enumerate(inst.facilitators)
                 if loads.get(fac.id, 0) < inst.facilitator_limit(fac)]
    return {
        person.id: heuristic_finding(inst, n, placed, formed, unplaced, spare).text
        for n, person in enumerate(inst.participants)
        if person.id not in placed
    }
