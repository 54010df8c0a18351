"""Why someone could not be placed, in words a coordinator can act on.

:func:`unplaced_reasons` gives every unplaced participant one reason that names
the person, the rule, the people or dates involved and a fix. Checks that are
exact (no allowed day, a window too short, a person or facilitator never free
on a whole series) come first; only then the cohort-level rules (organisation
mix, facilitator capacity, not_with), each blamed only when the numbers show it
binds. :mod:`.diagnose` confirms the cohort-level ones with CP-SAT.

Every sentence is in the program's language (:mod:`.wording`, the ``reasons``
catalogue); :attr:`Finding.rule` stays the rule's code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta

from ...domain import Participant
from ...plan import Unplaced
from ...rules import (
    ALLOWED_DAY,
    COMPANY_MODE,
    DAY_WINDOW,
    DURATION,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    GAP,
    GROUP_SIZE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PROGRAM_WINDOW,
    VENUE,
    explains,
)
from ...wording import Words
from ..model.instance import UNLIMITED, Instance
from ..model.series import further_cohort, intersect, series_fits
from ..schedule import ScheduledCohort
from .finding import Finding, words
from .seats import free_seat_finding


def restricted(person: Participant) -> bool:
    """Whether ``person`` has unavailable times or busy calendar events."""
    return bool(person.unavailable or person.busy)


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
    w = words(inst)
    program = inst.program
    rules = program.sessions
    if inst.n_slots == 0:
        start = rules.day_start.hour * 60 + rules.day_start.minute
        end = rules.day_end.hour * 60 + rules.day_end.minute
        return Finding(
            DAY_WINDOW.code,
            everyone,
            w._("the day window {start}–{end} ({minutes} minutes) is shorter than a session "
                "({duration} minutes), so no session can be held",
                start=w.clock(start), end=w.clock(end), minutes=end - start,
                duration=rules.duration_minutes),
            w._("set day_end to {end} or later, or shorten duration_minutes",
                end=w.clock(start + rules.duration_minutes)),
        )
    if inst.n_days == 0:
        return Finding(
            ALLOWED_DAY.code,
            everyone,
            w._("no day in the program window {window} allows a session ({why})",
                window=w.window(program), why=_closed_days(inst, w)),
            w._("widen the program window, allow more weekdays, or shorten blackouts and "
                "closed days"),
        )
    return None


def _closed_days(inst: Instance, w: Words) -> str:
    """Why the days of the window are closed, most days first: ``40 days are not
    allowed weekdays and 2 public holidays``."""
    program = inst.program
    cal = inst.calendar
    causes: Counter[int] = Counter()
    for i in range((program.end - program.start).days + 1):
        d = program.start + timedelta(days=i)
        if d.weekday() not in program.sessions.weekdays:
            causes[0] += 1
        elif d in cal.holidays:
            causes[1] += 1
        elif d in cal.closed:
            causes[2] += 1
        elif d in cal.blackout_days:
            causes[3] += 1
    texts = {
        0: lambda n: w.n_("{count} day is not an allowed weekday",
                          "{count} days are not allowed weekdays", n),
        1: lambda n: w.n_("{count} public holiday", "{count} public holidays", n),
        2: lambda n: w.n_("{count} extra closed day", "{count} extra closed days", n),
        3: lambda n: w.n_("{count} blackout day", "{count} blackout days", n),
    }
    return w.all_of(texts[c](n) for c, n in sorted(causes.items(), key=lambda cn: (-cn[1], cn[0])))


@explains(GAP, PROGRAM_WINDOW)
def _series_problem(inst: Instance, everyone: tuple[str, ...]) -> Finding | None:
    """The allowed days hold no series of the smallest cohort's sessions."""
    w = words(inst)
    program = inst.program
    rules = program.sessions
    need = sessions_needed(inst)
    if series_fits(inst, None, need):
        return None
    span = (program.end - program.start).days
    least = (need - 1) * rules.min_gap_days
    window, gap = w.window(program), w.gap(program)
    if span < least:
        return Finding(
            PROGRAM_WINDOW.code,
            everyone,
            w.n_("the program window {window} is too short for {need} sessions {gap} "
                 "(needs at least {count} day from first to last session; it has {span})",
                 "the program window {window} is too short for {need} sessions {gap} "
                 "(needs at least {count} days from first to last session; it has {span})",
                 least, window=window, need=need, gap=gap, span=span),
            w._("move the end to {day} or later, start earlier, or lower min_gap_days or "
                "min_size", day=program.start + timedelta(days=least)),
        )
    blackouts = ", ".join(f"{b.name} {w.period(b.start, b.end)}" for b in program.blackouts)
    if blackouts:
        message = w._(
            "the allowed days in the program window {window} (weekdays, holidays, closed "
            "days, blackouts {blackouts}) leave no series of {need} sessions {gap}",
            window=window, blackouts=blackouts, need=need, gap=gap)
    else:
        message = w._(
            "the allowed days in the program window {window} (weekdays, holidays, closed "
            "days) leave no series of {need} sessions {gap}", window=window, need=need, gap=gap)
    return Finding(
        PROGRAM_WINDOW.code,
        everyone,
        message,
        w._("extend the window, allow more weekdays, or shorten blackouts and closed days"),
    )


