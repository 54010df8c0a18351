"""Warnings before planning (issue 22, item 7): what cannot work is said up front.

A facilitator unavailable the whole year gave exit 0, "Plan verified and
written" and nobody placed. Now :func:`backstage_sched.preflight` names the
facilitator and the rule before any solving, ``plan`` prints it, and
``plan --strict`` stops there with exit code 2, writing nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from backstage_sched import PreflightWarning, load_program, preflight, write_templates
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, main
from backstage_sched.rules import FACILITATOR_AVAILABILITY, GAP, PROGRAM_WINDOW

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_AWAY = 'unavailable = ["2027-03-01..2027-03-05", "fri"]'
SECOND = """
[[facilitators]]
id = "f-johan"
name = "Johan Ekström"
email = "johan.ekstrom@example.org"
"""


def _program(folder: Path, away: str = "", *, extra: str = "", **replace: str) -> Path:
    """The ``init`` templates for 2027 (eight registrations, facilitator f-ingrid),
    with f-ingrid's unavailable times set to ``away`` and keys replaced."""
    toml, _ = write_templates(folder, year=2027)
    text = toml.read_text(encoding="utf-8")
    assert TEMPLATE_AWAY in text
    text = text.replace(TEMPLATE_AWAY, f"unavailable = [{away}]")
    for key, value in replace.items():
        text, count = _set(text, key, value)
        assert count == 1, key
    toml.write_text(text + extra, encoding="utf-8")
    return toml


def _set(text: str, key: str, value: str) -> tuple[str, int]:
    """``text`` with the first line setting ``key`` (the [program] one) set to ``value``."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f"{key} ="):
            lines[i] = f"{key} = {value}\n"
            return "".join(lines), 1
    return text, 0


def _warnings(folder: Path, away: str = "", **kwargs: str) -> list[PreflightWarning]:
    toml = _program(folder, away, **kwargs)
    return preflight(load_program(toml, folder / "participants.csv"))


def test_a_facilitator_never_free_is_named_before_planning(tmp_path: Path) -> None:
    (warning,) = _warnings(tmp_path, '"2027-01-01..2027-12-31"')
    assert warning.rule == FACILITATOR_AVAILABILITY.code
    assert warning.facilitator == "f-ingrid"
    assert str(warning) == (
        "[facilitator availability] facilitator Ingrid Sjöström (f-ingrid) has no session "
        "time in the program window 2027-01-11..2027-12-17: their unavailable times "
        "(2027-01-01..2027-12-31) cover all 202 days sessions may fall on (weekdays, public "
        "holidays, extra closed days and blackouts counted), so they can lead no cohort; "
        "they are the only facilitator, so nobody can be placed"
    )


def test_plan_strict_stops_before_planning_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = _program(tmp_path, '"2027-01-01..2027-12-31"')
    out = tmp_path / "plan"
    argv = ["plan", str(toml), str(tmp_path / "participants.csv"), "--out", str(out)]
    assert main([*argv, "--strict"]) == EXIT_INPUT
    err = " ".join(capsys.readouterr().err.split())
    # the templates are a Swedish program: the warning is said in Swedish
    assert "varning: [" in err  # the rule's name from the reasons catalogue
    assert "] samtalsledaren Ingrid Sjöström (f-ingrid) har ingen tid för träffar" in err
    assert "Stoppade före planeringen (--strict). Inget har skrivits." in err
    assert not out.exists()
    assert main(argv) == EXIT_OK  # without --strict: said, and planning goes on
    err = " ".join(capsys.readouterr().err.split())
    assert "] samtalsledaren Ingrid Sjöström (f-ingrid)" in err
    assert "Planeringen fortsätter; med --strict hade den stoppat här." in err
    assert (out / "plan.json").is_file()


def test_a_facilitator_free_too_briefly_for_a_series_is_named(tmp_path: Path) -> None:
    (warning,) = _warnings(tmp_path, '"2027-01-01..2027-09-30"', extra=SECOND)
    assert warning.rule == FACILITATOR_AVAILABILITY.code and warning.facilitator == "f-ingrid"
    assert "facilitator Ingrid Sjöström (f-ingrid) is free on only " in warning.message
    assert "(between 2027-10-01 and 2027-12-17), which hold no series of a kick-off and " \
           f"4 more sessions, 28–35 days apart ({GAP.code})" in warning.message


def test_one_facilitator_away_is_named_but_not_said_to_stop_everyone(tmp_path: Path) -> None:
    (warning,) = _warnings(tmp_path, '"2027-01-01..2027-12-31"', extra=SECOND)
    assert warning.facilitator == "f-ingrid"
    assert "nobody" not in warning.message


def test_every_facilitator_away_says_nobody_can_be_placed(tmp_path: Path) -> None:
    away = SECOND + 'unavailable = ["mon", "tue", "wed", "thu", "fri"]\n'
    found = _warnings(tmp_path, '"2027-01-01..2027-12-31"', extra=away)
    assert [w.facilitator for w in found] == ["f-ingrid", "f-johan", None]
    assert found[-1].message == (
        "no facilitator can lead a cohort (f-ingrid, f-johan), so nobody can be placed")


def test_a_window_too_short_for_a_cohort_is_named(tmp_path: Path) -> None:
    (warning,) = _warnings(tmp_path, end="2027-03-31")
    assert warning.rule == PROGRAM_WINDOW.code and warning.facilitator is None
    assert warning.message == (
        "the program window 2027-01-11..2027-03-31 is too short for a cohort: a kick-off and "
        "4 more sessions, 28–35 days apart, take at least 112 days from first to last "
        "session; no cohort can be planned"
    )


def test_closed_days_that_leave_no_series_are_named(tmp_path: Path) -> None:
    closed = [date(2027, 2, 1) + timedelta(days=i) for i in range(89)]  # February–April
    (warning,) = _warnings(
        tmp_path, end="2027-06-30", extra_closed="[" + ", ".join(map(str, closed)) + "]"
    )
    assert warning.rule == GAP.code
    assert "in the program window 2027-01-11..2027-06-30 (weekdays, public holidays, extra " \
           "closed days and blackouts counted) hold no series of a kick-off and 4 more " \
           "sessions, 28–35 days apart" in warning.message


@pytest.mark.parametrize(
    "files",
    [
        ("mixed-2027/program.toml", "mixed-2027/participants.csv"),
        ("company-2027/program.toml", None),
        ("orebro-2027/program.toml", "orebro-2027/participants.xlsx"),
    ],
)
def test_the_example_programs_give_no_warning(files: tuple[str, str | None]) -> None:
    toml, people = files
    examples = ROOT / "examples"
    program = load_program(examples / toml, None if people is None else examples / people)
    assert preflight(program) == []


def test_the_template_gives_no_warning(tmp_path: Path) -> None:
    toml, csv = write_templates(tmp_path, year=2027)
    assert preflight(load_program(toml, csv)) == []
