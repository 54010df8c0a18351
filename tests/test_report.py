"""costs.csv and overview.html."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from backstage_sched.domain import Blackout, Facilitator, Participant, Policy, Program, Venue
from backstage_sched.plan import Cohort, Plan, Session, Unplaced
from backstage_sched.report import costs_csv, overview_html

Z = ZoneInfo("Europe/Stockholm")


def _cohort(cid: str, fid: str, members: tuple[str, ...], first: datetime) -> Cohort:
    owners: list[str | None] = [None, *members]
    sessions = tuple(
        Session(
            index=i,
            start=first + timedelta(days=28 * i),
            end=first + timedelta(days=28 * i, hours=3),
            case_owner=owners[i],
            venue="room-a" if cid == "c02" else None,
            uid=f"ht2027-{cid}-s{i}@backstage-sched",
        )
        for i in range(len(members) + 1)
    )
    return Cohort(
        cid,
        fid,
        "room-a" if cid == "c02" else None,
        members,
        first.date() - timedelta(days=10),
        sessions,
    )


def make() -> tuple[Program, Plan]:
    people = (
        Participant("p1", "Åsa Öberg", "asa@alfa.se", "Alfa AB", "new"),
        Participant("p2", "Björn <Ärlig> & Son", "bjorn@beta.se", "Beta, Gamma & Co", "senior"),
        Participant("p3", "Carl Lind", "carl@alfa.se", "Alfa AB", "new"),
        Participant("p4", "Dana Ek", "dana@ceta.se", "Ceta", "experienced"),
        Participant("p5", "Eva Holm", "eva@alfa.se", "Alfa AB", ""),
        Participant("p6", "Filip Ros", "filip@eta.se", "Eta", ""),
    )
    program = Program(
        id="ht2027",
        name="Backstage 2027 — Stockholm",
        start=date(2027, 1, 11),
        end=date(2027, 12, 17),
        blackouts=(Blackout("Summer <break>", date(2027, 6, 21), date(2027, 8, 13)),),
        facilitators=(
            Facilitator("f1", "Anna Fält", "f1@example.org", max_cohorts=4),
            Facilitator("f2", "Bo Leder", "f2@example.org"),
            Facilitator("f3", "Cay Idle", "f3@example.org"),
        ),
        venues=(Venue("room-a", "Room Ä", 8),),
        participants=people,
    )
    c01 = _cohort("c01", "f1", ("p1", "p2"), datetime(2027, 3, 2, 9, 0, tzinfo=Z))
    c02 = _cohort("c02", "f1", ("p3", "p4"), datetime(2027, 1, 19, 13, 0, tzinfo=Z))
    plan = Plan(
        program="ht2027",
        cohorts=(c01, c02),
        unplaced=(
            Unplaced("p6", "no feasible cohort: unavailable on every weekday <all>"),
            Unplaced("p5", "Alfa AB already has a member in every cohort"),
        ),
    )
    return program, plan


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --------------------------------------------------------------------------- costs


def test_costs_header_and_arithmetic() -> None:
    program, plan = make()
    table = rows(costs_csv(program, plan))
    assert table[0] == [
        "organization",
        "participants",
        "fee",
        "vat",
        "total",
        "currency",
        "cancellation_deadline",
        "withdrawn_charged",
    ]
    body = {r[0]: r for r in table[1:]}
    # p1 in c01 (deadline 2027-02-20), p3 in c02 (deadline 2027-01-09): earliest wins
    assert body["Alfa AB"] == ["Alfa AB", "2", "35000", "8750", "43750", "SEK", "2027-01-09", "0"]
    assert body["Ceta"] == ["Ceta", "1", "17500", "4375", "21875", "SEK", "2027-01-09", "0"]
    assert body["Beta, Gamma & Co"][1:] == ["1", "17500", "4375", "21875", "SEK", "2027-02-20", "0"]


def test_costs_only_placed_sorted_and_quoted() -> None:
    program, plan = make()
    text = costs_csv(program, plan)
    table = rows(text)
    orgs = [r[0] for r in table[1:]]
    assert orgs == sorted(orgs) == ["Alfa AB", "Beta, Gamma & Co", "Ceta"]  # Eta is unplaced
    assert '"Beta, Gamma & Co"' in text
    assert sum(int(r[1]) for r in table[1:]) == plan.placed
    assert costs_csv(program, plan) == text


def test_costs_non_whole_amounts() -> None:
    program, plan = make()
    program = program.replace(policy=Policy(fee=17499.99, currency="EUR", vat_rate=0.25))
    body = {r[0]: r for r in rows(costs_csv(program, plan))[1:]}
    # 2 * 17499.99 = 34999.98; VAT 8749.995 -> 8750.00 (half up)
    assert body["Alfa AB"][2:6] == ["34999.98", "8750", "43749.98", "EUR"]
    assert body["Ceta"][2:5] == ["17499.99", "4375", "21874.99"]


def test_costs_empty_plan() -> None:
    program, plan = make()
    assert rows(costs_csv(program, replace(plan, cohorts=()))) == [
        [
            "organization", "participants", "fee", "vat", "total", "currency",
            "cancellation_deadline", "withdrawn_charged",
        ]
    ]


# --------------------------------------------------------------------------- overview

VOID = {"meta", "br", "img", "hr", "link", "input", "source", "wbr", "col", "area", "base"}
SVG_EMPTY = {"line", "rect", "circle", "path"}


class _Balance(HTMLParser):
    """Checks that every element is closed in order; collects text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID and tag not in SVG_EMPTY:
            self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}>, open: {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def test_overview_is_valid_self_contained_html() -> None:
    program, plan = make()
    page = overview_html(program, plan)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in page
    parsed = _check(page)
    assert parsed.tags.count("html") == 1 and parsed.tags.count("body") == 1
    assert "style" in parsed.tags
    for forbidden in ("<script", "<link", "src=", "@import", "url("):
        assert forbidden not in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    page.encode("utf-8")
    assert overview_html(program, plan) == page


def test_overview_content_and_escaping() -> None:
    program, plan = make()
    page = overview_html(program, plan)
    text = "".join(_check(page).text)
    assert "Backstage 2027 — Stockholm" in page
    assert "2027-01-11" in page and "2027-12-17" in page
    # names with å/ä/ö stay UTF-8, markup characters are escaped
    assert "Åsa Öberg" in page
    assert "Björn &lt;Ärlig&gt; &amp; Son" in page
    assert "<Ärlig>" not in page
    assert "Beta, Gamma &amp; Co" in page
    assert "Room Ä" in page
    assert "Anna Fält" in page
    # summary figures
    for label, value in (("Registrations", 6), ("Placed", 4), ("Unplaced", 2), ("Cohorts", 2)):
        assert f"<li><b>{value}</b>{label}</li>" in page
    # sessions: date, weekday, time, case owner
    assert "2027-03-02" in text and "Tuesday" in text and "09:00–12:00" in text
    assert "2027-01-19" in text and "13:00–16:00" in text
    assert "Carl Lind" in text and "senior" in text
    # facilitators' load: f1 leads both cohorts (3 + 3 sessions), f3 none
    assert '<td>Anna Fält</td><td>c01, c02</td><td class="num">2</td>' in page
    assert '<td class="num">6</td>' in page
    assert '<td>Cay Idle</td><td>—</td><td class="num">0</td>' in page
    # unplaced with reasons (escaped)
    assert "no feasible cohort: unavailable on every weekday &lt;all&gt;" in page
    assert "Alfa AB already has a member in every cohort" in page


def test_overview_timeline_svg() -> None:
    program, plan = make()
    page = overview_html(program, plan)
    start, end = page.index("<svg"), page.index("</svg>")
    svg = page[start:end]
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.count("<circle") == sum(len(c.sessions) for c in plan.cohorts)
    assert svg.count("<rect") == 1  # the summer blackout
    assert "Summer &lt;break&gt;" in svg
    for month in ("Jan 2027", ">Feb<", ">Jun<", ">Dec<"):
        assert month in svg
    assert svg.count('text-anchor="end"') == len(plan.cohorts)
    # rows ordered as the plan's cohorts
    assert svg.index(">c01<") < svg.index(">c02<")


def test_overview_without_cohorts() -> None:
    program, plan = make()
    page = overview_html(program, replace(plan, cohorts=(), unplaced=()))
    _check(page)
    assert "No cohorts." in page and "Everyone is placed." in page
    assert "<svg" in page


def test_costs_charge_late_withdrawals() -> None:
    """Someone who withdrew on or after the deadline still pays; before it, not."""
    program, plan = make()
    late = {"participant": "px", "organization": "Ceta", "fee_due": True,
            "cancellation_deadline": "2027-01-05", "cohort": "c02", "held_session": None}
    early = {**late, "participant": "py", "organization": "Delta", "fee_due": False}
    plan = replace(plan, objective={**plan.objective, "withdrawals": [late, early]})
    body = {r[0]: r for r in rows(costs_csv(program, plan))[1:]}
    assert body["Ceta"] == ["Ceta", "2", "35000", "8750", "43750", "SEK", "2027-01-05", "1"]
    assert "Delta" not in body
