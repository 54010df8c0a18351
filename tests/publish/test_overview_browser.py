"""overview.html in a real browser: on a phone (390 px wide) and on a desktop (1 280 px).

Plans the bundled example ``examples/mixed-2027`` with the CLI, opens the
plan folder's ``overview.html`` in headless Chromium (Debian's ``chromium``
package, driven by Playwright; no browser is downloaded) and asserts what a
person would notice from the page's own layout: the page never scrolls
sideways, on a phone no table scrolls sideways either, the timeline fits the
width with every month label and the whole legend on screen, and no two
labels of the picture overlap. The same plan is also shown in English and
stretched to a program of 18 months (one letter per month on a phone).
On a phone every group is a card and every table, the summary tables too,
turns into one labelled card per row, so nothing scrolls sideways. Printed (print media, the width
inside an A4 portrait page) every table fits the page and each group starts
a new page. Screenshots of each page and of its timeline are saved under
the test's ``tmp_path``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backstage_sched.cli.app import main
from backstage_sched.publish.folder import read_plan_dir
from backstage_sched.publish.overview import overview_html
from conftest import report_plan, withdrawals_history
from missing import missing

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - depends on the machine
    missing("Playwright is not installed: `make test` installs it (pip install playwright)",
            module=True)

ROOT = Path(__file__).resolve().parents[2]
MIXED = ROOT / "examples" / "mixed-2027"
CHROMIUM = Path(os.environ.get("BACKSTAGE_CHROMIUM", "/usr/bin/chromium"))
SCREENS = {390: 844, 1280: 900}  # width: height of a phone and of a laptop screen
PAGES = ("sv", "en", "long")

_FACTS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.width, height: r.height}; };
  const shown = (el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  const svg = document.querySelector('#timeline svg');
  const tables = [...document.querySelectorAll('table')].map((t) => {
    const wrap = t.parentElement;
    return {wrapper: wrap.className, overflowX: getComputedStyle(wrap).overflowX,
            box: box(wrap), scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth,
            cards: t.classList.contains('cards'), inCohort: !!t.closest('.cohort')};
  });
  return {
    lang: document.documentElement.lang,
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    tables,
    legend: [...document.querySelectorAll('#timeline .legend li')].map((li) => ({
      text: li.textContent, box: box(li), clipped: li.scrollWidth > li.clientWidth + 0.5})),
    svg: box(svg),
    svgBox: {box: box(svg.parentElement), scrollWidth: svg.parentElement.scrollWidth,
             clientWidth: svg.parentElement.clientWidth},
    months: [...svg.querySelectorAll('text.month, text.month-narrow')].filter(shown)
      .map((t) => ({text: t.textContent, box: box(t)})),
    labels: [...svg.querySelectorAll('text')].filter(shown)
      .map((t) => ({text: t.textContent, cls: t.getAttribute('class'), box: box(t)})),
    circles: [...svg.querySelectorAll('circle')].map((c) => box(c)),
    figures: [...document.querySelectorAll('.figures li')].map((li) => box(li)),
  };
}"""


