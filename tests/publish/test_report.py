"""costs.csv, costs-excel.csv and overview.html: content, language, escaping.

Most checks read the English page (``report_plan("en")``); the Swedish page, the
default for a program in Sweden, has its own tests below. How the page looks
in a real browser is tests/publish/test_overview_browser.py.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from backstage_sched.domain import Blackout, Facilitator, Policy, Program, Venue
from backstage_sched.i18n import Language
from backstage_sched.inputs.workdays import public_holidays
from backstage_sched.plan import Plan, Unplaced
from backstage_sched.publish.costs import costs_csv, costs_excel_csv, csv_cell
from backstage_sched.publish.overview import overview_html
from conftest import report_plan, withdrawals_history

Z = ZoneInfo("Europe/Stockholm")




def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --------------------------------------------------------------------------- costs


def test_costs_header_and_arithmetic() -> None:
    program, plan = report_plan()
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
    program, plan = report_plan()
    text = costs_csv(program, plan)
    table = rows(text)
    orgs = [r[0] for r in table[1:]]
    assert orgs == sorted(orgs) == ["Alfa AB", "Beta, Gamma & Co", "Ceta"]  # Eta is unplaced
    assert '"Beta, Gamma & Co"' in text
    assert sum(int(r[1]) for r in table[1:]) == plan.placed
    assert costs_csv(program, plan) == text


def test_costs_non_whole_amounts() -> None:
    program, plan = report_plan()
    program = program.replace(policy=Policy(fee=17499.99, currency="EUR", vat_rate=0.25))
    body = {r[0]: r for r in rows(costs_csv(program, plan))[1:]}
    # 2 * 17499.99 = 34999.98; VAT 8749.995 -> 8750.00 (half up)
    assert body["Alfa AB"][2:6] == ["34999.98", "8750", "43749.98", "EUR"]
    assert body["Ceta"][2:5] == ["17499.99", "4375", "21874.99"]


def test_costs_empty_plan() -> None:
    program, plan = report_plan()
    assert rows(costs_csv(program, replace(plan, cohorts=()))) == [
        [
            "organization",
            "participants",
            "fee",
            "vat",
            "total",
            "currency",
            "cancellation_deadline",
            "withdrawn_charged",
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
    program, plan = report_plan()
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
    program, plan = report_plan()
    page = _unlabelled(overview_html(program, plan))
    text = "".join(_check(page).text)
    assert "Backstage 2027 — Stockholm" in page
    assert "11 Jan 2027 – 17 Dec 2027" in page
    # names with å/ä/ö stay UTF-8, markup characters are escaped
    assert "Åsa Öberg" in page
    assert "Björn &lt;Ärlig&gt; &amp; Son" in page
    assert "<Ärlig>" not in page
    assert "Beta, Gamma &amp; Co" in page
    assert "Room Ä" in page
    assert "Anna Fält" in page
    # summary figures
    for label, value in (("registrations", 6), ("placed", 4), ("unplaced", 2), ("cohorts", 2)):
        assert f"<li><b>{value}</b>{label}</li>" in page
    assert "times in Europe/Stockholm" not in text and "Swedish time" in text
    # sessions: date, weekday, time, case owner (British dates in English)
    assert "02/03/2027" in text and "Tuesday" in text and "09:00–12:00" in text
    assert "19/01/2027" in text and "13:00–16:00" in text
    assert "Carl Lind" in text and "senior" in text
    # facilitators' load: f1 leads both cohorts (3 + 3 sessions), f3 none
    assert '<td>Anna Fält</td><td>c01, c02</td><td class="num">2</td>' in page
    assert '<td class="num">6</td>' in page
    assert '<td>Cay Idle</td><td>—</td><td class="num">0</td>' in page
    # unplaced with reasons (escaped)
    assert "no feasible cohort: unavailable on every weekday &lt;all&gt;" in page
    assert "Alfa AB already has a member in every cohort" in page


def test_overview_timeline_svg() -> None:
    program, plan = report_plan()
    page = overview_html(program, plan)
    start, end = page.index("<svg"), page.index("</svg>")
    svg = page[start:end]
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.count("<circle") == sum(len(c.sessions) for c in plan.cohorts)
    assert svg.count("<rect") == 1  # the summer blackout
    assert "Summer &lt;break&gt;" in svg
    for label in (">2027<", ">Jan<", ">Feb<", ">Jun<", ">Dec<"):
        assert label in svg
    assert svg.count('<text class="year"') == 1
    assert svg.count('<text class="row"') == len(plan.cohorts)
    # as wide as its box: every x is a share of the width, so it fits a phone
    assert 'width="100%"' in svg and "viewBox" not in svg
    assert 'cx="' in svg and all(cx.endswith("%") for cx in re.findall(r'cx="([^"]+)"', svg))
    # rows ordered as the plan's cohorts
    assert svg.index(">c01<") < svg.index(">c02<")


def test_overview_without_cohorts() -> None:
    program, plan = report_plan()
    page = overview_html(program, replace(plan, cohorts=(), unplaced=()))
    _check(page)
    assert "No cohorts." in page and "Everyone is placed." in page
    assert "<svg" in page


def test_costs_charge_late_withdrawals() -> None:
    """Someone who withdrew on or after the deadline still pays; before it, not."""
    program, plan = report_plan()
    late = {
        "participant": "px",
        "organization": "Ceta",
        "on": "2027-01-20",
        "fee_due": True,
        "cancellation_deadline": "2027-01-05",
        "cohort": "c02",
        "held_session": None,
    }
    early = {**late, "participant": "py", "organization": "Delta", "fee_due": False}
    plan = replace(plan, history=withdrawals_history(late, early))
    body = {r[0]: r for r in rows(costs_csv(program, plan))[1:]}
    assert body["Ceta"] == ["Ceta", "2", "35000", "8750", "43750", "SEK", "2027-01-05", "1"]
    assert "Delta" not in body


# --------------------------------------------------------------------------- hostile text

EVIL = "<script>alert(\"x\")</script> & 'q'"


def _hostile() -> tuple[Program, Plan]:
    program, plan = report_plan()
    people = tuple(
        replace(p, name=f"{p.name} {EVIL}", organization=f"{p.organization} {EVIL}")
        if p.id in ("p1", "p6")
        else p
        for p in program.participants
    )
    program = program.replace(
        name=f"Prog {EVIL}",
        participants=people,
        venues=(Venue("room-a", f"Room {EVIL}", 8),),
        facilitators=(Facilitator("f1", f"Fac {EVIL}", "f1@example.org"),),
        blackouts=(Blackout(f"Summer {EVIL}", date(2027, 6, 21), date(2027, 8, 13)),),
    )
    withdrawal = {
        "participant": "p9",
        "name": f"Gone {EVIL}",
        "organization": f"Org {EVIL}",
        "on": "2027-01-20",
        "cohort": "c02",
        "cancellation_deadline": "2027-01-09",
        "fee_due": True,
        "held_session": None,
    }
    plan = replace(
        plan,
        unplaced=(Unplaced("p6", f"reason {EVIL}"),),
        history=withdrawals_history(withdrawal),
    )
    return program, plan


def test_overview_escapes_every_user_text() -> None:
    program, plan = _hostile()
    page = overview_html(program, plan)
    _check(page)
    assert "<script" not in page and "</script>" not in page
    assert "'q'" not in page and 'alert("x")' not in page
    safe = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;"
    for text in (
        "Prog",
        "Åsa Öberg",
        "Alfa AB",
        "Filip Ros",
        "Eta",
        "Room",
        "Fac",
        "Summer",
        "reason",
        "Gone",
        "Org",
    ):
        assert f"{text} {safe}" in page, text
    # also inside the SVG (labels and tooltips)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert f"Fac {safe}"[:20] in svg and f"Summer {safe}" in svg


# --------------------------------------------------------------------------- overview content


def _unlabelled(page: str) -> str:
    """``page`` without the cells' ``data-label`` (every table is cards on a phone)."""
    return re.sub(r' data-label="[^"]*"', "", page)


