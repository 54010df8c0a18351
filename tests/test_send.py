"""``send``: iMIP e-mail to a real SMTP server (aiosmtpd on 127.0.0.1), resumable, dry run."""

from __future__ import annotations

import argparse
import email
import json
import shutil
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from rich.console import Console

from backstage_sched.cli import app as cli
from backstage_sched.cli.send import add_parser, run
from backstage_sched.errors import InputError
from backstage_sched.publish.send import (
    SENT,
    SendError,
    build_message,
    message_key,
    send_outbox,
)

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "company-2027" / "program.toml"
SENDER = "Backstage <backstage@nordvik.example>"


class Collector:
    """aiosmtpd handler keeping every delivered envelope; can refuse one RCPT."""

    def __init__(self, fail_on_rcpt: int | None = None) -> None:
        self.envelopes: list[Any] = []
        self.rcpts = 0
        self.fail_on_rcpt = fail_on_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.fail_on_rcpt:
            return "451 4.3.0 temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running aiosmtpd server and its handler."""

    def __init__(self, handler: Collector) -> None:
        self.handler = handler
        self.port = _free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def received(self) -> list[tuple[str, EmailMessage]]:
        """(envelope recipient, parsed message) for every delivered e-mail."""
        out = []
        for env in self.handler.envelopes:
            msg = email.message_from_bytes(env.original_content or env.content,
                                           policy=default_policy)
            assert isinstance(msg, EmailMessage)
            out.extend((rcpt, msg) for rcpt in env.rcpt_tos)
        return out


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    server = Server(Collector())
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def failing_server() -> Iterator[Server]:
    server = Server(Collector(fail_on_rcpt=3))
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("send") / "plan"
    assert cli.main(["plan", str(PROGRAM), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture
def plan_dir(planned: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "plan"
    shutil.copytree(planned, copy)
    return copy


def _outbox(plan_dir: Path) -> list[dict[str, Any]]:
    return json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))["messages"]


def _expected(plan_dir: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(m, r) for m in _outbox(plan_dir) for r in m["recipients"]]


def _calendar_part(msg: EmailMessage) -> EmailMessage:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    assert isinstance(part, EmailMessage)
    return part


def _file_method(data: bytes) -> str:
    for line in data.decode("utf-8").splitlines():
        if line.startswith("METHOD:"):
            return line.split(":", 1)[1]
    raise AssertionError("no METHOD line")


def _check_mail(plan_dir: Path, m: dict[str, Any], r: dict[str, Any], msg: EmailMessage) -> None:
    data = (plan_dir / m["file"]).read_bytes()
    part = _calendar_part(msg)
    assert part.get_param("method") == _file_method(data) == m["method"]
    assert part.get_content_charset() == "utf-8"
    assert part.get_payload(decode=True) == data
    to = msg["To"].addresses
    assert len(to) == 1
    assert to[0].display_name == r["name"]
    assert to[0].addr_spec == r["email"]
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content()
    assert r["name"] in body and m["detail"] in body
    assert "Tid:" in body and "Time:" in body


def _key_of(m: dict[str, Any], msg: EmailMessage) -> tuple[str, str, str]:
    part = _calendar_part(msg)
    uid = next(
        ln.split(":", 1)[1]
        for ln in part.get_payload(decode=True).decode().splitlines()
        if ln.startswith("UID:")
    )
    return (part.get_param("method"), uid, msg["To"].addresses[0].addr_spec)


def test_every_invitation_arrives_once_and_matches_its_file(
    plan_dir: Path, smtp_server: Server
) -> None:
    expected = _expected(plan_dir)
    assert len(expected) > 10
    report = send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    assert (report.sent, report.skipped, report.written) == (len(expected), 0, 0)
    got = smtp_server.received()
    assert len(got) == len(expected)
    by_key = {}
    for rcpt, msg in got:
        assert rcpt == msg["To"].addresses[0].addr_spec
        assert msg["From"].addresses[0].addr_spec == "backstage@nordvik.example"
        key = (msg["Message-ID"], rcpt)
        assert key not in by_key
        by_key[key] = msg
    # in outbox order, one e-mail per (message, recipient), each equal to its file
    for (m, r), (_rcpt, msg) in zip(expected, got, strict=True):
        assert _key_of(m, msg) == (m["method"], m["uid"], r["email"])
        _check_mail(plan_dir, m, r, msg)
    sent = json.loads((plan_dir / SENT).read_text(encoding="utf-8"))
    assert sent == [message_key(m, r) for m, r in expected]
    # names with å/ä/ö: 7-bit headers (RFC 2047) that decode back to the Unicode name
    raw = smtp_server.handler.envelopes[1].content
    raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = {msg["To"].addresses[0].display_name for _, msg in got}
    assert "Bengt Åhlén" in names
    subjects = {str(msg["Subject"]) for _, msg in got}
    assert "Backstage-grupp c01 – uppstartsträff (träff 1 av 7): inbjudan / invitation" in subjects


def test_rerun_sends_nothing_new(plan_dir: Path, smtp_server: Server) -> None:
    total = len(_expected(plan_dir))
    send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    again = send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    assert (again.sent, again.skipped) == (0, total)
    assert len(smtp_server.received()) == total


def test_failure_stops_and_resume_sends_only_the_rest(
    plan_dir: Path, failing_server: Server
) -> None:
    expected = _expected(plan_dir)
    with pytest.raises(SendError) as info:
        send_outbox(plan_dir, SENDER, failing_server.address, dry_run=False)
    message = str(info.value)
    assert "2 e-mail(s) sent" in message
    third = expected[2][1]
    assert third["email"] in message and third["name"] in message
    assert len(failing_server.received()) == 2
    assert len(json.loads((plan_dir / SENT).read_text(encoding="utf-8"))) == 2

    report = send_outbox(plan_dir, SENDER, failing_server.address, dry_run=False)
    assert (report.sent, report.skipped) == (len(expected) - 2, 2)
    got = failing_server.received()
    assert len(got) == len(expected)
    keys = [_key_of(m, msg) for (m, _), (_, msg) in zip(expected, got, strict=True)]
    assert len(set(keys)) == len(expected)
    assert keys == [(m["method"], m["uid"], r["email"]) for m, r in expected]


def test_unreachable_server_is_a_clear_error(plan_dir: Path) -> None:
    with pytest.raises(SendError, match="0 e-mail"):
        send_outbox(plan_dir, SENDER, ("127.0.0.1", _free_port()), dry_run=False)
    assert not (plan_dir / SENT).exists()


def test_dry_run_writes_one_eml_per_recipient_and_sends_nothing(
    plan_dir: Path, smtp_server: Server
) -> None:
    expected = _expected(plan_dir)
    report = send_outbox(plan_dir, SENDER, None, dry_run=True)
    assert (report.sent, report.written) == (0, len(expected))
    files = sorted((plan_dir / "sent-eml").rglob("*.eml"))
    assert len(files) == len(expected)
    for m, r in expected:
        path = plan_dir / "sent-eml" / m["cohort"] / f"{m['session']}-{m['method']}-{r['id']}.eml"
        msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(msg, EmailMessage)
        _check_mail(plan_dir, m, r, msg)
    assert not (plan_dir / SENT).exists()
    assert smtp_server.received() == []


def _add_cancel(plan_dir: Path, file_method: str) -> dict[str, Any]:
    """Append a whole-session CANCEL for c01 session 0 to the outbox."""
    data = (plan_dir / "invites/c01/0.ics").read_bytes()
    data = data.replace(b"METHOD:REQUEST", f"METHOD:{file_method}".encode())
    data = data.replace(b"SEQUENCE:0", b"SEQUENCE:1")
    path = plan_dir / "cancellations/c01/0.ics"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    box = json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))
    first = box["messages"][0]
    cancel = {**first, "file": "cancellations/c01/0.ics", "method": "CANCEL", "sequence": 1,
              "change": "cancelled", "detail": "session cancelled"}
    box["messages"] = [cancel]
    (plan_dir / "outbox.json").write_text(json.dumps(box), encoding="utf-8")
    return cancel


