"""Every mail of a chain of changes, received by a real SMTP server (issue 20 item 7).

plan → send → transfer → send → fill → send → absent → send → cancel-cohort →
send, each change written to a new folder with ``--out`` (a folder that was sent
from is history and stays as it was). aiosmtpd (tests/smtp_server.py) receives
every e-mail; each is parsed by Python's ``email`` package, and each calendar part
by icalendar and by libical (the C library of Evolution and KDE PIM, through
ctypes as in tests/publish/test_libical.py; without libical this test fails: it is
what the test is for).

The mails each person gets at each step are counted and compared with what
SPEC §9 says the change brings them, worked out from the two plans alone:

- a cohort cancelled: a cancellation per session to come to each member and
  the facilitator (without ``organizer_email``, the facilitator's feed too);
- a newcomer: a welcome letter and an invitation per session to come;
- a leaver: a cancellation per session to come;
- everyone who stays, and the facilitator: an invitation per new session, an
  update per session whose date, time, place or case owner changed, one
  summary when members came or left; a person newly absent from a session
  that changes for no one else: an update of it (their own note);
- without ``organizer_email`` the facilitator organises: instead of the
  calendar mails, their feed, once, when a session of theirs changed
  (members coming and leaving alone are told by the summary).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import icalendar
import pytest

from backstage_sched.cli import app as cli
from conftest import (
    CHAIN_TODAY,
    LATE_REGISTRATION,
    LibIcal,
    chain_program,
    with_a_late_registration,
)
from smtp_server import Server, running

SENDER = "Backstage <backstage@nordvik.example>"


@pytest.fixture(scope="module")
def libical() -> LibIcal:
    name = ctypes.util.find_library("ical")
    assert name is not None, (
        "libical is not installed (Debian: apt-get install libical3, or libical3t64 on "
        "newer releases); this test reads every mailed calendar with it"
    )
    return LibIcal(ctypes.CDLL(name))


@pytest.fixture
def server() -> Iterator[Server]:
    with running() as s:
        yield s


# ---------------------------------------------------------------------------
# What arrived


def _kind(msg: EmailMessage) -> str:
    """letter, invitation, update, cancellation, summary or feed, read from the mail."""
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    subject = str(msg["Subject"])
    if not parts:
        return "summary" if subject.startswith("Ändring i din Backstage-grupp") else "letter"
    method = parts[0].get_param("method")
    if method == "CANCEL":
        return "cancellation"
    if method == "PUBLISH":
        return "feed"
    return "invitation" if subject.startswith("Inbjudan") else "update"


def _read(server: Server, start: int, lib: LibIcal, plans: list[Path]
          ) -> list[tuple[str, EmailMessage]]:
    """Every e-mail delivered since envelope ``start``, per recipient, each parsed
    again from its raw bytes and each calendar part read by icalendar and libical.
    ``plans``: the folders whose sessions the calendars may speak of."""
    uids = set()
    for folder in plans:
        data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        uids |= {s["uid"] for c in data["cohorts"] for s in c["sessions"]}
    out = []
    for env in server.handler.envelopes[start:]:
        raw = env.original_content or env.content
        msg = BytesParser(policy=default_policy).parsebytes(raw)
        assert isinstance(msg, EmailMessage)
        assert not msg.defects and all(not p.defects for p in msg.walk()), msg["Subject"]
        assert msg["Message-ID"] and msg["Date"] and msg["To"], msg["Subject"]
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().strip(), msg["Subject"]
        for part in msg.walk():
            if part.get_content_type() != "text/calendar":
                continue
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            method = part.get_param("method")
            cal = icalendar.Calendar.from_ical(data)
            assert str(cal["METHOD"]) == method
            events = cal.walk("VEVENT")
            assert {str(e["UID"]) for e in events} <= uids
            if method != "PUBLISH":
                assert len(events) == 1  # one event per iMIP message (Outlook reads one)
            _libical_reads(lib, data, len(events))
        out.extend((rcpt, msg) for rcpt in env.rcpt_tos)
    return out


def _libical_reads(lib: LibIcal, data: bytes, events: int) -> None:
    """libical parses the part without an error, finds its events and passes RFC 5546's
    restriction check for the METHOD."""
    comp = lib.parse(data)
    try:
        assert lib.errors(comp) == []
        assert len(lib.children(comp, "VEVENT")) == events
        assert lib.lib.icalrestriction_check(comp) == 1
        assert lib.errors(comp) == []
    finally:
        lib.lib.icalcomponent_free(comp)


def _counts(mails: list[tuple[str, EmailMessage]]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for rcpt, msg in mails:
        found.setdefault(rcpt, Counter())[_kind(msg)] += 1
    return found


# ---------------------------------------------------------------------------
# What SPEC §9 says each person gets, from the plans alone


def _load(folder: Path) -> tuple[dict, dict[str, str], dict[str, str]]:
    """plan.json, participant id -> e-mail and facilitator id -> e-mail."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    program = json.loads((folder / "input.json").read_text(encoding="utf-8"))
    return (plan, {p["id"]: p["email"] for p in program["participants"]},
            {f["id"]: f["email"] for f in program["facilitators"]})


def _to_come(cohort: dict) -> dict[str, dict]:
    return {s["uid"]: s for s in cohort["sessions"] if s["start"][:10] >= CHAIN_TODAY}


def _first_send(folder: Path, organizer: bool) -> dict[str, Counter[str]]:
    plan, people, leaders = _load(folder)
    want: dict[str, Counter[str]] = {}
    for c in plan["cohorts"]:
        for pid in c["members"]:
            want[people[pid]] = Counter(letter=1, invitation=len(c["sessions"]))
        lead = want.setdefault(leaders[c["facilitator"]], Counter(letter=1))
        if organizer:
            lead["invitation"] += len(c["sessions"])
        else:
            lead["feed"] = 1
    return want