def test_overview_has_every_session_owner_and_deadline() -> None:
    program, plan = report_plan()
    page = overview_html(program, plan)
    text = "".join(_check(page).text)
    page = _unlabelled(page)
    en = Language("en")
    for cohort in plan.cohorts:
        deadline = cohort.cancellation_deadline
        assert f"Cancellation deadline: {en.day(deadline)}" in text
        assert f'<td class="date">{deadline:%d/%m/%Y}</td>' in page
        for s in cohort.sessions:
            day = s.start.astimezone(Z)
            assert f'<td class="date">{day:%d/%m/%Y}</td><td>{day:%A}</td>' in page
            assert f"{day:%H:%M}–{s.end.astimezone(Z):%H:%M}" in text
    for owner in ("Åsa Öberg", "Björn &lt;Ärlig&gt; &amp; Son", "Carl Lind", "Dana Ek"):
        assert f"<td>{owner}</td><td>" in page  # case-owner cell of the session table
    assert page.count("<td>Kick-off</td>") == len(plan.cohorts)
    # each member's own case, numbered as people count
    assert '<td class="date">Session 2 of 3 · 30/03/2027</td>' in page  # Åsa, c01


def test_overview_venue_use() -> None:
    program, plan = report_plan()
    program = program.replace(venues=(*program.venues, Venue("hall", "Hall <B>", 20)))
    page = _unlabelled(overview_html(program, plan))
    section = page[page.index('<section id="venues">') :]
    # Room Ä: capacity 8, used by c02 for its 3 sessions, 2 members + facilitator
    assert (
        '<td>Room Ä</td><td class="num">8</td><td>c02</td>'
        '<td class="num">3</td><td class="num">3</td>'
    ) in section
    hall = '<td>Hall &lt;B&gt;</td><td class="num">20</td><td>—</td>'
    assert hall + '<td class="num">0</td>' in section
    page = _unlabelled(
        overview_html(program.replace(venues=()), replace(plan, cohorts=(plan.cohorts[0],))))
    assert "No venues in this program" in page


