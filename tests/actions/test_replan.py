"""Re-planning after edited inputs (SPEC §5): history stays, the rest moves little."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import icalendar
import pytest

from backstage_sched.check.verify import verify
from backstage_sched.cli.app import main
from backstage_sched.domain import Program
from backstage_sched.plan import Plan
from backstage_sched.publish.changes import Outbox, carry_over, outbox
from backstage_sched.publish.folder import read_plan_dir
from backstage_sched.publish.ical import person_feed
from conftest import STAMP, dst_plan
from published import mark_sent

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027" / "program.toml"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("v1") / "plan"
    assert main(["plan", str(COMPANY), "--out", str(out), "-q"]) == 0
    return mark_sent(out)  # the invitations went out: a re-plan counts from there


def _edit(tmp_path: Path, old: str, new: str, name: str = "p.toml") -> Path:
    text = COMPANY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _replan(program: Path, published: Path, out: Path, today: str) -> int:
    return main(
        ["plan", str(program), "--out", str(out), "--previous", str(published / "plan.json"),
         "--today", today, "-q"]
    )


def _sessions(plan_dir: Path) -> dict[tuple[str, int], dict]:
    data = json.loads((plan_dir / "plan.json").read_text(encoding="utf-8"))
    return {(c["id"], s["index"]): {**s, "members": c["members"]}
            for c in data["cohorts"] for s in c["sessions"]}


def _outbox(plan_dir: Path) -> list[dict]:
    return json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))["messages"]


def _feeds(plan_dir: Path) -> list[dict]:
    return json.loads((plan_dir / "outbox.json").read_text(encoding="utf-8"))["feeds"]


def _event(path: Path) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] in ("REQUEST", "CANCEL")
    return event


def test_first_plan_outbox_holds_every_invitation(published: Path) -> None:
    messages = _outbox(published)
    assert len(messages) == len(_sessions(published))
    assert {m["method"] for m in messages} == {"REQUEST"}
    # no organizer in the program: the facilitator gets their own feed, once
    (feed,) = _feeds(published)
    assert (feed["file"], feed["method"], feed["change"]) == (
        "people/f-lena.ics", "PUBLISH", "new")
    assert [r["email"] for r in feed["recipients"]] == ["lena.akerlund@backstage.example"]


def test_replan_of_unchanged_inputs_changes_nothing(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "v2"
    assert _replan(COMPANY, published, out, "2027-04-01") == 0
    assert _sessions(out) == _sessions(published)
    assert _outbox(out) == []
    assert "inga ändringar" in (out / "changes.txt").read_text(encoding="utf-8")
    assert _feeds(out) == []  # the facilitator's feed did not change: nothing to mail


def test_new_unavailability_moves_only_what_it_must(published: Path, tmp_path: Path) -> None:
    before = _sessions(published)
    # n05's cohort has a session on 2027-04-27; make n05 unavailable that day
    program = _edit(tmp_path, 'id = "n05"\n', 'id = "n05"\nunavailable = ["2027-04-27"]\n')
    out = tmp_path / "v2"
    assert _replan(program, published, out, "2027-04-01") == 0
    after = _sessions(out)
    assert set(after) == set(before)
    changed = {k for k in after if after[k]["start"] != before[k]["start"]}
    assert changed, "the session on n05's new day off must move"
    for key, s in after.items():
        assert s["uid"] == before[key]["uid"]
        if s["start"][:10] < "2027-04-01":
            assert s["start"] == before[key]["start"] and s["sequence"] == before[key]["sequence"]
        if key in changed:
            assert s["sequence"] == before[key]["sequence"] + 1
            assert not s["start"].startswith("2027-04-27")
        else:
            assert s["sequence"] == before[key]["sequence"]
    messages = _outbox(out)
    assert {(m["cohort"], m["session"]) for m in messages} == changed
    for m in messages:
        event = _event(out / m["file"])
        assert m["method"] == "REQUEST" and int(event["SEQUENCE"]) == m["sequence"]
    (feed,) = _feeds(out)
    assert feed["change"] == "changed" and feed["person"] == "f-lena"
    assert len(feed["detail"].split("\n")) == len(changed)
    assert "flyttad från" in feed["detail"]
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["objective"]["moved_sessions"] == len(changed)
    assert data["objective"]["changed_memberships"] == 0
    program_, plan = read_plan_dir(out)
    assert verify(program_, plan) == []


def test_a_withdrawn_person_gets_cancellations(published: Path, tmp_path: Path) -> None:
    text = COMPANY.read_text(encoding="utf-8")
    start = text.index('[[participants]]\nid = "n05"')
    end = text.index("[[participants]]", start + 5)
    program = tmp_path / "p.toml"
    program.write_text(text[:start] + text[end:], encoding="utf-8")
    before = _sessions(published)
    (cohort,) = {c for (c, _), s in before.items() if "n05" in s["members"]}
    last = max(i for (c, i) in before if c == cohort)
    out = tmp_path / "v2"
    assert _replan(program, published, out, "2027-01-15") == 0
    after = _sessions(out)
    assert (cohort, last) not in after, "one member fewer: one session fewer"
    messages = {(m["file"]): m for m in _outbox(out)}
    gone = messages[f"cancellations/{cohort}/{last}.ics"]
    event = _event(out / gone["file"])
    assert event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) == before[(cohort, last)]["sequence"] + 1
    assert len(event.get("ATTENDEE")) == len(before[(cohort, last)]["members"])
    removed = [m for m in messages.values() if m["change"] == "removed"]
    assert removed and all([r["id"] for r in m["recipients"]] == ["n05"] for m in removed)
    for m in removed:
        event = _event(out / m["file"])
        assert "STATUS" not in event
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == ["mailto:eva.harnstrom@nordvik.example"]
    program_, plan = read_plan_dir(out)
    assert verify(program_, plan) == []
    owners = [s.case_owner for c in plan.cohorts for s in c.sessions if c.id == cohort]
    assert owners[0] is None and sorted(owners[1:]) == sorted(plan.cohort(cohort).members)


def test_history_is_not_judged_by_later_availability(published: Path, tmp_path: Path) -> None:
    # the facilitator reports, afterwards, a day off on a day that already had sessions
    program = _edit(
        tmp_path, 'max_cohorts = 2\n', 'max_cohorts = 2\nunavailable = ["2027-03-02"]\n'
    )
    out = tmp_path / "v2"
    assert _replan(program, published, out, "2027-04-01") == 0
    assert _sessions(out) == _sessions(published)


def _day_off_replanned(published: Path, tmp_path: Path) -> Path:
    """A re-plan on 2027-04-01 after f-lena reported a day off on 2027-03-02, the day
    of session 2 of c01 and of c02: held, so the history excuses it."""
    program = _edit(
        tmp_path, 'max_cohorts = 2\n', 'max_cohorts = 2\nunavailable = ["2027-03-02"]\n'
    )
    out = tmp_path / "v2"
    assert _replan(program, published, out, "2027-04-01") == 0
    return out


# the company example is Swedish: "samtalsledarens tillgänglighet" is the rule
# facilitator availability, as check names it
CAUGHT = ("[samtalsledarens tillgänglighet] c01 träff 2: samtalsledaren f-lena kan inte "
          "2027-03-02")


def test_check_accepts_a_replan_as_of_its_day(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _day_off_replanned(published, tmp_path)
    capsys.readouterr()
    assert main(["check", str(out), "--today", "2027-04-01"]) == 0
    assert main(["check", str(out), "--today", "2027-12-31"]) == 0
    assert "följer alla skarpa regler" in capsys.readouterr().out


def test_check_refuses_a_history_dated_after_today(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # on 2027-02-01 session 2 (2027-03-02) is still to come, whatever plan.json says
    out = _day_off_replanned(published, tmp_path)
    capsys.readouterr()
    assert main(["check", str(out), "--today", "2027-02-01"]) == 1
    said = capsys.readouterr()
    assert CAUGHT in said.out and "c02 träff 2:" in said.out
    assert "2 brott mot de skarpa reglerna" in said.err
    # without --today the real date decides, exactly as when it is given
    real = main(["check", str(out), "--today", date.today().isoformat()])
    capsys.readouterr()
    assert main(["check", str(out)]) == real


def test_check_refuses_a_forged_history(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a first plan, never re-planned, hand-edited to claim sessions before 2027-04-01
    # were held, checked against a program where f-lena cannot come on 2027-03-02
    program = _edit(
        tmp_path, 'max_cohorts = 2\n', 'max_cohorts = 2\nunavailable = ["2027-03-02"]\n'
    )
    forged = tmp_path / "forged"
    forged.mkdir()
    for name in ("plan.json", "input.json"):
        (forged / name).write_bytes((published / name).read_bytes())
    data = json.loads((forged / "plan.json").read_text(encoding="utf-8"))
    assert "history_before" not in data["objective"]
    data["objective"]["history_before"] = "2027-04-01"
    (forged / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(forged), "--program", str(program),
                 "--today", "2027-02-01"]) == 1
    assert CAUGHT in capsys.readouterr().out
    # the claim is all that excuses the day off: dated when it would be true, it passes
    assert main(["check", str(forged), "--program", str(program),
                 "--today", "2027-04-01"]) == 0


def test_a_change_dated_before_the_history_is_refused_as_input(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a change verifies its plan as of its own day, as check does: on 2027-02-15 the
    # day off on 2027-03-02 is still to come, so the plan it would write breaks a rule
    out = _day_off_replanned(published, tmp_path)
    capsys.readouterr()
    assert main(["withdraw", str(out), "n01", "--on", "2027-02-15", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "2027-02-15 ligger före 2027-04-01" in err and CAUGHT in err
    assert "fel i planeraren" not in err  # the date is wrong, not the planner
    # dated after the history, the same withdrawal goes through
    assert main(["withdraw", str(out), "n01", "--on", "2027-04-15", "--dry-run"]) == 0


def test_check_refuses_a_today_that_is_no_date(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(published), "--today", "1 april"])
    assert exc.value.code == 2
    assert "'1 april'" in capsys.readouterr().err


def test_previous_plan_of_another_program_is_refused(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = _edit(tmp_path, 'id = "nordvik2027"', 'id = "other2027"')
    out = tmp_path / "v2"
    assert _replan(program, published, out, "2027-04-01") == 2
    assert "nordvik2027" in capsys.readouterr().err
    assert not out.exists()


def test_replan_is_deterministic(published: Path, tmp_path: Path) -> None:
    program = _edit(tmp_path, 'id = "n05"\n', 'id = "n05"\nunavailable = ["2027-04-27"]\n')
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert _replan(program, published, out, "2027-04-01") == 0
    for name in ("plan.json", "outbox.json", "changes.txt", "invites/c01/3.ics"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def _handed_over(organizer: bool) -> tuple[Outbox, Program, Plan]:
    """c01 of the small calendar program passes from f1 to f3 on 2027-03-25."""
    program, plan = dst_plan(language="sv")
    if organizer:
        program = program.replace(organizer_name="Kansliet", organizer_email="kansli@x.example")
    c01 = plan.cohort("c01")
    new_plan = replace(plan, cohorts=tuple(
        replace(c, facilitator="f3") if c.id == "c01" else c for c in plan.cohorts))
    today = date(2027, 3, 25)
    carried = carry_over(plan, new_plan, today)
    assert [s.sequence for s in carried.cohort("c01").sessions] == [0, 1, 1, 1]
    assert c01.sessions[0].start.date() < today
    box = outbox(program, plan, program, carried, today, STAMP)
    return box, program, carried


def test_a_facilitator_who_hands_over_with_an_organizer_gets_a_cancellation() -> None:
    box, _, _ = _handed_over(organizer=True)
    assert box.feeds == ()
    removed = [m for m in box.messages if m.change == "removed"]
    assert [m.session for m in removed] == [1, 2, 3]
    for m in removed:
        assert [r.id for r in m.recipients] == ["f1"]
        (ev,) = icalendar.Calendar.from_ical(box.files[m.file]).walk("VEVENT")
        (att,) = [ev["ATTENDEE"]]
        assert str(att) == "mailto:f1@example.org" and att.params["ROLE"] == "CHAIR"
    requests = [m for m in box.messages if m.method == "REQUEST"]
    assert all(m.recipients[-1].id == "f3" for m in requests)
    assert "ny samtalsledare: Cay Idle (tidigare Anna Fält)" in requests[0].detail


def test_a_facilitator_who_hands_over_without_an_organizer_gets_a_new_feed() -> None:
    box, program, carried = _handed_over(organizer=False)
    assert [m.change for m in box.messages if m.method == "REQUEST"] == ["changed"] * 3
    # the sessions she organised leave her calendar by a CANCEL of their UIDs (SPEC §9)
    removed = [m for m in box.messages if m.change == "removed"]
    assert [m.session for m in removed] == [1, 2, 3]
    assert all([r.id for r in m.recipients] == ["f1"] for m in removed)
    assert {(f.person, f.change) for f in box.feeds} == {("f1", "changed"), ("f3", "new")}
    for f in box.feeds:
        data = person_feed(program, carried, f.person, STAMP)
        assert hashlib.sha256(data).hexdigest() == f.sha256
        assert [r.id for r in f.recipients] == [f.person]
    f1 = next(f for f in box.feeds if f.person == "f1")
    assert f1.detail.split("\n")[0].startswith("Backstage-grupp c01, träff 2: ny samtalsledare")
