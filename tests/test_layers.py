"""The house's floors (docs/architecture.md): imports only point down the flow.

Every import in the package, at module level or inside a function, is read
with :mod:`ast`; a stage may use the ground floor, earlier stages and itself,
never a later stage; the checker never uses the solver; and no two modules
import each other, directly or round a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import backstage_sched

PACKAGE = Path(backstage_sched.__file__).parent
GROUND = {"_version", "domain", "plan", "rules", "goals", "errors", "i18n", "wording",
          "said"}
STAGES = ["inputs", "solver", "check", "publish", "actions", "cli"]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(["backstage_sched", *parts])] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package modules ``name`` imports (``from x import y`` counts y when y is a module)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                out.add(target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _floor(name: str) -> int | None:
    """0 for the ground floor, 1… for the stages in flow order, None for the roof."""
    parts = name.split(".")
    if len(parts) == 1:
        return None  # backstage_sched/__init__.py: the public API over everything
    if parts[1] in GROUND:
        return 0
    return STAGES.index(parts[1]) + 1


def test_every_module_is_on_a_floor() -> None:
    for name in MODULES:
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in GROUND or parts[1] in STAGES, name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name: str) -> None:
    floor = _floor(name)
    if floor is None:
        return
    for target in GRAPH[name]:
        below = _floor(target)
        assert below is not None and below <= floor, f"{name} imports later stage {target}"


def test_the_checker_never_uses_the_solver() -> None:
    for name, targets in GRAPH.items():
        if name.startswith("backstage_sched.check"):
            assert not [t for t in targets if t.startswith("backstage_sched.solver")], name


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name]):
            # a package's __init__ re-exporting its own modules is not a loop
            if name.startswith(target + ".") or target.startswith(name + "."):
                continue
            if state.get(target) == 1:
                loop = [*trail[trail.index(target):], target] if target in trail else [target]
                raise AssertionError("import cycle: " + " -> ".join(loop))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
