"""Property tests of input and output (issue 5), derandomized and bounded.

The loader raises nothing but InputError on mutated TOML/CSV; calendar files
round-trip through icalendar whatever text they hold; a planned program,
mutated to break a hard rule, is rejected by the verifier.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstage_sched.actions.planner import plan_program
from backstage_sched.check.verify import verify
from backstage_sched.domain import Facilitator, GroupRules, Participant, Program, SessionRules
from backstage_sched.errors import InputError
from backstage_sched.inputs.load import load_program
from backstage_sched.plan import Plan
from backstage_sched.publish.ical import cohort_feed, invite, person_feed
from backstage_sched.rules import ALLOWED_DAY, DAY_WINDOW, GROUP_SIZE, ORGANISATION_MIX, PLACEMENT
from backstage_sched.solver import SolveOptions

EXAMPLE = Path(__file__).parent.parent / "examples" / "mixed-2027"
PROGRAM = (EXAMPLE / "program.toml").read_bytes()
PEOPLE = (EXAMPLE / "participants.csv").read_bytes()
FAST = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """``data`` with a few bytes replaced, inserted or deleted, or lines dropped/duplicated."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["byte", "insert", "delete", "line", "dup"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "byte" and data:
            data = data[:pos] + bytes([draw(st.integers(0, 255))]) + data[pos + 1 :]
        elif kind == "insert":
            junk = draw(st.sampled_from([b"\x00", b'"', b";", b",", b"\n", b"=", b"[", b"\xff"]))
            data = data[:pos] + junk + data[pos:]
        elif kind == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 20)) :]
        else:
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i : i + 1] = [] if kind == "line" else [lines[i], lines[i]]
            data = b"\n".join(lines)
    return data


def _load_or_input_error(tmp: Path, program: bytes, people: bytes) -> None:
    (tmp / "program.toml").write_bytes(program)
    (tmp / "participants.csv").write_bytes(people)
    try:
        load_program(tmp / "program.toml", tmp / "participants.csv")
    except InputError as err:
        assert err.message.strip()


@st.composite
def _mutated_files(draw: st.DrawFn) -> tuple[bytes, bytes]:
    which = draw(st.sampled_from(["toml", "csv", "both"]))
    program = _mutate(PROGRAM, draw) if which != "csv" else PROGRAM
    people = _mutate(PEOPLE, draw) if which != "toml" else PEOPLE
    return program, people


@FAST
@given(files=_mutated_files())
def test_mutated_files_raise_only_input_error(tmp_path: Path, files: tuple[bytes, bytes]) -> None:
    folder = tmp_path / "run"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLE / "calendars", folder / "calendars")
    _load_or_input_error(folder, *files)


_CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r"), max_size=12
) | st.sampled_from(["", "../x", "con", "=1+1", '"', "fri 25:00-26:00", "2027-02-30", "a;b"])
_COLUMNS = ("id", "name", "email", "organization", "unavailable", "avoid", "not_with")


