"""One name per soft goal: every goal of goals.py has its model term, its count, its
bound and its level, found by looking them up; and, per goal, a pair of tests that
builds only that goal's term on a tiny fixed CP-SAT model and shows it penalised
and unpenalised (the model's term and the score's count agree on both)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from ortools.sat.python import cp_model

import backstage_sched
from backstage_sched import goals
from backstage_sched.domain import Facilitator, GroupRules, Participant, Program, TimeRule
from backstage_sched.goals import GOALS, LEVELS, Goal
from backstage_sched.i18n import LOCALE_DIR
from backstage_sched.inputs.workdays import Slot
from backstage_sched.rules import RULES, tagged
from backstage_sched.solver import score
from backstage_sched.solver.explain.finding import Finding
from backstage_sched.solver.model import objective
from backstage_sched.solver.model.instance import EarlierCohort, Instance
from backstage_sched.solver.model.variables import Variables, create_variables
from backstage_sched.solver.schedule import ScheduledCohort
from backstage_sched.solver.search import levels

EVERY = pytest.mark.parametrize("goal", list(GOALS.values()), ids=list(GOALS))


def _every_module() -> list[object]:
    return [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(backstage_sched.__path__, "backstage_sched.")
    ]


def _found(attribute: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for module in _every_module():
        for code, functions in tagged(module, attribute).items():
            found.setdefault(code, []).extend(f for f in functions if f not in found.get(code, []))
    return found


MODELLED = _found("models")
COUNTED = _found("counts")


# ---- the registry ---------------------------------------------------------------


@EVERY
def test_goal_has_one_model_term(goal: Goal) -> None:
    assert len(MODELLED.get(goal.code, [])) == 1, f"no one function marked @models({goal.code!r})"
    assert objective.TERMS[goal.code] is MODELLED[goal.code][0]


@EVERY
def test_goal_has_one_count(goal: Goal) -> None:
    assert len(COUNTED.get(goal.code, [])) == 1, f"no one function marked @counts({goal.code!r})"
    assert score.TERMS[goal.code] is COUNTED[goal.code][0]


@EVERY
def test_goal_has_a_bound_and_one_level(goal: Goal) -> None:
    assert goal.code in objective.TERM_BOUNDS
    assert goal.weight >= 1
    assert sum(goal in level.goals for level in LEVELS.values()) == 1


def test_tags_bounds_and_levels_name_only_goals() -> None:
    assert set(MODELLED) == set(COUNTED) == set(objective.TERM_BOUNDS) == set(GOALS)
    assert set(levels.POLISH) <= set(LEVELS)
    for level in LEVELS.values():
        assert all(GOALS[g.code] is g for g in level.goals), level.code
    # a level's code is its goal's when it has one goal; no code names two things
    for level in LEVELS.values():
        if len(level.goals) == 1:
            assert level.code == level.goals[0].code
        else:
            assert level.code not in GOALS
    assert not set(GOALS) & set(RULES) and not set(LEVELS) & set(RULES)


def test_every_term_function_of_the_model_and_the_score_is_registered() -> None:
    for module, params, attribute in ((objective, ["model", "v", "inst"], "models"),
                                      (score, ["inst", "cohorts"], "counts")):
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and list(
                    inspect.signature(fn).parameters) == params:
                assert getattr(fn, attribute, ()), f"{module.__name__}.{name} is not registered"


def test_the_objective_levels_are_registered_levels() -> None:
    program = _program(waited_before=("p3",))
    earlier = (EarlierCohort("f1", None, ("p1", "p2"), _slots(START, 3), (None, "p1", "p2"), 0),)
    for inst in (Instance.of(program), Instance.of(program, earlier, START - timedelta(days=7))):
        for level in objective.objective_levels(inst):
            assert LEVELS[level.code] is level


def test_every_level_has_its_name_in_the_command_line_catalogue() -> None:
    with (LOCALE_DIR / "sv" / "LC_MESSAGES" / "cli.po").open("rb") as fh:
        known = {m.id for m in read_po(fh) if m.id and m.string}
    assert set(LEVELS) <= known


def test_no_level_or_goal_is_looked_up_by_a_string_of_its_own() -> None:
    """The solver names levels and goals by their constants (``PLACED.code``), never by
    a string literal: a renamed goal cannot leave a lookup behind."""
    codes = set(GOALS) | set(LEVELS)
    solver = Path(objective.__file__).parents[1]
    for path in sorted(solver.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                assert node.slice.value not in codes, (path.name, node.lineno)
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".get") and (
                    node.args and isinstance(node.args[0], ast.Constant)):
                assert node.args[0].value not in codes, (path.name, node.lineno)
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and (
                    node.left.attr in {"code", "name"}):
                assert not any(isinstance(c, ast.Constant) and c.value in codes
                               for c in node.comparators), (path.name, node.lineno)


def test_weights_are_written_once() -> None:
    assert [(g.code, g.weight) for g in goals.BALANCE.goals] == [
        ("size_off_target", 4), ("facilitator_imbalance", 2), ("experience_monotony", 1)]
    for path in (objective.__file__, levels.__file__, score.__file__):
        text = Path(path).read_text(encoding="utf-8")
        assert "(4, " not in text and "(2, " not in text, path


# ---- each goal's term alone, on a tiny fixed model --------------------------------

START = date(2027, 1, 11)  # a Monday
GRID = 510  # 08:30, the first start time


def _program(**changes: object) -> Program:
    people = (
        Participant("p1", "Anna Berg", "p1@x.example", "Alfa AB", experience="new",
                    avoid=(TimeRule("mon", weekday=0),)),
        Participant("p2", "Bo Ek", "p2@x.example", "Beta AB", experience="new"),
        Participant("p3", "Cia Falk", "p3@x.example", "Gamma AB", experience="old"),
        Participant("p4", "Dan Gran", "p4@x.example", "Delta AB", experience="old"),
    )
    fields: dict[str, object] = {
        "facilitators": (Facilitator("f1", "Eva Holm", "f1@x.example"),
                         Facilitator("f2", "Per Ås", "f2@x.example")),
        "participants": people,
        "groups": GroupRules(size=2, min_size=2, max_size=3, max_per_organization=1),
    }
    fields.update(changes)
    return Program("t", "Test", START, date(2027, 6, 30), **fields)  # type: ignore[arg-type]


def _slots(first: date, count: int, minute: int = GRID) -> tuple[Slot, ...]:
    """``count`` sessions four weeks apart from ``first``, all at ``minute``."""
    return tuple(Slot(first + timedelta(weeks=4 * i), minute) for i in range(count))


def _cohort(facilitator: str, members: Sequence[str], first: date = START,
            slots: tuple[Slot, ...] | None = None) -> ScheduledCohort:
    slots = slots or _slots(first, len(members) + 1)
    return ScheduledCohort(facilitator, None, tuple(members), slots,
                           tuple(members[: len(slots) - 1]))


@dataclass
class _Pinned:
    """A model holding only the variables, pinned to ``cohorts``, and one goal's term."""

    inst: Instance
    cohorts: list[ScheduledCohort]

    def model_value(self, goal: Goal) -> int:
        model = cp_model.CpModel()
        v = create_variables(model, self.inst)
        self._pin(model, v)
        term = objective.TERMS[goal.code](model, v, self.inst)
        if isinstance(term, int):
            return term
        # the penalties are bounded from below only: their best is the true count
        model.maximize(term) if goal.maximize else model.minimize(term)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        return int(solver.value(term))

    def _pin(self, model: cp_model.CpModel, v: Variables) -> None:
        inst = self.inst
        fac = [f.id for f in inst.facilitators]
        for k in range(inst.cohort_slots):
            c = self.cohorts[k] if k < len(self.cohorts) else None
            model.add(v.open[k] == (c is not None))
            model.add(v.size[k] == (len(c.members) if c else 0))
            for p, person in enumerate(inst.participants):
                model.add(v.member[p, k] == (c is not None and person.id in c.members))
            for f, fid in enumerate(fac):
                model.add(v.lead[k, f] == (c is not None and c.facilitator == fid))
            for i in range(inst.n_sessions):
                on = c is not None and i < len(c.slots)
                model.add(v.active[k][i] == on)
                if c is not None and on:
                    slot = c.slots[i]
                    model.add(v.calendar_day[k][i] == (slot.day - inst.program.start).days)
                    model.add(v.slot[k][i] == inst.calendar.slot_minutes.index(slot.minute))

    def score_value(self, goal: Goal) -> int:
        cohorts = [replace_slot(c, k) for k, c in enumerate(self.cohorts)]
        return score.TERMS[goal.code](self.inst, cohorts)


