"""The command line speaks the program's language (SPEC §10, issue 21).

Every command runs on the Swedish company example and on the same program in
English. What it prints is said through the ``cli`` catalogue: the Swedish
run shows no three-word phrase of the English texts, the English run none of
the Swedish ones. Before a program is read (``--help``, argparse's errors, a
file that is not there) the command line follows ``LC_ALL``/``LC_MESSAGES``/
``LANG``. Machine output (``--json``, file and field names) and exit codes are
the same in both languages.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from backstage_sched.cli import app
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK
from backstage_sched.cli.words import environment_language, speech
from backstage_sched.i18n import LOCALE_DIR
from backstage_sched.publish.folder import read_plan_dir
from conftest import (
    ENGLISH,
    SWEDISH,
    WAITLIST_TODAY,
    Answers,
    alien,
    language_program,
    mbox,
    run_cli,
)
from published import mark_sent

TODAY = "2027-01-15"  # before every session of the example


# --------------------------------------------------------------------------- phrases


def test_the_catalogues_have_phrases_of_their_own() -> None:
    assert ("plan", "verified", "and") in ENGLISH and ("planen", "är", "kontrollerad") in SWEDISH
    assert len(ENGLISH) > 500 and len(SWEDISH) > 500


# --------------------------------------------------------------------------- runs


def _every_command(folder: Path, language: str) -> dict[str, tuple[int, str]]:
    """Each command once on the program in ``language``: what it printed and its exit code."""
    program = language_program(folder / "in", language)
    base = folder / "plan"
    runs: dict[str, tuple[int, str]] = {}
    runs["plan"] = run_cli(["plan", str(program), "--out", str(base), "--effort", "1"])
    assert runs["plan"][0] == EXIT_OK, runs["plan"][1]
    mark_sent(base)
    prog, plan = read_plan_dir(base)
    first, second = plan.cohorts[0], plan.cohorts[1]
    member, other = first.members[0], first.members[1]
    session = first.sessions[2]
    day = session.start.astimezone(prog_zone(prog)).date().isoformat()
    facilitators = [f.id for f in prog.facilitators if f.id != first.facilitator]
    n = iter(range(100))

    def new() -> str:
        return str(folder / f"v{next(n)}")

    runs["check"] = run_cli(["check", str(base)])
    runs["explain"] = run_cli(["explain", str(program), "--effort", "1", "--time-limit", "5"])
    runs["send"] = run_cli(["send", str(base), "--dry-run"])
    runs["transfer"] = run_cli([
        "transfer", str(base), "--from", member, "--to", "x900", "--name", "Tove Ångman",
        "--email", "tove@nordvik.example", "--today", TODAY, "--out", new()])
    runs["withdraw"] = run_cli(["withdraw", str(base), other, "--on", "2027-04-20",
                                "--out", new()])
    runs["move"] = run_cli(["move", str(base), first.id, "3", "--not-on", day,
                            "--today", TODAY, "--out", new()])
    runs["move --dry-run"] = run_cli(["move", str(base), first.id, "3", "--not-on", day,
                                      "--today", TODAY, "--dry-run"])
    runs["absent"] = run_cli(["absent", str(base), member, "--session", "3", "--today", TODAY,
                              "--out", new()])
    runs["fill"] = run_cli(["fill", str(base), "--today", TODAY, "--dry-run"])
    cancelled = new()
    runs["cancel-cohort"] = run_cli(["cancel-cohort", str(base), second.id, "--today", TODAY,
                                     "--out", cancelled])
    runs["fill after cancel"] = run_cli(["fill", cancelled, "--today", TODAY, "--dry-run"])
    runs["substitute"] = run_cli(["substitute", str(base), first.id, "--facilitator",
                                  facilitators[0], "--today", TODAY, "--dry-run"])
    runs["substitute unknown"] = run_cli(["substitute", str(base), first.id, "--facilitator",
                                          "f-nobody", "--today", TODAY, "--dry-run"])
    answers = Answers(prog, plan)
    box = mbox(folder / "svar.mbox", [
        answers.mail(member, first.id, 3, "DECLINED"),
        answers.mail(other, first.id, 2, "ACCEPTED"),
    ])
    runs["replies"] = run_cli(["replies", str(base), str(box), "--today", TODAY, "--out", new()])
    runs["move refused"] = run_cli(["move", str(base), first.id, "99", "--not-on", day,
                                    "--today", TODAY, "--dry-run"])
    runs["init"] = run_cli(["init", str(folder / "new"), "--year", "2027"])
    return runs


def prog_zone(program):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo
    return ZoneInfo(program.timezone)


@pytest.fixture(scope="module")
def swedish(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    return _every_command(tmp_path_factory.mktemp("sv"), "sv")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    return _every_command(tmp_path_factory.mktemp("en"), "en")


def test_a_swedish_program_hears_no_english(swedish: dict[str, tuple[int, str]]) -> None:
    for command, (_code, printed) in swedish.items():
        assert not alien(printed, ENGLISH), (command, alien(printed, ENGLISH), printed)


def test_an_english_program_hears_no_swedish(english: dict[str, tuple[int, str]]) -> None:
    for command, (_code, printed) in english.items():
        if command == "init":
            continue  # init writes the templates, a Swedish program, and speaks its language
        assert not alien(printed, SWEDISH), (command, alien(printed, SWEDISH), printed)


def test_both_languages_keep_the_exit_codes(
    swedish: dict[str, tuple[int, str]], english: dict[str, tuple[int, str]]
) -> None:
    assert {k: v[0] for k, v in swedish.items()} == {k: v[0] for k, v in english.items()}
    assert swedish["move refused"][0] == EXIT_INPUT
    assert swedish["substitute unknown"][0] == EXIT_INPUT


def test_what_a_swedish_coordinator_reads(swedish: dict[str, tuple[int, str]],
                                          english: dict[str, tuple[int, str]]) -> None:
    plan = swedish["plan"][1]
    for text in ("Planerar ", "samtalsledare", "uppstartsträff", "sista träffen",
                 "placerade ", "bevisat", "Planen är kontrollerad och sparad i"):
        assert text in plan, text
    assert re.search(r"\b(mån|tis|ons|tors|fre) 2027-\d\d-\d\d \d\d:\d\d", plan)
    assert "planen följer alla skarpa regler" in swedish["check"][1]
    assert "Provkörning: skrev " in swedish["send"][1]
    assert "obs: " in swedish["withdraw"][1] and "Filer att skicka (" in swedish["withdraw"][1]
    assert "Den nya planen är kontrollerad och sparad i" in swedish["withdraw"][1]
    assert "Så här går du vidare" in swedish["init"][1]
    assert "Inget har skrivits" not in swedish["fill"][1]
    # fill says why someone waits, not only that they do
    waiting = [ln for ln in english["fill after cancel"][1].splitlines()
               if "fits no free seat now" in ln]
    assert waiting and all(re.search(r"fits no free seat now: \S", ln) for ln in waiting)
    assert "får ingen ledig plats nu: " in swedish["fill after cancel"][1]
    assert "Plan verified and written to" in english["plan"][1]
    assert "placed " in english["plan"][1] and "proven" in english["plan"][1]


# --------------------------------------------------------------------------- before a program


@pytest.mark.parametrize(("env", "language"), [
    ({"LANG": "sv_SE.UTF-8"}, "sv"), ({"LC_ALL": "sv_FI"}, "sv"),
    ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "sv_SE.UTF-8"}, "en"),
    ({"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
])
def test_before_a_program_the_environment_decides(env: dict[str, str], language: str) -> None:
    assert environment_language(env) == language


def _commands() -> list[str]:
    parser = app._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_help_in_the_environments_language(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8" if language == "sv" else "C.UTF-8")
    foreign = ENGLISH if language == "sv" else SWEDISH
    for command in [None, *_commands()]:
        code, printed = run_cli(["--help"] if command is None else [command, "--help"])
        assert code == 0
        assert not alien(printed, foreign), (command, alien(printed, foreign))
        heading = "användning:" if language == "sv" else "usage:"
        assert printed.startswith(heading), printed[:40]
        assert ("flaggor:" if language == "sv" else "options:") in printed
    code, printed = run_cli(["move", "--help"])
    assert ("träff 4 av 7" if language == "sv" else "session 4/7") in printed


@pytest.mark.parametrize("language", ["sv", "en"])
def test_argparse_and_early_errors_in_the_environments_language(
    language: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8" if language == "sv" else "C.UTF-8")
    missing = run_cli(["plan", "--out", str(tmp_path / "x")])
    bad_choice = run_cli(["planera"])
    bad_date = run_cli(["withdraw", str(tmp_path), "p1", "--on", "11.01.2027", "--dry-run"])
    no_file = run_cli(["plan", str(tmp_path / "nowhere.toml"), "--out", str(tmp_path / "x")])
    assert missing[0] == bad_choice[0] == bad_date[0] == no_file[0] == EXIT_INPUT
    if language == "sv":
        assert "fel: följande argument krävs: program" in missing[1]
        assert "ogiltigt val: 'planera'" in bad_choice[1]
        assert "'11.01.2027' är inte ett datum som 2027-03-01" in bad_date[1]
        assert "fel i indata: " in no_file[1] and "Inget har skrivits." in no_file[1]
    else:
        assert "error: the following arguments are required: program" in missing[1]
        assert "invalid choice: 'planera'" in bad_choice[1]
        assert "'11.01.2027' is not a date like 2027-03-01" in bad_date[1]
        assert "input error: " in no_file[1] and "Nothing was written." in no_file[1]
    foreign = ENGLISH if language == "sv" else SWEDISH
    for _code, printed in (missing, bad_choice, bad_date, no_file):
        assert not alien(printed, foreign), printed


def test_argparse_is_itself_again_after_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    run_cli(["--help"])
    parser = argparse.ArgumentParser(prog="other")
    assert parser.format_help().startswith("usage: other")  # nothing leaked into argparse


def test_machine_output_is_the_same_in_both_languages(tmp_path: Path) -> None:
    printed = {}
    for language in ("sv", "en"):
        program = language_program(tmp_path / language, language)
        code, text = run_cli(["explain", str(program), "--json", "--effort", "1",
                              "--time-limit", "5"])
        printed[language] = json.loads(text)
        assert code in (0, 1)
    assert printed["sv"].keys() == printed["en"].keys()


def test_the_language_of_a_run_does_not_leak_into_the_next(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    program = language_program(tmp_path / "sv", "sv")
    run_cli(["plan", str(program), "--out", str(tmp_path / "plan"), "-q", "--effort", "1"])
    assert speech.code == "en"  # the Swedish program was read, and the run is over
    code, printed = run_cli(["--help"])
    assert code == 0 and printed.startswith("usage:")


def test_dates_in_the_terminal_are_iso(swedish: dict[str, tuple[int, str]]) -> None:
    dates = re.findall(r"\b\d{4}-\d\d-\d\d\b", swedish["plan"][1] + swedish["move"][1])
    assert dates and all(date.fromisoformat(d) for d in dates)


def test_fill_says_why_someone_fits_no_free_seat(late) -> None:
    """Someone who can come on no weekday is told so, per cohort with a free seat, and
    nobody is left with only "fits no free seat now" (issue 21)."""
    from dataclasses import replace
    from datetime import datetime

    from backstage_sched import fill
    from backstage_sched.inputs.timeexpr import parse_rules
    from backstage_sched.plan import Unplaced

    program, plan = late
    never = replace(program.participant("p101"), id="p103", email="p103@sent.example",
                    organization="Sent AB p103", registered=datetime(2026, 11, 1, 9, 0),
                    unavailable=parse_rules(["mon", "tue", "wed", "thu", "fri"]))
    program = program.replace(participants=(*program.participants, never))
    plan = replace(plan, unplaced=(*plan.unplaced, Unplaced("p103", "registered late")))
    notes = fill(program, plan, WAITLIST_TODAY).notes
    (note,) = [n for n in notes if "p103" in n]
    assert "fits no free seat now: " in note
    for cohort in plan.cohorts:
        assert f"{cohort.id}: they cannot come to a session still ahead" in note


def test_an_early_error_is_said_in_the_language_of_the_program_it_is_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out`` forgotten on a Swedish plan folder, a bad participants file of a Swedish
    program: the program is not read yet, but its language is known."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    program = language_program(tmp_path / "sv", "sv")
    run_cli(["plan", str(program), "--out", str(tmp_path / "plan"), "-q", "--effort", "1"])
    code, printed = run_cli(["withdraw", str(tmp_path / "plan"), "n01", "--on", "2027-03-01"])
    assert code == EXIT_INPUT and "ange --out NY" in printed
    missing = tmp_path / "sv" / "nobody.csv"
    code, printed = run_cli(["plan", str(program), str(missing), "--out", str(tmp_path / "x")])
    assert code == EXIT_INPUT and "deltagarfilen finns inte" in printed


def test_the_solver_says_its_progress_through_said() -> None:
    """A progress line written as a plain string would stay English in a Swedish terminal:
    every ``say(...)``/``self.say(...)`` of the solver passes a :func:`said` sentence."""
    import ast

    import backstage_sched

    solver = Path(backstage_sched.__file__).parent / "solver"
    plain = []
    for path in sorted(solver.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            if name == "say" and isinstance(node.args[0], ast.Constant | ast.JoinedStr
                                            | ast.BinOp):
                plain.append(f"{path.name}:{node.lineno}")
    assert plain == []


def test_every_said_sentence_is_in_the_cli_catalogue() -> None:
    """A sentence made with said() that the catalogue lacks would stay English."""
    import ast

    import backstage_sched

    with (LOCALE_DIR / "sv" / "LC_MESSAGES" / "cli.po").open("rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}

    def texts(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return texts(node.body) + texts(node.orelse)
        return []

    missing = set()
    for path in Path(backstage_sched.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "said" and node.args):
                missing |= {t for t in texts(node.args[0]) if t not in known}
    assert missing == set()
