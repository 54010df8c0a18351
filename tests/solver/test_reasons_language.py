"""The reasons for the unplaced speak the program's language, and only that (SPEC §6).

Every sentence of every finding is built here once per language from small
programs made to trigger it: the Swedish texts must hold no phrase (three words
running) of the English msgids of ``reasons.po``, the English texts none of its
Swedish msgstrs, and each language must use every message of the catalogue (so
a new message cannot slip past this test). A translation keeps the msgid's
placeholders, and the same input gives the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from backstage_sched import SolveOptions, plan_program
from backstage_sched.actions.edits import cancel_cohort
from backstage_sched.cli import explain as cli_explain
from backstage_sched.domain import (
    Blackout,
    Busy,
    Facilitator,
    GroupRules,
    MetBefore,
    Participant,
    Program,
    SessionRules,
    Venue,
)
from backstage_sched.i18n import LOCALE_DIR
from backstage_sched.inputs.timeexpr import parse_rules
from backstage_sched.inputs.workdays import Slot
from backstage_sched.rules import RULES
from backstage_sched.solver.explain import diagnose as dg
from backstage_sched.solver.explain import reasons as ex
from backstage_sched.solver.explain import seats
from backstage_sched.solver.explain.interchange import Interchange
from backstage_sched.solver.explain.met import met_before_finding
from backstage_sched.solver.model.instance import Instance
from backstage_sched.solver.schedule import ScheduledCohort
from backstage_sched.wording import Words

PO = LOCALE_DIR / "sv" / "LC_MESSAGES" / "reasons.po"
EXTRA = ("cohorts full", "several rules", "search effort", "no cohort")


def _catalogue() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """msgid (singular) -> its English forms and their Swedish forms."""
    with Path(PO).open("rb") as fh:
        return {
            (m.id if isinstance(m.id, str) else m.id[0]): (
                (m.id,) if isinstance(m.id, str) else tuple(m.id),
                (m.string,) if isinstance(m.string, str) else tuple(m.string),
            )
            for m in read_po(fh) if m.id
        }


CATALOGUE = _catalogue()


# ---- programs that trigger every sentence -------------------------------------


def _people(n: int, org: str | None = None) -> tuple[Participant, ...]:
    return tuple(
        Participant(f"p{i}", f"Kerstin Holm {i}", f"p{i}@x.example", org or f"Bruk {i} AB")
        for i in range(1, n + 1)
    )


def _program(language: str, **changes: object) -> Program:
    base = Program(
        "t", "Backstage", date(2027, 1, 11), date(2027, 6, 30), language=language,
        groups=GroupRules(size=4, min_size=4, max_size=6),
        facilitators=(Facilitator("f1", "Greta Ahlqvist", "f1@x.example", max_cohorts=2),),
        participants=_people(8),
    )
    return base.replace(**changes)


def _with(program: Program, pid: str, **changes: object) -> Program:
    people = tuple(replace(p, **changes) if p.id == pid else p for p in program.participants)
    return program.replace(participants=people)


def _lead(max_cohorts: int | None = 2, unavailable: str = "", fid: str = "f1") -> Facilitator:
    return Facilitator(fid, f"Greta Ahlqvist {fid}", f"{fid}@x.example", max_cohorts,
                       unavailable=parse_rules(unavailable) if unavailable else ())


def _findings(language: str) -> Iterator[ex.Finding]:
    """Findings of every kind the explanations give, in ``language``."""
    p = _program(language)
    yield from _program_findings(p)
    away = parse_rules("mon; tue; wed; thu; fri; sat 13:00-17:00; 2027-03-01; "
                       "2027-03-02 08:00-12:00; 2027-03-08..2027-03-12; "
                       "2027-03-15..2027-03-19 08:00-12:00; 13:00-14:00")
    busy = (Busy(datetime(2027, 2, 1, 9), datetime(2027, 2, 1, 12)),)
    beta = tuple(Participant(f"b{i}", f"Bo Ek {i}", f"b{i}@x.example", "Beta AB") for i in (1, 2))
    people = [
        _with(p, "p1", unavailable=away, busy=busy),
        _with(p, "p1", unavailable=away).replace(sessions=SessionRules(weekdays=(0, 1, 2))),
        _with(p, "p1", unavailable=parse_rules("2027-02-01..2027-05-31")),
        p.replace(facilitators=(_lead(unavailable="mon; tue; wed; thu; fri"),
                                _lead(unavailable="mon; tue; wed; thu; fri", fid="f2"))),
        p.replace(mode="company", participants=_people(4, "Alfa AB") + beta[:1]),
        p.replace(mode="company", participants=_people(4, "Alfa AB") + beta),
    ]
    for program in people:
        inst = Instance.of(program)
        found = [f for n in range(len(inst.participants)) if (f := ex.person_problem(inst, n))]
        assert found, program
        yield from found
    yield from _cohort_findings(p)


def _program_findings(p: Program) -> Iterator[ex.Finding]:
    """Why nobody can be placed: the calendar, the window, rooms, people, facilitators."""
    two = {"groups": GroupRules(size=2, min_size=2, max_size=2), "start": date(2027, 2, 1),
           "end": date(2027, 4, 2), "extra_closed": tuple(date(2027, 2, d) for d in range(1, 6))}
    pair = _people(2, "Alfa AB") + tuple(
        Participant(f"b{i}", f"Bo Ek {i}", f"b{i}@x.example", "Beta AB") for i in (1, 2))
    wholes = [
        p.replace(sessions=SessionRules(day_start=time(8, 30), day_end=time(11, 0))),
        p.replace(start=date(2027, 12, 24), end=date(2027, 12, 31),
                  extra_closed=(date(2027, 12, 27),),
                  blackouts=(Blackout("Jul", date(2027, 12, 28), date(2027, 12, 30)),)),
        p.replace(start=date(2027, 9, 1), end=date(2027, 10, 15)),
        p.replace(**two),
        p.replace(**two, blackouts=(Blackout("Sportlov", date(2027, 3, 15), date(2027, 3, 19)),)),
        p.replace(venues=(Venue("v", "Skrubben", 1),)),
        p.replace(venues=(Venue("v", "Skrubben", 3),)),
        p.replace(participants=_people(1)),
        p.replace(participants=_people(3)),
        p.replace(participants=_people(4, "Mono AB")),
        p.replace(participants=pair),
        p.replace(facilitators=(_lead(0),)),
    ]
    for program in wholes:
        found = ex.program_problem(Instance.of(program))
        assert found is not None, program
        yield found


def _cohort_findings(p: Program) -> Iterator[ex.Finding]:
    """The findings about cohorts (capacity, organisations, not_with, no cohort)."""
    inst = Instance.of(p)
    yield from (ex.org_cap_finding(inst, "Bruk 1 AB", ("p1",), c, m)
                for c in (1, 2) for m in (True, False))
    for most, formed, waiting in ((2, 2, 3), (2, 2, None), (1, 1, 3), (1, 1, None), (3, 2, 2)):
        capped = Instance.of(p.replace(facilitators=(_lead(most),)))
        yield ex.capacity_finding(capped, ("p1",), formed, waiting)
    yield ex.capacity_finding(Instance.of(p.replace(participants=_people(20))), ("p1",), 2, 14)
    person = inst.participants[0]
    lone = Instance.of(p.replace(facilitators=(_lead(1),)))
    yield ex.not_with_finding(inst, person, ("p2",))
    yield ex.not_with_finding(inst, person, ("p2", "p3"), 2)
    yield ex.not_with_finding(Instance.of(p.replace(participants=_people(5))), person, ("p2",), 1)
    yield ex.not_with_finding(lone, person, ("p2",), 1)
    yield ex.not_with_finding(lone, person, ("p2",), 2)
    met = Instance.of(p.replace(met_before=(MetBefore("ht2026", "c03", ("p1", "p2")),)))
    yield met_before_finding(met, person, "p2")
    yield met_before_finding(inst, person, "p2")  # the earlier cohort is not known
    restricted = Instance.of(_with(p, "p1", unavailable=parse_rules("fri")))
    for case in (inst, restricted, Instance.of(p.replace(venues=(Venue("v", "Salen", 9),)))):
        for spare in ([0], [], None):
            yield ex.heuristic_finding(case, 0, set(), 0, 8, spare)
    yield from _diagnosed(p, inst, restricted)
    yield from _free_seats(p)


def _free_seats(p: Program) -> Iterator[ex.Finding]:
    """Why the free seats of a full plan do not fit p8: every cause, and the days."""
    def cohort(members: tuple[str, ...], first: date) -> ScheduledCohort:
        slots = tuple(Slot(first + timedelta(days=28 * i), 540) for i in range(len(members) + 1))
        return ScheduledCohort("f1", None, members, slots, members)

    monday, tuesday = date(2027, 1, 18), date(2027, 1, 19)
    cohorts = [cohort(("p1", "p2"), monday + timedelta(days=7 * k)) for k in range(4)]
    cohorts += [cohort(("p4", "p7"), tuesday), cohort(("p5",), tuesday + timedelta(days=1)),
                cohort(("p6",), tuesday + timedelta(days=2))]
    mixed = _with(_with(p, "p7", organization="Bruk 8 AB"), "p8",
                  unavailable=parse_rules("mon"), not_with=("p5",))
    yield seats.free_seat_finding(Instance.of(mixed), 7, cohorts)
    monday_off = _with(p, "p8", unavailable=parse_rules("2027-01-18; 2027-01-25; 2027-02-01; "
                                                      "2027-02-08"))
    yield seats.free_seat_finding(Instance.of(monday_off), 7, cohorts[:4])
    away = _with(p, "p8", unavailable=parse_rules("mon; tue; wed; thu; fri"))
    yield seats.free_seat_finding(Instance.of(away), 7, cohorts[:1])
    company = p.replace(mode="company", participants=_people(7, "Alfa AB") + _people(8)[7:])
    yield seats.free_seat_finding(Instance.of(company), 7, cohorts[:1])


def _diagnosed(p: Program, inst: Instance, restricted: Instance) -> Iterator[ex.Finding]:
    """The words of :mod:`.diagnose` for every kind of rule in a core."""
    keys = [("not_with", "p1", "p2"), ("participant availability", "p1"),
            ("participant availability", "p2"), ("facilitator availability", "f1"),
            ("facilitator capacity", "f1"), ("group size",), ("unknown",)]
    away = Instance.of(_with(p.replace(facilitators=(_lead(1, "fri"), _lead(None, fid="f2"))), "p2",
                             unavailable=parse_rules("mon"),
                             busy=(Busy(datetime(2027, 2, 1, 9), datetime(2027, 2, 1, 12)),)))
    for case in (away, restricted):
        for key in keys:
            yield dg._single(case, "p1", key, 2)
    yield dg._full(inst, "p1", 1)
    yield dg._together(inst, "p1", [("organisation mix", "Bruk 2 AB"), *keys[:-1]], True)
    yield dg._together(inst, "p1", keys[:2], False)
    yield dg._together(inst, "p1", [("met before", "p1", "p2"), *keys[:1]], False)
    yield dg._other_org(inst, "p1", "Bruk 2 AB")
    yield dg._other_org(Instance.of(p.replace(groups=GroupRules(max_per_organization=2))),
                        "p1", "Bruk 2 AB")
    yield dg._addable(inst, "p1")


def _texts(language: str, monkeypatch: pytest.MonkeyPatch, used: set[str]) -> list[str]:
    """Every text a person reads of the reasons in ``language``; ``used`` collects the
    msgids they were made from."""
    original_, original_n = Words._, Words.n_

    def _(self: Words, text: str, **fields: object) -> str:
        used.add(text)
        return original_(self, text, **fields)

    def n_(self: Words, one: str, many: str, count: int, **fields: object) -> str:
        used.add(one)
        return original_n(self, one, many, count, **fields)

    monkeypatch.setattr(Words, "_", _)
    monkeypatch.setattr(Words, "n_", n_)
    program = _program(language)
    words = Words.of(program)
    texts = []
    for f in _findings(language):
        texts += [f.message, f.fix, words.reason(f.rule, f.message, f.fix)]
    for code in (*RULES, *EXTRA):
        texts.append(words.rule_name(code))
    inst = Instance.of(program)
    texts += ex.unplaced_reasons(inst, {"p1", "p2", "p3", "p4"}, 1, {"f1": 1}).values()
    full = program.replace(facilitators=(_lead(1),))  # 6 of 8 placed
    monkeypatch.setattr(dg, "MAX_CHECKED", 0)
    texts += [f.message for f in dg.diagnose(full)]  # "not checked by the solver"
    monkeypatch.setattr(dg, "MAX_CHECKED", 200)
    texts += [f.message for f in dg.diagnose(full, time_limit=0)]  # "not confirmed"
    seats = {"p5": ("p1", "p2"), "p6": ("p1",)}
    texts.append(Interchange(("p1", "p5"), 1, ("p5",), {"p5": ("p1",)}, True).note(program))
    texts.append(Interchange(("p1", "p2", "p5", "p6"), 2, ("p5", "p6"), seats, True)
                 .note(program))
    texts.append(Interchange(("p1", "p2", "p5", "p6"), 2, ("p5", "p6"), seats, False)
                 .note(program))
    plan = plan_program(program, SolveOptions(effort=1))  # a cohort cancelled by hand
    _, after, _ = cancel_cohort(program, plan, plan.cohorts[0].id, date(2027, 1, 1))
    texts += [u.reason for u in after.unplaced]
    many = ex.Finding("not_with", tuple(f"p{i}" for i in range(1, 9)), "x", "y")
    texts.append(cli_explain._people(many, {}, words))
    return texts


# ---- the tests ------------------------------------------------------------------


def _phrases(text: str) -> set[str]:
    """The phrases of a message a reader would notice in the other language: every
    run of three words (two in a shorter run) between its placeholders, as a pattern
    that allows any spaces and punctuation between the words; not those with an
    input key (``max_size``), which both languages write."""
    found = set()
    for run in re.split(r"\{[a-z_]+\}", text):
        words = re.findall(r"[^\W\d]+(?:['_-][^\W\d]+)*", run)
        size = min(3, len(words))
        found |= {r"\W+".join(map(re.escape, words[i:i + size]))
                  for i in range(len(words) - size + 1)
                  if size >= 2 and not any("_" in w for w in words[i:i + size])}
    return found


def _foreign(said: str, theirs: list[str]) -> list[tuple[str, str]]:
    """The phrases of the messages ``theirs`` (one language's) found in ``said``."""
    return sorted(
        (phrase, text) for text in theirs for phrase in _phrases(text)
        if re.search(rf"\b{phrase}\b", said)
    )


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    with pytest.MonkeyPatch.context() as mp:
        used: dict[str, set[str]] = {"sv": set(), "en": set()}
        found = {lang: _texts(lang, mp, used[lang]) for lang in ("sv", "en")}
    assert used["sv"] == used["en"] == set(CATALOGUE), (
        "messages no case here makes, or made but not in reasons.po: "
        f"{sorted(set(CATALOGUE) ^ used['sv'])}")
    return found


def test_every_message_keeps_its_placeholders() -> None:
    for msgid, (english, swedish) in CATALOGUE.items():
        names = {n for e in english for n in re.findall(r"\{([a-z_]+)\}", e)}
        for form in swedish:
            assert set(re.findall(r"\{([a-z_]+)\}", form)) <= names | {"count"}, (msgid, form)


def test_swedish_reasons_hold_no_english_phrase(texts: dict[str, list[str]]) -> None:
    said = "\n".join(texts["sv"])
    english = [e for forms, _ in CATALOGUE.values() for e in forms]
    assert _foreign(said, english) == []
    assert "Fix:" not in said and "Åtgärd:" in said


def test_english_reasons_hold_no_swedish_phrase(texts: dict[str, list[str]]) -> None:
    said = "\n".join(texts["en"])
    swedish = [s for _, forms in CATALOGUE.values() for s in forms]
    assert _foreign(said, swedish) == []
    assert not re.search(r"[åäöÅÄÖ]", said)  # no Swedish word, month or weekday either


def test_a_phrase_left_in_english_is_caught() -> None:
    said = "ingen grupp kan ta emot Anna (p1): every cohort that suits their dates is full"
    english = [e for forms, _ in CATALOGUE.values() for e in forms]
    assert r"every\W+cohort\W+that" in {phrase for phrase, _ in _foreign(said, english)}
    assert _foreign("ingen grupp kan ta emot Anna (p1)", english) == []


def test_reasons_are_the_same_for_the_same_input(texts: dict[str, list[str]]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        assert _texts("sv", mp, set()) == texts["sv"]


@pytest.mark.parametrize("code", [*(r.code for r in RULES.values() if r.keeps_out), *EXTRA])
def test_every_rule_has_a_swedish_name(code: str) -> None:
    swedish = Words.of(_program("sv")).rule_name(code)
    assert swedish != code and Words.of(_program("en")).rule_name(code) == code
