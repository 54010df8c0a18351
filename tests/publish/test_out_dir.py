"""``--out`` never destroys what the coordinator owns, and files follow the umask (SPEC §4)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
from pathlib import Path

import pytest

from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, main
from backstage_sched.publish.folder import MANIFEST


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder below ``folder``: content hash (or 'dir') and mode."""
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        kind = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        found[rel] = (kind, p.stat().st_mode)
    return found


@pytest.fixture(scope="module")
def ht2027(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``init`` plus a note of the coordinator's own, and one plan in ht2027/plan."""
    folder = tmp_path_factory.mktemp("slip") / "ht2027"
    assert run("init", str(folder), "--year", "2027")[0] == EXIT_OK
    (folder / "notes.txt").write_text("Ring Eva om lokalen\n", encoding="utf-8")
    code, text = run(
        "plan", str(folder / "program.toml"), str(folder / "participants.csv"),
        "--out", str(folder / "plan"), "-q",
    )
    assert code == EXIT_OK, text
    return folder


def test_out_on_the_input_folder_is_refused_and_left_byte_for_byte(ht2027: Path) -> None:
    before = fingerprint(ht2027)
    code, text = run(
        "plan", str(ht2027 / "program.toml"), str(ht2027 / "participants.csv"),
        "--out", str(ht2027),
    )
    assert code == EXIT_INPUT
    assert str(ht2027) in text and "ingen planmapp" in text
    assert f"--out {ht2027 / 'plan'}" in text  # the likely slip, named
    assert "Inget har skrivits" in text  # the templates are a Swedish program
    assert fingerprint(ht2027) == before
    assert not [p for p in ht2027.parent.iterdir() if p.name.startswith(".ht2027.")]


def test_a_plan_folder_the_tool_wrote_is_replaced(ht2027: Path) -> None:
    plan = ht2027 / "plan"
    (plan / "overview.html").write_text("stale", encoding="utf-8")
    code, text = run(
        "plan", str(ht2027 / "program.toml"), str(ht2027 / "participants.csv"),
        "--out", str(plan), "-q",
    )
    assert code == EXIT_OK, text
    assert "stale" not in (plan / "overview.html").read_text(encoding="utf-8")
    assert (plan / MANIFEST).is_file()


def test_a_plan_folder_holding_a_file_of_the_users_is_refused(ht2027: Path) -> None:
    plan = ht2027 / "plan"
    own = plan / "people" / "mina-anteckningar.txt"
    own.write_text("privat\n", encoding="utf-8")
    try:
        before = fingerprint(plan)
        code, text = run(
            "plan", str(ht2027 / "program.toml"), str(ht2027 / "participants.csv"),
            "--out", str(plan),
        )
        assert code == EXIT_INPUT
        assert "people/mina-anteckningar.txt" in text
        assert fingerprint(plan) == before
    finally:
        own.unlink()


def test_every_change_command_refuses_a_foreign_folder(ht2027: Path) -> None:
    before = fingerprint(ht2027)
    code, text = run("cancel-cohort", str(ht2027 / "plan"), "c01", "--out", str(ht2027))
    assert code == EXIT_INPUT, text
    assert fingerprint(ht2027) == before


def test_a_missing_or_empty_folder_is_fine(tmp_path: Path, ht2027: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, text = run(
        "plan", str(ht2027 / "program.toml"), str(ht2027 / "participants.csv"),
        "--out", str(empty), "-q",
    )
    assert code == EXIT_OK, text
    assert (empty / "plan.json").is_file()


def test_files_and_folders_follow_the_umask(tmp_path: Path, ht2027: Path) -> None:
    old = os.umask(0o022)
    try:
        code, text = run(
            "plan", str(ht2027 / "program.toml"), str(ht2027 / "participants.csv"),
            "--out", str(tmp_path / "shared-drive" / "plan"), "-q",
        )
    finally:
        os.umask(old)
    assert code == EXIT_OK, text
    out = tmp_path / "shared-drive" / "plan"
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    modes["."] = stat.S_IMODE(out.stat().st_mode)
    assert modes["."] == 0o755
    assert {m for rel, m in modes.items() if (out / rel).is_dir()} == {0o755}
    assert {m for rel, m in modes.items() if (out / rel).is_file()} == {0o644}
