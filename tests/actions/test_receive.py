"""What people receive after a change (SPEC §9), counted per person on a real SMTP server.

plan → send → change → send: each e-mail is parsed with the email package and
each calendar part with icalendar; the counts say who a change concerns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from backstage_sched.cli import app as cli
from backstage_sched.publish.send import send_outbox
from conftest import example_program
from smtp_server import Server, running

SENDER = "Backstage <backstage@nordvik.example>"
ORGANIZER = 'organizer_name = "Backstage-kansliet"\norganizer_email = "kansli@nordvik.example"\n'
TODAY = "2027-04-20"
LENA = "lena.akerlund@backstage.example"


def _program(folder: Path, keys: str = ORGANIZER, policy: str = "") -> Path:
    path = example_program(folder, keys)
    if policy:
        text = path.read_text(encoding="utf-8")
        text = text.replace("[groups]\n", "[policy]\n" + policy + "\n[groups]\n", 1)
        path.write_text(text, encoding="utf-8")
    return path


def _plan(folder: Path, keys: str = ORGANIZER, policy: str = "") -> Path:
    out = folder / "plan"
    assert cli.main(["plan", str(_program(folder, keys, policy)), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture
def server() -> Iterator[Server]:
    with running() as s:
        yield s


def _send(folder: Path, server: Server) -> list[tuple[str, EmailMessage]]:
    before = len(server.received())
    send_outbox(folder, SENDER, server.address, dry_run=False)
    return server.received()[before:]


def _calendar(msg: EmailMessage) -> icalendar.Calendar | None:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return None
    (part,) = parts
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def _kind(msg: EmailMessage) -> str:
    """letter, invitation, update, cancellation or summary, read from the e-mail itself."""
    cal = _calendar(msg)
    subject = str(msg["Subject"])
    if cal is None:
        return "summary" if subject.startswith("Ändring i din Backstage-grupp") else "letter"
    method = str(cal["METHOD"])
    if method == "CANCEL":
        return "cancellation"
    if method == "PUBLISH":
        return "feed"
    return "invitation" if subject.startswith("Inbjudan") else "update"


def _by_person(mails: list[tuple[str, EmailMessage]]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for rcpt, msg in mails:
        found.setdefault(rcpt, Counter())[_kind(msg)] += 1
    return found


def _people(plan: Path) -> dict[str, str]:
    data = json.loads((plan / "input.json").read_text(encoding="utf-8"))
    return {p["id"]: p["email"] for p in data["participants"]}


def _cohort_of(plan: Path, pid: str) -> dict:
    data = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    (cohort,) = [c for c in data["cohorts"] if pid in c["members"]]
    return cohort


def _to_come(cohort: dict) -> int:
    return sum(1 for s in cohort["sessions"] if s["start"][:10] >= TODAY)


def _transfer(sent: Path, out: Path) -> None:
    assert cli.main(["transfer", str(sent), "--from", "n03", "--to", "n13", "--name",
                     "Nils Nyström", "--email", "nils@nordvik.example", "--today", TODAY,
                     "--out", str(out)]) == 0


def test_a_transfer_mails_only_those_it_concerns(tmp_path: Path, server: Server) -> None:
    plan = _plan(tmp_path)
    _send(plan, server)
    new = tmp_path / "plan-v2"
    _transfer(plan, new)
    mails = _send(new, server)
    people = {**_people(plan), **_people(new)}
    cohort = _cohort_of(plan, "n03")
    upcoming = _to_come(cohort)
    assert upcoming >= 2
    got = _by_person(mails)
    # the newcomer: a welcome letter and an invitation for each session to come
    assert got.pop("nils@nordvik.example") == Counter(letter=1, invitation=upcoming)
    assert got.pop(people["n03"]) == Counter(cancellation=upcoming)
    others = [people[m] for m in cohort["members"] if m != "n03"]
    for address in [*others, LENA]:
        assert got.pop(address) == Counter(summary=1), address
    assert got == {}  # nobody else hears of it
    # the summary: plain text, the first name, who left and who came
    summary = next(m for r, m in mails if r == LENA)
    assert summary.get_content_type() == "text/plain"
    text = summary.get_content()
    assert text.startswith("Hej Lena!")
    assert "Nils Nyström kommer med i gruppen" in text and "lämnar gruppen" in text
    # the newcomer's invitation names them as an attendee
    invite = next(m for r, m in mails
                  if r == "nils@nordvik.example" and _kind(m) == "invitation")
    cal = _calendar(invite)
    assert cal is not None
    (event,) = cal.walk("VEVENT")
    attendees = [str(a).lower() for a in event.get("ATTENDEE")]
    assert "mailto:nils@nordvik.example" in attendees
    # sending the same folder again mails nothing, summaries included
    assert _send(new, server) == []


def test_a_summary_is_never_mailed_twice_across_plan_folders(
    tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path)
    _send(plan, server)
    v2 = tmp_path / "plan-v2"
    _transfer(plan, v2)
    first = _send(v2, server)
    assert any(_kind(m) == "summary" for _, m in first)
    # a later change from v2 that changes no one's membership: no summary again
    v3 = tmp_path / "plan-v3"
    assert cli.main(["move", str(v2), "c01", "7", "--to", "2027-08-11 09:00",
                     "--today", TODAY, "--out", str(v3)]) == 0
    again = _send(v3, server)
    assert again and not any(_kind(m) == "summary" for _, m in again)
    # the same summary entry copied into the later folder is recognised as sent
    box = json.loads((v2 / "outbox.json").read_text(encoding="utf-8"))
    box3 = json.loads((v3 / "outbox.json").read_text(encoding="utf-8"))
    box3["summaries"] = box["summaries"]
    (v3 / "outbox.json").write_text(json.dumps(box3), encoding="utf-8")
    assert _send(v3, server) == []


@pytest.mark.parametrize("mode", ["calendar", "none"])
def test_member_updates_policy(tmp_path: Path, server: Server, mode: str) -> None:
    plan = _plan(tmp_path, policy=f'member_updates = "{mode}"\n')
    _send(plan, server)
    new = tmp_path / "plan-v2"
    _transfer(plan, new)
    got = _by_person(_send(new, server))
    people = {**_people(plan), **_people(new)}
    cohort = _cohort_of(plan, "n03")
    upcoming = _to_come(cohort)
    assert got.pop("nils@nordvik.example") == Counter(letter=1, invitation=upcoming)
    assert got.pop(people["n03"]) == Counter(cancellation=upcoming)
    others = [people[m] for m in cohort["members"] if m != "n03"]
    for address in [*others, LENA]:
        expected = Counter(update=upcoming) if mode == "calendar" else None
        assert got.pop(address, None) == expected, address
    assert got == {}


def test_an_absence_tells_the_absent_person_in_their_own_words(
    tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path)
    _send(plan, server)
    data = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    cohort = data["cohorts"][0]
    # the member whose case turn is a later session to come: their turn must move
    session = next(s for s in cohort["sessions"][1:-1] if s["start"][:10] >= "2027-03-01")
    pid = session["case_owner"]
    new = tmp_path / "plan-v2"
    assert cli.main(["absent", str(plan), pid, "--session", str(session["index"] + 1),
                     "--today", "2027-03-01", "--out", str(new)]) == 0
    mails = _send(new, server)
    people = _people(new)
    mine = [m for r, m in mails if r == people[pid]]
    absence = [m for m in mine if str(m["Subject"]).startswith("Frånvaro noterad")]
    assert len(absence) == 1
    text = absence[0].get_body(preferencelist=("plain",)).get_content()
    assert "Vi har noterat att du inte kan komma den" in text
    assert "Ditt fall tas i stället upp" in text
    assert "kommer inte" not in text
    for r, m in mails:
        if r != people[pid]:
            body = m.get_body(preferencelist=("plain",)).get_content()
            assert "kommer inte" not in body, r  # the others hear of the case turn only


def test_a_cancelled_cohort_says_why_and_no_deadline(tmp_path: Path, server: Server) -> None:
    plan = _plan(tmp_path)
    _send(plan, server)
    cohort = _cohort_of(plan, "n03")
    new = tmp_path / "plan-v2"
    assert cli.main(["cancel-cohort", str(plan), cohort["id"], "--today", "2027-01-05",
                     "--reason", "kursledaren är sjuk", "--out", str(new)]) == 0
    mails = _send(new, server)
    people = _people(new)
    assert mails
    for rcpt, msg in mails:
        assert _kind(msg) == "cancellation"
        text = msg.get_body(preferencelist=("plain",)).get_content()
        assert "Skäl: kursledaren är sjuk" in text
        assert "Sista dag för kostnadsfri avbokning" not in text
        name = next((p for p, e in people.items() if e == rcpt), None)
        if name is not None:
            assert "Deltagare:" not in text
    counts = _by_person(mails)
    assert all(c == Counter(cancellation=len(cohort["sessions"])) for c in counts.values())
    assert date.fromisoformat(cohort["sessions"][0]["start"][:10]) >= date(2027, 1, 5)


def test_the_policy_keys_are_read_checked_and_kept(tmp_path: Path) -> None:
    from backstage_sched.errors import InputError
    from backstage_sched.inputs.load import load_program
    from backstage_sched.inputs.snapshot import program_from_dict, program_to_dict

    path = _program(tmp_path, policy='member_updates = "none"\nwelcome_letter = false\n')
    program = load_program(path)
    assert (program.policy.member_updates, program.policy.welcome_letter) == ("none", False)
    again = program_from_dict(program_to_dict(program))
    assert again.policy == program.policy
    bad = _program(tmp_path, policy='member_updates = "all"\nwelcome_letter = "no"\n')
    with pytest.raises(InputError) as err:
        load_program(bad)
    text = str(err.value)
    assert "member_updates" in text and "welcome_letter" in text


def test_the_first_send_brings_each_person_one_welcome_letter(
    tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path)
    mails = _send(plan, server)
    data = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    people = _people(plan)
    got = _by_person(mails)
    for cohort in data["cohorts"]:
        for pid in cohort["members"]:
            assert got[people[pid]] == Counter(letter=1, invitation=len(cohort["sessions"]))
    assert got[LENA]["letter"] == 1  # the facilitator: one letter beside her invitations
    # the letter of the first member of c01: text and HTML, everything they need
    cohort = data["cohorts"][0]
    pid = cohort["members"][0]
    (letter,) = [m for r, m in mails if r == people[pid] and _kind(m) == "letter"]
    assert letter["Content-Language"] == "sv"
    text = letter.get_body(preferencelist=("plain",)).get_content()
    page = letter.get_body(preferencelist=("html",)).get_content()
    program = json.loads((plan / "input.json").read_text(encoding="utf-8"))
    person = next(p for p in program["participants"] if p["id"] == pid)
    assert text.startswith(f"Hej {person['name'].split()[0]}!")
    assert f"Backstage-grupp {cohort['id']}" in text and "Lena Åkerlund" in text
    for other in program["participants"]:
        if other["id"] in cohort["members"] and other["id"] != pid:
            assert f"{other['name']} ({other['organization']})" in text
    dates = [ln for ln in text.splitlines() if ln.startswith("- träff ")]
    assert len(dates) == len(cohort["sessions"])
    assert all(" kl. " in ln for ln in dates)
    mine = [ln for ln in dates if ln.endswith("— ditt fall")]
    own = next(s["index"] for s in cohort["sessions"] if s["case_owner"] == pid)
    assert mine == [dates[own]]
    assert "Plats: Rum Vattenfallet, plan 3" in text
    assert "17\u00a0500\u00a0kr" in text
    assert "avboka kostnadsfritt till och med fredag 22 januari 2027" in text  # deadline - 1
    assert "en kollega från din organisation ta din plats" in text
    assert "Skriv till Backstage-kansliet, kansli@nordvik.example" in text
    assert "<li>" in page and "ditt fall" in page and '<html lang="sv">' in page
    # the facilitator's letter: her groups, members with e-mail, dates
    (mine_f,) = [m for r, m in mails if r == LENA and _kind(m) == "letter"]
    ftext = mine_f.get_body(preferencelist=("plain",)).get_content()
    assert ftext.startswith("Hej Lena!")
    for c in data["cohorts"]:
        if c["facilitator"] == "f-lena":
            assert f"Backstage-grupp {c['id']}" in ftext
            assert all(people[m] in ftext for m in c["members"])
    # a second send mails no letter again
    assert _send(plan, server) == []


def test_welcome_letter_false_sends_only_the_invitations(
    tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path, policy="welcome_letter = false\n")
    got = _by_person(_send(plan, server))
    assert all(c["letter"] == 0 for c in got.values())
    assert not (plan / "letters").exists()


def test_without_an_organizer_a_cancelled_session_leaves_the_facilitators_calendar(
    tmp_path: Path, server: Server
) -> None:
    plan = _plan(tmp_path, keys="")
    _send(plan, server)
    cohort = _cohort_of(plan, "n03")
    new = tmp_path / "plan-v2"
    assert cli.main(["cancel-cohort", str(plan), cohort["id"], "--today", "2027-01-05",
                     "--out", str(new)]) == 0
    mails = [m for r, m in _send(new, server) if r == LENA]
    cancels = [m for m in mails if _kind(m) == "cancellation"]
    gone = {s["uid"] for s in cohort["sessions"]}
    got = set()
    for msg in cancels:
        cal = _calendar(msg)
        assert cal is not None
        (event,) = cal.walk("VEVENT")
        got.add(str(event["UID"]))
        assert str(event["STATUS"]) == "CANCELLED"
    assert got == gone
    (feed,) = [m for m in mails if _kind(m) == "feed"]
    cal = _calendar(feed)
    assert cal is not None
    assert not {str(e["UID"]) for e in cal.walk("VEVENT")} & gone
    text = feed.get_body(preferencelist=("plain",)).get_content()
    assert "själv" not in text


def test_a_dry_run_counts_each_kind_of_mail(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _plan(tmp_path)
    capsys.readouterr()
    assert cli.main(["send", str(plan), "--dry-run", "-q"]) == 0
    out = capsys.readouterr().out
    data = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    placed = sum(len(c["members"]) for c in data["cohorts"])
    sessions = sum(len(c["sessions"]) * (len(c["members"]) + 1) for c in data["cohorts"])
    people = placed + len({c["facilitator"] for c in data["cohorts"]})
    # the program is Swedish: so is the table (a column of 17 for the longest kind)
    assert f"  {'välkomstbrev':<17}{people:>6} e-brev skulle gå till {people} personer" in out
    assert f"  {'inbjudningar':<17}{sessions:>6} e-brev skulle gå till {people} personer" in out
    # after a transfer that was sent: the newcomer's letter and invitations, the
    # leaver's cancellations, one summary to each other member and the facilitator
    _send(plan, server)
    new = tmp_path / "plan-v2"
    _transfer(plan, new)
    capsys.readouterr()
    assert cli.main(["send", str(new), "--dry-run", "-q"]) == 0
    out = capsys.readouterr().out
    cohort = _cohort_of(plan, "n03")
    upcoming = _to_come(cohort)
    others = len(cohort["members"]) - 1 + 1  # the members who stay, and the facilitator
    assert f"  {'välkomstbrev':<17}     1 e-brev skulle gå till 1 person" in out
    assert f"  {'inbjudningar':<17}{upcoming:>6} e-brev skulle gå till 1 person" in out
    assert f"  {'avbokningar':<17}{upcoming:>6} e-brev skulle gå till 1 person" in out
    assert f"  {'sammanfattningar':<17}{others:>6} e-brev skulle gå till {others} personer" in out
    assert "uppdateringar" not in out
