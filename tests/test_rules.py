"""One name per rule: every hard rule of rules.py has its constraint, its check,
its explanation and its tests, found by looking them up (docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import backstage_sched
from backstage_sched.check import local, resources, times, verify
from backstage_sched.rules import RULES, Rule, tagged
from backstage_sched.solver.explain import diagnose, met
from backstage_sched.solver.explain import reasons as explain
from backstage_sched.solver.model import constraints

TESTS = Path(__file__).parent


def _every_module() -> list[object]:
    return [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(backstage_sched.__path__, "backstage_sched.")
    ]


def _found(attribute: str, modules: list[object]) -> dict[str, list]:
    found: dict[str, list] = {}
    for module in modules:
        for code, functions in tagged(module, attribute).items():
            found.setdefault(code, []).extend(functions)
    return found


ENFORCED = _found("enforces", _every_module())
CHECKED = _found("checks", [verify, times, resources, local])
EXPLAINED = _found("explains", [explain, diagnose, met])


def _marks() -> dict[tuple[str, str], list[str]]:
    """(kind, code) -> the tests marked ``@pytest.mark.rule(kind, code)``."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if (
                    isinstance(deco, ast.Call)
                    and ast.unparse(deco.func) == "pytest.mark.rule"
                    and all(isinstance(a, ast.Constant) for a in deco.args)
                ):
                    kind, code = (a.value for a in deco.args)
                    found.setdefault((kind, code), []).append(
                        f"{path.relative_to(TESTS).as_posix()}::{node.name}"
                    )
    return found


MARKS = _marks()
EVERY = pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))


@EVERY
def test_rule_has_a_constraint(rule: Rule) -> None:
    assert ENFORCED.get(rule.code), f"no function marked @enforces({rule.code!r})"


@EVERY
def test_rule_has_a_check(rule: Rule) -> None:
    assert CHECKED.get(rule.code), f"no check marked @checks({rule.code!r})"


@EVERY
def test_rule_that_can_keep_someone_out_is_explained(rule: Rule) -> None:
    if rule.keeps_out:
        assert EXPLAINED.get(rule.code), f"no finding marked @explains({rule.code!r})"
    else:
        assert rule.code not in EXPLAINED


@EVERY
@pytest.mark.parametrize("kind", ["kept", "broken"])
def test_rule_has_a_kept_and_a_broken_test(rule: Rule, kind: str) -> None:
    assert MARKS.get((kind, rule.code)), f"no test marked @pytest.mark.rule({kind!r}, ...)"


def test_marks_name_only_rules_and_kinds() -> None:
    for kind, code in MARKS:
        assert kind in {"kept", "broken"} and code in RULES, (kind, code)


def test_tags_name_only_rules() -> None:
    for found in (ENFORCED, CHECKED, EXPLAINED):
        assert set(found) <= set(RULES)


def test_every_hard_rule_function_of_the_model_is_tagged() -> None:
    for add in constraints.HARD_RULES:
        if add.__name__ not in {"add_history", "add_symmetry_breaking"}:
            assert getattr(add, "enforces", ()), add.__name__


def test_every_rule_has_a_pair_beside_its_constraint() -> None:
    """tests/solver/test_rules_pairs.py builds each rule's family alone on a tiny model
    and shows it kept and broken (issue 24: a rule's test beside its constraint)."""
    for code in RULES:
        for kind in ("kept", "broken"):
            where = MARKS.get((kind, code), [])
            assert any(w.startswith("solver/test_rules_pairs.py::") for w in where), (kind, code)


def test_the_docs_show_the_marker_as_the_tests_use_it() -> None:
    # (kind, code), as pyproject.toml declares it and _marks() reads it
    root = TESTS.parent
    shown = {
        "docs/architecture.md": (root / "docs" / "architecture.md").read_text(encoding="utf-8"),
        "rules.py": (root / "src" / "backstage_sched" / "rules.py").read_text(encoding="utf-8"),
    }
    for name, text in shown.items():
        calls = re.findall(r"pytest\.mark\.rule\(\s*([^,)]+),\s*([^)]+)\)", text)
        assert calls, name
        for kind, code in calls:
            assert kind.strip("\"'") in {"kept", "broken", "kind"}, (name, kind, code)
            assert code.strip("\"'") not in {"kept", "broken"}, (name, kind, code)
    assert '"rule(kind, code):' in (root / "pyproject.toml").read_text(encoding="utf-8")