def test_cancel_is_sent_with_method_cancel(plan_dir: Path, smtp_server: Server) -> None:
    cancel = _add_cancel(plan_dir, "CANCEL")
    report = send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    assert report.sent == len(cancel["recipients"])
    for (_, msg), r in zip(smtp_server.received(), cancel["recipients"], strict=True):
        _check_mail(plan_dir, cancel, r, msg)
        assert "inställd / cancelled" in str(msg["Subject"])
        assert "inställt" in msg.get_body(preferencelist=("plain",)).get_content()


def test_method_mismatch_is_refused_before_anything_is_sent(
    plan_dir: Path, smtp_server: Server
) -> None:
    _add_cancel(plan_dir, "REQUEST")
    with pytest.raises(InputError, match="METHOD CANCEL but the file says REQUEST"):
        send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    assert smtp_server.received() == []
    assert not (plan_dir / SENT).exists()


def test_message_id_is_stable(plan_dir: Path) -> None:
    m = _outbox(plan_dir)[0]
    a = build_message(plan_dir, m, m["recipients"][0], SENDER, "P")
    b = build_message(plan_dir, m, m["recipients"][0], SENDER, "P")
    c = build_message(plan_dir, m, m["recipients"][1], SENDER, "P")
    assert a["Message-ID"] == b["Message-ID"] != c["Message-ID"]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["send", *argv])


def test_cli_sends_and_reports(
    plan_dir: Path, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BACKSTAGE_SMTP_PASSWORD", raising=False)
    out, err = Console(record=True, width=200), Console(record=True, width=200)
    # --smtp without --from is refused
    args = _args(str(plan_dir), "--smtp", f"127.0.0.1:{smtp_server.port}")
    assert run(args, out, err) == 2
    # --user without the password in the environment is refused
    args = _args(str(plan_dir), "--smtp", f"127.0.0.1:{smtp_server.port}", "--from", SENDER,
                 "--user", "me")
    assert run(args, out, err) == 2
    assert "BACKSTAGE_SMTP_PASSWORD" in err.export_text()
    assert smtp_server.received() == []
    args = _args(str(plan_dir), "--smtp", f"127.0.0.1:{smtp_server.port}", "--from", SENDER, "-q")
    assert run(args, out, err) == 0
    total = len(_expected(plan_dir))
    assert f"Sent {total} e-mail(s)" in out.export_text()
    assert len(smtp_server.received()) == total


def test_cli_defaults_to_dry_run_and_has_no_password_flag(plan_dir: Path) -> None:
    out, err = Console(record=True, width=200), Console(record=True, width=200)
    assert run(_args(str(plan_dir), "-q"), out, err) == 0
    assert "nothing was sent" in out.export_text()
    assert len(list((plan_dir / "sent-eml").rglob("*.eml"))) == len(_expected(plan_dir))
    with pytest.raises(SystemExit):
        _args(str(plan_dir), "--password", "secret")
    with pytest.raises(SystemExit):
        _args(str(plan_dir), "--smtp", "nohost:port")
