"""``send``: iMIP e-mail to a real SMTP server (aiosmtpd on 127.0.0.1), resumable, dry run."""

from __future__ import annotations

import argparse
import email
import json
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import icalendar
import pytest
from rich.console import Console

from backstage_sched import write_templates
from backstage_sched.cli import app as cli
from backstage_sched.cli.send import add_parser, run
from backstage_sched.errors import InputError
from backstage_sched.publish.send import (
    SENT,
    SendError,
    _message_id,
    build_message,
    message_key,
    outbox_entries,
    send_outbox,
)
from conftest import example_program
from published import mark_sent
from smtp_server import Collector, Server, free_port

SENDER = "Backstage <backstage@nordvik.example>"


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


ORGANIZER = 'organizer_name = "Backstage-kansliet"\norganizer_email = "kansli@nordvik.example"\n'
KEYS = {
    "plain": "",  # Swedish (country SE), the facilitator organises
    "organizer": ORGANIZER,  # Swedish, the coordinator's mailbox organises
    "english": 'language = "en"\nlocation = "Nordvik HQ"\n' + ORGANIZER,
}


def _plan_with(folder: Path, keys: str) -> Path:
    """The company example with ``keys`` added to [program], planned into folder/plan."""
    out = folder / "plan"
    assert cli.main(["plan", str(example_program(folder, keys)), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def planned_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {name: _plan_with(tmp_path_factory.mktemp(name), keys) for name, keys in KEYS.items()}


@pytest.fixture(scope="module")
def planned(planned_all: dict[str, Path]) -> Path:
    return planned_all["plain"]


@pytest.fixture
def plan_dir(planned: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "plan"
    shutil.copytree(planned, copy)
    return copy


def _outbox(plan_dir: Path) -> list[dict[str, Any]]:
    return json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))["messages"]


def _feeds(plan_dir: Path) -> list[dict[str, Any]]:
    return json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))["feeds"]


