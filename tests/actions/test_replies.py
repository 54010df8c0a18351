"""Replies read back (SPEC §11): calendar answers from an mbox, .eml files or IMAP.

The answers are made the way calendar programs make them: an iTIP REPLY naming
only the replying ATTENDEE, or a COUNTER proposing another time, built with
icalendar and sent inside ``multipart/alternative`` as Outlook does (text and
calendar) or Google does (text, HTML and calendar, plus the same calendar as an
``invite.ics`` attachment).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backstage_sched import (
    InputError,
    RepliesLog,
    SolveOptions,
    absent,
    load_program,
    plan_program,
    read_mailbox,
    read_plan_dir,
    read_replies_log,
    replan_program,
    replies,
    transfer,
    verify,
    write_plan_dir,
)
from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK, main
from backstage_sched.domain import Program
from backstage_sched.inputs.mail import PASSWORD_ENV, parse_mail
from backstage_sched.plan import Plan
from backstage_sched.publish.attendance import HEADER
from backstage_sched.publish.overview import overview_html
from backstage_sched.publish.replies_log import REPLIES
from conftest import Answers, mbox
from published import mark_sent

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027"
TODAY = date(2027, 1, 15)  # before every session of the example
ZONE = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Program, Plan]:
    """The example planned, written and sent: people have its invitations."""
    program = load_program(COMPANY / "program.toml")
    plan = plan_program(program, SolveOptions(effort=2))
    folder = tmp_path_factory.mktemp("replies") / "plan"
    write_plan_dir(program, plan, folder)
    mark_sent(folder)
    program, plan = read_plan_dir(folder)
    return folder, program, plan




def _eml_folder(path: Path, messages: list[bytes]) -> Path:
    path.mkdir()
    for i, data in enumerate(messages, start=1):
        (path / f"{i:03d}.eml").write_bytes(data)
    return path


def _guest(cohort, number: int) -> str:  # type: ignore[no-untyped-def]
    """A member who does not own session ``number``'s case."""
    return next(m for m in cohort.members if m != cohort.sessions[number - 1].case_owner)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(folder: Path) -> dict[str, dict[str, str]]:
    text = (folder / "attendance.csv").read_text(encoding="utf-8")
    return {r["participant"]: r for r in csv.DictReader(io.StringIO(text))}


# ---------------------------------------------------------------------------
# The mail itself


def test_outlook_and_google_mails_give_one_answer_each(published) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    pid = cohort.members[0]
    for client in ("outlook", "google"):  # google sends the calendar twice
        mail = parse_mail(make.mail(pid, cohort.id, 2, "TENTATIVE", client=client))
        assert len(mail.replies) == 1
        (reply,) = mail.replies
        assert (reply.method, reply.uid, reply.partstat) == ("REPLY", cohort.sessions[1].uid,
                                                             "TENTATIVE")
        assert reply.attendee == make.address(pid)[1].lower()
        assert mail.key.startswith("<answer-") and mail.sender == reply.attendee


def test_a_single_eml_file_is_a_mailbox_too(published, tmp_path: Path) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    eml = tmp_path / "svar.eml"
    eml.write_bytes(Answers(program, plan).mail(cohort.members[0], cohort.id, 1))
    (mail,) = read_mailbox(eml)
    assert mail.replies[0].partstat == "ACCEPTED"


def test_an_invitation_or_a_plain_mail_is_no_answer(published) -> None:
    folder, _, plan = published
    request = (folder / "invites" / plan.cohorts[0].id / "1.ics").read_bytes()
    msg = EmailMessage()
    msg["From"], msg["Message-ID"] = "kurs@example.org", "<invite@example.org>"
    msg.set_content("Välkommen!")
    msg.add_alternative(request, maintype="text", subtype="calendar",
                        params={"method": "REQUEST"})
    assert parse_mail(msg.as_bytes()).replies == ()


@pytest.mark.parametrize("calendar", [
    b"\xff\xfe not a calendar at all",
    b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
    b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nSEQUENCE:many\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
    b"ATTENDEE:mailto:a@b.example\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
    b"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
])
def test_a_broken_calendar_is_malformed_never_a_crash(calendar: bytes) -> None:
    msg = EmailMessage()
    msg["From"], msg["Message-ID"] = "a@b.example", "<broken@b.example>"
    msg.set_content(calendar, maintype="text", subtype="calendar",
                    params={"method": "REPLY"})
    (reply,) = parse_mail(msg.as_bytes()).replies
    assert reply.problem


