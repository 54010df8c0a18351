"""The docs tell the truth about the rules: every rule the checker knows is in docs/rules.md
under the name the checker prints, and the README links nothing outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from backstage_sched.rules import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_every_checked_rule_is_documented_under_its_name() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\*\*\[([^\]]+)\]\*\*", text))
    assert documented == set(RULES)


def test_readme_and_docs_link_only_inside_the_repository() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            assert "://" not in target, (path.name, target)
            assert (path.parent / target).resolve().is_relative_to(ROOT), (path.name, target)
            assert (path.parent / target).exists(), (path.name, target)


def test_every_file_a_plan_folder_holds_is_in_the_readme_and_outputs_md(tmp_path: Path) -> None:
    from backstage_sched import write_templates
    from backstage_sched.cli.app import main

    paths = write_templates(tmp_path / "ht2027", year=2027)
    out = tmp_path / "plan"
    assert main(["plan", *map(str, paths), "--out", str(out), "-q"]) == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    outputs = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    for entry in out.iterdir():
        name = entry.name if entry.is_file() else f"{entry.name}/"
        assert name.rstrip("/") in readme, name
        assert name.rstrip("/") in outputs, name
