"""The docs tell the truth about the rules: every rule the checker knows is in docs/rules.md
under the name the checker prints, and the README links nothing outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from backstage_sched.verify import RULES

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