def _overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    """Whether two boxes share more than ``slack`` pixels both ways."""
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's overview.html as ``plan`` writes it (Swedish), in English, and stretched."""
    out = tmp_path_factory.mktemp("mixed-2027") / "plan"
    argv = ["plan", str(MIXED / "program.toml"), str(MIXED / "participants.csv")]
    assert main([*argv, "--out", str(out), "-q"]) == 0
    program, plan = read_plan_dir(out)
    english = out.parent / "overview-en.html"
    english.write_text(overview_html(program.replace(language="en"), plan), encoding="utf-8")
    long = out.parent / "overview-long.html"
    longer = program.replace(end=date(program.end.year + 1, 6, 30))
    long.write_text(overview_html(longer, plan), encoding="utf-8")
    return {"sv": out / "overview.html", "en": english, "long": long}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system (skips the module when there is none, and
    fails it under ``CI=true``: tests/missing.py)."""
    if not CHROMIUM.is_file():
        missing(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium) or set BACKSTAGE_CHROMIUM to run the overview "
            "in a real browser"
        )
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        except sync_api.Error as exc:
            missing(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seen() -> dict[tuple[str, int], tuple[dict[str, Any], list[str]]]:
    """The layout facts of each page on each screen, measured once."""
    return {}


@pytest.fixture(params=[(name, width) for name in PAGES for width in SCREENS],
                ids=lambda p: f"{p[0]}-{p[1]}px")
def view(
    request: pytest.FixtureRequest,
    browser: Any,
    pages: dict[str, Path],
    seen: dict[tuple[str, int], tuple[dict[str, Any], list[str]]],
    tmp_path: Path,
) -> tuple[str, int, dict[str, Any], list[str]]:
    """(page name, width, the layout facts, requests outside the file) of one page on one screen.

    The first test to open a page on a screen measures it and saves
    ``<name>-<width>.png`` (the whole page) and ``<name>-<width>-timeline.png``
    under its ``tmp_path``; the others reuse the measurement.
    """
    name, width = request.param
    if (name, width) not in seen:
        page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith("file:") else outside.append(r.url))
        page.goto(pages[name].as_uri())
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        page.locator("#timeline").screenshot(path=str(tmp_path / f"{name}-{width}-timeline.png"))
        seen[name, width] = page.evaluate(_FACTS), outside
        page.close()
    facts, outside = seen[name, width]
    return name, width, facts, outside


def test_the_page_never_scrolls_sideways(view: tuple[str, int, dict[str, Any], list[str]]) -> None:
    name, width, facts, outside = view
    assert facts["innerWidth"] == width
    assert facts["scrollWidth"] <= width and facts["bodyScrollWidth"] <= width
    assert facts["lang"] == ("en" if name == "en" else "sv")
    assert outside == []  # self-contained: nothing fetched from anywhere


def test_every_table_stays_inside_the_page(
    view: tuple[str, int, dict[str, Any], list[str]],
) -> None:
    _, width, facts, _ = view
    assert facts["tables"]
    for table in facts["tables"]:
        assert table["wrapper"] == "scroll" and table["overflowX"] == "auto"
        assert table["box"]["left"] >= 0 and table["box"]["right"] <= width + 0.5


def test_on_a_phone_no_table_scrolls_sideways(
    view: tuple[str, int, dict[str, Any], list[str]],
) -> None:
    """The summary tables (cohorts, load, venues, closed days, unplaced, costs) as well
    as the groups' own: each row is a labelled card that fits 390 px."""
    _, width, facts, _ = view
    assert all(t["cards"] for t in facts["tables"])
    if width < 600:
        for table in facts["tables"]:
            assert table["scrollWidth"] <= table["clientWidth"], table


def test_on_a_phone_each_group_is_a_card_that_never_scrolls_sideways(
    view: tuple[str, int, dict[str, Any], list[str]],
) -> None:
    _, width, facts, _ = view
    groups = [t for t in facts["tables"] if t["inCohort"]]
    assert groups and all(t["cards"] for t in groups)
    if width < 600:
        for table in groups:
            assert table["scrollWidth"] <= table["clientWidth"], table


_CARD = """() => {
  const td = document.querySelector('.cohort table.cards td');
  const section = document.querySelector('.cohort').getBoundingClientRect();
  return {label: getComputedStyle(td, '::before').content, display: getComputedStyle(td).display,
          head: getComputedStyle(document.querySelector('.cohort thead')).position,
          right: section.right};
}"""