# ---------------------------------------------------------------------------
# What counts, and what it changes


def test_accepted_tentative_and_declined_are_recorded(published, tmp_path: Path) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    guest = _guest(cohort, 3)
    others = [m for m in cohort.members if m != guest]
    box = mbox(tmp_path / "svar.mbox", [
        make.mail(others[0], cohort.id, 2, "ACCEPTED"),
        make.mail(others[1], cohort.id, 2, "TENTATIVE", client="google"),
        make.mail(guest, cohort.id, 3, "DECLINED", client="google"),
    ])
    read = replies(program, plan, read_mailbox(box), TODAY)
    assert read.report.counts == {"accepted": 1, "tentative": 1, "declined": 1}
    assert read.report.absences == ((guest, cohort.id, 3),)
    after = read.change.plan.cohort(cohort.id)
    assert dict(after.sessions[1].replies) == {others[0]: "ACCEPTED", others[1]: "TENTATIVE"}
    assert after.sessions[2].absent == (guest,)
    assert verify(read.change.program, read.change.plan) == []
    # an answer changes no invitation: only the absence's session is updated
    assert after.sessions[1].sequence == cohort.sessions[1].sequence
    assert after.sessions[2].sequence == cohort.sessions[2].sequence + 1
    assert {m.file for m in read.change.outbox.messages} == {f"invites/{cohort.id}/2.ics"}
    # kept in plan.json, and a re-plan keeps them
    again = Plan.from_dict(json.loads(read.change.plan.to_json()))
    assert again.cohort(cohort.id).sessions[1].replies == after.sessions[1].replies
    replanned = replan_program(program, read.change.program, read.change.plan, TODAY,
                               SolveOptions(effort=1))
    kept = replanned.plan.cohort(cohort.id)
    assert kept.sessions[1].replies == after.sessions[1].replies
    assert kept.sessions[2].absent == (guest,)


def test_the_latest_answer_stands_and_a_yes_does_not_undo_an_absence(published) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    first, second = _guest(cohort, 3), cohort.sessions[2].case_owner
    mails = [  # made in this order (DTSTAMP), read in another
        make.mail(first, cohort.id, 2, "TENTATIVE"),
        make.mail(first, cohort.id, 2, "ACCEPTED", client="google"),
        make.mail(first, cohort.id, 2, "ACCEPTED"),  # the same answer sent again
        make.mail(first, cohort.id, 3, "DECLINED"),
        make.mail(first, cohort.id, 3, "ACCEPTED"),
    ]
    read = replies(program, plan, [parse_mail(m) for m in reversed(mails)], TODAY)
    assert read.report.counts == {"accepted": 1, "tentative": 1, "declined": 1,
                                  "unchanged": 1, "not_applied": 1}
    after = read.change.plan.cohort(cohort.id)
    assert dict(after.sessions[1].replies) == {first: "ACCEPTED"}
    assert after.sessions[2].absent == (first,)
    (item,) = read.report.listed
    assert item.kind == "accept" and "does not undo" in (item.reason or "")
    # someone who leaves takes their answers along; the others' stay
    yes = parse_mail(make.mail(second, cohort.id, 2, "ACCEPTED"))
    both = replies(read.change.program, read.change.plan, [yes], TODAY).change
    moved = transfer(both.program, both.plan, first, "n99", "Nya Kollegan",
                     "nya.kollegan@nordvik.example", TODAY)
    assert dict(moved.plan.cohort(cohort.id).sessions[1].replies) == {second: "ACCEPTED"}


def test_a_declining_case_owner_swaps_turns_exactly_as_absent_does(published) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    owner = cohort.sessions[2].case_owner
    mail = Answers(program, plan).mail(owner, cohort.id, 3, "DECLINED")
    read = replies(program, plan, [parse_mail(mail)], TODAY)
    by_hand = absent(program, plan, owner, 3, TODAY)
    assert read.change.plan.to_dict() == by_hand.plan.to_dict()
    assert read.change.outbox.to_json(program.id) == by_hand.outbox.to_json(program.id)
    assert any("swapped" in note for note in read.change.notes)