def test_overview_cost_table_and_totals() -> None:
    program, plan = report_plan()
    page = _unlabelled(overview_html(program, plan))
    section = page[page.index('<section id="costs">') : page.index('<section id="withdrawals">')]
    nb = "\u00a0"
    assert (
        '<th class="num">Fee excl. VAT</th><th class="num">VAT</th>'
        '<th class="num">Total incl. VAT</th>'
    ) in section
    assert (
        f'<td>Alfa AB</td><td class="num">2</td><td class="num">SEK{nb}35,000</td>'
        f'<td class="num">SEK{nb}8,750</td><td class="num">SEK{nb}43,750</td>'
        '<td class="date">09/01/2027</td><td class="num">0</td>'
    ) in section
    assert (
        f'<tfoot><tr><td>Total</td><td class="num">4</td><td class="num">SEK{nb}70,000</td>'
        f'<td class="num">SEK{nb}17,500</td><td class="num">SEK{nb}87,500</td>'
        '<td class="date">09/01/2027</td><td class="num">0</td></tr></tfoot>'
    ) in section
    assert f"<li><b>SEK{nb}87,500</b>in all incl. VAT</li>" in page
    assert f"Fee SEK{nb}17,500 per participant excl. VAT; VAT 25%." in section


def test_overview_withdrawals() -> None:
    program, plan = report_plan()
    late = {
        "participant": "px",
        "name": "Per Sen",
        "organization": "Ceta",
        "on": "2027-01-12",
        "fee_due": True,
        "cancellation_deadline": "2027-01-09",
        "cohort": "c02",
        "held_session": None,
    }
    early = {**late, "participant": "py", "name": "Ulla Tid", "on": "2027-01-02", "fee_due": False}
    history = withdrawals_history(late, early)
    page = _unlabelled(overview_html(program, replace(plan, history=history)))
    section = page[page.index('<section id="withdrawals">') :]
    assert (
        '<td>Per Sen <span class="id">(px)</span></td><td>Ceta</td><td>c02</td>'
        '<td class="date">12/01/2027</td><td class="date">09/01/2027</td>'
        "<td>yes, SEK\u00a017,500 excl. VAT</td>"
    ) in section
    assert '<td class="date">02/01/2027</td><td class="date">09/01/2027</td><td>no</td>' in section
    assert "<li><b>2</b>withdrawals</li>" in page
    assert "No withdrawals." in overview_html(program, plan)