_TABLES = """() => [...document.querySelectorAll('table')].map((t) => ({
  section: t.closest('section').id, cards: t.classList.contains('cards'),
  scrollWidth: t.parentElement.scrollWidth, clientWidth: t.parentElement.clientWidth,
  right: t.getBoundingClientRect().right,
  overflowing: [...t.querySelectorAll('td')].filter((td) => td.getClientRects().length
    && td.scrollHeight > td.clientHeight + 1).map((td) => td.dataset.label)}))"""


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_kind_of_table_fits_a_phone(browser: Any, tmp_path: Path, language: str) -> None:
    """A page with every table the overview has (groups, facilitators' load, venues,
    closed days, the unplaced and why, costs with a total row, withdrawals): at 390 px
    each is labelled cards, none scrolls sideways, and no label runs out of its cell
    into the next (a long label grows its row)."""
    program, plan = report_plan(language)  # the report tests' plan with every kind of row
    late = {"participant": "px", "name": "Per Sen", "organization": "Ceta", "on": "2027-01-12",
            "fee_due": True, "cancellation_deadline": "2027-01-09", "cohort": "c02",
            "held_session": None}
    page_file = tmp_path / f"every-table-{language}.html"
    page_file.write_text(
        overview_html(program, replace(plan, history=withdrawals_history(late))), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(page_file.as_uri())
    page.screenshot(path=str(tmp_path / f"every-table-{language}-390.png"), full_page=True)
    tables = page.evaluate(_TABLES)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert width <= 390
    sections = {t["section"] for t in tables}
    assert {"cohorts", "facilitators", "venues", "unplaced", "costs", "withdrawals"} <= sections
    for table in tables:
        assert table["cards"], table["section"]
        assert table["scrollWidth"] <= table["clientWidth"], table["section"]
        assert table["right"] <= 390, table["section"]
        assert table["overflowing"] == [], table["section"]


A4_WIDTH = 703  # CSS pixels inside A4 portrait (210 mm) less the page's margins (2 × 12 mm)

_PRINT = """() => [...document.querySelectorAll('table')].map((t) => ({
  right: t.getBoundingClientRect().right, scrollWidth: t.parentElement.scrollWidth,
  clientWidth: t.parentElement.clientWidth}))"""


def test_a_group_card_labels_every_value(browser: Any, pages: dict[str, Path]) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(pages["sv"].as_uri())
    card = page.evaluate(_CARD)
    page.close()
    assert card["label"] == '"Deltagare"' and card["display"] in ("block", "flow-root")
    assert card["head"] == "absolute"  # the header row is there for screen readers only
    assert card["right"] <= 390


@pytest.mark.parametrize("name", PAGES)
def test_the_overview_prints_on_a4_portrait(
    browser: Any, pages: dict[str, Path], tmp_path: Path, name: str
) -> None:
    """Every table fits the width of an A4 page, and each group starts a new page."""
    page = browser.new_page(viewport={"width": A4_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    page.goto(pages[name].as_uri())
    page.screenshot(path=str(tmp_path / f"{name}-print.png"), full_page=True)
    tables = page.evaluate(_PRINT)
    breaks = page.evaluate(
        "[...document.querySelectorAll('.cohort')].map((c) => getComputedStyle(c).breakBefore)")
    pdf = page.pdf(format="A4")
    page.close()
    assert document_width_fits(tables)
    assert breaks and set(breaks) == {"page"}
    assert _pages(pdf) >= len(breaks) + 1  # the summary, then a page (or more) per group


def document_width_fits(tables: list[dict[str, float]]) -> bool:
    """Whether every table lies inside the printed page's width, unscrolled."""
    return bool(tables) and all(
        t["right"] <= A4_WIDTH + 0.5 and t["scrollWidth"] <= t["clientWidth"] for t in tables)


def _pages(pdf: bytes) -> int:
    """The number of pages of ``pdf`` (its /Type /Page objects, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_timeline_fits_with_every_month_and_the_whole_legend(
    view: tuple[str, int, dict[str, Any], list[str]],
) -> None:
    name, width, facts, _ = view
    box = facts["svgBox"]
    assert box["scrollWidth"] <= box["clientWidth"], "the picture fits: no scrolling needed"
    left, right = facts["svg"]["left"] - 0.5, min(facts["svg"]["right"], width) + 0.5
    assert len(facts["months"]) == (18 if name == "long" else 12)
    for month in facts["months"]:
        assert left <= month["box"]["left"] and month["box"]["right"] <= right, month
        assert month["box"]["height"] >= 9, month  # readable, not scaled down
    if name == "long" and width < 600:
        assert all(len(m["text"]) == 1 for m in facts["months"])  # one letter per month
    legend = facts["legend"]
    assert len(legend) == 5  # kick-off, session, blackout, public holiday, extra closed day
    for entry in legend:
        assert entry["box"]["left"] >= 0 and entry["box"]["right"] <= width, entry
        assert not entry["clipped"], entry
    for i, a in enumerate(legend):
        for b in legend[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["text"], b["text"])


def test_no_two_labels_of_the_picture_overlap(
    view: tuple[str, int, dict[str, Any], list[str]],
) -> None:
    _, _, facts, _ = view
    labels = facts["labels"]
    assert {label["cls"] for label in labels} >= {"year", "row"}
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["text"], b["text"])
        for circle in facts["circles"]:
            assert not _overlap(a["box"], circle), (a["text"], circle)
    figures = facts["figures"]
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            assert not _overlap(a, b)