def test_forged_stale_unknown_and_malformed_answers_change_nothing(published) -> None:
    _, program, plan = published
    first, second = plan.cohorts[0], plan.cohorts[1]
    make = Answers(program, plan)
    victim = first.sessions[2].case_owner
    forger = next(m for m in first.members if m != victim)
    outsider = second.members[0]
    broken = EmailMessage()
    broken["From"], broken["Message-ID"] = make.address(forger)[1], "<broken@x.example>"
    broken.set_content("BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nEND:VEVENT\n",
                       subtype="calendar", params={"method": "REPLY"})
    mails = [
        # a decline in the victim's name, sent from the forger's address
        make.mail(victim, first.id, 3, "DECLINED", sender=make.address(forger)[1]),
        make.mail(victim, first.id, 3, "DECLINED", sender="victim@evil.example"),
        make.mail(forger, first.id, 3, "DECLINED", sequence=-1),  # older than the session
        make.mail(forger, first.id, 3, "DECLINED", uid="someone-else@other.example"),
        make.mail(outsider, first.id, 3, "DECLINED", sender=make.address(outsider)[1],
                  uid=first.sessions[2].uid),  # not a member of that session
        broken.as_bytes(),
    ]
    read = replies(program, plan, [parse_mail(m) for m in mails], TODAY)
    assert read.report.counts == {"from_mismatch": 2, "stale_sequence": 1, "unknown_uid": 1,
                                  "not_member": 1, "malformed": 1}
    assert read.change.plan.to_dict()["cohorts"] == plan.to_dict()["cohorts"]
    assert read.change.outbox.messages == () and read.report.absences == ()


