"""Substitute a facilitator (SPEC §8): the command, its refusals, what it sends, and
a re-plan after a facilitator's sick leave that hands sessions over instead of
moving them.

The published plan is made by hand, so that every refusal has a known cause:
c01 (Eva) and c03 (Kim) meet on Mondays at 09:00 until March, then c03 moves to
13:00; c02 (Jonas) meets on Tuesdays.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from backstage_sched import (
    InfeasibleError,
    Plan,
    Program,
    load_program,
    move,
    parse_rules,
    read_plan_dir,
    replan_program,
    substitute,
    verify,
    write_plan_dir,
)
from backstage_sched.cli.app import main
from backstage_sched.plan import Cohort, Objective, Session, uid_for
from published import mark_sent

TZ = ZoneInfo("Europe/Stockholm")
TODAY = date(2027, 3, 25)  # sessions 1–3 held, 4 and 5 to come
ORGANIZER = 'organizer_name = "Backstage-kansliet"\norganizer_email = "kansli@backstage.example"\n'

PROGRAM = """\
[program]
id = "byte27"
name = "Backstage Byte 2027"
start = 2027-01-11
end = 2027-12-17
{organizer}
[groups]
size = 4
min_size = 4
max_size = 4

[[facilitators]]
id = "f-eva"
name = "Eva Lindahl"
email = "eva@backstage.example"
max_cohorts = 2
unavailable = [{eva}]

[[facilitators]]
id = "f-jonas"
name = "Jonas Berg"
email = "jonas@backstage.example"
max_cohorts = 2

[[facilitators]]
id = "f-kim"
name = "Kim Ek"
email = "kim@backstage.example"
max_cohorts = {kim}
"""

PERSON = """
[[participants]]
id = "p{n:02d}"
name = "Person {n:02d}"
email = "p{n:02d}@org{n:02d}.example"
organization = "Org {n:02d}"
"""

MONDAYS = [date(2027, 1, 18), date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 12),
           date(2027, 5, 10)]
TUESDAYS = [d + timedelta(days=1) for d in MONDAYS]


def program_text(organizer: str = "", eva: str = "", kim: int = 2) -> str:
    people = "".join(PERSON.format(n=n) for n in range(1, 13))
    return PROGRAM.format(organizer=organizer, eva=eva, kim=kim) + people


def _cohort(program: Program, cid: str, fid: str, first: int, starts: list[datetime]) -> Cohort:
    members = tuple(f"p{n:02d}" for n in range(first, first + 4))
    sessions = tuple(
        Session(i, start, start + timedelta(hours=3), None if i == 0 else members[i - 1],
                None, uid_for(program.id, cid, i))
        for i, start in enumerate(starts)
    )
    return Cohort(cid, fid, None, members, starts[0].date() - timedelta(days=10), sessions)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def published_plan(program: Program) -> Plan:
    cohorts = (
        _cohort(program, "c01", "f-eva", 1, [at(d, 9) for d in MONDAYS]),
        _cohort(program, "c02", "f-jonas", 5, [at(d, 9) for d in TUESDAYS]),
        _cohort(program, "c03", "f-kim", 9,
                [at(d, 9) for d in MONDAYS[:3]] + [at(d, 13) for d in MONDAYS[3:]]),
    )
    plan = Plan(program.id, cohorts, objective=Objective(placed=12, registered=12),
                timezone=program.timezone)
    assert verify(program, plan) == []
    return plan


def publish(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "program.toml").write_text(text, encoding="utf-8")
    program = load_program(folder / "program.toml")
    out = folder / "plan"
    write_plan_dir(program, published_plan(program), out)
    return mark_sent(out)  # published: the invitations went out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No organizer: each facilitator organises their sessions and gets their feed."""
    return publish(tmp_path_factory.mktemp("plain") / "v1", program_text())