def test_overview_timeline_shades_holidays_blackouts_closed_days() -> None:
    program, plan = report_plan()
    program = program.replace(extra_closed=(date(2027, 5, 7),))
    page = _unlabelled(overview_html(program, plan))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('<rect class="blackout"') == 1
    holidays = public_holidays("SE", ("public", "de_facto"), [2027])
    assert svg.count('<line class="holiday"') == len(holidays)
    en = Language("en")
    for day in holidays:
        assert f"<title>{en.short_day(day)}: " in svg
    # named in the page's language, whatever the machine's locale
    assert "<title>25 Jun 2027: Midsummer Eve</title>" in svg
    assert "<title>25 juni 2027: Midsommarafton</title>" in overview_html(*report_plan("sv"))
    assert svg.count('<line class="closed"') == 1
    assert "<title>7 May 2027: extra closed day</title>" in svg
    # the legend is HTML under the picture, so it wraps on a phone instead of being cut off
    legend = page[page.index('<ul class="legend">') :]
    legend = legend[: legend.index("</ul>")]
    for kind, label in (("kick-off", "kick-off"), ("session", "session"),
                        ("blackout", "blackout"), ("holiday", "public holiday"),
                        ("closed", "extra closed day")):
        assert f'<li><span class="key {kind}"></span>{label}</li>' in legend
    # a program without extra closed days does not explain them
    assert "extra closed day" not in overview_html(*report_plan())
    # the same days, in the window, are listed under the picture
    assert "Closed days and periods in the window" in page
    assert "<td>Midsummer Eve</td>" in page


def test_overview_is_phone_ready() -> None:
    program, plan = report_plan()
    page = overview_html(program, plan)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert ".scroll { overflow-x: auto;" in page and "@media (max-width:" in page
    # every table and the picture sit in a horizontally scrolling box
    assert page.count("<table>") == page.count('<div class="scroll">\n<table>')
    assert '<div class="scroll">\n<svg' in page


# --------------------------------------------------------------------------- language

NB = "\u00a0"


def test_overview_is_in_swedish_by_default_in_sweden() -> None:
    program, plan = report_plan(None)  # country SE, no language given
    page = overview_html(program, plan)
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    text = "".join(_check(page).text)
    page = _unlabelled(page)
    for words in (
        "Sammanfattning",
        "Samtalsledare: Anna Fält",
        "Uppstartsträff",
        "Fallägare",
        "Träff 2 av 3",
        "Bindande från",
        "Utan plats",
        "Varför ingen plats",
        "svensk tid",
        "Avgift exkl. moms",
        "Kostnader per organisation",
        "Grupp c01",
        "2 deltagare",
        "helgdag",
        "uppehåll",
    ):
        assert words in text, words
    # dates, weekdays, numbers and money as Swedes write them
    assert "11 jan. 2027 – 17 dec. 2027" in text
    assert "Anmälan är bindande från och med lördag 20 februari 2027" in text
    assert "kostnadsfri" not in text  # the overview names the day the fee is due from
    assert '<td class="date">2027-03-02</td><td>tisdag</td>' in page
    assert f'<td class="num">35{NB}000{NB}kr</td>' in page
    assert f"<li><b>87{NB}500{NB}kr</b>totalt inkl. moms</li>" in page
    assert "<li><b>6</b>anmälda</li>" in page and "<li><b>2</b>grupper</li>" in page
    assert "tider i" not in text and "Europe/Stockholm" not in text
    assert f"Avgift 17{NB}500{NB}kr per deltagare exkl. moms; moms 25{NB}%." in text
    # the reasons are shown as the plan gives them (translated at their source)
    assert "Alfa AB already has a member in every cohort" in text
    assert _unlabelled(overview_html(program, plan)) == page