@explains(VENUE, GROUP_SIZE, ORGANISATION_MIX, FACILITATOR_CAPACITY)
def _people_problem(inst: Instance, everyone: tuple[str, ...]) -> Finding | None:
    """No room seats a cohort, too few people or organisations, or no facilitator."""
    w = words(inst)
    program = inst.program
    groups = program.groups
    if program.venues and max(v.capacity for v in program.venues) < groups.min_size + 1:
        largest = max(program.venues, key=lambda v: v.capacity)
        return Finding(
            VENUE.code,
            everyone,
            w.n_("no venue holds a cohort of {size} plus its facilitator (the largest, "
                 "{venue}, holds {count} person)",
                 "no venue holds a cohort of {size} plus its facilitator (the largest, "
                 "{venue}, holds {count} people)",
                 largest.capacity, size=groups.min_size, venue=largest.name),
            w._("add a venue for at least {size} people, or lower min_size",
                size=groups.min_size + 1),
        )
    orgs = {p.organization for p in inst.participants}
    registered = len(inst.participants)
    if registered < groups.min_size and not inst.earlier:
        return Finding(
            GROUP_SIZE.code,
            everyone,
            w.n_("only {count} registrant, but a cohort needs at least {size}",
                 "only {count} registrants, but a cohort needs at least {size}",
                 registered, size=groups.min_size),
            w._("register {count} more, or lower min_size", count=groups.min_size - registered),
        )
    cap = groups.max_per_organization
    if program.mode == "mixed" and len(orgs) * cap < groups.min_size and not inst.earlier:
        return Finding(
            ORGANISATION_MIX.code,
            everyone,
            w.n_("a cohort needs at least {size} members, at most {cap} per organisation, but "
                 "only {count} organisation registered ({orgs})",
                 "a cohort needs at least {size} members, at most {cap} per organisation, but "
                 "only {count} organisations registered ({orgs})",
                 len(orgs), size=groups.min_size, cap=cap, orgs=w.all_of(sorted(orgs))),
            w._("allow more per organisation (max_per_organization), lower min_size, or run a "
                "company-tailored program"),
        )
    if not program.facilitators or all(
        inst.facilitator_limit(f) <= 0 for f in inst.facilitators
    ):
        return Finding(
            FACILITATOR_CAPACITY.code,
            everyone,
            w._("no facilitator can lead a cohort (none listed, or max_cohorts is 0)"),
            w._("add a facilitator or raise max_cohorts"),
        )
    return None


