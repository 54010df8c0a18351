"""The year walkthrough: plan, three re-plans, transfer, withdrawal, move, cancellation."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import icalendar
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "year-2027" / "walkthrough.py"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("year")
    argv = sys.argv
    sys.argv = [str(SCRIPT), str(out)]
    try:
        runpy.run_path(str(SCRIPT), run_name="__main__")  # asserts every outbox itself
    finally:
        sys.argv = argv
    return out


def _messages(folder: Path) -> list[dict]:
    return json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["messages"]


def test_every_step_writes_a_verified_folder(year: Path) -> None:
    steps = sorted(p.name for p in year.iterdir())
    assert len(steps) == 8 and steps[0] == "1-plan" and steps[-1] == "8-replan-sick-leave"


def test_transfer_cancels_for_the_leaver_and_invites_the_newcomer(year: Path) -> None:
    messages = _messages(year / "3-transfer")
    cancels = [m for m in messages if m["method"] == "CANCEL"]
    requests = [m for m in messages if m["method"] == "REQUEST"]
    assert cancels and all([r["id"] for r in m["recipients"]] == ["p003"] for m in cancels)
    assert requests and all("p038" in [r["id"] for r in m["recipients"]] for m in requests)
    for m in cancels:
        (event,) = icalendar.Calendar.from_ical(
            (year / "3-transfer" / m["file"]).read_bytes()
        ).walk("VEVENT")
        assert "STATUS" not in event


def test_late_withdrawal_is_charged(year: Path) -> None:
    costs = (year / "5-withdraw" / "costs.csv").read_text(encoding="utf-8").splitlines()
    assert sum(int(line.split(",")[-1]) for line in costs[1:]) == 1


def test_cancelled_cohort_sessions_carry_status_cancelled(year: Path) -> None:
    messages = _messages(year / "7-cancel-cohort")
    assert messages and {m["change"] for m in messages} == {"cancelled"}
    for m in messages:
        (event,) = icalendar.Calendar.from_ical(
            (year / "7-cancel-cohort" / m["file"]).read_bytes()
        ).walk("VEVENT")
        assert event["STATUS"] == "CANCELLED" and len(m["recipients"]) >= 1


def test_sick_leave_replan_never_reuses_a_cancelled_cohort_id(year: Path) -> None:
    before = json.loads((year / "7-cancel-cohort" / "plan.json").read_text(encoding="utf-8"))
    after = json.loads((year / "8-replan-sick-leave" / "plan.json").read_text(encoding="utf-8"))
    cancelled = set(before["objective"]["retired_cohorts"])
    assert cancelled and not cancelled & {c["id"] for c in after["cohorts"]}
    for c in after["cohorts"]:
        for s in c["sessions"]:
            assert s["uid"].split("-")[1] not in cancelled
