"""Sent is history (SPEC §8): a folder that was sent from is never written over, and
nothing that went out is sent again from a later folder of the same chain.

Every test here mails through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from backstage_sched import read_plan_dir, write_plan_dir
from backstage_sched.cli import app as cli
from backstage_sched.publish.changes import outbox
from backstage_sched.publish.send import send_outbox
from smtp_server import Server, running

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "company-2027" / "program.toml"
SENDER = "Backstage <backstage@nordvik.example>"


@pytest.fixture
def smtp() -> Iterator[Server]:
    with running() as server:
        yield server


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _send(folder: Path, server: Server) -> int:
    return cli.main(["send", str(folder), "--smtp", f"127.0.0.1:{server.port}",
                     "--from", SENDER, "-q"])


def _version(msg: EmailMessage) -> tuple[str, str, int]:
    """(METHOD, UID, SEQUENCE) of the calendar part; a feed: (PUBLISH, sha256, 0); an
    e-mail without one (a summary, a letter): (its subject, its text, 0)."""
    part = next((p for p in msg.walk() if p.get_content_type() == "text/calendar"), None)
    if part is None:
        return str(msg["Subject"]), str(msg.get_body(("plain",)).get_content()), 0
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    cal = icalendar.Calendar.from_ical(data)
    method = str(cal["METHOD"])
    if method == "PUBLISH":
        return method, hashlib.sha256(data).hexdigest(), 0
    (event,) = cal.walk("VEVENT")
    return method, str(event["UID"]), int(event.get("SEQUENCE", 0))


@pytest.fixture
def sent_plan(tmp_path: Path, smtp: Server) -> Path:
    """The company example planned into tmp/v1 and sent."""
    v1 = tmp_path / "v1"
    assert cli.main(["plan", str(PROGRAM), "--out", str(v1), "-q"]) == 0
    assert _send(v1, smtp) == 0
    assert (v1 / "sent.json").is_file()
    return v1


def test_plan_refuses_to_write_over_a_folder_that_was_sent_from(
    sent_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(sent_plan)
    assert cli.main(["plan", str(PROGRAM), "--out", str(sent_plan), "-q"]) == 2
    err = capsys.readouterr().err
    assert "historik" in err and "--previous" in err and "plan.json" in err  # Swedish program
    assert _tree(sent_plan) == before


def test_a_change_refuses_to_write_over_a_folder_that_was_sent_from(
    sent_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(sent_plan)
    code = cli.main(["withdraw", str(sent_plan), "n03", "--on", "2027-01-10",
                     "--out", str(sent_plan)])
    assert code == 2
    assert "--out NY" in capsys.readouterr().err  # the folder's program is Swedish
    assert _tree(sent_plan) == before


def test_an_unsent_folder_may_still_be_replaced(tmp_path: Path) -> None:
    v1 = tmp_path / "v1"
    assert cli.main(["plan", str(PROGRAM), "--out", str(v1), "-q"]) == 0
    assert cli.main(["send", str(v1), "--dry-run", "-q"]) == 0  # a dry run sends nothing
    assert cli.main(["plan", str(PROGRAM), "--out", str(v1), "-q"]) == 0


def test_a_chain_of_changes_mails_every_message_once(
    sent_plan: Path, smtp: Server, tmp_path: Path
) -> None:
    first = len(smtp.received())
    v2, v3 = tmp_path / "v2", tmp_path / "v3"
    assert cli.main(["withdraw", str(sent_plan), "n03", "--on", "2027-01-10",
                     "--out", str(v2)]) == 0
    assert _send(v2, smtp) == 0
    assert _send(v2, smtp) == 0  # a rerun sends nothing
    after_change = len(smtp.received())
    assert after_change > first
    assert cli.main(["plan", str(PROGRAM), "--previous", str(v2 / "plan.json"),
                     "--today", "2027-01-12", "--out", str(v3), "-q"]) == 0
    assert _send(v3, smtp) == 0
    versions = Counter((rcpt, _version(msg)) for rcpt, msg in smtp.received())
    twice = [key for key, n in versions.items() if n > 1]
    assert twice == []
    ids = Counter((rcpt, msg["Message-ID"]) for rcpt, msg in smtp.received())
    assert max(ids.values()) == 1

    # a folder whose outbox repeats what went out earlier in its chain sends none of it
    program, plan = read_plan_dir(sent_plan)
    v4 = write_plan_dir(program, plan, tmp_path / "v4", previous=v3)
    report = send_outbox(v4, SENDER, smtp.address, dry_run=False)
    assert report.sent == 0
    assert report.skipped == report.sent_earlier == first
    assert report.broken == ()


def test_a_broken_chain_is_said(sent_plan: Path, smtp: Server, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    v2 = tmp_path / "v2"
    assert cli.main(["withdraw", str(sent_plan), "n03", "--on", "2027-01-10",
                     "--out", str(v2)]) == 0
    shutil.rmtree(sent_plan)
    capsys.readouterr()
    assert cli.main(["send", str(v2), "--dry-run", "-q"]) == 0
    err = capsys.readouterr().err
    assert "earlier plan folder" in err and "cannot be read" in err


def _outbox(folder: Path) -> list[tuple[str, str, int, str]]:
    box = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))
    return sorted((m["method"], m["uid"], m["sequence"], r["email"])
                  for m in box["messages"] for r in m["recipients"])


def test_a_change_before_the_first_send_invites_everyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    assert cli.main(["plan", str(PROGRAM), "--out", str(v1), "-q"]) == 0
    capsys.readouterr()
    assert cli.main(["withdraw", str(v1), "n03", "--on", "2027-01-10",
                     "--out", str(v2)]) == 0
    assert "alla inbjudningar i den nya planen skickas" in capsys.readouterr().out
    messages = _outbox(v2)
    # nobody had anything: no cancellations, an invitation per member and session
    assert {m[0] for m in messages} == {"REQUEST"}
    _, plan = read_plan_dir(v2)
    assert len(messages) == sum(len(c.members) * len(c.sessions) for c in plan.cohorts)
    assert "camilla.ostlund@nordvik.example" not in {m[3] for m in messages}


def test_a_change_counts_from_the_last_folder_sent_from(
    sent_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v2, v3 = tmp_path / "v2", tmp_path / "v3"
    assert cli.main(["withdraw", str(sent_plan), "n03", "--on", "2027-01-10",
                     "--out", str(v2)]) == 0  # never sent
    assert cli.main(["withdraw", str(v2), "n09", "--on", "2027-01-10",
                     "--out", str(v3)]) == 0
    assert "den senaste planmappen som det skickades från" in capsys.readouterr().out
    # the messages that bring people from what they have (the sent folder) to v3
    program, plan = read_plan_dir(sent_plan)
    final_program, final = read_plan_dir(v3)
    stamp = datetime(2027, 1, 10, tzinfo=UTC)
    expected = outbox(program, plan, final_program, final, date(2027, 1, 10), stamp)
    assert _outbox(v3) == sorted((m.method, m.uid, m.sequence, r.email)
                                 for m in expected.messages for r in m.recipients)
    leavers = {m[3] for m in _outbox(v3) if m[0] == "CANCEL"}
    assert {"camilla.ostlund@nordvik.example"} <= leavers