@explains(FACILITATOR_AVAILABILITY, PARTICIPANT_AVAILABILITY, COMPANY_MODE)
def person_problem(inst: Instance, n: int) -> Finding | None:
    """Why participant ``n`` fits no cohort whoever else joins (dates, company size), or None."""
    program = inst.program
    person = inst.participants[n]
    need = sessions_needed(inst)
    own = inst.participant_open[n]
    if own is not None and not own:
        return _never_free(inst, person)
    if not series_fits(inst, own, need):
        w, fields = _about(inst, person)
        return Finding(
            PARTICIPANT_AVAILABILITY.code,
            (person.id,),
            w._("{who} is free on only {free} of the {days} session days between {start} and "
                "{end}, which hold no series of {need} sessions {gap} (unavailable: {times})",
                free=len({x // inst.n_slots for x in own or ()}), days=inst.n_days, **fields),
            w._("narrow {name}'s unavailable times, or offer them a later program", **fields),
        )
    if not any(
        series_fits(inst, intersect(own, inst.facilitator_open[f]), need)
        for f in range(len(inst.facilitators))
    ):
        w, fields = _about(inst, person)
        return Finding(
            FACILITATOR_AVAILABILITY.code,
            (person.id,),
            w._("no facilitator is free on a series of {need} sessions {gap} that {who} can "
                "attend (the facilitators' unavailable times: {facilitators})",
                facilitators="; ".join(w.facilitator_unavailable(f) for f in inst.facilitators
                                       if f.unavailable),  # the others are free on any day
                **fields),
            w._("free a facilitator on {name}'s days, add a facilitator, or narrow {name}'s "
                "unavailable times", **fields),
        )
    if program.mode == "company":
        count = sum(p.organization == person.organization for p in inst.participants)
        size = program.groups.min_size
        if count < size:
            w, fields = _about(inst, person)
            return Finding(
                COMPANY_MODE.code,
                (person.id,),
                w.n_("company-tailored run: {org} has only {count} registration, but a cohort "
                     "needs at least {size}; {who} cannot form one",
                     "company-tailored run: {org} has only {count} registrations, but a cohort "
                     "needs at least {size}; {who} cannot form one",
                     count, org=person.organization, size=size, who=fields["who"]),
                w._("register {count} more from {org}, lower min_size, or run a mixed program",
                    count=size - count, org=person.organization),
            )
    return None


def _about(inst: Instance, person: Participant) -> tuple[Words, dict[str, object]]:
    """The words of ``inst`` and what they say of ``person``: name, the program
    window, their unavailable times, the sessions of the smallest cohort."""
    w = words(inst)
    program = inst.program
    return w, {"who": w.who(person), "name": person.name, "start": program.start,
               "end": program.end, "times": w.unavailable(person),
               "need": sessions_needed(inst), "gap": w.gap(program)}


def _never_free(inst: Instance, person: Participant) -> Finding:
    """``person`` is unavailable on every allowed day of the program window."""
    w, fields = _about(inst, person)
    weekdays = inst.program.sessions.weekdays
    if tuple(weekdays) == (0, 1, 2, 3, 4):
        message = w._("{who} is unavailable on every weekday between {start} and {end} "
                      "(unavailable: {times})", **fields)
    else:
        message = w._("{who} is unavailable on every allowed day ({weekdays}) between "
                      "{start} and {end} (unavailable: {times})",
                      weekdays=w.weekdays(weekdays), **fields)
    return Finding(
        PARTICIPANT_AVAILABILITY.code, (person.id,), message,
        w._("narrow {name}'s unavailable times, or offer them a later program", **fields),
    )


def cohorts_possible(inst: Instance) -> tuple[int, str]:
    """An upper bound on how many cohorts can form, and the rule that sets it:
    facilitator capacity, or group size (too few registrants for more)."""
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
    return fill, GROUP_SIZE.code


def facilitator_capacity(inst: Instance) -> int:
    """Total ``max_cohorts`` over the facilitators (UNLIMITED when one has no limit)."""
    return min(UNLIMITED, sum(inst.facilitator_limit(f) for f in inst.facilitators))


def capacity_detail(inst: Instance) -> str:
    """Each facilitator's ``max_cohorts``, e.g. ``Anna (f1): 4, Bo (f2): no limit``."""
    w = words(inst)
    return ", ".join(
        f"{w.who(f)}: {w.value(f.max_cohorts)}" if f.max_cohorts is not None
        else w._("{who}: no limit", who=w.who(f))
        for f in inst.facilitators
    )


def org_must_wait(inst: Instance, formed: int) -> bool:
    """Whether :func:`org_cap_finding` speaks of a bound every plan obeys ("must
    wait"): ``formed`` is the most cohorts that can form."""
    return formed >= cohorts_possible(inst)[0]


@explains(ORGANISATION_MIX)
def org_cap_finding(
    inst: Instance, org: str, people: Iterable[str], cohorts: int, most: bool
) -> Finding:
    """The organisation mix keeps ``people`` (all of ``org``) out when ``cohorts`` form.

    ``most``: ``cohorts`` is the most that can form, so the number waiting holds
    for every plan; otherwise it is this plan's. Either way it is never more than
    the plan leaves out of ``org``: each cohort holds at most the cap from it.
    """
    w = words(inst)
    cap = inst.program.groups.max_per_organization
    count = sum(1 for p in inst.participants if p.organization == org)
    fields = {"org": org, "registered": count, "cap": cap,
              "wait": max(0, count - cohorts * cap)}
    if most:
        message = w.n_(
            "{org} has {registered} registrants and a mixed run allows {cap} per cohort; at "
            "most {count} cohort can form, so at least {wait} of them must wait",
            "{org} has {registered} registrants and a mixed run allows {cap} per cohort; at "
            "most {count} cohorts can form, so at least {wait} of them must wait",
            cohorts, **fields)
    else:
        message = w.n_(
            "{org} has {registered} registrants and a mixed run allows {cap} per cohort; this "
            "plan forms {count} cohort, so {wait} of them wait",
            "{org} has {registered} registrants and a mixed run allows {cap} per cohort; this "
            "plan forms {count} cohorts, so {wait} of them wait",
            cohorts, **fields)
    return Finding(
        ORGANISATION_MIX.code,
        tuple(people),
        message,
        w._("allow {more} per cohort (max_per_organization = {more}), add cohorts, or offer "
            "them a later program", more=cap + 1),
    )


def capacity_must_wait(inst: Instance) -> bool:
    """Whether :func:`capacity_finding` speaks of people who must wait in every plan."""
    return len(inst.participants) > facilitator_capacity(inst) * inst.largest_cohort


@explains(FACILITATOR_CAPACITY)
def capacity_finding(
    inst: Instance, people: Iterable[str], formed: int, waiting: int | None = None
) -> Finding:
    """Facilitator capacity keeps ``people`` out: the plan uses every cohort the
    facilitators may lead. ``waiting``: how many this plan leaves out in all.

    "at most" and "must wait" are bounds every plan obeys (cohorts times their
    largest size); the plan's own figure is given as the plan's.
    """
    w = words(inst)
    total = facilitator_capacity(inst)
    n = len(inst.participants)
    most = min(n, total * inst.largest_cohort)
    fields = {"detail": capacity_detail(inst), "largest": inst.largest_cohort, "most": most,
              "registered": n, "wait": n - most, "formed": formed, "waiting": waiting}
    if n > most:
        parts = [w.n_(
            "the facilitators may lead {count} cohort in all ({detail}), of at most {largest} "
            "members: at most {most} of the {registered} registrants can be placed, so at "
            "least {wait} must wait",
            "the facilitators may lead {count} cohorts in all ({detail}), of at most {largest} "
            "members: at most {most} of the {registered} registrants can be placed, so at "
            "least {wait} must wait", total, **fields)]
    else:
        parts = [w.n_(
            "the facilitators may lead {count} cohort in all ({detail}), of at most {largest} "
            "members: at most {most} of the {registered} registrants can be placed",
            "the facilitators may lead {count} cohorts in all ({detail}), of at most {largest} "
            "members: at most {most} of the {registered} registrants can be placed",
            total, **fields)]
    if formed >= total and waiting is not None and formed == 1:
        parts.append(w.n_("this plan forms that cohort and leaves {count} person without a seat",
                          "this plan forms that cohort and leaves {count} people without a seat",
                          waiting))
    elif formed >= total and waiting is not None:
        parts.append(w.n_(
            "this plan forms all {cohorts} cohorts and leaves {count} person without a seat",
            "this plan forms all {cohorts} cohorts and leaves {count} people without a seat",
            waiting, cohorts=formed))
    elif formed >= total:
        parts.append(w.n_("this plan forms that cohort", "this plan forms all {count} cohorts",
                          formed))
    elif waiting is not None:
        parts.append(w.n_("this plan leaves {count} person without a seat",
                          "this plan leaves {count} people without a seat", waiting))
    return Finding(
        FACILITATOR_CAPACITY.code, tuple(people), "; ".join(parts),
        w._("raise max_cohorts or add a facilitator"),
    )


@explains(NOT_WITH)
def not_with_finding(
    inst: Instance, person: Participant, others: Iterable[str], formed: int = -1
) -> Finding:
    """not_with keeps ``person`` away from ``others`` (ids), and so out of every cohort
    (``formed``: cohorts in the plan, -1 unknown)."""
    w = words(inst)
    names = w.all_of(w.who(inst.participants[inst.participant_index[o]]) for o in others)
    possible, why = cohorts_possible(inst)
    fields = {"who": w.who(person), "others": names, "name": person.name,
              "registered": len(inst.participants), "size": inst.program.groups.min_size}
    if not 0 <= possible <= formed:
        message = w._("{who} must not share a cohort with {others} (not_with), and no other "
                      "cohort that suits their dates has room", **fields)
    elif why == FACILITATOR_CAPACITY.code:
        message = w.n_(
            "{who} must not share a cohort with {others} (not_with), and only {count} cohort "
            "can form (the facilitators' max_cohorts)",
            "{who} must not share a cohort with {others} (not_with), and only {count} cohorts "
            "can form (the facilitators' max_cohorts)", formed, **fields)
    else:
        message = w.n_(
            "{who} must not share a cohort with {others} (not_with), and only {count} cohort "
            "can form ({registered} registrants, at least {size} per cohort)",
            "{who} must not share a cohort with {others} (not_with), and only {count} cohorts "
            "can form ({registered} registrants, at least {size} per cohort)", formed, **fields)
    return Finding(
        NOT_WITH.code,
        (person.id,),
        message,
        w._("drop the not_with pair if it is no longer needed, or move {name} to another "
            "program; a further cohort needs enough others who share their dates", **fields),
    )


def heuristic_finding(
    inst: Instance,
    n: int,
    placed: set[str],
    formed: int,
    unplaced: int,
    spare: list[int] | None = None,
    cohorts: Sequence[ScheduledCohort] = (),
) -> Finding:
    """The reason participant ``n`` is unplaced (heuristic where the cause is cohort-level).

    ``spare``: facilitators (indexes) who could lead one more cohort in this plan;
    when given, "too few share their dates" is said only after looking for a
    further cohort on the people's and facilitators' dates (:func:`further_cohort`).
    ``cohorts``: the plan's cohorts in kick-off order; when every cohort is
    formed, capacity is named only if none has a free seat, else why those
    seats do not fit (:func:`.seats.free_seat_finding`).
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
    if formed >= facilitator_capacity(inst):
        seats = free_seat_finding(inst, n, cohorts)
        return seats or capacity_finding(inst, (person.id,), formed, unplaced)
    if program.mode == "mixed" and orgs[org] > max(cap, formed * cap):
        return org_cap_finding(inst, org, (person.id,), formed, org_must_wait(inst, formed))
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
        return _no_further_cohort(inst, person, *could)
    return _no_cohort(inst, person, unplaced, searched=spare is not None)


@explains(FACILITATOR_NO_OVERLAP, VENUE)
def _no_further_cohort(
    inst: Instance, person: Participant, facilitator: str, others: tuple[str, ...]
) -> Finding:
    """No cohort takes ``person`` although ``others`` and ``facilitator`` (ids) share
    dates for a further one: the plan found no series clear of other sessions."""
    w = words(inst)
    people = ", ".join(
        [w.who(person), *(w.who(inst.participants[inst.participant_index[o]]) for o in others)])
    fields = {"who": w.who(person), "people": people, "facilitator": facilitator}
    if inst.program.venues:
        return Finding(
            VENUE.code,
            (person.id,),
            w._("no cohort can take {who}, and this plan opens no further one although "
                "{people} and facilitator {facilitator} (who may lead one more) share dates "
                "for a series: the plan found no such series clear of the facilitators' other "
                "sessions and of the rooms' bookings", **fields),
            w._("add a room, free a facilitator's days, or plan again with more effort "
                "(--effort)"),
            heading="no cohort",
        )
    return Finding(
        FACILITATOR_NO_OVERLAP.code,
        (person.id,),
        w._("no cohort can take {who}, and this plan opens no further one although {people} "
            "and facilitator {facilitator} (who may lead one more) share dates for a series: "
            "the plan found no such series clear of the facilitators' other sessions",
            **fields),
        w._("free a facilitator's days, or plan again with more effort (--effort)"),
        heading="no cohort",
    )


@explains(GROUP_SIZE)
def _no_cohort(inst: Instance, person: Participant, unplaced: int, searched: bool) -> Finding:
    """No cohort takes ``person``, and no further one was found among the ``unplaced``
    (``searched``: also among the facilitators who may lead one more)."""
    w = words(inst)
    fields = {"who": w.who(person), "size": inst.program.groups.min_size,
              "unplaced": unplaced, "name": person.name}
    if searched:
        message = w._(
            "no cohort can take {who}: every cohort that suits their dates is full or would "
            "break a rule, and no further cohort of at least {size} was found among the "
            "{unplaced} left out who share their dates with a facilitator who may lead one "
            "more", **fields)
    else:
        message = w._(
            "no cohort can take {who}: every cohort that suits their dates is full or would "
            "break a rule, and no further cohort of at least {size} was found among the "
            "{unplaced} left out who share their dates", **fields)
    fix = (w._("widen {name}'s availability, raise max_size, or lower min_size", **fields)
           if restricted(person) else w._("raise max_size, or lower min_size"))
    return Finding(GROUP_SIZE.code, (person.id,), message, fix, heading="no cohort")


def left_out(
    inst: Instance, placed: set[str], formed: int, loads: dict[str, int] | None = None,
    cohorts: Sequence[ScheduledCohort] = (),
) -> tuple[Unplaced, ...]:
    """Every participant not in ``placed``, in input order, with a reason in the
    program's language and the code of the rule (or goal) it names.

    ``formed`` is the number of cohorts the plan opens; ``loads`` how many each
    facilitator (id) leads, which lets the reasons look for a further cohort;
    ``cohorts`` (in kick-off order) lets them say why free seats do not fit.
    """
    unplaced = sum(1 for p in inst.participants if p.id not in placed)
    spare = None
    if loads is not None:
        spare = [f for f, fac in enumerate(inst.facilitators)
                 if loads.get(fac.id, 0) < inst.facilitator_limit(fac)]
    w = words(inst)
    out = []
    for n, person in enumerate(inst.participants):
        if person.id not in placed:
            f = heuristic_finding(inst, n, placed, formed, unplaced, spare, cohorts)
            out.append(Unplaced(person.id, w.reason(f.name, f.message, f.fix), f.rule))
    return tuple(out)


def unplaced_reasons(
    inst: Instance, placed: set[str], formed: int, loads: dict[str, int] | None = None,
    cohorts: Sequence[ScheduledCohort] = (),
) -> dict[str, str]:
    """The reason of every participant not in ``placed`` by id (:func:`left_out`)."""
    return {u.participant: u.reason for u in left_out(inst, placed, formed, loads, cohorts)}
