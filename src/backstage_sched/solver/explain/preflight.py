"""Before planning: what cannot work, said up front (issue 22, item 7).

A facilitator unavailable the whole year used to give "Plan verified and
written" and nobody placed, with nothing said before. :func:`preflight` looks
at the program alone, with the same calendar and the same test of whether a
series of sessions fits (:mod:`.series`) as the planner, and returns one
:class:`PreflightWarning` for each thing that cannot work:

- no session fits the day window, no day of the program window allows a
  session, or the allowed days hold no series of the smallest cohort's
  sessions (a kick-off and ``min_size`` more, within the gap rule, blackouts
  stretching it): no cohort can be planned at all;
- a facilitator with no allowed session time in the program window
  (weekdays, holidays, blackouts, extra closed days and their own
  unavailable times all counted), or whose free days hold no such series:
  they can lead no cohort;
- and when that leaves no facilitator at all, that nobody can be placed.

The warnings are in English, as the command line is; ``plan`` prints them and
stops on them with ``--strict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ...domain import Facilitator, Program
from ...rules import (
    ALLOWED_DAY,
    DAY_WINDOW,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_CAPACITY,
    GAP,
    PROGRAM_WINDOW,
)
from ...said import said
from ..model.instance import Instance
from ..model.series import series_fits


@dataclass(frozen=True)
class PreflightWarning:
    """One thing about a program that cannot work, found before planning.

    ``rule`` is the code of the hard rule that stands in the way (see
    :mod:`backstage_sched.rules`), ``facilitator`` the id of the facilitator it
    is about (None: the whole program), ``message`` what is wrong, in English.
    """

    rule: str
    message: str
    facilitator: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def preflight(program: Program) -> list[PreflightWarning]:
    """What in ``program`` cannot work, before any planning: empty when nothing is
    seen. Cheap (no solver); see the module docstring for what is looked at."""
    inst = Instance.of(program)
    whole = _program_warning(inst)
    if whole is not None:
        return [whole]
    warnings: list[PreflightWarning] = []
    leading = [f for f, fac in enumerate(inst.facilitators) if inst.facilitator_limit(fac) > 0]
    if not leading:
        return [PreflightWarning(
            FACILITATOR_CAPACITY.code,
            said("no facilitator may lead a cohort (max_cohorts is 0 for every facilitator), "
                 "so nobody can be placed"),
        )]
    for f in leading:
        found = _facilitator_warning(inst, f)
        if found is not None:
            warnings.append(found)
    if len(warnings) == len(leading) == 1:
        only = warnings[0]
        return [PreflightWarning(only.rule, said(
            "{problem}; they are the only facilitator, so nobody can be placed",
            problem=only.message), only.facilitator)]
    if len(warnings) == len(leading):
        ids = ", ".join(inst.facilitators[f].id for f in leading)
        warnings.append(PreflightWarning(
            FACILITATOR_AVAILABILITY.code,
            said("no facilitator can lead a cohort ({ids}), so nobody can be placed", ids=ids),
        ))
    return warnings


def _series(program: Program) -> str:
    """``a kick-off and 4 more sessions, 28–35 days apart``: the smallest cohort's."""
    rules = program.sessions
    return said("a kick-off and {count} more sessions, {least}–{most} days apart",
                count=program.groups.min_size, least=rules.min_gap_days,
                most=rules.max_gap_days)


def _window(program: Program) -> str:
    """``2027-01-11..2027-12-17``: the program window as the program file writes it."""
    return f"{program.start.isoformat()}..{program.end.isoformat()}"


def _program_warning(inst: Instance) -> PreflightWarning | None:
    """Why no cohort at all can be planned (the day window, the allowed days, the
    series), or None."""
    program = inst.program
    rules = program.sessions
    window = _window(program)
    if inst.n_slots == 0:
        return PreflightWarning(
            DAY_WINDOW.code,
            said("the day window {start}–{end} is shorter than a session ({minutes} minutes): "
                 "no session can be held", start=f"{rules.day_start:%H:%M}",
                 end=f"{rules.day_end:%H:%M}", minutes=rules.duration_minutes),
        )
    if inst.n_days == 0:
        return PreflightWarning(
            ALLOWED_DAY.code,
            said("no day of the program window {window} allows a session (weekdays, public "
                 "holidays, extra closed days and blackouts close every one): nothing can be "
                 "planned", window=window),
        )
    need = program.groups.min_size + 1
    if series_fits(inst, None, need):
        return None
    least = (need - 1) * rules.min_gap_days
    if (program.end - program.start).days < least:
        return PreflightWarning(
            PROGRAM_WINDOW.code,
            said("the program window {window} is too short for a cohort: {series}, take at "
                 "least {least} days from first to last session; no cohort can be planned",
                 window=window, series=_series(program), least=least),
        )
    return PreflightWarning(
        GAP.code,
        said("the {days} days sessions may fall on in the program window {window} (weekdays, "
             "public holidays, extra closed days and blackouts counted) hold no series of "
             "{series} (blackout days between two sessions stretch the gap); no cohort can be "
             "planned", days=inst.n_days, window=window, series=_series(program)),
    )


def _facilitator_warning(inst: Instance, f: int) -> PreflightWarning | None:
    """Why facilitator ``f`` can lead no cohort, or None."""
    program = inst.program
    fac = inst.facilitators[f]
    free = inst.facilitator_open[f]
    if free is None:  # no unavailable times: the program's days hold a series
        return None
    days = sorted({w // inst.n_slots for w in free})
    who = said("facilitator {name} ({id})", name=fac.name, id=fac.id)
    if not days:
        return PreflightWarning(
            FACILITATOR_AVAILABILITY.code,
            said("{who} has no session time in the program window {window}: their unavailable "
                 "times ({times}) cover all {days} days sessions may fall on (weekdays, public "
                 "holidays, extra closed days and blackouts counted), so they can lead no "
                 "cohort", who=who, window=_window(program), times=_unavailable(fac),
                 days=inst.n_days),
            fac.id,
        )
    if series_fits(inst, free, program.groups.min_size + 1):
        return None
    first, last = (program.start + timedelta(days=d) for d in (days[0], days[-1]))
    return PreflightWarning(
        FACILITATOR_AVAILABILITY.code,
        said("{who} is free on only {free} of the {days} days sessions may fall on (between "
             "{first} and {last}), which hold no series of {series} ({rule}), so they can lead "
             "no cohort; their unavailable times: {times}", who=who, free=len(days),
             days=inst.n_days, first=first.isoformat(), last=last.isoformat(),
             series=_series(program), rule=GAP.code, times=_unavailable(fac)),
        fac.id,
    )


def _unavailable(fac: Facilitator) -> str:
    """A facilitator's unavailable times as the program file writes them."""
    return "; ".join(rule.text for rule in fac.unavailable)
