"""The command line as a coordinator meets it: help, init, plan, check, exit codes."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from backstage_sched import write_templates
from backstage_sched.cli import app as cli
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, EXIT_RULES, main
from backstage_sched.errors import InfeasibleError
from backstage_sched.inputs.load import load_program

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*argv: str) -> Run:
    """``main(argv)`` with stdout and stderr captured (not a terminal)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return Run(code, out.getvalue(), err.getvalue())


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """``init`` then ``plan`` on the templates, exactly as the README says."""
    folder = tmp_path_factory.mktemp("first") / "ht2027"
    init = run("init", str(folder), "--year", "2027")
    assert init.code == EXIT_OK, init.err
    planned = run(
        "plan", str(folder / "program.toml"), str(folder / "participants.csv"),
        "--out", str(folder / "plan"),
    )
    return folder, planned


# --------------------------------------------------------------------------- help


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _commands()
    assert {"init", "plan", "check", "explain", "send", "transfer", "withdraw", "move",
            "cancel-cohort"} <= set(commands)
    for name in [None, *commands]:
        argv = ["--help"] if name is None else [name, "--help"]
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
        text = capsys.readouterr().out
        assert "Example" in text, f"no example in the help of {name or 'backstage-sched'}"
        assert "backstage-sched" in text.split("Example", 1)[1]


def test_main_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "Exit codes" in text and "bad input" in text and "sending failed" in text


def test_a_bad_option_is_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", "program.toml"])  # --out is missing
    assert exit_info.value.code == EXIT_INPUT
    assert "--out" in capsys.readouterr().err


# --------------------------------------------------------------------------- init


def test_init_writes_commented_templates(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "new"), "--year", "2031")
    assert result.code == EXIT_OK
    toml = (tmp_path / "new" / "program.toml").read_text(encoding="utf-8")
    data = tomllib.loads(toml)
    assert set(data) == {"program", "sessions", "groups", "policy", "facilitators"}
    assert data["program"]["start"].year == 2031
    assert data["program"]["blackout"][0]["name"] == "Sommaruppehåll"
    assert data["sessions"]["min_gap_days"] == 28 and data["groups"]["size"] == 6
    assert data["policy"]["fee"] == 17500 and len(data["facilitators"]) == 1
    assert "# Rooms" in toml and "[[venues]]" in toml  # documented, commented out
    for line in toml.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line, f"key without a comment: {line}"
    raw = (tmp_path / "new" / "participants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, as Excel writes 'CSV UTF-8'
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "id;name;email;organization;experience;unavailable;avoid;not_with;calendar"
    assert len(lines) == 9
    assert any(ch in raw.decode("utf-8") for ch in "åäöÅÄÖ")
    # the templates are a Swedish program (country SE): init says what is next in Swedish
    assert "Så här går du vidare" in result.out and "backstage-sched plan" in result.out


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    assert run("init", str(tmp_path)).code == EXIT_OK
    csv = tmp_path / "participants.csv"
    csv.write_text("id;name;email;organization\n", encoding="utf-8")
    refused = run("init", str(tmp_path))
    assert refused.code == EXIT_INPUT
    assert "already exist" in refused.err and "--force" in refused.err
    assert csv.read_text(encoding="utf-8") == "id;name;email;organization\n"
    forced = run("init", str(tmp_path), "--force")
    assert forced.code == EXIT_OK
    assert len(csv.read_text(encoding="utf-8-sig").splitlines()) == 9


def test_init_templates_load_for_any_year(tmp_path: Path) -> None:
    paths = write_templates(tmp_path, year=2030)
    program = load_program(*paths)
    assert program.start.year == 2030 and len(program.participants) == 8
    assert {p.organization for p in program.participants}.__len__() == 8
    assert any(p.not_with for p in program.participants)


# --------------------------------------------------------------------------- plan


def test_init_then_plan_works_out_of_the_box(started: tuple[Path, Run]) -> None:
    folder, planned = started
    assert planned.code == EXIT_OK, planned.err
    data = json.loads((folder / "plan" / "plan.json").read_text(encoding="utf-8"))
    placed = sorted(m for c in data["cohorts"] for m in c["members"])
    assert placed == [f"p00{i}" for i in range(1, 9)]
    assert data["unplaced"] == []
    assert (folder / "plan" / "overview.html").is_file()
    assert run("check", str(folder / "plan")).code == EXIT_OK


def test_plan_prints_a_summary_table_and_line(started: tuple[Path, Run]) -> None:
    _, planned = started
    assert "Ingrid Sjöström" in planned.out  # the facilitator column
    # the templates are a Swedish program: the terminal speaks Swedish (SPEC §10)
    assert "uppstartsträff" in planned.out and "sista träffen" in planned.out
    summary = next(ln for ln in planned.out.splitlines() if ln.startswith("placerade "))
    assert summary.startswith(
        "placerade 8 av högst 8 (8 anmälda; bevisat: ingen plan placerar fler) · "
        "sökningens status: placerade optimalt"
    )
    assert summary.endswith(" s") and "· tid " in summary
    assert "Planen är kontrollerad och sparad i" in planned.out


def test_plan_progress_is_plain_lines_when_not_a_terminal(started: tuple[Path, Run]) -> None:
    _, planned = started
    assert "start: " in planned.err and "placerade med" in planned.err
    assert "\x1b[" not in planned.err  # no spinner or colour codes in a log file


def test_quiet_prints_nothing_on_stdout(tmp_path: Path) -> None:
    paths = write_templates(tmp_path, year=2027)
    result = run(
        "plan", *map(str, paths), "--out", str(tmp_path / "plan"), "--quiet", "--effort", "0.5"
    )
    assert result.code == EXIT_OK, result.err
    assert result.out == "" and result.err == ""
    assert (tmp_path / "plan" / "plan.json").is_file()


# --------------------------------------------------------------------------- exit codes


def test_bad_input_is_exit_code_2_and_writes_nothing(tmp_path: Path) -> None:
    program, participants = write_templates(tmp_path, year=2027)
    text = participants.read_text(encoding="utf-8-sig")
    # "e-mail" would be read as the address (SPEC §10); "emial" is a slip
    participants.write_text(text.replace(";email;", ";emial;", 1), encoding="utf-8-sig")
    result = run("plan", str(program), str(participants), "--out", str(tmp_path / "plan"))
    assert result.code == EXIT_INPUT
    assert "participants.csv" in result.err and "email" in result.err
    assert "Inget har skrivits" in result.err  # the program is Swedish
    assert not (tmp_path / "plan").exists()


def test_a_bracketed_key_in_an_error_is_printed_as_is(tmp_path: Path) -> None:
    program, participants = write_templates(tmp_path, year=2027)
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("min_gap_days = 28", "min_gap_days = 40"), encoding="utf-8")
    result = run("plan", str(program), str(participants), "--out", str(tmp_path / "plan"))
    assert result.code == EXIT_INPUT
    assert "[sessions] min_gap_days" in result.err  # not swallowed as console markup


