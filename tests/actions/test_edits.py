"""Transfer, withdraw, move, cancel a cohort: new plan folders and the files to send."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from rich.console import Console

from backstage_sched.actions import edits
from backstage_sched.check.verify import verify
from backstage_sched.cli import edits as cli_edits
from backstage_sched.cli.app import main
from backstage_sched.errors import InputError
from backstage_sched.publish.folder import read_plan_dir
from conftest import example_program
from published import mark_sent

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027"
TZ = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("company") / "plan"
    assert main(["plan", str(COMPANY / "program.toml"), "--out", str(out), "-q"]) == 0
    return mark_sent(out)  # the invitations went out: changes are counted from there


@pytest.fixture(scope="module")
def base_loop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The company example with the coordinator's mailbox as organizer (SPEC §6)."""
    folder = tmp_path_factory.mktemp("company-loop")
    keys = 'organizer_name = "Backstage-kansliet"\norganizer_email = "kansli@nordvik.example"\n'
    out = folder / "plan"
    assert main(["plan", str(example_program(folder, keys)), "--out", str(out), "-q"]) == 0
    return mark_sent(out)


def run(*argv: str) -> str:
    """Run one edit subcommand the way the CLI would; returns what it printed."""
    parser = argparse.ArgumentParser()
    cli_edits.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    buf = io.StringIO()
    console = Console(file=buf, width=200)
    assert cli_edits.run(args, console, console) == 0
    return buf.getvalue()


def plan_json(folder: Path) -> dict:
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


def sessions(folder: Path) -> dict[tuple[str, int], dict]:
    return {(c["id"], s["index"]): s for c in plan_json(folder)["cohorts"] for s in c["sessions"]}


def outbox(folder: Path) -> list[dict]:
    return json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["messages"]


def feeds(folder: Path) -> list[dict]:
    return json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["feeds"]


def summaries(folder: Path) -> list[dict]:
    return json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["summaries"]