def replace_slot(c: ScheduledCohort, k: int) -> ScheduledCohort:
    return ScheduledCohort(c.facilitator, c.venue, c.members, c.slots, c.case_owners, k)


def _value(goal: Goal, inst: Instance, cohorts: list[ScheduledCohort]) -> int:
    """The goal's term on ``cohorts``, from the model and from the score (they agree)."""
    pinned = _Pinned(inst, cohorts)
    found = pinned.model_value(goal)
    assert found == pinned.score_value(goal), goal.code
    return found


EVEN = [_cohort("f1", ("p1", "p3")), _cohort("f2", ("p2", "p4"))]
"""Everyone placed, two cohorts of the target size, one each, experience mixed."""


def test_placed_unpenalised() -> None:
    assert _value(goals.PLACED, Instance.of(_program()), EVEN) == 4


def test_placed_penalised() -> None:
    assert _value(goals.PLACED, Instance.of(_program()), EVEN[:1]) == 2


def test_waited_placed_unpenalised() -> None:
    inst = Instance.of(_program(waited_before=("p3", "p4")))
    assert _value(goals.WAITED_PLACED, inst, [_cohort("f1", ("p3", "p4"))]) == 2


def test_waited_placed_penalised() -> None:
    inst = Instance.of(_program(waited_before=("p3", "p4")))
    assert _value(goals.WAITED_PLACED, inst, [_cohort("f1", ("p1", "p2"))]) == 0


