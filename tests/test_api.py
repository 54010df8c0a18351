"""The public API (docs/api.md): complete, documented, and all the examples need."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import backstage_sched

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_and_is_documented() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in backstage_sched.__all__:
        assert hasattr(backstage_sched, name), name
        if name != "__version__":
            assert f"`{name}" in api, f"{name} is not in docs/api.md"


def test_every_change_is_a_library_function() -> None:
    for name in ("transfer", "withdraw", "move", "cancel_cohort", "replan_program"):
        assert callable(getattr(backstage_sched, name))


def _imports_of(source: str) -> list[str]:
    """The backstage_sched modules imported by ``source`` (``from x import y`` gives x)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [m for m in found if m.split(".")[0] == "backstage_sched"]


def test_examples_use_only_the_public_api() -> None:
    scripts = sorted((ROOT / "examples").rglob("*.py"))
    assert scripts
    for script in scripts:
        for module in _imports_of(script.read_text(encoding="utf-8")):
            assert module == "backstage_sched", f"{script.name} imports {module}"


def test_readme_python_uses_only_the_public_api() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        for module in _imports_of(block):
            assert module == "backstage_sched", module


def test_solve_options_show_only_the_users_settings() -> None:
    from dataclasses import fields

    names = {f.name for f in fields(backstage_sched.SolveOptions)}
    assert names == {"seed", "workers", "effort", "time_limit"}