_ENGLISH = re.compile(
    r"\b(Cohorts?|Sessions?|session|Facilitators?|Members?|Venues?|[Kk]ick-off|Unplaced|"
    r"Withdraw\w*|VAT|Total|Fee|Summary|Timeline|deadline|placed|holiday|blackout|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|January|February|March|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)


def test_the_swedish_page_has_no_english_left() -> None:
    program, plan = report_plan(None)
    plan = replace(plan, history=withdrawals_history({
        "participant": "px", "name": "Per Sen", "organization": "Ceta", "on": "2027-01-12",
        "fee_due": True, "cancellation_deadline": "2027-01-09", "cohort": "c02",
        "held_session": None,
    }))
    page = overview_html(program, plan)
    page = page[: page.index("<style>") + 7] + page[page.index("</style>") :]
    text = "\n".join(_check(page).text)
    typed = [u.reason for u in plan.unplaced]  # the plan's own words, not the page's
    for t in typed:
        text = text.replace(t, "")
    assert _ENGLISH.findall(text) == []
    english = "\n".join(_check(overview_html(*report_plan("en"))).text)
    assert _ENGLISH.findall(english)  # the check bites


def test_costs_excel_header_is_in_the_programs_language() -> None:
    program, plan = report_plan(None)
    text = costs_excel_csv(program, plan).decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Organisation;Deltagare;Avgift exkl. moms;Moms;Totalt inkl. moms;Valuta;"
        "Bindande från (tidigast);Sena avbokningar som debiteras"
    )
    assert "Alfa AB;2;35000;8750;43750;SEK;2027-01-09;0\r\n" in text
    # costs.csv is a machine file: its field names never change with the language
    assert costs_csv(program, plan) == costs_csv(*report_plan("en"))


def test_no_hand_written_month_or_weekday_names() -> None:
    """Dates come from Babel: the report modules hold no table of month or day names."""
    import backstage_sched.publish as publish

    names = {
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr",
        "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tue", "Wed",
        "Thu", "Fri", "Sat", "Sun", "januari", "februari", "mars", "maj", "juni",
        "måndag", "tisdag", "onsdag", "torsdag", "fredag",
    }
    folder = Path(publish.__file__).parent
    for module in ("overview.py", "timeline.py", "labels.py", "costs.py"):
        tree = ast.parse((folder / module).read_text(encoding="utf-8"))
        texts = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
        assert texts & names == set(), module


def test_a_long_program_gets_one_letter_months_for_phones() -> None:
    program, plan = report_plan(None)
    program = program.replace(end=date(2028, 6, 30))  # 18 months
    svg = overview_html(program, plan)
    svg = svg[svg.index("<svg") : svg.index("</svg>")]
    assert 'class="timeline-picture dense"' in svg
    assert svg.count('<text class="month"') == svg.count('<text class="month-narrow"') == 18
    assert ">2027<" in svg and ">2028<" in svg and ">juni<" in svg and ">J<" in svg
    # a year fits a phone with its abbreviations: no second set
    short = overview_html(*report_plan(None))
    assert "month-narrow" not in short[short.index("<svg") :]


def test_venue_columns_only_when_the_program_has_venues() -> None:
    program, plan = report_plan()
    with_venues = overview_html(program, plan)
    # the cohort table, each session table and the venue-use table
    assert with_venues.count("<th>Venue</th>") == 2 + len(plan.cohorts)
    assert "Venue: Room Ä" in with_venues
    bare = overview_html(program.replace(venues=()), replace(plan, cohorts=(plan.cohorts[0],)))
    assert "<th>Venue</th>" not in bare and "Venue:" not in bare


# --------------------------------------------------------------------------- Excel CSV


