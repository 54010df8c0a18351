"""Find the rules that keep people out, with CP-SAT assumptions.

:func:`diagnose` answers, for every participant a plan leaves out, "which rule
would have to give for this person to be placed, while everyone placed stays
placed?". It builds the planning model with the very constraint functions of
:mod:`.constraints`, the relaxable rules (:data:`RELAXABLE`) behind named
enforcement literals (organisation mix per organisation, not_with per pair,
facilitator capacity and availability per facilitator, availability per
participant, the minimum group size), assumes them all, adds "p is placed"
and "q stays placed" literals, and reads CP-SAT's
``sufficient_assumptions_for_infeasibility``. Each rule in that core is then
tried alone: a rule whose relaxation lets the person in is reported as the
blocking rule, in the coordinator's words (see :mod:`.explain`).

Causes that need no solver (no allowed day, a window too short, a day window
shorter than a session, a person or facilitator never free on a whole series)
are found first, exactly.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from ...domain import Facilitator, Participant, Program
from ...goals import PLACED
from ...rules import (
    FACILITATOR_AVAILABILITY,
    FACILITATOR_BUFFER,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    FACILITATOR_SESSIONS_PER_DAY,
    GROUP_SIZE,
    MET_BEFORE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PLACEMENT,
    explains,
)
from ..model import constraints as c
from ..model.instance import Instance
from ..model.variables import Variables, create_variables
from ..schedule import ScheduledCohort
from ..search.construct import Built, greedy
from ..search.hints import add_greedy_hint, add_schedule_hint
from .finding import Finding, words
from .met import met_before_finding
from .reasons import (
    capacity_detail,
    capacity_finding,
    capacity_must_wait,
    facilitator_capacity,
    heuristic_finding,
    not_with_finding,
    org_cap_finding,
    org_must_wait,
    person_problem,
    program_problem,
    restricted,
)

__all__ = ["Finding", "diagnose"]

Key = tuple[Hashable, ...]

RELAXABLE = (
    GROUP_SIZE.code,
    ORGANISATION_MIX.code,
    NOT_WITH.code,
    MET_BEFORE.code,
    PARTICIPANT_AVAILABILITY.code,
    FACILITATOR_AVAILABILITY.code,
    FACILITATOR_CAPACITY.code,
)
"""The rules (the verifier's names) the diagnosis may turn off, one literal per instance:
the constraint functions of :mod:`.constraints` enforce them behind these literals."""

MAX_CHECKED = 200
"""Above this many unplaced people the CP-SAT step is skipped (with a note)."""


@dataclass(frozen=True)
class _Wide(Instance):
    """The instance with as many cohort slots as registrations could fill, so that
    relaxing facilitator capacity can open more cohorts."""

    @property
    def cohort_slots(self) -> int:
        """Cohorts the registrations could fill, whatever the facilitators' limits."""
        groups = self.program.groups
        if self.program.mode == "company":
            counts: dict[str, int] = {}
            for p in self.participants:
                counts[p.organization] = counts.get(p.organization, 0) + 1
            return sum(n // groups.min_size for n in counts.values())
        return len(self.participants) // groups.min_size


@dataclass
class _Budget:
    """What the diagnosis may spend: ``limit`` seconds of the wall clock from
    ``started``, or with ``work`` CP-SAT's deterministic time (work units, the same
    on every machine and run), summed over the questions asked."""

    limit: float
    work: bool = False
    started: float = field(default_factory=time.monotonic)
    spent: float = 0.0

    def left(self) -> float:
        """What is left of the budget, in its unit."""
        return self.limit - (self.spent if self.work else time.monotonic() - self.started)


class _Diagnosis:
    """The planning model with named assumption literals, and the questions asked of it."""

    def __init__(
        self,
        inst: Instance,
        workers: int,
        formed: int,
        built: list[Built] | None = None,
        cohorts: Sequence[ScheduledCohort] | None = None,
        budget: _Budget | None = None,
    ) -> None:
        self.inst = inst
        self.workers = workers
        self.budget = budget or _Budget(20.0)
        self.wide = _Wide(inst.program, inst.calendar)
        self.model = cp_model.CpModel()
        self.v: Variables = create_variables(self.model, self.wide)
        self.lit: dict[Key, cp_model.IntVar] = {}
        self.key: dict[int, Key] = {}
        for rule in c.HARD_RULES:
            rule(self.model, self.v, self.wide, self._named)
        slots = range(len(self.v.open))
        for p, person in enumerate(self.wide.participants):
            placed = self._named((PLACEMENT.code, person.id))
            # linear, so the LP sees it: p is in some cohort when the literal holds
            self.model.add(sum(self.v.member[p, k] for k in slots) >= placed)
        self.solution: list[int] | None = None
        self.given_formed = formed
        if cohorts is not None:
            add_schedule_hint(self.model, self.v, self.wide, list(cohorts))
        else:
            add_greedy_hint(self.model, self.v, self.wide,
                            greedy(inst) if built is None else built)

    # ---- the model ----------------------------------------------------------
    def _named(self, key: Key) -> cp_model.IntVar:
        """The literal that enforces rule instance ``key`` (made once per key)."""
        if key not in self.lit:
            lit = self.model.new_bool_var(":".join(map(str, key)))
            self.lit[key] = lit
            self.key[lit.index] = key
        return self.lit[key]

    def rule_keys(self) -> list[Key]:
        """Every relaxable rule literal's key."""
        return [key for key in self.lit if key[0] != PLACEMENT.code]

    # ---- the questions ------------------------------------------------------
    def _solver(self, seconds: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = 0
        if self.budget.work:
            solver.parameters.max_deterministic_time = max(0.1, seconds)
        else:
            solver.parameters.max_time_in_seconds = max(0.1, seconds)
        # presolve and probing cost seconds and, under assumptions, prove little
        solver.parameters.cp_model_presolve = False
        solver.parameters.cp_model_probing_level = 0
        return solver

    def _hint(self) -> None:
        if self.solution is None:
            return  # keep the greedy hint
        self.model.clear_hints()
        for index, value in enumerate(self.solution):
            self.model.add_hint(self.model.get_int_var_from_proto_index(index), value)

    def _keep(self, solver: cp_model.CpSolver) -> None:
        self.solution = [
            solver.value(self.model.get_int_var_from_proto_index(i))
            for i in range(len(self.model.proto.variables))
        ]

    def placed(self) -> set[str]:
        """Ids placed in the last solution kept."""
        if self.solution is None:
            return set()
        return {
            self.inst.participants[p].id
            for (p, _), lit in self.v.member.items()
            if self.solution[lit.index]
        }

    def formed(self) -> int:
        """Cohorts open in the last solution kept."""
        if self.solution is None:
            return self.given_formed
        return sum(self.solution[lit.index] for lit in self.v.open)

    def ask(
        self, pid: str, placed: set[str], relax: tuple[Key, ...], seconds: float
    ) -> tuple[str, list[Key]]:
        """Can ``pid`` join with everyone in ``placed`` staying and the rules in ``relax``
        off, within ``seconds`` of the budget's unit? Returns the status name and, when
        not, the core (assumption keys)."""
        keep = [self.lit[PLACEMENT.code, q] for q in sorted(placed | {pid})]
        rules = [self.lit[k] for k in self.rule_keys() if k not in relax]
        self.model.clear_assumptions()
        self.model.add_assumptions(keep + rules)
        self._hint()
        solver = self._solver(seconds)
        status = solver.solve(self.model)
        self.budget.spent += solver.response_proto.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if not relax:
                self._keep(solver)
            return "placed", []
        if status == cp_model.INFEASIBLE:
            core = [self.key[i] for i in solver.sufficient_assumptions_for_infeasibility()]
            return "blocked", core
        return "unknown", []


def diagnose(
    program: Program,
    placed: set[str] | None = None,
    formed: int | None = None,
    time_limit: float = 20.0,
    workers: int = 1,
    cohorts: Sequence[ScheduledCohort] | None = None,
    work: float | None = None,
) -> list[Finding]:
    """The rules that keep people out of ``program``, one :class:`Finding` per cause.

    ``cohorts``: a plan's cohorts. Then exactly the people that plan leaves out
    are explained, and its placement stays as it is: someone who could join with
    everyone placed staying placed is reported as such (the goal ``placed``: the
    search stopped short of it).
    Without it, ``placed`` and ``formed`` (default: the greedy construction's)
    say who is placed and how many cohorts form, and people found placeable on
    the way count as placed. An empty list means everybody can be placed.
    ``time_limit`` bounds the solver's time in seconds; people it could not
    check in time get the heuristic reason of :mod:`.explain`, marked as such.
    ``work`` bounds it in CP-SAT's deterministic time instead (``time_limit`` is
    then not used): with one worker the diagnosis is then the same on every
    machine, however busy, and on every run.

    >>> from datetime import date
    >>> from backstage_sched.domain import Facilitator, Participant, Program
    >>> people = tuple(Participant(f"p{i}", f"Person {i}", f"p{i}@x.example", f"Org {i}")
    ...                for i in range(1, 4))
    >>> program = Program("t", "Test", date(2027, 1, 11), date(2027, 6, 30),
    ...                   facilitators=(Facilitator("f1", "F", "f@x.example"),),
    ...                   participants=people)
    >>> [f.rule for f in diagnose(program)]
    ['group size']
    """
    budget = _Budget(time_limit) if work is None else _Budget(work, work=True)
    inst = Instance.of(program)
    whole = program_problem(inst)
    if whole is not None:
        return [whole]
    findings = [f for n in range(len(inst.participants)) if (f := person_problem(inst, n))]
    fixed = {pid for f in findings for pid in f.people}
    placed, formed, built = _starting_point(inst, placed, formed, cohorts)
    placed -= fixed
    waiting = [p.id for p in inst.participants if p.id not in placed and p.id not in fixed]
    if not waiting:
        return findings
    if _Wide(program, inst.calendar).cohort_slots == 0:
        return findings + _heuristic(inst, placed, formed, fixed, note="")
    w = words(inst)
    if len(waiting) > MAX_CHECKED:
        note = w._("not checked by the solver: {count} unplaced, more than {most}",
                   count=len(waiting), most=MAX_CHECKED)
        return findings + _heuristic(inst, placed, formed, fixed, note)
    checker = _Diagnosis(inst, workers, formed, built, cohorts, budget)
    asked = _ask_each(checker, waiting, placed, cohorts is not None)
    if cohorts is None:
        formed = checker.formed()
    unplaced = sum(1 for p in inst.participants if p.id not in asked.placed)
    findings += _render(inst, asked.blames, formed, unplaced)
    findings += [_addable(inst, pid) for pid in asked.addable]
    note = w._("not confirmed by the solver within the time limit")
    skip = {p.id for p in inst.participants if p.id not in asked.unsure}
    findings += _heuristic(inst, asked.placed, formed, skip, note)
    order = {p.id: n for n, p in enumerate(inst.participants)}
    findings.sort(key=lambda f: min((order[p] for p in f.people), default=-1))
    return findings


def _starting_point(
    inst: Instance, placed: set[str] | None, formed: int | None,
    cohorts: Sequence[ScheduledCohort] | None,
) -> tuple[set[str], int, list[Built] | None]:
    """Who is placed and how many cohorts form: the plan's, the caller's, or the greedy's."""
    built = None
    if cohorts is not None:
        return {m for c in cohorts for m in c.members}, len(cohorts), None
    if placed is None:
        built = greedy(inst)
        placed = {inst.participants[p].id for b in built for p in b.members}
        formed = len(built) if formed is None else formed
    return set(placed), formed if formed is not None else 0, built


@dataclass
class _Asked:
    """What the solver said about each waiting person."""

    placed: set[str]
    blames: dict[str, list[Key]] = field(default_factory=dict)
    unsure: list[str] = field(default_factory=list)
    addable: list[str] = field(default_factory=list)  # could join the plan as it is


def _ask_each(
    checker: _Diagnosis, waiting: list[str], placed: set[str], keep_plan: bool,
) -> _Asked:
    """Ask, person by person within the checker's budget, whether and why each can join."""
    asked = _Asked(placed)
    limit = checker.budget.limit
    for pid in waiting:
        left = checker.budget.left()
        if left <= 0.2:
            asked.unsure.append(pid)
            continue
        status, core = checker.ask(pid, asked.placed, (), min(left, max(2.0, limit / 8)))
        if status == "placed" and keep_plan:
            asked.addable.append(pid)  # the plan stays as it is: say it could do better
        elif status == "placed":
            asked.placed = checker.placed()
        elif status == "unknown":
            asked.unsure.append(pid)
        else:
            asked.blames[pid] = _binding(checker, pid, asked.placed, core)
    return asked


def _org_of(inst: Instance, pid: str) -> str:
    return inst.participants[inst.participant_index[pid]].organization


@explains(ORGANISATION_MIX)
def _other_org(inst: Instance, pid: str, org: str) -> Finding:
    """``pid`` (of another organisation) could join only if a cohort took more of ``org``."""
    w = words(inst)
    person = inst.participants[inst.participant_index[pid]]
    cap = inst.program.groups.max_per_organization
    return Finding(
        ORGANISATION_MIX.code,
        (pid,),
        w.n_("{who} ({own}) could be placed only in a cohort that would need more than "
             "{count} member from {org}, which a mixed run does not allow",
             "{who} ({own}) could be placed only in a cohort that would need more than "
             "{count} members from {org}, which a mixed run does not allow",
             cap, who=w.who(person), own=person.organization, org=org),
        w._("allow {more} per cohort (max_per_organization = {more}), or find more "
            "registrants from other organisations who share {name}'s dates",
            more=cap + 1, name=person.name),
    )


def _addable(inst: Instance, pid: str) -> Finding:
    """``pid`` could join the plan with everyone placed staying placed."""
    w = words(inst)
    person = inst.participants[inst.participant_index[pid]]
    return Finding(
        PLACED.code,
        (pid,),
        w._("a plan exists that places {who} as well, with everyone placed staying placed; "
            "this plan's search stopped before it found it", who=w.who(person)),
        w._("plan again with more effort (--effort, e.g. twice the value used)"),
        heading="search effort",
    )


def _binding(
    checker: _Diagnosis, pid: str, placed: set[str], core: list[Key]
) -> list[Key]:
    """The rules of ``core`` that alone let ``pid`` in; else ``[("all", *rules)]`` when
    only several together do (``"core"`` when that could not be shown in time);
    empty when no relaxable rule is in the core."""
    rules = [k for k in core if k[0] != PLACEMENT.code]
    singles = []
    proven = True  # every rule alone shown not to be enough
    for key in rules:
        left = checker.budget.left()
        if left <= 0.2:
            proven = False
            break
        status, _ = checker.ask(pid, placed, (key,), min(left, max(1.0, checker.budget.limit / 16)))
        if status == "placed":
            singles.append(key)
        proven = proven and status == "blocked"
    if singles:
        return singles
    return [("all" if proven else "core", *rules)] if rules else []


def _heuristic(
    inst: Instance, placed: set[str], formed: int, skip: set[str], note: str
) -> list[Finding]:
    """Heuristic findings (see :mod:`.explain`) for the unplaced not in ``skip``, those
    of one organisation's mix and of facilitator capacity grouped."""
    unplaced = sum(1 for p in inst.participants if p.id not in placed)
    result = []
    by_org: dict[str, list[str]] = {}
    capacity: list[str] = []
    for n, person in enumerate(inst.participants):
        if person.id in placed or person.id in skip:
            continue
        f = heuristic_finding(inst, n, placed, formed, unplaced)
        if f.rule == ORGANISATION_MIX.code and org_must_wait(inst, formed):
            by_org.setdefault(person.organization, []).append(person.id)
            continue
        if f.rule == FACILITATOR_CAPACITY.code and capacity_must_wait(inst):
            capacity.append(person.id)
            continue
        result.append(f)
    for org, people in by_org.items():
        result.append(org_cap_finding(inst, org, people, formed, org_must_wait(inst, formed)))
    if capacity:
        result.append(capacity_finding(inst, capacity, formed, unplaced))
    if note:
        result = [replace(f, message=f"{f.message} ({note})") for f in result]
    return result


def _render(
    inst: Instance, blames: dict[str, list[Key]], formed: int, waiting: int
) -> list[Finding]:
    """Findings in the coordinator's words, grouped per organisation and for capacity;
    ``waiting`` people are unplaced in all."""
    result: list[Finding] = []
    by_org: dict[str, list[str]] = {}
    capacity: list[str] = []
    full = formed >= facilitator_capacity(inst)
    for pid, keys in blames.items():
        if not keys:
            result.append(_full(inst, pid, formed))
        for key in keys:
            if key[0] in ("all", "core"):
                parts = [k for k in key[1:] if isinstance(k, tuple)]
                if full and all(k[0] == FACILITATOR_CAPACITY.code for k in parts):
                    capacity.append(pid)  # every facilitator at max_cohorts
                else:
                    result.append(_together(inst, pid, parts, key[0] == "all"))
            elif key[0] == ORGANISATION_MIX.code and _org_of(inst, pid) == key[1]:
                by_org.setdefault(str(key[1]), []).append(pid)
            elif key[0] == ORGANISATION_MIX.code:
                result.append(_other_org(inst, pid, str(key[1])))
            elif key[0] == FACILITATOR_CAPACITY.code and full:
                if pid not in capacity:
                    capacity.append(pid)
            else:
                result.append(_single(inst, pid, key, formed))
    for org, people in by_org.items():
        result.append(org_cap_finding(inst, org, people, formed, org_must_wait(inst, formed)))
    if capacity:
        result.append(capacity_finding(inst, capacity, formed, waiting))
    return result


@explains(FACILITATOR_AVAILABILITY, FACILITATOR_CAPACITY, GROUP_SIZE)
@explains(PARTICIPANT_AVAILABILITY)
def _single(inst: Instance, pid: str, key: Key, formed: int) -> Finding:
    """One rule that alone keeps ``pid`` out (not org cap, not global capacity)."""
    w = words(inst)
    person = inst.participants[inst.participant_index[pid]]
    kind = key[0]
    fields = {"who": w.who(person), "name": person.name}
    if kind == NOT_WITH.code:
        other_id = str(key[2] if key[1] == pid else key[1])
        return not_with_finding(inst, person, (other_id,), formed)
    if kind == MET_BEFORE.code:
        return met_before_finding(inst, person, str(key[2] if key[1] == pid else key[1]))
    if kind == PARTICIPANT_AVAILABILITY.code and key[1] == pid:
        return Finding(
            PARTICIPANT_AVAILABILITY.code,
            (pid,),
            w._("{who} is unavailable ({times}) on the dates of every cohort that has room, "
                "and too few others share their free dates to form a further cohort",
                times=w.unavailable(person), **fields),
            w._("narrow {name}'s unavailable times, or offer them a later program", **fields),
        )
    if kind == PARTICIPANT_AVAILABILITY.code:
        other = inst.participants[inst.participant_index[str(key[1])]]
        return Finding(
            PARTICIPANT_AVAILABILITY.code,
            (pid,),
            w._("{who} could only join a cohort with {other}, whose unavailable times "
                "({times}) rule out the dates that would suit both",
                other=w.who(other), times=w.unavailable(other), **fields),
            w._("narrow {other}'s or {name}'s unavailable times", other=other.name, **fields),
        )
    if kind in (FACILITATOR_AVAILABILITY.code, FACILITATOR_CAPACITY.code):
        return _facilitator(inst, person, kind, next(f for f in inst.facilitators
                                                     if f.id == key[1]))
    if kind == GROUP_SIZE.code:
        return Finding(
            GROUP_SIZE.code,
            (pid,),
            w._("every cohort that suits {who}'s dates is full or would break a rule, and the "
                "people left out can form no further cohort of at least {size} with {who} "
                "that keeps every rule ({gap}); a smaller one could",
                size=inst.program.groups.min_size, gap=w.gap(inst.program), **fields),
            w._("lower min_size, raise max_size, or widen {name}'s availability", **fields)
            if restricted(person) else w._("lower min_size, or raise max_size"),
        )
    return _full(inst, pid, formed)


def _facilitator(
    inst: Instance, person: Participant, kind: str, fac: Facilitator
) -> Finding:
    """``person`` fits a cohort only with ``fac``, whose availability or
    ``max_cohorts`` (``kind``) rules it out."""
    w = words(inst)
    fields = {"who": w.who(person), "name": person.name, "facilitator": w.who(fac),
              "fac_name": fac.name}
    if kind == FACILITATOR_AVAILABILITY.code:
        return Finding(
            FACILITATOR_AVAILABILITY.code,
            (person.id,),
            w._("{who} fits a cohort only if {facilitator} leads it, but {fac_name} is "
                "unavailable then ({times})",
                times=w.all_of(w.time_rule(r) for r in fac.unavailable), **fields),
            w._("free {fac_name} on {name}'s dates, or add a facilitator", **fields),
        )
    return Finding(
        FACILITATOR_CAPACITY.code,
        (person.id,),
        w.n_("the cohort {who} could join needs {facilitator}, who already leads "
             "max_cohorts = {count} cohort; facilitators' limits: {detail}",
             "the cohort {who} could join needs {facilitator}, who already leads "
             "max_cohorts = {count} cohorts; facilitators' limits: {detail}",
             fac.max_cohorts or 0, detail=capacity_detail(inst), **fields),
        w._("raise {fac_name}'s max_cohorts, or add a facilitator", **fields),
    )


def _together(inst: Instance, pid: str, keys: list[Key], proven: bool) -> Finding:
    """Several rules that together keep ``pid`` out (``proven``: none does alone)."""
    w = words(inst)
    person = inst.participants[inst.participant_index[pid]]
    fields = {"who": w.who(person), "rules": "; ".join(_describe(inst, k) for k in keys)}
    if proven:
        message = w._("{who} is kept out, with everyone placed staying placed, by these rules "
                      "together (relaxing any one alone is not enough): {rules}", **fields)
    else:
        message = w._("{who} is kept out, with everyone placed staying placed, by these rules "
                      "together: {rules}", **fields)
    codes = list(dict.fromkeys(str(k[0]) for k in keys))
    return Finding(
        codes[0], (pid,), message,
        w._("relax one or more of them, or offer a later program"),
        also=tuple(codes[1:]), heading="several rules",
    )


def _describe(inst: Instance, key: Key) -> str:
    """One rule instance of a core, as a list item: ``availability of Anna (p01)``."""
    w = words(inst)
    kind = key[0]

    def person(pid: object) -> str:
        return w.who(inst.participants[inst.participant_index[str(pid)]])

    if kind == ORGANISATION_MIX.code:
        return w._("organisation mix for {org}", org=key[1])
    if kind == NOT_WITH.code:
        return w._("not_with between {a} and {b}", a=person(key[1]), b=person(key[2]))
    if kind == MET_BEFORE.code:
        return w._("met before: {a} and {b}", a=person(key[1]), b=person(key[2]))
    if kind == PARTICIPANT_AVAILABILITY.code:
        return w._("availability of {who}", who=person(key[1]))
    if kind == FACILITATOR_AVAILABILITY.code:
        return w._("availability of facilitator {id}", id=key[1])
    if kind == FACILITATOR_CAPACITY.code:
        return w._("max_cohorts of facilitator {id}", id=key[1])
    if kind == GROUP_SIZE.code:
        return f"min_size {w.value(inst.program.groups.min_size)}"
    return str(key)


@explains(GROUP_SIZE, FACILITATOR_NO_OVERLAP, FACILITATOR_BUFFER, FACILITATOR_SESSIONS_PER_DAY)
def _full(inst: Instance, pid: str, formed: int) -> Finding:
    """No relaxable rule binds: the cohorts are full (the group size's maximum), and
    the facilitators' time rules leave no further one."""
    w = words(inst)
    person = inst.participants[inst.participant_index[pid]]
    return Finding(
        GROUP_SIZE.code,
        (pid,),
        w.n_("{who} cannot join without leaving out someone already placed: the {count} "
             "cohort that can form is full (max_size {size}) or its times clash with the "
             "facilitators' other sessions",
             "{who} cannot join without leaving out someone already placed: the {count} "
             "cohorts that can form are full (max_size {size}) or their times clash with the "
             "facilitators' other sessions",
             formed, who=w.who(person), size=inst.program.groups.max_size),
        w._("raise max_size, or give {name} priority over another registrant", name=person.name),
        also=(FACILITATOR_NO_OVERLAP.code, FACILITATOR_BUFFER.code,
              FACILITATOR_SESSIONS_PER_DAY.code),
        heading="cohorts full",
    )
