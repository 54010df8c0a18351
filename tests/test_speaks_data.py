"""The library speaks data, the command line its options (issue 24).

A library error names the data it is about (the participant, the session, the new
plan folder), never an option of the command line; the command line says the
option that gave that data (:data:`~backstage_sched.cli.exits.FLAGS`). Ids follow
one rule, the loader's, in every change that brings a new one.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

import backstage_sched
from backstage_sched.actions import edits
from backstage_sched.cli.app import EXIT_INPUT, main
from backstage_sched.cli.exits import FLAGS
from backstage_sched.errors import InputError
from backstage_sched.publish.folder import read_plan_dir

PACKAGE = Path(backstage_sched.__file__).parent
COMPANY = PACKAGE.parent.parent / "examples" / "company-2027"
EMAIL = "x@nordvik.example"


def _library_strings() -> list[tuple[str, str]]:
    """Every string constant of the library outside ``cli/``, with its file and line."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((node.value, f"{path.name}:{node.lineno}"))
    return found


def test_no_library_error_names_an_option() -> None:
    """No InputError of the library has an option as its place, and no string of the
    library is an option on its own (``"--to"``, passed on as a place)."""
    where = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InputError"
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
                    and str(node.args[1].value).startswith("--")):
                where.append(f"{path.name}:{node.lineno}")
    where += [at for text, at in _library_strings() if re.fullmatch(r"--[a-z][a-z-]*", text)]
    assert where == []


def test_every_piece_of_data_the_command_line_maps_is_named_by_the_library() -> None:
    named = {text for text, _ in _library_strings()}
    for command, flags in FLAGS.items():
        for data, flag in flags.items():
            assert data in named, (command, data)
            assert flag.startswith("--")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("company") / "plan"
    assert main(["plan", str(COMPANY / "program.toml"), "--out", str(out), "-q"]) == 0
    return out


@pytest.mark.parametrize(("new_id", "problem"), [
    ("con", "Windows reserves"),  # the loader refuses it as a file name: so does transfer
    ("aux.x", "Windows reserves"),
    ("-n13", "may not start with"),
    ("n 13", "may hold only"),
    ("N04", "already used"),  # n04's calendar file on Windows and macOS
])
def test_transfer_keeps_the_loaders_id_rule(base: Path, new_id: str, problem: str) -> None:
    program, plan = read_plan_dir(base)
    with pytest.raises(InputError, match=problem) as caught:
        edits.transfer(program, plan, "n03", new_id, "X", EMAIL, date(2027, 1, 1))
    assert caught.value.where == "new participant"


def test_the_command_line_says_the_option_of_the_data(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["transfer", str(base), "--from", "n03", "--to", "con", "--name", "X",
            "--email", EMAIL, "--out", str(tmp_path / "t")]
    assert main(argv) == EXIT_INPUT
    assert "--to: " in capsys.readouterr().err
    program, plan = read_plan_dir(base)
    cohort = plan.cohorts[0]
    assert main(["absent", str(base), cohort.members[0], "--session", "99", "--today",
                 "2027-01-01", "--out", str(tmp_path / "a")]) == EXIT_INPUT
    assert "--session: " in capsys.readouterr().err
    with pytest.raises(InputError) as caught:
        edits.withdraw(program, plan, cohort.members[0], date(2028, 1, 1))
    assert caught.value.where == "withdrawal"
    assert main(["withdraw", str(base), cohort.members[0], "--on", "2028-01-01",
                 "--out", str(tmp_path / "w")]) == EXIT_INPUT
    assert "--on: " in capsys.readouterr().err