def test_costs_excel_csv_for_swedish_excel() -> None:
    program, plan = report_plan()
    program = program.replace(policy=Policy(fee=17499.99, currency="SEK", vat_rate=0.25))
    data = costs_excel_csv(program, plan)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == text.count("\n") == 4 and text.endswith("\r\n")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0] == [
        "Organisation",
        "Participants",
        "Fee excl. VAT",
        "VAT",
        "Total incl. VAT",
        "Currency",
        "Earliest cancellation deadline",
        "Withdrew late, charged",
    ]
    assert text.splitlines()[0] == ";".join(table[0])
    body = {r[0]: r for r in table[1:]}
    assert body["Alfa AB"] == [
        "Alfa AB",
        "2",
        "34999,98",
        "8750",
        "43749,98",
        "SEK",
        "2027-01-09",
        "0",
    ]
    assert body["Beta, Gamma & Co"][2:5] == ["17499,99", "4375", "21874,99"]
    assert "Beta, Gamma & Co;1;" in text  # a comma needs no quoting with ';'
    # same rows as costs.csv, amounts with a decimal comma
    plain = rows(costs_csv(program, plan))
    assert [[c.replace(".", ",") for c in r] for r in plain[1:]] == table[1:]
    assert costs_excel_csv(program, plan) == data


def test_costs_excel_csv_keeps_swedish_letters_and_quotes_semicolons() -> None:
    program, plan = report_plan()
    people = tuple(
        replace(p, organization="Ångström; Öberg AB") if p.id == "p4" else p
        for p in program.participants
    )
    text = costs_excel_csv(program.replace(participants=people), plan).decode("utf-8-sig")
    assert '"Ångström; Öberg AB";1;17500;4375;21875;SEK;2027-01-09;0\r\n' in text


# --------------------------------------------------------------------------- formula injection

HOSTILE_ORGS = (
    '=HYPERLINK("http://evil.example","click")',
    "+46 Konsult",
    "-Minus AB",
    "@Home AB",
    "\tTab AB",
    "\rCR AB",
)


def _with_orgs(orgs: tuple[str, ...]) -> tuple[Program, Plan]:
    program, plan = report_plan()
    members = [pid for c in plan.cohorts for pid in c.members]
    by_id = dict(zip(members, orgs, strict=False))
    people = tuple(
        replace(p, organization=by_id.get(p.id, p.organization)) for p in program.participants
    )
    late = {
        "participant": "px",
        "name": "X",
        "organization": "=1+1",
        "on": "2027-01-20",
        "fee_due": True,
        "cancellation_deadline": "2027-01-09",
        "cohort": "c02",
        "held_session": None,
    }
    return program.replace(participants=people), replace(plan, history=withdrawals_history(late))


def test_csv_cell() -> None:
    for text in HOSTILE_ORGS:
        assert csv_cell(text) == "'" + text
    for text in ("Alfa AB", "", "'quoted", " =space first", "Ärlig = bra", "46+"):
        assert csv_cell(text) == text


def test_costs_csv_neutralises_formulas() -> None:
    program, plan = _with_orgs(HOSTILE_ORGS[:4])
    table = rows(costs_csv(program, plan))
    orgs = sorted(r[0] for r in table[1:])
    assert orgs == sorted(["'" + o for o in HOSTILE_ORGS[:4]] + ["'=1+1"])
    for r in table[1:]:
        assert not r[0].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert r[2] == str(int(r[1]) * 17500)  # numbers untouched
        assert r[3].isdigit() and r[4].isdigit() and r[7].isdigit()


def test_costs_excel_csv_neutralises_formulas() -> None:
    program, plan = _with_orgs(HOSTILE_ORGS[2:])
    program = program.replace(policy=Policy(currency="=SUM(A1)"))
    text = costs_excel_csv(program, plan).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    got = {r[0] for r in table[1:]}
    assert got == {"'" + o for o in HOSTILE_ORGS[2:]} | {"'=1+1"}
    assert all(r[5] == "'=SUM(A1)" for r in table[1:])
    assert all(r[2].isdigit() for r in table[1:])
    # the HTML page shows the organisation as typed, escaped, without the quote
    page = _unlabelled(overview_html(program, plan))
    assert "<td>-Minus AB</td>" in page and "'-Minus AB" not in page


def test_a_groups_cells_carry_their_column_for_the_phone_cards() -> None:
    page = overview_html(*report_plan(None))
    # every table is cards: the summary tables too (cohorts, load, venues, unplaced,
    # costs, closed days), then members and sessions of two groups
    assert page.count("<table") == page.count('<table class="cards">') >= 4
    assert '<td data-label="Deltagare">Åsa Öberg <span class="id">(p1)</span></td>' in page
    assert '<td class="date" data-label="Datum">2027-03-02</td>' in page
    assert '<td data-label="Fallägare">Björn &lt;Ärlig&gt; &amp; Son</td>' in page