def event(path: Path) -> tuple[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (ev,) = cal.walk("VEVENT")
    return str(cal["METHOD"]), ev


def attendees(ev: icalendar.Event) -> list[str]:
    value = ev.get("ATTENDEE", [])
    value = value if isinstance(value, list) else [value]
    return sorted(str(a).removeprefix("mailto:") for a in value)


def emails(folder: Path, ids: list[str]) -> list[str]:
    people = json.loads((folder / "input.json").read_text(encoding="utf-8"))["participants"]
    return sorted(p["email"] for p in people if p["id"] in ids)


def local_day(s: dict) -> date:
    return datetime.fromisoformat(s["start"]).astimezone(TZ).date()


# ---------------------------------------------------------------------------
# transfer


def test_transfer_reissues_invitations_and_cancels_for_the_leaving_person(
    base: Path, tmp_path: Path
) -> None:
    new = tmp_path / "t"
    text = run("transfer", str(base), "--from", "n03", "--to", "n13", "--name", "Nils Nyström",
               "--email", "nils.nystrom@nordvik.example", "--out", str(new),
               "--today", "2027-04-01")
    assert "invites/c01/3.ics" in text and "n13" in text
    before, after = sessions(base), sessions(new)
    assert set(before) == set(after)
    for key, s in after.items():
        assert s["uid"] == before[key]["uid"]
        assert s["start"] == before[key]["start"]
        changed = key[0] == "c01" and local_day(s) >= date(2027, 4, 1)
        assert s["sequence"] == before[key]["sequence"] + (1 if changed else 0), key
    c01 = plan_json(new)["cohorts"][0]
    assert "n13" in c01["members"] and "n03" not in c01["members"]
    assert after[("c01", 3)]["case_owner"] == "n13"
    leaving = "camilla.ostlund@nordvik.example"
    sent = outbox(new)
    assert {(m["method"], m["file"]) for m in sent} == {
        *(("CANCEL", f"cancellations/c01/{i}-removed.ics") for i in range(3, 7)),
        *(("REQUEST", f"invites/c01/{i}.ics") for i in range(3, 7)),
    }
    for i in range(3, 7):
        method, ev = event(new / f"cancellations/c01/{i}-removed.ics")
        assert method == "CANCEL" and "STATUS" not in ev
        assert attendees(ev) == [leaving]
        assert str(ev["UID"]) == before[("c01", i)]["uid"]
        assert int(ev["SEQUENCE"]) == after[("c01", i)]["sequence"]
        method, ev = event(new / f"invites/c01/{i}.ics")
        assert method == "REQUEST"
        assert "nils.nystrom@nordvik.example" in attendees(ev) and leaving not in attendees(ev)
        assert len(attendees(ev)) == 6
    assert (new / "costs.csv").read_text() == (base / "costs.csv").read_text()
    ids = [p["id"] for p in json.loads((new / "input.json").read_text())["participants"]]
    assert "n03" not in ids and "n13" in ids
    assert main(["check", str(new)]) == 0


def test_transfer_to_another_organisation_is_refused_and_writes_nothing(
    base: Path, tmp_path: Path
) -> None:
    new = tmp_path / "t"
    with pytest.raises(InputError, match=r"Nordvik Energi AB.*Other AB"):
        run("transfer", str(base), "--from", "n03", "--to", "x1", "--name", "X", "--email",
            "x@other.example", "--organization", "Other AB", "--out", str(new))
    assert not new.exists()


@pytest.mark.parametrize(
    ("src", "dst", "message"),
    [("n99", "n13", "unknown participant 'n99'"), ("n03", "n04", "already used")],
)
def test_transfer_bad_ids(base: Path, tmp_path: Path, src: str, dst: str, message: str) -> None:
    new = tmp_path / "t"
    with pytest.raises(InputError, match=message):
        run("transfer", str(base), "--from", src, "--to", dst, "--name", "X", "--email",
            "x@nordvik.example", "--out", str(new))
    assert not new.exists()


# ---------------------------------------------------------------------------
# withdraw


def test_withdraw_before_the_deadline_no_fee_and_one_session_less(
    base: Path, tmp_path: Path
) -> None:
    new = tmp_path / "w"
    text = run("withdraw", str(base), "n03", "--on", "2027-01-20", "--out", str(new))
    assert "ingen avgift" in text  # the company program is Swedish: so is the terminal
    data = plan_json(new)
    (w,) = data["objective"]["withdrawals"]
    assert w["participant"] == "n03" and w["fee_due"] is False and w["on"] == "2027-01-20"
    c01 = data["cohorts"][0]
    assert len(c01["members"]) == 5 and len(c01["sessions"]) == 6
    owners = [s["case_owner"] for s in c01["sessions"][1:]]
    assert sorted(owners) == sorted(c01["members"])
    method, ev = event(new / "cancellations/c01/6.ics")
    assert method == "CANCEL" and str(ev["STATUS"]) == "CANCELLED"
    assert attendees(ev) == emails(base, ["n01", "n02", "n03", "n04", "n05", "n06"])
    for i in range(6):
        method, ev = event(new / f"cancellations/c01/{i}-removed.ics")
        assert attendees(ev) == ["camilla.ostlund@nordvik.example"] and "STATUS" not in ev
    assert "Nordvik Energi AB,11," in (new / "costs.csv").read_text()
    assert main(["check", str(new)]) == 0


def test_withdraw_after_the_deadline_fee_due_and_history_kept(
    base: Path, tmp_path: Path
) -> None:
    new = tmp_path / "w"
    text = run("withdraw", str(base), "n02", "--on", "2027-04-20", "--out", str(new))
    assert "avgift tas ut" in text and "redan har hållits" in text
    data = plan_json(new)
    (w,) = read_plan_dir(new)[1].history.withdrawals
    assert w.fee_due is True and w.organization == "Nordvik Energi AB"
    assert w.held_session == 2
    before, after = sessions(base), sessions(new)
    assert set(before) == set(after)  # n02's session was held: nothing dropped
    assert all(s["start"] == before[k]["start"] for k, s in after.items())
    assert {m["file"] for m in outbox(new) if m["method"] == "CANCEL"} == {
        f"cancellations/c01/{i}-removed.ics" for i in range(3, 7)
    }
    program, plan = read_plan_dir(new)
    assert verify(program, plan) == []
    assert data["cohorts"][1] == plan_json(base)["cohorts"][1]


def test_withdraw_below_min_size_is_flagged(base: Path) -> None:
    program, plan = read_plan_dir(base)
    notes: list[str] = []
    for pid in ("n01", "n02", "n03"):
        program, plan, more = edits.withdraw(program, plan, pid, date(2027, 1, 25))
        notes += more
    assert any("below the minimum of 4" in n and "may cancel" in n for n in notes)
    assert [w.fee_due for w in plan.history.withdrawals] == [True] * 3
    old_program, old_plan = read_plan_dir(base)
    final, _box, _ = edits.apply(
        old_program, old_plan, program, plan, date(2027, 1, 25),
        datetime(2027, 1, 25, tzinfo=ZoneInfo("UTC")),
    )
    assert len(final.cohort("c01").members) == 3 and len(final.cohort("c01").sessions) == 4
    assert verify(program, final) == []


# ---------------------------------------------------------------------------
# move


def test_move_to_keeps_the_gap_rule_and_other_cohorts(base: Path, tmp_path: Path) -> None:
    new = tmp_path / "m"
    # session 6 must cross the summer break: the move needs --yes (SPEC §8)
    run("move", str(base), "c01", "4", "--to", "2027-05-04T09:00", "--out", str(new),
        "--today", "2027-04-01", "--yes")
    before, after = sessions(base), sessions(new)
    assert after[("c01", 3)]["start"] == "2027-05-04T09:00:00+02:00"
    for i in range(3):
        assert after[("c01", i)] == before[("c01", i)]
    for i in range(7):
        assert after[("c02", i)] == before[("c02", i)]
    for i in range(4, 7):
        old, new_s = before[("c01", i)], after[("c01", i)]
        prev = local_day(after[("c01", i - 1)])
        forced = (local_day(old) - prev).days < 28
        assert (old["start"] != new_s["start"]) == forced
        if forced:
            assert local_day(new_s).weekday() == local_day(old).weekday()
        assert new_s["uid"] == old["uid"]
        assert new_s["sequence"] == old["sequence"] + (old["start"] != new_s["start"])
    assert main(["check", str(new)]) == 0
    requested = {m["file"] for m in outbox(new)}
    moved = {f"invites/c01/{i}.ics" for i in range(7) if after[("c01", i)] != before[("c01", i)]}
    assert requested == moved


def test_move_that_forces_nothing_moves_one_session(base: Path, tmp_path: Path) -> None:
    new = tmp_path / "m"
    run("move", str(base), "c01", "7", "--to", "2027-08-11 09:00", "--out", str(new),
        "--today", "2027-04-01")
    before, after = sessions(base), sessions(new)
    assert [k for k in before if before[k] != after[k]] == [("c01", 6)]
    assert [m["file"] for m in outbox(new)] == ["invites/c01/6.ics"]


def test_move_not_on_picks_the_nearest_free_day(base: Path, tmp_path: Path) -> None:
    new = tmp_path / "m"
    run("move", str(base), "c01", "4", "--not-on", "2027-04-27", "--out", str(new),
        "--today", "2027-04-01")
    moved = sessions(new)[("c01", 3)]
    assert local_day(moved) == date(2027, 4, 28)  # Monday is not allowed; Wednesday is
    assert datetime.fromisoformat(moved["start"]).strftime("%H:%M") == "09:00"
    assert main(["check", str(new)]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["4", "--to", "2027-03-10T09:00"], "in the past"),
        (["2", "--to", "2027-04-06T09:00"], "already held"),
        (["4", "--to", "2027-05-03T09:00"], "allowed day"),
        (["4", "--to", "2027-05-04T09:10"], "time grid"),
        (["4", "--to", "2027-05-04T15:00"], "day window"),
        (["4", "--to", "2027-05-18T09:00"], "gap rule"),
        (["4", "--to", "2027-04-27T13:00"], "facilitator"),
        (["4", "--not-on", "2027-04-28"], "is on 2027-04-27"),
        (["10", "--to", "2027-05-04T09:00"], r"sessions 1\.\.7 \(1 is the kick-off\), not 10"),
        # a number typed one off (the index): the nearest session is named
        (["5", "--to", "2027-05-04T09:00"], "did you mean session 4"),
    ],
)
def test_move_refuses_bad_times(
    base: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    new = tmp_path / "m"
    with pytest.raises(InputError, match=message):
        run("move", str(base), "c01", *argv, "--out", str(new), "--today", "2027-04-01")
    assert not new.exists()


# ---------------------------------------------------------------------------
# cancel a cohort


def test_cancel_cohort_cancels_remaining_sessions_and_unplaces_members(
    base: Path, tmp_path: Path
) -> None:
    new = tmp_path / "c"
    run("cancel-cohort", str(base), "c02", "--out", str(new), "--today", "2027-04-01")
    data = plan_json(new)
    assert [c["id"] for c in data["cohorts"]] == ["c01"]
    members = plan_json(base)["cohorts"][1]["members"]
    reasons = {u["participant"]: u["reason"] for u in data["unplaced"]}
    assert set(reasons) == set(members)
    assert reasons["n07"] == "grupp c02 ställdes in (för få deltagare) 1 apr. 2027"
    assert {m["file"] for m in outbox(new)} == {f"cancellations/c02/{i}.ics" for i in range(3, 7)}
    before = sessions(base)
    for i in range(3, 7):
        method, ev = event(new / f"cancellations/c02/{i}.ics")
        assert method == "CANCEL" and str(ev["STATUS"]) == "CANCELLED"
        assert str(ev["UID"]) == before[("c02", i)]["uid"]
        assert int(ev["SEQUENCE"]) == before[("c02", i)]["sequence"] + 1
        assert attendees(ev) == emails(base, members)
    assert "Nordvik Energi AB,6," in (new / "costs.csv").read_text()
    assert main(["check", str(new)]) == 0


def test_cancel_unknown_cohort(base: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown cohort 'c09'"):
        run("cancel-cohort", str(base), "c09", "--out", str(tmp_path / "c"))


def test_the_number_people_read_is_the_number_move_takes(base: Path, tmp_path: Path) -> None:
    """A coordinator reads "session 5/7" in a calendar and "5" in the overview's table,
    types ``move c01 5``, and exactly that session (same UID) moves."""
    number = 5
    feed = icalendar.Calendar.from_ical((base / "cohorts" / "c01.ics").read_bytes())
    titled = {  # "Backstage-grupp c01 – träff 5 av 7": the program is Swedish
        re.search(r"träff (\d+) av", str(ev["SUMMARY"])).group(1): str(ev["UID"])
        for ev in feed.walk("VEVENT")
    }
    uid = titled[str(number)]
    overview = (base / "overview.html").read_text(encoding="utf-8")
    section = overview.split('id="cohort-c01"')[1].split("</section>")[0]
    row = re.search(rf'<tr><td class="num"[^>]*>{number}</td><td class="date"[^>]*>([0-9-]+)</td>',
                    section)
    assert row is not None
    day = row.group(1)
    before = {s["uid"]: s for s in sessions(base).values()}
    assert before[uid]["start"].startswith(day)  # the overview's row 5 is that session
    new = tmp_path / "m"
    out = run("move", str(base), "c01", str(number), "--not-on", day, "--out", str(new),
              "--today", "2027-04-01")
    after = {s["uid"]: s for s in sessions(new).values()}
    assert after[uid]["start"] != before[uid]["start"]
    assert f"c01 träff {number} flyttas" in out
    changes = (new / "changes.txt").read_text(encoding="utf-8")
    assert f"~ Backstage-grupp c01, träff {number}: flyttad från" in changes


@pytest.mark.parametrize(
    ("argv", "on"),
    [
        (["withdraw", "{base}", "n02", "--on", "2027-04-20"], "2027-04-20"),
        (["transfer", "{base}", "--from", "n03", "--to", "n13", "--name", "Nils Nyström",
          "--email", "nils@n.example", "--today", "2027-04-20"], "2027-04-20"),
        (["move", "{base}", "c01", "5", "--not-on", "{day}", "--today", "2027-04-20"],
         "2027-04-20"),
        (["cancel-cohort", "{base}", "c02", "--today", "2027-04-20"], "2027-04-20"),
    ],
)
def test_changes_txt_lists_only_what_changes_from_that_day(
    base: Path, tmp_path: Path, argv: list[str], on: str
) -> None:
    """changes.txt names sessions by the number people read and never lists a session
    held before the change (withdraw, transfer, move, cancel-cohort)."""
    day = next(s for (c, i), s in sessions(base).items() if (c, i) == ("c01", 4))["start"][:10]
    new = tmp_path / "n"
    args = [a.format(base=base, day=day) for a in argv] + ["--out", str(new)]
    run(*args)
    text = (new / "changes.txt").read_text(encoding="utf-8")
    before = sessions(base)
    listed = re.findall(r"^[~+-] Backstage-grupp (c\d+), träff (\d+):", text, flags=re.M)
    assert listed, text
    for cohort, number in listed:
        start = before.get((cohort, int(number) - 1), {}).get("start", "9999")
        assert start[:10] >= on, (cohort, number, text)


# ---------------------------------------------------------------------------
# the facilitator in the loop (SPEC §6)

EVERY_CHANGE = [
    ["withdraw", "{base}", "n02", "--on", "2027-04-20"],
    ["transfer", "{base}", "--from", "n03", "--to", "n13", "--name", "Nils Nyström",
     "--email", "nils@nordvik.example", "--today", "2027-04-20"],
    ["move", "{base}", "c01", "7", "--to", "2027-08-11 09:00", "--today", "2027-04-01"],
    ["cancel-cohort", "{base}", "c02", "--today", "2027-04-01"],
]


@pytest.mark.parametrize("argv", EVERY_CHANGE, ids=lambda a: a[0])
def test_without_an_organizer_every_change_mails_the_facilitator_their_feed(
    base: Path, tmp_path: Path, argv: list[str]
) -> None:
    new = tmp_path / "n"
    printed = run(*[a.format(base=base) for a in argv], "--out", str(new))
    told = [s for s in summaries(new) if "f-lena" in [r["id"] for r in s["recipients"]]]
    if not feeds(new):
        # only who is a member changed (SPEC §9): one summary tells her, no feed
        assert argv[0] in ("transfer", "withdraw") and len(told) == 1
        assert all("f-lena" not in [r["id"] for r in m["recipients"]] for m in outbox(new))
        return
    assert told == []  # her feed's lines tell her; never both
    (feed,) = feeds(new)
    assert (feed["file"], feed["method"], feed["person"]) == (
        "people/f-lena.ics", "PUBLISH", "f-lena")
    assert [r["id"] for r in feed["recipients"]] == ["f-lena"]
    assert hashlib.sha256((new / feed["file"]).read_bytes()).hexdigest() == feed["sha256"]
    assert feed["change"] == "changed"
    assert feed["detail"] and all(line.startswith("Backstage-grupp c0")
                                  for line in feed["detail"].split("\n"))
    assert "PUBLISH people/f-lena.ics" in printed
    # no invitation, but the cancellation of a session she organised (SPEC §9):
    # her calendar drops it, where her feed can only leave it out
    for m in outbox(new):
        if "f-lena" in [r["id"] for r in m["recipients"]]:
            assert (m["method"], m["change"]) == ("CANCEL", "cancelled")
            _, ev = event(new / m["file"])
            assert str(ev["ORGANIZER"]) == "mailto:lena.akerlund@backstage.example"
    assert (new / feed["file"]).read_bytes() != (base / feed["file"]).read_bytes()


@pytest.mark.parametrize("argv", EVERY_CHANGE, ids=lambda a: a[0])
def test_with_an_organizer_every_change_invites_the_facilitator_as_chair(
    base_loop: Path, tmp_path: Path, argv: list[str]
) -> None:
    new = tmp_path / "n"
    run(*[a.format(base=base_loop) for a in argv], "--out", str(new))
    assert feeds(new) == []
    sent = outbox(new)
    assert sent
    for m in sent:
        ids = [r["id"] for r in m["recipients"]]
        _, ev = event(new / m["file"])
        assert str(ev["ORGANIZER"]) == "mailto:kansli@nordvik.example"
        value = ev.get("ATTENDEE", [])
        chairs = [a for a in (value if isinstance(value, list) else [value])
                  if a.params["ROLE"] == "CHAIR"]
        if m["change"] == "removed":  # names only who leaves the session
            assert "f-lena" not in ids and chairs == []
        elif m["change"] in ("joined", "absent"):  # only to the newcomer, the absent one
            assert "f-lena" not in ids and len(chairs) == 1
        else:
            assert ids[-1] == "f-lena"
            (chair,) = chairs
            assert str(chair) == "mailto:lena.akerlund@backstage.example"
            assert chair.params["PARTSTAT"] == "ACCEPTED"