@pytest.fixture(scope="module")
def base_loop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The coordinator's mailbox organises; facilitators attend as CHAIR (SPEC §6)."""
    return publish(tmp_path_factory.mktemp("loop") / "v1", program_text(ORGANIZER))


def plan_json(folder: Path) -> dict:
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


def cohort(folder: Path, cid: str) -> dict:
    return next(c for c in plan_json(folder)["cohorts"] if c["id"] == cid)


def outbox(folder: Path) -> dict:
    return json.loads((folder / "outbox.json").read_text(encoding="utf-8"))


def event(path: Path) -> tuple[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (ev,) = cal.walk("VEVENT")
    return str(cal["METHOD"]), ev


def attendees(ev: icalendar.Event) -> list[icalendar.vCalAddress]:
    value = ev.get("ATTENDEE", [])
    return value if isinstance(value, list) else [value]


def uids(path: Path) -> set[str]:
    return {str(ev["UID"]) for ev in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------
# the command


def test_substitute_hands_the_sessions_to_come_to_the_new_facilitator(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "v2"
    assert main(["substitute", str(base), "c01", "--facilitator", "f-jonas",
                 "--today", TODAY.isoformat(), "--out", str(new)]) == 0
    printed = capsys.readouterr().out
    # plan.json: the cohort's facilitator leads what comes; the held sessions keep Eva
    before, after = cohort(base, "c01"), cohort(new, "c01")
    assert after["facilitator"] == "f-jonas"
    assert [s.get("facilitator") for s in after["sessions"]] == ["f-eva"] * 3 + [None] * 2
    for old, now in zip(before["sessions"], after["sessions"], strict=True):
        assert (now["start"], now["uid"], now["case_owner"]) == (
            old["start"], old["uid"], old["case_owner"])
        assert now["sequence"] == old["sequence"] + (1 if now["index"] >= 3 else 0)
    assert cohort(new, "c02") == cohort(base, "c02") and cohort(new, "c03") == cohort(base, "c03")
    # the members get updates of the same events, with Jonas organising them
    box = outbox(new)
    sent = sorted((m["method"], m["file"], m["change"]) for m in box["messages"])
    assert sent == [("CANCEL", "cancellations/c01/3-removed.ics", "removed"),
                    ("CANCEL", "cancellations/c01/4-removed.ics", "removed"),
                    ("REQUEST", "invites/c01/3.ics", "changed"),
                    ("REQUEST", "invites/c01/4.ics", "changed")]
    # Eva organised the sessions she hands over: a CANCEL drops them from her calendar
    for m in box["messages"]:
        if m["method"] == "CANCEL":
            assert [r["id"] for r in m["recipients"]] == ["f-eva"]
            method, ev = event(new / m["file"])
            assert str(ev["ATTENDEE"]) == "mailto:eva@backstage.example"
    for m in (m for m in box["messages"] if m["method"] == "REQUEST"):
        assert sorted(r["id"] for r in m["recipients"]) == ["p01", "p02", "p03", "p04"]
        method, ev = event(new / m["file"])
        assert (method, str(ev["UID"]), int(ev["SEQUENCE"])) == ("REQUEST", m["uid"], 1)
        assert str(ev["ORGANIZER"]) == "mailto:jonas@backstage.example"
        assert "Samtalsledare: Jonas Berg" in str(ev["DESCRIPTION"])
    _, kickoff = event(new / "invites/c01/0.ics")
    assert str(kickoff["ORGANIZER"]) == "mailto:eva@backstage.example"
    # no organizer: both facilitators get their own feed, which changed
    feeds = {f["person"]: f for f in box["feeds"]}
    assert sorted(feeds) == ["f-eva", "f-jonas"]
    assert all(f["method"] == "PUBLISH" and f["change"] == "changed" for f in feeds.values())
    c01 = {s["index"]: s["uid"] for s in after["sessions"]}
    assert uids(new / "people/f-eva.ics") >= {c01[0], c01[1], c01[2]}
    assert not uids(new / "people/f-eva.ics") & {c01[3], c01[4]}
    assert uids(new / "people/f-jonas.ics") >= {c01[3], c01[4]}
    assert not uids(new / "people/f-jonas.ics") & {c01[0], c01[1], c01[2]}
    # said once, in the program's language (Swedish for SE)
    changes = (new / "changes.txt").read_text(encoding="utf-8")
    line = "samtalsledare från och med träff 4: Jonas Berg (i stället för Eva Lindahl)"
    assert line in changes and line in printed
    assert "träff 4:" not in changes.replace(line, "")  # no session line repeats it
    assert "Träff 1–3 leds av Eva Lindahl" in (new / "overview.html").read_text(encoding="utf-8")
    assert main(["check", str(new)]) == 0


def test_with_an_organizer_the_old_facilitator_gets_cancellations_and_the_new_one_invitations(
    base_loop: Path, tmp_path: Path
) -> None:
    new = tmp_path / "v2"
    assert main(["substitute", str(base_loop), "c01", "--facilitator", "f-jonas",
                 "--from-session", "5", "--today", TODAY.isoformat(), "--out", str(new)]) == 0
    after = cohort(new, "c01")
    # session 4 is still to come and stays Eva's: the plan names her on it
    assert [s.get("facilitator") for s in after["sessions"]] == ["f-eva"] * 4 + [None]
    box = outbox(new)
    assert box["feeds"] == []
    by_method = {m["method"]: m for m in box["messages"]}
    assert sorted(by_method) == ["CANCEL", "REQUEST"]
    cancel, request = by_method["CANCEL"], by_method["REQUEST"]
    assert (cancel["file"], cancel["change"]) == ("cancellations/c01/4-removed.ics", "removed")
    assert [r["id"] for r in cancel["recipients"]] == ["f-eva"]
    method, ev = event(new / cancel["file"])
    assert method == "CANCEL" and "STATUS" not in ev  # names only who leaves (RFC 5546 §3.2.5)
    assert (str(ev["UID"]), int(ev["SEQUENCE"])) == (request["uid"], 1)
    (eva,) = attendees(ev)
    assert str(eva) == "mailto:eva@backstage.example" and eva.params["ROLE"] == "CHAIR"
    assert request["file"] == "invites/c01/4.ics"
    assert [r["id"] for r in request["recipients"]] == ["p01", "p02", "p03", "p04", "f-jonas"]
    _, ev = event(new / request["file"])
    assert str(ev["ORGANIZER"]) == "mailto:kansli@backstage.example"
    chairs = [a for a in attendees(ev) if a.params["ROLE"] == "CHAIR"]
    assert [str(a) for a in chairs] == ["mailto:jonas@backstage.example"]
    assert chairs[0].params["PARTSTAT"] == "ACCEPTED"
    _, ev = event(new / "invites/c01/3.ics")  # session 4: Eva still chairs it
    assert [str(a) for a in attendees(ev) if a.params["ROLE"] == "CHAIR"] == [
        "mailto:eva@backstage.example"]
    assert "samtalsledare från och med träff 5: Jonas Berg (i stället för Eva Lindahl)" in (
        new / "changes.txt").read_text(encoding="utf-8")
    assert main(["check", str(new)]) == 0


def test_dry_run_prints_the_changes_and_messages_and_writes_nothing(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(base.parent)
    new = tmp_path / "v2"
    assert main(["substitute", str(base), "c01", "--facilitator", "f-jonas",
                 "--today", TODAY.isoformat(), "--dry-run"]) == 0
    assert main(["substitute", str(base), "c01", "--facilitator", "f-jonas",
                 "--today", TODAY.isoformat(), "--out", str(new), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "samtalsledare från och med träff 4: Jonas Berg (i stället för Eva Lindahl)" in printed
    assert "REQUEST invites/c01/3.ics" in printed and "people/f-eva.ics" in printed
    assert "Provkörning: inget har skrivits" in printed
    assert not new.exists() and digest(base.parent) == before


# ---------------------------------------------------------------------------
# refusals


def _facilitator(program: Program, fid: str, **changes: object) -> Program:
    return program.replace(facilitators=tuple(
        replace(f, **changes) if f.id == fid else f for f in program.facilitators))


REFUSED = {
    "unavailable on a session date": (
        dict(unavailable=parse_rules("2027-04-12")), "f-jonas", None, TODAY,
        ["[facilitator availability] c01 session 4", "2027-04-12"]),
    "max_cohorts reached": (
        dict(max_cohorts=1), "f-jonas", None, TODAY,
        ["[facilitator capacity]", "f-jonas leads 2 cohorts", "at most 1"]),
    "overlap with their own session": (
        {}, "f-kim", 3, date(2027, 3, 1),
        ["[facilitator no-overlap]", "c01 session 3", "2027-03-15 09:00"]),
    "buffer after their own session": (
        dict(buffer_minutes=90), "f-kim", None, TODAY,
        ["[facilitator buffer]", "c03 session 4", "needs 90"]),
    "sessions per day": (
        dict(max_sessions_per_day=1), "f-kim", None, TODAY,
        ["[facilitator sessions per day]", "2027-04-12", "at most 1 a day"]),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_handover_that_breaks_a_rule_is_refused_naming_session_and_rule(
    base: Path, case: str
) -> None:
    changes, fid, number, today, said = REFUSED[case]
    program, plan = read_plan_dir(base)
    program = _facilitator(program, fid, **changes)
    with pytest.raises(InfeasibleError) as caught:
        substitute(program, plan, "c01", fid, today, from_session=number)
    message = str(caught.value)
    assert message.startswith(f"{program.facilitator(fid).name} ({fid}) cannot take over c01")
    for text in said:
        assert text in message, message


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # the program is Swedish: so is what the command line says
        (["c01", "--facilitator", "f-nobody"], "okänd samtalsledare 'f-nobody'"),
        (["c01", "--facilitator", "f-eva"], "leder redan grupp c01 från och med träff 4"),
        (["c09", "--facilitator", "f-jonas"], "grupp: okänd grupp 'c09'"),
        (["c01", "--facilitator", "f-jonas", "--from-session", "2"], "hölls 2027-02-15"),
        (["c01", "--facilitator", "f-jonas", "--from-session", "6"], "har träff 1..5"),
    ],
)
def test_bad_arguments_are_input_errors_and_write_nothing(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    new = tmp_path / "v2"
    code = main(["substitute", str(base), *argv, "--today", TODAY.isoformat(), "--out", str(new)])
    assert code == 2 and said in capsys.readouterr().err and not new.exists()


def test_the_command_exits_1_and_writes_nothing_when_the_rules_refuse(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "v2"
    code = main(["substitute", str(base), "c01", "--facilitator", "f-kim", "--from-session", "3",
                 "--today", "2027-03-01", "--out", str(new)])
    err = capsys.readouterr().err
    # the program is Swedish: the broken rule is said in Swedish
    assert code == 1 and "samtalsledaren f-kim är samtidigt med i c01 träff 3" in err
    assert "Inget har skrivits" in err
    assert not new.exists()


def test_the_library_call_returns_a_checked_change(base: Path) -> None:
    program, plan = read_plan_dir(base)
    change = substitute(program, plan, "c01", "f-jonas", TODAY)
    c01 = change.plan.cohort("c01")
    assert [c01.leader(s) for s in c01.sessions] == ["f-eva"] * 3 + ["f-jonas"] * 2
    assert verify(change.program, change.plan) == []
    assert Plan.from_dict(json.loads(change.plan.to_json())) == change.plan
    assert any("Jonas Berg (f-jonas) leads sessions 4–5 instead of Eva Lindahl" in note
               for note in change.notes)


def test_a_moved_session_is_checked_against_the_facilitator_who_leads_it(base: Path) -> None:
    program, plan = read_plan_dir(base)
    handed = substitute(program, plan, "c01", "f-jonas", TODAY, from_session=5)
    # session 4 is still Eva's: Tuesday 09:00 is free for her, though Jonas leads c02 then
    moved = move(handed.program, handed.plan, "c01", 4, TODAY, to=datetime(2027, 4, 13, 9, 0))
    c01 = moved.plan.cohort("c01")
    four = c01.sessions[3]
    assert (four.start, c01.leader(four)) == (at(date(2027, 4, 13), 9), "f-eva")
    assert c01.leader(c01.sessions[4]) == "f-jonas"
    assert verify(moved.program, moved.plan) == []


# ---------------------------------------------------------------------------
# a re-plan after a facilitator's sick leave


@pytest.mark.parametrize("today", [TODAY, date(2026, 12, 15)], ids=["started", "december"])
def test_replan_hands_a_sick_facilitators_sessions_over_instead_of_moving_them(
    base: Path, tmp_path: Path, today: date
) -> None:
    """Eva is away 1 April – 31 May; Jonas is free (Kim is full). Her sessions from
    session 4 pass to Jonas on their dates; nothing moves, earlier sessions stay hers."""
    old_program, old_plan = read_plan_dir(base)
    path = tmp_path / "program.toml"
    path.write_text(program_text(eva='"2027-04-01..2027-05-31"', kim=1), encoding="utf-8")
    change = replan_program(load_program(path), old_program, old_plan, today)
    c01 = change.plan.cohort("c01")
    assert c01.facilitator == "f-jonas"
    assert [c01.leader(s) for s in c01.sessions] == ["f-eva"] * 3 + ["f-jonas"] * 2
    starts = {(c.id, s.index): s.start for c in old_plan.cohorts for s in c.sessions}
    assert {(c.id, s.index): s.start for c in change.plan.cohorts for s in c.sessions} == starts
    assert change.plan.objective.value("moved_sessions") == 2  # two sessions change leader
    assert change.diff.count("\n~ ") == 1 and "flyttad" not in change.diff
    assert "samtalsledare från och med träff 4: Jonas Berg (i stället för Eva Lindahl)" in (
        change.diff)
    (note,) = change.notes
    assert "Eva Lindahl (f-eva) can no longer lead session 4" in note and "Jonas Berg" in note
    requests = sorted(m.file for m in change.outbox.messages if m.method == "REQUEST")
    assert requests == ["invites/c01/3.ics", "invites/c01/4.ics"]


def test_a_replan_after_a_substitution_keeps_who_led_the_held_sessions(
    base: Path, tmp_path: Path
) -> None:
    """Kim led c03 at the same hours as Eva's c01 until March; Eva took c03 over from
    session 4. A later re-plan keeps both cohorts as they are: held sessions count
    for the facilitator who led them, not for the cohort's facilitator now."""
    program, plan = read_plan_dir(base)
    handed = substitute(program, plan, "c03", "f-eva", TODAY)
    out = tmp_path / "v2"
    write_plan_dir(handed.program, handed.plan, out, handed.stamp, sending=handed.outbox,
                   changes=handed.diff)
    again_program, again_plan = read_plan_dir(out)
    change = replan_program(again_program, again_program, again_plan, date(2027, 3, 26))
    def kept(plan: Plan) -> dict:
        return {c.id: (c.facilitator, c.members, [
            (s.start, s.case_owner, s.facilitator, s.uid, s.sequence) for s in c.sessions])
            for c in plan.cohorts}

    assert kept(change.plan) == kept(again_plan)
    assert change.plan.objective.value("moved_sessions") == 0
    c03 = change.plan.cohort("c03")
    assert [c03.leader(s) for s in c03.sessions] == ["f-kim"] * 3 + ["f-eva"] * 2
    assert change.outbox.messages == ()