@FAST
@given(rows=st.lists(st.tuples(*[_CELL] * len(_COLUMNS)), min_size=1, max_size=4))
def test_random_cells_raise_only_input_error(tmp_path: Path, rows: list[tuple[str, ...]]) -> None:
    lines = [";".join(_COLUMNS)]
    for row in rows:
        lines.append(";".join('"' + c.replace('"', '""') + '"' for c in row))
    _load_or_input_error(tmp_path, PROGRAM, ("\n".join(lines) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------- calendars


def _base_program(names: list[str]) -> Program:
    people = tuple(
        Participant(f"p{i}", name or f"P{i}", f"p{i}@example.org", f"Org {i}; {name}")
        for i, name in enumerate(names, start=1)
    )
    return Program(
        id="prop",
        name=names[0] or "Program",
        start=date(2027, 1, 11),
        end=date(2027, 8, 31),
        sessions=SessionRules(min_gap_days=7, max_gap_days=14),
        groups=GroupRules(size=2, min_size=2, max_size=3, max_per_organization=1),
        facilitators=(Facilitator("f1", names[-1] or "F", "f1@example.org"),),
        participants=people,
    )


_PLANS: dict[int, Plan] = {}


def _plan_for(program: Program) -> Plan:
    """Plan the shape of ``program`` once; names do not change a plan's dates."""
    key = len(program.participants)
    if key not in _PLANS:
        _PLANS[key] = plan_program(program, SolveOptions(effort=1))
    return _PLANS[key]


# The loader refuses control characters (tests/inputs/test_hostile.py); line breaks stay in
# to show that the writer escapes them too.
_HOSTILE_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cc", "Cs"], include_characters="\n"),
    max_size=30,
) | st.sampled_from(["Eve\nATTENDEE:mailto:x@evil", "a;b,c\nDESCRIPTION:x", '"q"^n:\\', "\u202e;"])


@settings(derandomize=True, max_examples=30, deadline=None)
@given(names=st.lists(_HOSTILE_TEXT, min_size=2, max_size=3))
def test_calendar_output_round_trips(names: list[str]) -> None:
    program = _base_program(names)
    plan = _plan_for(program)
    stamp = datetime(2027, 1, 1, tzinfo=UTC)
    cohort = plan.cohorts[0]
    for data in (
        cohort_feed(program, plan, cohort, stamp),
        person_feed(program, plan, cohort.members[0], stamp),
        invite(program, plan, cohort, cohort.sessions[-1], stamp),
    ):
        parsed = icalendar.Calendar.from_ical(data)
        assert parsed.to_ical() == data
        assert icalendar.Calendar.from_ical(parsed.to_ical()) == parsed
        for event in parsed.walk("VEVENT"):
            names_seen = [k for k, _ in event.property_items(recursive=False)]
            assert names_seen.count("DESCRIPTION") == 1
            assert names_seen.count("ATTENDEE") in (0, len(cohort.members))


# --------------------------------------------------------------------------- verifier


def _planned() -> tuple[Program, Plan]:
    people = tuple(
        Participant(f"p{i}", f"P {i}", f"p{i}@example.org", f"Org {i % 4}") for i in range(8)
    )
    program = Program(
        id="mut",
        name="Mutations",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        groups=GroupRules(size=4, min_size=3, max_size=4, max_per_organization=1),
        facilitators=(Facilitator("f1", "F", "f1@example.org"),),
        participants=people,
    )
    return program, plan_program(program, SolveOptions(effort=1))


_PROGRAM, _PLAN = _planned()


def _with_session(plan: Plan, c: int, s: int, start: datetime) -> Plan:
    cohort = plan.cohorts[c]
    session = cohort.sessions[s]
    moved = replace(session, start=start, end=start + (session.end - session.start))
    sessions = (*cohort.sessions[:s], moved, *cohort.sessions[s + 1 :])
    cohorts = list(plan.cohorts)
    cohorts[c] = replace(cohort, sessions=sessions)
    return replace(plan, cohorts=tuple(cohorts))


@settings(derandomize=True, max_examples=25, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(["holiday", "weekend", "night", "same_org", "drop", "twice"]),
)
def test_mutated_plan_is_rejected(data: st.DataObject, kind: str) -> None:
    program, plan = _PROGRAM, _PLAN
    assert verify(program, plan) == []
    c = data.draw(st.integers(0, len(plan.cohorts) - 1))
    s = data.draw(st.integers(0, len(plan.cohorts[c].sessions) - 1))
    start = plan.cohorts[c].sessions[s].start
    if kind == "holiday":
        # Epiphany, Ascension Day (Easter 2027 is 28 March), Christmas Eve
        day = data.draw(st.sampled_from([date(2027, 1, 6), date(2027, 5, 6), date(2027, 12, 24)]))
        bad = _with_session(plan, c, s, datetime.combine(day, start.timetz()))
    elif kind == "weekend":
        saturday = start + timedelta(days=(5 - start.weekday()) % 7)
        bad = _with_session(plan, c, s, saturday)
    elif kind == "night":
        bad = _with_session(plan, c, s, start.replace(hour=22))
    else:
        cohort = plan.cohorts[c]
        members = list(cohort.members)
        if kind == "same_org":  # swap in an outsider of a member's organisation
            orgs = {program.participant(m).organization: m for m in members}
            outsider = next(
                p.id for p in program.participants if p.id not in members and p.organization in orgs
            )
            members[
                members.index(
                    next(
                        m for m in members if m != orgs[program.participant(outsider).organization]
                    )
                )
            ] = outsider
        elif kind == "drop":
            members = members[:1]
        else:  # one person placed twice
            other = plan.cohorts[(c + 1) % len(plan.cohorts)]
            members[0] = other.members[0] if other.id != cohort.id else members[1]
        cohorts = list(plan.cohorts)
        cohorts[c] = replace(cohort, members=tuple(members))
        bad = replace(plan, cohorts=tuple(cohorts))
    # the rule each mutation breaks, where: (cohort, session); None: the cohort as a whole,
    # or the plan as a whole (a person placed twice is one fact about two cohorts)
    cid = plan.cohorts[c].id
    rule, where = {
        "holiday": (ALLOWED_DAY, (cid, s)),
        "weekend": (ALLOWED_DAY, (cid, s)),
        "night": (DAY_WINDOW, (cid, s)),
        "same_org": (ORGANISATION_MIX, (cid, None)),
        "drop": (GROUP_SIZE, (cid, None)),
        "twice": (PLACEMENT, (None, None)),
    }[kind]
    out = verify(program, bad)
    assert (rule.code, *where) in {
        (v.rule, v.cohort, v.session) for v in out
    }, f"verify missed {rule.code!r} at {where} in a plan mutated by {kind}: {out}"
