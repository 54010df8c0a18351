"""Every --help is true: each example in it runs as written (in a folder laid out as the
examples assume), and every option it names exists on that command."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from backstage_sched.cli import app as cli

ROOT = Path(__file__).resolve().parents[2]
MIXED = ROOT / "examples" / "mixed-2027"
PINNED_TODAY = "2027-01-04"  # the examples are for a 2027 program: pin the clock before it


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _help(parser: argparse.ArgumentParser) -> str:
    return parser.format_help()


def _examples(text: str) -> list[str]:
    """The ``backstage-sched …`` command lines of a help text (continuations joined)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("backstage-sched "):
            lines.append(line.split("  #")[0].strip())
    return lines


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def test_every_option_named_in_a_help_text_exists() -> None:
    commands = _commands()
    top = cli._parser()
    for name, parser in [("", top), *commands.items()]:
        text = _help(parser)
        named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text))
        for line in _examples(text):
            argv = shlex.split(line)[1:]
            if argv and argv[0] in commands:  # an example of another command
                named -= {a for a in argv if a.startswith("--")}
                assert {a for a in argv if a.startswith("--")} <= _options(commands[argv[0]]), (
                    line)
        assert named <= _options(parser) | _options(top), (name, named - _options(parser))


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue() + err.getvalue()


ORDER = ("init", "plan", "check", "explain", "send", "transfer", "withdraw", "move",
         "cancel-cohort", "substitute")


def test_every_help_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder with examples/ and a copy of the mixed program as program.toml and
    participants.csv, every example of every --help runs and succeeds (the SMTP
    one needs a mail server: tests/publish/test_send.py sends to a real one)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(MIXED / "program.toml", tmp_path / "program.toml")
    shutil.copy(MIXED / "participants.csv", tmp_path / "participants.csv")
    shutil.copytree(MIXED / "calendars", tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    commands = _commands()
    ran = []
    for name in ORDER:
        for line in _examples(_help(commands[name])):
            argv = shlex.split(line)[1:]
            if "--smtp" in argv:
                continue
            if "--today" in _options(commands[argv[0]]) and "--today" not in argv:
                argv += ["--today", PINNED_TODAY]
            code, printed = _run(argv)
            assert code == 0, (line, printed)
            ran.append(argv[0])
    assert set(ran) == set(ORDER)


def test_every_command_has_a_one_line_description_in_the_command_list() -> None:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    described = {a.dest: a.help for a in action._choices_actions}
    assert set(described) == set(_commands())
    for name, text in described.items():
        assert text and "\n" not in text, name
        assert text in " ".join(parser.format_help().split()), name