def test_infeasible_is_exit_code_1_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def infeasible(*_args: object, **_kwargs: object) -> None:
        raise InfeasibleError("facilitators can lead 8 cohorts in total; 10 are needed")

    monkeypatch.setattr(cli, "plan_program", infeasible)
    paths = write_templates(tmp_path, year=2027)
    result = run("plan", *map(str, paths), "--out", str(tmp_path / "plan"), "-q")
    assert result.code == EXIT_RULES
    assert "kan inte planera" in result.err and "10 are needed" in result.err
    assert not (tmp_path / "plan").exists()


def test_check_finds_violations_exit_code_1(started: tuple[Path, Run], tmp_path: Path) -> None:
    folder, _ = started
    edited = tmp_path / "edited"
    edited.mkdir()
    for name in ("plan.json", "input.json"):
        (edited / name).write_bytes((folder / "plan" / name).read_bytes())
    data = json.loads((edited / "plan.json").read_text(encoding="utf-8"))
    first, second = data["cohorts"][0], data["cohorts"][1]
    second["members"].append(first["members"][0])  # one person in two cohorts
    (edited / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    result = run("check", str(edited))
    assert result.code == EXIT_RULES
    # the templates are a Swedish program: the count and the places are said in Swedish
    assert "brott mot de skarpa reglerna" in result.err and result.out.strip()
    assert "träff " in result.out or "] c0" in result.out


def test_check_of_a_missing_folder_is_exit_code_2(tmp_path: Path) -> None:
    assert run("check", str(tmp_path / "nothing-here")).code == EXIT_INPUT


def test_loader_warnings_are_printed(
    started: tuple[Path, Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = started
    real = cli.load_program

    def with_warning(*args: object, **kwargs: object) -> object:
        program = real(*args, **kwargs)  # type: ignore[arg-type]
        object.__setattr__(program, "warnings", ("two people share anna@example.org",))
        return program

    monkeypatch.setattr(cli, "load_program", with_warning)
    result = run(
        "check", str(folder / "plan"), "--program", str(folder / "program.toml"),
        "--participants", str(folder / "participants.csv"),
    )
    assert result.code == EXIT_OK
    assert "varning: two people share anna@example.org" in result.err


def test_calendars_outside_the_folder_need_the_flag(tmp_path: Path) -> None:
    program, participants = write_templates(tmp_path / "run", year=2027)
    outside = tmp_path / "elsewhere.ics"
    outside.write_bytes((ROOT / "examples" / "mixed-2027" / "calendars" / "p011.ics").read_bytes())
    rows = participants.read_text(encoding="utf-8-sig").splitlines()
    rows[1] = ";".join([*rows[1].split(";")[:8], str(outside)])
    participants.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8-sig")
    out = tmp_path / "plan"
    refused = run("plan", str(program), str(participants), "--out", str(out), "-q")
    assert refused.code == EXIT_INPUT and "calendar" in refused.err
    allowed = run(
        "plan", str(program), str(participants), "--out", str(out), "-q", "--effort", "0.5",
        "--allow-outside-calendars",
    )
    assert allowed.code == EXIT_OK, allowed.err
