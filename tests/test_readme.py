"""The README's five-minute walkthrough is what the tool does: its commands are run as
written and the lines it shows (dates, counts, file names) are compared with the
real output. Only the timing may differ."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from backstage_sched.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(after: str, count: int) -> list[str]:
    """The ``count`` fenced blocks that follow the text ``after`` in the README."""
    rest = README[README.index(after):]
    return re.findall(r"```\n(.*?)```", rest, flags=re.S)[:count]


def _run(line: str) -> str:
    argv = shlex.split(line)[1:]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code == 0, (line, err.getvalue())
    return out.getvalue()


def _same(shown: str, printed: str) -> None:
    def norm(text: str) -> list[str]:
        lines = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip()]
        return [re.sub(r"(time|tid) \d+([.,]\d+)? s$", r"\1 N s", ln) for ln in lines]

    assert norm(printed) == norm(shown)


def test_the_five_minute_walkthrough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (init,) = _blocks("**1. Start from the templates.**", 1)
    # the README's dates are 2027's: pin the year that init defaults to (next year)
    _run(init.strip() + " --year 2027")
    plan_cmd, plan_out = _blocks("**3. Plan.**", 2)
    _same(plan_out, _run(plan_cmd.strip()))
    check_cmd, check_out = _blocks("**4. Check.**", 2)
    _same(check_out, _run(check_cmd.strip()))
    (send,) = _blocks("**5. Send the invitations.**", 1)
    _run(send.strip())
    assert sorted(p.name for p in (tmp_path / "ht2027" / "plan" / "sent-eml").iterdir())
    for name in ("overview.html", "plan.json", "costs.csv", "costs-excel.csv", "invoices.xlsx",
                 "invoices.csv", "groups.xlsx"):
        assert (tmp_path / "ht2027" / "plan" / name).is_file(), name


def test_the_commands_after_publishing_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's block of change commands runs line by line on the mixed example
    planned into plan/ (clock pinned before the program; the SMTP line needs a mail
    server and is left to tests/publish/test_send.py)."""
    mixed = ROOT / "examples" / "mixed-2027"
    for name in ("program.toml", "participants.csv"):
        (tmp_path / name).write_bytes((mixed / name).read_bytes())
    shutil.copytree(mixed / "calendars", tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    _run("backstage-sched plan program.toml participants.csv --out plan/ -q")
    (block,) = _blocks("## After the invitations went out", 1)
    commands = [ln for ln in block.splitlines() if ln.startswith("backstage-sched ")]
    assert len(commands) >= 7
    for line in commands:
        if "--smtp" in line:
            continue
        if " --today " not in line and not line.startswith(("backstage-sched send",
                                                            "backstage-sched withdraw")):
            line += " --today 2027-01-04"
        _run(line)