def test_avoid_hits_unpenalised() -> None:
    tuesdays = [_cohort("f1", ("p1", "p3"), START + timedelta(days=1)), EVEN[1]]
    assert _value(goals.AVOID_HITS, Instance.of(_program()), tuesdays) == 0


def test_avoid_hits_penalised() -> None:
    # p1 avoids Mondays: each of the cohort's three Monday sessions is a hit
    assert _value(goals.AVOID_HITS, Instance.of(_program()), EVEN) == 3


def test_irregular_sessions_unpenalised() -> None:
    assert _value(goals.IRREGULAR_SESSIONS, Instance.of(_program()), EVEN) == 0


def test_irregular_sessions_penalised() -> None:
    slots = _slots(START, 3)
    later = (*slots[:2], Slot(slots[2].day, GRID + 30))  # the last one half an hour later
    off = [_cohort("f1", ("p1", "p3"), slots=later), EVEN[1]]
    assert _value(goals.IRREGULAR_SESSIONS, Instance.of(_program()), off) == 1


def test_size_off_target_unpenalised() -> None:
    assert _value(goals.SIZE_OFF_TARGET, Instance.of(_program()), EVEN) == 0


def test_size_off_target_penalised() -> None:
    three = [_cohort("f1", ("p1", "p2", "p3"))]
    assert _value(goals.SIZE_OFF_TARGET, Instance.of(_program()), three) == 1


def test_facilitator_imbalance_unpenalised() -> None:
    assert _value(goals.FACILITATOR_IMBALANCE, Instance.of(_program()), EVEN) == 0


def test_facilitator_imbalance_penalised() -> None:
    both = [EVEN[0], _cohort("f1", ("p2", "p4"), START + timedelta(days=1))]
    assert _value(goals.FACILITATOR_IMBALANCE, Instance.of(_program()), both) == 2


def test_experience_monotony_unpenalised() -> None:
    assert _value(goals.EXPERIENCE_MONOTONY, Instance.of(_program()), EVEN) == 0


def test_experience_monotony_penalised() -> None:
    alike = [_cohort("f1", ("p1", "p2")), _cohort("f2", ("p3", "p4"))]
    assert _value(goals.EXPERIENCE_MONOTONY, Instance.of(_program()), alike) == 2


def _replan() -> Instance:
    """A re-plan before anything was held of one earlier cohort: f1 with p1 and p2."""
    earlier = EarlierCohort("f1", None, ("p1", "p2"), _slots(START, 3), (None, "p1", "p2"), 0)
    return Instance.of(_program(), (earlier,), START - timedelta(days=7))


def test_moved_sessions_unpenalised() -> None:
    assert _value(goals.MOVED_SESSIONS, _replan(), [_cohort("f1", ("p1", "p2"))]) == 0


def test_moved_sessions_penalised() -> None:
    slots = _slots(START, 3)
    moved = (*slots[:2], Slot(slots[2].day + timedelta(days=1), GRID))
    assert _value(goals.MOVED_SESSIONS, _replan(),
                  [_cohort("f1", ("p1", "p2"), slots=moved)]) == 1


def test_changed_memberships_unpenalised() -> None:
    assert _value(goals.CHANGED_MEMBERSHIPS, _replan(), [_cohort("f1", ("p1", "p2"))]) == 0


def test_changed_memberships_penalised() -> None:
    assert _value(goals.CHANGED_MEMBERSHIPS, _replan(), [_cohort("f1", ("p1", "p3"))]) == 1


def test_every_goal_has_an_unpenalised_and_a_penalised_test() -> None:
    names = {n for n in globals() if n.startswith("test_")}
    for code in GOALS:
        assert {f"test_{code}_unpenalised", f"test_{code}_penalised"} <= names, code


# ---- findings name a rule or a goal ------------------------------------------------


def test_findings_name_only_rules_and_goals() -> None:
    """No finding is made with a code of its own: the first argument of every
    ``Finding(...)`` in the package is a registered constant's ``.code`` or a value
    that came from one, and a made-up code is refused."""
    package = Path(backstage_sched.__file__).parent
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "Finding":
                first = node.args[0] if node.args else None
                assert not isinstance(first, ast.Constant), (path.name, node.lineno)
    with pytest.raises(ValueError, match="neither a rule's nor a goal's code"):
        Finding("cohorts full", ("p1",), "", "")
    with pytest.raises(ValueError, match="not a heading"):
        Finding(goals.PLACED.code, ("p1",), "", "", heading="placed")
    assert Finding(goals.PLACED.code, ("p1",), "", "", heading="search effort").name == (
        "search effort")


def test_every_goal_and_level_is_documented_under_its_code_with_its_weight() -> None:
    docs = Path(backstage_sched.__file__).parents[2] / "docs"
    text = (docs / "rules.md").read_text(encoding="utf-8")
    aims = text[text.index("## What the planner aims for"):]
    for code in (*GOALS, *LEVELS):
        assert f"`{code}`" in aims, code
    outputs = (docs / "outputs.md").read_text(encoding="utf-8")
    for doc in (aims, outputs):
        weights = {code: int(w) for code, w in re.findall(r"`(\w+)`, weight (\d+)", doc)}
        assert weights == {g.code: g.weight for g in goals.BALANCE.goals}