def _expected(plan_dir: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (message, recipient) in the order send goes: messages, feeds, summaries."""
    box = json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))
    return [(m, r) for m in outbox_entries(box) for r in m["recipients"]]


def _copy(planned_all: dict[str, Path], name: str, tmp_path: Path) -> Path:
    copy = tmp_path / name
    shutil.copytree(planned_all[name], copy)
    return copy


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


def _check_letter(
    plan_dir: Path, m: dict[str, Any], r: dict[str, Any], msg: EmailMessage, lang: str
) -> None:
    """A welcome letter: text and HTML parts equal to its files, no calendar part."""
    assert not [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert msg["To"].addresses[0].addr_spec == r["email"]
    assert msg["Message-ID"] == _message_id(message_key(m, r))
    assert msg["Content-Language"] == lang
    text = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text == (plan_dir / m["file"]).read_text(encoding="utf-8")
    page = msg.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    assert page == (plan_dir / m["html"]).read_text(encoding="utf-8")
    assert text.startswith({"sv": "Hej ", "en": "Hello "}[lang] + r["name"].split()[0])


def _check_mail(
    plan_dir: Path, m: dict[str, Any], r: dict[str, Any], msg: EmailMessage, lang: str = "sv"
) -> None:
    if m["method"] == "LETTER":
        _check_letter(plan_dir, m, r, msg, lang)
        return
    data = (plan_dir / m["file"]).read_bytes()
    part = _calendar_part(msg)
    assert part.get_param("method") == _file_method(data) == m["method"]
    assert part.get_content_charset() == "utf-8"
    assert part.get_payload(decode=True) == data
    to = msg["To"].addresses
    assert len(to) == 1
    assert to[0].display_name == r["name"]
    assert to[0].addr_spec == r["email"]
    assert msg["Message-ID"] == _message_id(message_key(m, r))
    assert msg["Content-Language"] == lang
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None and text["Content-Language"] == lang
    body = text.get_content().replace("\r\n", "\n")
    hello, regards = {"sv": ("Hej", "Vänliga hälsningar"), "en": ("Hello", "Kind regards,")}[lang]
    assert body.startswith(f"{hello} {r['name'].split()[0]}") and f"\n{regards}\n" in body
    if m["method"] == "PUBLISH":
        assert ("Dina träffar:" if lang == "sv" else "Your sessions:") in body
    else:
        assert ("\nNär: " if lang == "sv" else "\nWhen: ") in body
    if m["change"] == "changed":
        assert m["detail"].split("\n")[0] in body
    other = ("Hello", "Time:", "When:", "session", "In English") if lang == "sv" else (
        "Hej", "När:", "träff", "Samtalsledare")
    for word in other:
        assert word not in body, word


def _key_of(m: dict[str, Any], msg: EmailMessage) -> tuple[str, str, str]:
    """(method, UID — the file for a feed or letter, recipient) of a delivered e-mail."""
    if not [p for p in msg.walk() if p.get_content_type() == "text/calendar"]:
        return ("LETTER", m["file"], msg["To"].addresses[0].addr_spec)
    part = _calendar_part(msg)
    uids = [
        ln.split(":", 1)[1]
        for ln in part.get_payload(decode=True).decode().splitlines()
        if ln.startswith("UID:")
    ]
    method = part.get_param("method")
    uid = m["file"] if method == "PUBLISH" else uids[0]
    return (method, uid, msg["To"].addresses[0].addr_spec)


def _identity(m: dict[str, Any], r: dict[str, Any]) -> tuple[str, str, str]:
    return (m["method"], m.get("uid", m["file"]), r["email"])


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
        assert _key_of(m, msg) == _identity(m, r)
        _check_mail(plan_dir, m, r, msg)
    sent = json.loads((plan_dir / SENT).read_text(encoding="utf-8"))
    assert sent == [message_key(m, r) for m, r in expected]
    # names with å/ä/ö: 7-bit headers (RFC 2047) that decode back to the Unicode name
    raw = smtp_server.handler.envelopes[1].content
    raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = {msg["To"].addresses[0].display_name for _, msg in got}
    assert "Bengt Åhlén" in names
    subjects = {str(msg["Subject"]) for _, msg in got}
    assert "Inbjudan: Backstage-grupp c01 – uppstartsträff (träff 1 av 7)" in subjects
    assert "Dina träffar som samtalsledare: Backstage för Nordvik Energi AB" in subjects


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
    assert keys == [_identity(m, r) for m, r in expected]


def test_unreachable_server_is_a_clear_error(plan_dir: Path) -> None:
    with pytest.raises(SendError, match="0 e-mail"):
        send_outbox(plan_dir, SENDER, ("127.0.0.1", free_port()), dry_run=False)
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
        if m["method"] == "PUBLISH":
            path = plan_dir / "sent-eml" / "people" / f"{r['id']}-PUBLISH.eml"
        elif m["method"] == "LETTER":
            path = plan_dir / "sent-eml" / "letters" / f"{r['id']}.eml"
        else:
            name = f"{m['session']}-{m['method']}-{r['id']}.eml"
            path = plan_dir / "sent-eml" / m["cohort"] / name
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
    box["feeds"] = []
    box["letters"] = []
    (plan_dir / "outbox.json").write_text(json.dumps(box), encoding="utf-8")
    return cancel


def test_cancel_is_sent_with_method_cancel(plan_dir: Path, smtp_server: Server) -> None:
    cancel = _add_cancel(plan_dir, "CANCEL")
    report = send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    assert report.sent == len(cancel["recipients"])
    for (_, msg), r in zip(smtp_server.received(), cancel["recipients"], strict=True):
        _check_mail(plan_dir, cancel, r, msg)
        assert str(msg["Subject"]) == (
            "Inställd: Backstage-grupp c01 – uppstartsträff (träff 1 av 7)")
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert "är inställd." in body and "tas träffen bort ur din kalender" in body


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
    a = build_message(plan_dir, m, m["recipients"][0], SENDER)
    b = build_message(plan_dir, m, m["recipients"][0], SENDER)
    c = build_message(plan_dir, m, m["recipients"][1], SENDER)
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
    assert f"Skickade {total} e-brev" in out.export_text()  # the program is Swedish
    assert len(smtp_server.received()) == total


def test_cli_defaults_to_dry_run_and_has_no_password_flag(plan_dir: Path) -> None:
    out, err = Console(record=True, width=200), Console(record=True, width=200)
    assert run(_args(str(plan_dir), "-q"), out, err) == 0
    assert "inget har skickats" in out.export_text()
    assert len(list((plan_dir / "sent-eml").rglob("*.eml"))) == len(_expected(plan_dir))
    with pytest.raises(SystemExit):
        _args(str(plan_dir), "--password", "secret")
    with pytest.raises(SystemExit):
        _args(str(plan_dir), "--smtp", "nohost:port")


# --------------------------------------------------------------------------- SPEC §6

LENA = "lena.akerlund@backstage.example"


def _to(server: Server, email_address: str) -> list[EmailMessage]:
    """The calendar e-mails (not the letters) one address received."""
    return [msg for rcpt, msg in server.received() if rcpt == email_address
            and any(p.get_content_type() == "text/calendar" for p in msg.walk())]


def _chair(msg: EmailMessage) -> str | None:
    """The ROLE=CHAIR attendee's address in the e-mail's calendar part, if any."""
    data = _calendar_part(msg).get_payload(decode=True)
    for ev in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        value = ev.get("ATTENDEE", [])
        for a in value if isinstance(value, list) else [value]:
            if a.params.get("ROLE") == "CHAIR":
                return str(a).removeprefix("mailto:")
    return None


def test_without_an_organizer_the_facilitator_gets_their_own_feed(
    plan_dir: Path, smtp_server: Server
) -> None:
    (feed,) = _feeds(plan_dir)
    assert (feed["file"], feed["method"], feed["change"]) == ("people/f-lena.ics", "PUBLISH", "new")
    send_outbox(plan_dir, SENDER, smtp_server.address, dry_run=False)
    (msg,) = _to(smtp_server, LENA)  # her feed, and no invitation: she organises them
    part = _calendar_part(msg)
    assert part.get_param("method") == "PUBLISH"
    assert part.get_payload(decode=True) == (plan_dir / "people" / "f-lena.ics").read_bytes()
    assert str(msg["Subject"]) == "Dina träffar som samtalsledare: Backstage för Nordvik Energi AB"
    body = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    sessions = [ln for ln in body.split("\n") if ln.startswith("- ")]
    assert len(sessions) == 14
    assert sessions[0] == ("- tisdag 2 februari 2027 kl. 09:00–12:00: Backstage-grupp c01 – "
                           "uppstartsträff (träff 1 av 7), Rum Vattenfallet, plan 3")
    assert "lägga in träffarna i din kalender" in body


def test_with_an_organizer_the_facilitator_gets_every_invitation_as_chair(
    planned_all: dict[str, Path], tmp_path: Path, smtp_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_dir = _copy(planned_all, "organizer", tmp_path)
    assert _feeds(plan_dir) == []
    messages = _outbox(plan_dir)
    assert all(m["recipients"][-1]["email"] == LENA for m in messages)
    monkeypatch.delenv("BACKSTAGE_SMTP_PASSWORD", raising=False)
    out, err = Console(record=True, width=200), Console(record=True, width=200)
    # no --from: the program's organizer sends
    assert run(_args(str(plan_dir), "--smtp", f"127.0.0.1:{smtp_server.port}", "-q"),
               out, err) == 0
    got = smtp_server.received()
    assert len(got) == len(_expected(plan_dir))
    for (m, r), (_, msg) in zip(_expected(plan_dir), got, strict=True):
        _check_mail(plan_dir, m, r, msg)
        assert msg["From"].addresses[0].addr_spec == "kansli@nordvik.example"
        assert msg["Reply-To"].addresses[0].addr_spec == "kansli@nordvik.example"
    mine = _to(smtp_server, LENA)
    assert len(mine) == len(messages) == 14
    for msg in mine:
        assert _calendar_part(msg).get_param("method") == "REQUEST"
        assert _chair(msg) == LENA
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert "Du leder träffen som samtalsledare" in body
        assert body.rstrip().endswith("Backstage-kansliet")


def test_an_english_program_writes_english_e_mail(
    planned_all: dict[str, Path], tmp_path: Path
) -> None:
    plan_dir = _copy(planned_all, "english", tmp_path)
    send_outbox(plan_dir, SENDER, None, dry_run=True)
    expected = _expected(plan_dir)
    for m, r in expected:
        if m["method"] in ("PUBLISH", "LETTER"):
            continue
        name = f"{m['session']}-{m['method']}-{r['id']}.eml"
        path = plan_dir / "sent-eml" / m["cohort"] / name
        msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(msg, EmailMessage)
        _check_mail(plan_dir, m, r, msg, lang="en")
    first = plan_dir / "sent-eml" / "c01" / "0-REQUEST-n01.eml"
    msg = email.message_from_bytes(first.read_bytes(), policy=default_policy)
    assert str(msg["Subject"]) == "Invitation: Backstage c01 — session 1/7 (kick-off)"
    body = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "\nWhen: Tuesday 2 February 2027, 09:00–12:00\n" in body
    assert "\nLocation: Rum Vattenfallet, plan 3\n" in body
    assert "\nLast day to cancel free of charge: Friday 22 January 2027\n" in body


def test_after_a_change_the_facilitator_hears_of_it_in_both_modes(
    planned_all: dict[str, Path], tmp_path: Path, smtp_server: Server
) -> None:
    # without an organizer: her changed feed, saying what changed
    plain = tmp_path / "plain-2"
    sent = mark_sent(_copy(planned_all, "plain", tmp_path))  # the invitations went out
    assert cli.main(["withdraw", str(sent), "n03", "--on", "2027-04-20",
                     "--out", str(plain)]) == 0
    send_outbox(plain, SENDER, smtp_server.address, dry_run=False)
    # her feed, and the cancellation of the session that left it (SPEC §9)
    cancelled, msg = _to(smtp_server, LENA)
    data = _calendar_part(cancelled).get_payload(decode=True)
    assert data == (plain / "cancellations" / "c01" / "6.ics").read_bytes()
    (ev,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(ev["ORGANIZER"]) == f"mailto:{LENA}" and str(ev["STATUS"]) == "CANCELLED"
    assert "tas träffen bort ur din kalender" in cancelled.get_body(("plain",)).get_content()
    assert _calendar_part(msg).get_payload(decode=True) == (
        plain / "people" / "f-lena.ics").read_bytes()
    assert str(msg["Subject"]).startswith("Ändringar i dina träffar som samtalsledare")
    body = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "\n- Backstage-grupp c01, träff 4: Camilla Östlund lämnar gruppen" in body
    assert "\n- Backstage-grupp c01, träff 7: inställd" in body
    assert "tar du bort själv" not in body and "avbokning, som kommer i ett eget mejl" in body
    plain_mails = len([r for r, _ in smtp_server.received() if r == LENA])
    # with an organizer: every updated invitation and the cancelled session, as chair
    loop = tmp_path / "loop-2"
    sent = mark_sent(_copy(planned_all, "organizer", tmp_path))
    assert cli.main(["withdraw", str(sent), "n03", "--on", "2027-04-20",
                     "--out", str(loop)]) == 0
    before = len(smtp_server.received())
    send_outbox(loop, SENDER, smtp_server.address, dry_run=False)
    assert len(smtp_server.received()) - before == len(_expected(loop))
    mine = [msg for rcpt, msg in smtp_server.received() if rcpt == LENA][plain_mails:]
    # SPEC §9: an update where the case turn moves, the cancellation, and one
    # summary for the sessions where only who is a member changed
    *calendar, summary = mine
    assert [(_calendar_part(m).get_param("method"), str(m["Subject"]).split(":")[0])
            for m in calendar] == [("REQUEST", "Ändrad"), ("CANCEL", "Inställd")]
    assert all(_chair(m) == LENA for m in calendar)
    assert not [p for p in summary.walk() if p.get_content_type() == "text/calendar"]
    assert str(summary["Subject"]).startswith("Ändring i din Backstage-grupp")
    text = summary.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Hej Lena!") and "Camilla Östlund lämnar gruppen" in text


def test_a_feed_without_rooms_says_once_that_the_place_is_to_be_announced(
    tmp_path: Path,
) -> None:
    paths = write_templates(tmp_path / "ht2027", year=2027)
    out = tmp_path / "plan"
    assert cli.main(["plan", *map(str, paths), "--out", str(out), "-q"]) == 0
    send_outbox(out, SENDER, None, dry_run=True)
    path = out / "sent-eml" / "people" / "f-ingrid-PUBLISH.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    body = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert body.count("meddelas senare") == 1 and "\nPlats: meddelas senare\n" in body
    assert "\n- tisdag 12 januari 2027 kl. 08:30–11:30: Backstage-grupp c01 – uppstartsträff " \
           "(träff 1 av 5)\n" in body
