"""Every ``# type: ignore`` in the package says why on its own line.

mypy (``make test``) already refuses one without an error code
(``ignore-without-code``) or one no longer needed (``warn_unused_ignores``
under ``strict``); this adds the reason: ``# type: ignore[code]  # why``.
"""

from __future__ import annotations

import re
from pathlib import Path

import backstage_sched

PACKAGE = Path(backstage_sched.__file__).parent
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)$")
EXPLAINED = re.compile(r"^\[[a-z-]+(,\s*[a-z-]+)*\]\s+#\s*\S")


def _unexplained(text: str) -> list[int]:
    """Line numbers of ``text`` whose type: ignore lacks a code or a reason."""
    return [n for n, line in enumerate(text.splitlines(), start=1)
            if (found := IGNORE.search(line)) and not EXPLAINED.match(found["rest"])]


def test_the_pattern_tells_a_reason_from_none() -> None:
    assert _unexplained("x = f()  # type: ignore[attr-defined]  # stub lacks f\n") == []
    assert _unexplained("x = f()  # type: ignore[misc,index]  # one is set\n") == []
    assert _unexplained("x = f()  # type: ignore[attr-defined]\n") == [1]
    assert _unexplained("x = f()  # type: ignore\n") == [1]
    assert _unexplained("x = f()  # type: ignore  # why\n") == [1]


def test_every_type_ignore_names_its_code_and_why() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n in _unexplained(path.read_text(encoding="utf-8"))
    }
    assert not found, f"type: ignore without '[code]  # why': {sorted(found)}"
