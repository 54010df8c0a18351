"""A test whose tool is missing skips with its reason, and fails under ``CI=true``."""

from __future__ import annotations

import pytest

from missing import in_ci, missing


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_under_ci_a_missing_tool_fails(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match=r"no libical \(CI=true"):
        missing("no libical")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_without_ci_a_missing_tool_skips(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match=r"^no libical$"):
        missing("no libical")