def _change(old_dir: Path, new_dir: Path, organizer: bool) -> dict[str, Counter[str]]:
    old, old_people, leaders = _load(old_dir)
    new, new_people, _ = _load(new_dir)
    people = {**old_people, **new_people}
    want: dict[str, Counter[str]] = {}
    feed_changed: set[str] = set()

    def give(pid: str, kind: str, n: int = 1) -> None:
        if n:
            want.setdefault(people.get(pid) or leaders[pid], Counter())[kind] += n

    after = {c["id"]: c for c in new["cohorts"]}
    for before in old["cohorts"]:
        lead = before["facilitator"]
        now = after.get(before["id"])
        gone = _to_come(before)
        if now is None:  # cancelled
            for pid in [*before["members"], lead]:
                give(pid, "cancellation", len(gone))
            if not organizer and gone:
                feed_changed.add(lead)
            continue
        coming = _to_come(now)
        joined = [m for m in now["members"] if m not in before["members"]]
        left = [m for m in before["members"] if m not in now["members"]]
        added = [u for u in coming if u not in gone]
        moved = [u for u in coming if u in gone and (
            any(coming[u][k] != gone[u][k] for k in ("start", "end", "venue"))
            or _turn_moved(gone[u]["case_owner"], coming[u]["case_owner"], left, joined))]
        for pid in joined:
            give(pid, "letter")
            give(pid, "invitation", len(coming))
        for pid in left:
            give(pid, "cancellation", len(gone))
        stay = [m for m in now["members"] if m in before["members"]]
        for pid in stay + ([lead] if organizer else []):
            give(pid, "invitation", len(added))
            give(pid, "update", len(moved))
            if joined or left:
                give(pid, "summary")
        for u, s in coming.items():
            if u in gone and u not in moved:
                for pid in set(s.get("absent", [])) - set(gone[u].get("absent", [])):
                    give(pid, "update")
        if not organizer:
            if added or moved:
                feed_changed.add(lead)
            elif joined or left:
                give(lead, "summary")
    for lead in feed_changed:
        give(lead, "feed")
    return want


def _turn_moved(was: str | None, now: str | None, left: list[str], joined: list[str]) -> bool:
    """Whether a session's case turn changed for the people in it: a newcomer who takes
    the turn of the one they replace is news the summary tells (SPEC §9, issue 20:
    a transfer mails no calendar update)."""
    return was != now and not (was in left and now in joined)


# ---------------------------------------------------------------------------
# The chain


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _send(folder: Path, server: Server) -> None:
    assert cli.main(["send", str(folder), "--smtp", f"127.0.0.1:{server.port}",
                     "--from", SENDER, "-q"]) == 0


@pytest.mark.parametrize("organizer", [True, False], ids=["coordinator", "facilitator"])
def test_every_mail_of_a_chain_of_changes(tmp_path: Path, server: Server, libical: LibIcal,
                                          organizer: bool) -> None:
    planned = tmp_path / "planned"
    assert cli.main(["plan", str(chain_program(tmp_path, organizer)), "--out", str(planned),
                     "-q"]) == 0
    v1 = with_a_late_registration(planned, tmp_path / "v1")
    plan, _, _ = _load(v1)
    c01, c02 = plan["cohorts"][:2]
    # the member of c02 whose own case session is the third: absent from it, the turn moves
    absent = c02["sessions"][2]["case_owner"]
    leaving = c01["members"][2]
    steps = [
        ("transfer", ["--from", leaving, "--to", "n13", "--name", "Nils Nyström",
                      "--email", "nils.nystrom@nordvik.example"]),
        ("fill", []),
        ("absent", [absent, "--session", "3"]),
        ("cancel-cohort", [c01["id"], "--reason", "kursledaren är sjuk"]),
    ]
    start = len(server.handler.envelopes)
    _send(v1, server)
    mails = _read(server, start, libical, [v1])
    assert _counts(mails) == _first_send(v1, organizer)
    folders = [v1]
    history = {v1: _tree(v1)}
    for n, (command, args) in enumerate(steps, start=2):
        old, new = folders[-1], tmp_path / f"v{n}"
        assert cli.main([command, str(old), *args, "--today", CHAIN_TODAY, "--out", str(new)]) == 0
        start = len(server.handler.envelopes)
        _send(new, server)
        mails = _read(server, start, libical, [old, new])
        want = _change(old, new, organizer)
        assert want, command  # every step of this chain concerns someone
        assert _counts(mails) == want, command
        folders.append(new)
        history[new] = _tree(new)
    # what each step did, as SPEC §9 says it
    transfer, fill, absence, cancelled = (_load(f)[0] for f in folders[1:])
    assert "n13" in transfer["cohorts"][0]["members"]
    # the waiting list's first took the seat
    assert LATE_REGISTRATION[0] in fill["cohorts"][0]["members"]
    owners = [s["case_owner"] for s in absence["cohorts"][1]["sessions"]]
    assert owners[2] != absent and absent in owners[3:]
    assert [c["id"] for c in cancelled["cohorts"]] == [c02["id"]]
    # sending again mails nothing; no folder that was sent from changed afterwards
    start = len(server.handler.envelopes)
    for folder in folders:
        _send(folder, server)
    assert server.handler.envelopes[start:] == []
    for folder in folders:
        sent = {k: v for k, v in _tree(folder).items() if k not in ("sent.json",)}
        assert sent == {k: v for k, v in history[folder].items() if k != "sent.json"}
