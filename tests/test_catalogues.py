"""The message catalogues (SPEC §6): compiled as committed, complete, and used by the code."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import backstage_sched
from backstage_sched.i18n import DOMAINS, LOCALE_DIR

PACKAGE = Path(backstage_sched.__file__).parent
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def _read(po: Path):
    with po.open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_committed_mo_is_the_po_compiled(po: Path) -> None:
    buf = io.BytesIO()
    write_mo(buf, _read(po))
    assert po.with_suffix(".mo").read_bytes() == buf.getvalue(), "run make catalogues"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_message_is_translated(po: Path) -> None:
    assert po.stem in DOMAINS
    for message in _read(po):
        if message.id:
            assert not message.fuzzy, message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), f"untranslated: {message.id!r}"


def _used() -> set[str]:
    """Every literal text the code looks up (``._("…")``, ``.n_("…", "…", n)``)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("_", "n_") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_text_the_code_uses_is_in_each_catalogue() -> None:
    languages = {po.parts[-3] for po in CATALOGUES}
    for language in languages:
        known = {
            m.id if isinstance(m.id, str) else m.id[0]
            for po in LOCALE_DIR.glob(f"{language}/LC_MESSAGES/*.po") for m in _read(po)
        }
        assert _used() - known == set(), language