def test_a_counter_is_listed_with_the_move_command_never_applied(
    published, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, program, plan = published
    cohort = plan.cohorts[0]
    pid = cohort.members[1]
    proposed = datetime(2027, 5, 12, 13, 0, tzinfo=ZONE)
    mail = Answers(program, plan).mail(pid, cohort.id, 4, "TENTATIVE", method="COUNTER",
                                       proposed=proposed)
    read = replies(program, plan, [parse_mail(mail)], TODAY)
    assert read.report.counts == {"counter": 1}
    (item,) = read.report.listed
    assert (item.kind, item.participant, item.cohort, item.session) == (
        "counter", pid, cohort.id, 4)
    assert item.proposed_start == proposed
    assert read.change.plan.to_dict()["cohorts"] == plan.to_dict()["cohorts"]
    mails = _eml_folder(tmp_path / "mails", [mail])
    out = tmp_path / "plan-v2"
    assert main(["replies", str(folder), str(mails), "--today", TODAY.isoformat(),
                 "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out
    assert f"backstage-sched move {out} {cohort.id} 4 --to 2027-05-12T13:00 --out NEW" \
        in printed
    assert "1  föreslår ny tid" in printed
    listed = json.loads((out / REPLIES).read_text(encoding="utf-8"))["listed"]
    assert listed[0]["kind"] == "counter"
    assert listed[0]["proposed_start"].startswith("2027-05-12T13:00")


def test_a_decline_whose_turn_cannot_move_is_listed_and_changes_nothing(published) -> None:
    _, program, plan = published
    cohort = plan.cohorts[0]
    last = len(cohort.sessions)
    owner = cohort.sessions[-1].case_owner
    day = cohort.sessions[-1].start.astimezone(ZONE).date()  # every other turn held by then
    mail = Answers(program, plan).mail(owner, cohort.id, last, "DECLINED")
    read = replies(program, plan, [parse_mail(mail)], day)
    assert read.report.counts == {"not_applied": 1}
    (item,) = read.report.listed
    assert item.kind == "decline" and "cannot move" in (item.reason or "")
    assert read.change.plan.to_dict()["cohorts"] == plan.to_dict()["cohorts"]
    # and a decline of a session already held is no absence
    early = Answers(program, plan).mail(owner, cohort.id, 2, "DECLINED")
    assert replies(program, plan, [parse_mail(early)], day).report.counts == {"held": 1}


def test_the_overview_and_attendance_show_the_answers(published, tmp_path: Path) -> None:
    folder, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    guest = _guest(cohort, 3)
    yes = next(m for m in cohort.members if m != guest)
    mails = _eml_folder(tmp_path / "mails", [
        make.mail(yes, cohort.id, 3, "ACCEPTED"),
        make.mail(guest, cohort.id, 3, "DECLINED"),
    ])
    out = tmp_path / "plan-v2"
    assert main(["replies", str(folder), str(mails), "--today", TODAY.isoformat(),
                 "--out", str(out)]) == EXIT_OK
    rows = _rows(out)
    assert rows[yes]["rsvp_3"] == "ACCEPTED" and rows[guest]["rsvp_3"] == "DECLINED"
    assert rows[guest]["absent_sessions"] == "3" and rows[yes]["rsvp_2"] == ""
    header = (out / "attendance.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(",".join(HEADER) + ",rsvp_1,")
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert "Tackat ja" in page and "Inte svarat" in page
    assert "Tackat nej" in page
    assert "Tackat ja" not in overview_html(program, plan)  # no answers, no columns
    waiting = len(cohort.members) - 2
    counts = [1, 0, 1, waiting]  # accepted, tentative, declined, not answered
    cells = re.sub(r' data-label="[^"]*"', "", page)  # a group's cells are labelled for phones
    assert "".join(f'<td class="num">{n}</td>' for n in counts) in cells


# ---------------------------------------------------------------------------
# Safe and idempotent


def test_reading_the_same_mailbox_twice_changes_nothing(published, tmp_path: Path) -> None:
    folder, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    guest = _guest(cohort, 3)
    box = mbox(tmp_path / "svar.mbox", [
        make.mail(guest, cohort.id, 3, "DECLINED"),
        make.mail(cohort.members[0], cohort.id, 2, "ACCEPTED", client="google"),
    ])
    before = box.read_bytes()
    source = _tree(folder)
    first, second = tmp_path / "plan-v2", tmp_path / "plan-v3"
    args = ["--today", TODAY.isoformat()]
    assert main(["replies", str(folder), str(box), *args, "--out", str(first)]) == EXIT_OK
    mark_sent(first)
    assert main(["replies", str(first), str(box), *args, "--out", str(second)]) == EXIT_OK
    assert json.loads((second / "plan.json").read_text()) == \
        json.loads((first / "plan.json").read_text())
    assert json.loads((second / "outbox.json").read_text())["messages"] == []
    assert read_replies_log(second).read == read_replies_log(first).read
    assert len(read_replies_log(first).read) == 2
    # the answers read are carried over by a later change, so a third read changes nothing
    later_program, later_plan = read_plan_dir(second)
    other = next(m for m in cohort.members if m not in (guest, cohort.members[0]))
    change = absent(later_program, later_plan, other, 5, TODAY)
    third = write_plan_dir(change.program, change.plan, tmp_path / "plan-v4", change.stamp,
                           sending=change.outbox, changes=change.diff, previous=second)
    assert read_replies_log(third).read == read_replies_log(first).read
    again = replies(change.program, change.plan, read_mailbox(box), TODAY,
                    log=read_replies_log(third))
    assert again.report.counts == {"already_read": 2}
    # neither the mailbox nor the folder read from was touched
    assert box.read_bytes() == before and _tree(folder) == source


def test_a_dry_run_writes_nothing(published, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder, program, plan = published
    cohort = plan.cohorts[0]
    guest = _guest(cohort, 3)
    box = mbox(tmp_path / "svar.mbox", [Answers(program, plan).mail(guest, cohort.id, 3,
                                                                      "DECLINED")])
    source = _tree(folder)
    out = tmp_path / "plan-v2"
    assert main(["replies", str(folder), str(box), "--today", TODAY.isoformat(),
                 "--dry-run", "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out
    # the company example is Swedish: so is what the command line says
    assert "1  tackat nej (frånvaro noterad)" in printed
    assert f"missar träff 3 i grupp {cohort.id}" in printed
    assert "Provkörning: inget har skrivits." in printed
    assert not out.exists() and _tree(folder) == source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svar.mbox"]


def test_bad_sources_are_input_errors(published, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _, _ = published
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    for source in (str(tmp_path / "missing.mbox"), "imaps://kurs@127.0.0.1/INBOX",
                   "imap://kurs@mail.example.org/INBOX",
                   "imaps://kurs:secret@mail.example.org/INBOX"):
        assert main(["replies", str(folder), source, "--dry-run"]) == EXIT_INPUT


# ---------------------------------------------------------------------------
# IMAP


def test_answers_are_read_from_an_imap_mailbox_that_stays_as_it_was(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from imap_server import PASSWORD, running

    folder, program, plan = published
    cohort = plan.cohorts[0]
    make = Answers(program, plan)
    owner = cohort.sessions[2].case_owner
    forger = next(m for m in cohort.members if m != owner)
    mails = [
        make.mail(owner, cohort.id, 3, "DECLINED", client="google"),
        make.mail(owner, cohort.id, 4, "DECLINED", sender=make.address(forger)[1]),
        make.mail(forger, cohort.id, 2, "ACCEPTED"),
    ]
    plain = EmailMessage()
    plain["From"], plain["Message-ID"] = "nyhetsbrev@example.org", "<news@example.org>"
    plain.set_content("Nyheter")
    with running() as server:
        server.append([*mails, plain.as_bytes()])
        before = server.state()
        assert all("\\Seen" not in flags for flags, _ in before)
        out = tmp_path / "plan-v2"
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
        assert main(["replies", str(folder), server.url, "--out", str(out)]) == EXIT_INPUT
        assert not out.exists()
        monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
        assert main(["replies", str(folder), server.url, "--today", TODAY.isoformat(),
                     "--out", str(out)]) == EXIT_OK
        printed = capsys.readouterr().out
        # read again from the new folder: the e-mails read are known by their Message-ID
        again = tmp_path / "plan-v3"
        assert main(["replies", str(out), server.url, "--today", TODAY.isoformat(),
                     "--out", str(again)]) == EXIT_OK
        second = capsys.readouterr().out
        # ... and not even downloaded again: only their Message-ID is fetched
        read_before = set(read_replies_log(out).read)
        known = list(read_mailbox(server.url, known=read_before))
        assert {m.key for m in known} == read_before
        assert all(m.replies == () and m.sender == "" for m in known)
        after = server.state()
    assert after == before  # nothing read was marked \Seen, moved or deleted
    assert "Läste 4 e-brev" in printed and "1 utan kalendersvar" in printed
    assert "0 nya, 4 lästa tidigare" in second
    assert "Inga nya svar på kalenderinbjudningar." in second
    assert (again / "plan.json").read_bytes() == (out / "plan.json").read_bytes()
    new_program, new_plan = read_plan_dir(out)
    new = new_plan.cohort(cohort.id)
    assert new.sessions[2].absent == (owner,) and new.sessions[3].absent == ()
    assert new.sessions[2].case_owner != owner
    assert dict(new.sessions[1].replies) == {forger: "ACCEPTED"}
    log = json.loads((out / REPLIES).read_text(encoding="utf-8"))
    assert len(log["read"]) == 4
    assert verify(new_program, new_plan) == []


def test_imaps_reads_over_tls_and_checks_the_certificate(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imap_server import PASSWORD, USER, running, self_signed, tls_in_front

    made = self_signed(tmp_path)
    if made is None:
        pytest.skip("no openssl command to make a test certificate")
    cert, key = made
    _, program, plan = published
    cohort = plan.cohorts[0]
    guest = _guest(cohort, 3)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with running() as server, tls_in_front(server, cert, key) as port:
        server.append([Answers(program, plan).mail(guest, cohort.id, 3, "DECLINED")])
        url = f"imaps://{USER}@localhost:{port}/INBOX"
        with pytest.raises(InputError, match="cannot connect"):  # a certificate nobody vouches for
            list(read_mailbox(url))
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the test's own authority
        (mail,) = read_mailbox(url)
    assert mail.replies[0].partstat == "DECLINED"
    assert replies(program, plan, [mail], TODAY).report.absences == ((guest, cohort.id, 3),)


def test_replies_json_round_trips() -> None:
    log = RepliesLog(("<b@x>", "<a@x>"), ({"kind": "counter", "session": 3},))
    data = json.loads(log.to_json())
    assert data["read"] == ["<a@x>", "<b@x>"] and data["listed"][0]["session"] == 3