def _proof_text(program: Program, plan: Plan, **objective: object) -> str:
    from backstage_sched.plan import Objective
    page = overview_html(program, replace(plan, objective=Objective(**objective)))
    summary = page[page.index('<section id="summary">'):page.index("</section>") + 10]
    return " ".join(_check(summary).text)


def test_the_summary_says_what_is_proven_as_a_coordinator_would() -> None:
    """Everyone placed, the most placeable placed, or the best found in time; never
    "placed 4 of at most 4: proven" (issue 21 item 5)."""
    program, plan = report_plan(None)  # Swedish; 6 registered, 4 placed
    text = _proof_text(program, plan, placed=4, registered=6, optimal=True, placed_bound=4)
    assert "4 av 6 anmälda har fått plats – fler går inte att placera med de här " \
        "anmälningarna och reglerna." in text
    assert "bevisat" not in text and "högst 4 placerade" not in text
    everyone = replace(plan, unplaced=())
    program4 = program.replace(participants=program.participants[:4])
    text = _proof_text(program4, everyone, placed=4, registered=4, optimal=True, placed_bound=4)
    assert "Alla 4 anmälda har fått plats." in text
    text = _proof_text(program, plan, placed=4, registered=6, optimal=False, placed_bound=5)
    assert "det kan finnas en plan som placerar fler. Fler än 5 går inte att placera." in text
    english = _proof_text(program.replace(language="en"), plan, placed=4, registered=6,
                          optimal=True, placed_bound=4)
    assert "4 of 6 registrants placed: no plan of these registrations and rules places " \
        "more." in english


def test_figures_take_the_plural_form_of_their_number() -> None:
    """"1 avbokning", "2 grupper": each key figure's label agrees with its number."""
    program, plan = report_plan(None)
    one = replace(plan, history=withdrawals_history({
        "participant": "px", "name": "Per Sen", "organization": "Ceta", "on": "2027-01-12",
        "fee_due": True, "cancellation_deadline": "2027-01-09", "cohort": "c02",
        "held_session": None,
    }), cohorts=plan.cohorts[:1])
    page = overview_html(program, one)
    assert "<li><b>1</b>avbokning</li>" in page and "<li><b>1</b>grupp</li>" in page
    assert "<li><b>3</b>träffar</li>" in page and "<li><b>3</b>samtalsledare</li>" in page
    assert "Avbokningar" not in page[:page.index('<section id="timeline"')]
    english = overview_html(program.replace(language="en"), one)
    assert "<li><b>1</b>withdrawal</li>" in english and "<li><b>1</b>cohort</li>" in english


def test_experience_levels_show_in_the_programs_language() -> None:
    """The data keeps "new" and "experienced"; a Swedish overview shows "ny" and
    "erfaren", any other label as typed."""
    program, plan = report_plan(None)
    page = _unlabelled(overview_html(program, plan))
    members = page[page.index('<section class="cohort"'):]
    assert "<td>ny</td>" in members and "<td>erfaren</td>" in members
    assert "<td>senior</td>" in members
    assert ">new<" not in members and ">experienced<" not in members
    assert program.participant("p4").experience == "experienced"
    english = _unlabelled(overview_html(*report_plan("en")))
    assert "<td>experienced</td>" in english and "<td>new</td>" in english


def test_a_blackout_without_a_name_is_named_in_the_programs_language() -> None:
    program, plan = report_plan(None)
    nameless = program.replace(blackouts=(Blackout("Blackout", date(2027, 6, 21),
                                                   date(2027, 8, 13)),))
    page = overview_html(nameless, plan)
    assert "Uppehåll: Uppehåll (21 juni 2027 – 13 aug. 2027)" in page
    assert "Blackout" not in page


def test_another_time_zone_keeps_its_name() -> None:
    program, plan = report_plan(None)
    page = overview_html(program.replace(timezone="Europe/Helsinki"), plan)
    assert "tider i tidszonen Europe/Helsinki" in page and "svensk tid" not in page
