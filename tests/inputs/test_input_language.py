"""The loader's errors in the program's language (SPEC §10, issue 21 item 1).

Typical mistakes in a program file and a participants file, run through
``plan``: on a Swedish program every sentence is Swedish (no three-word phrase
of the English catalogue), on an English one English (no phrase of the
Swedish catalogue), and the exit code is the same in both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backstage_sched.cli.app import EXIT_INPUT, EXIT_OK
from conftest import ENGLISH, SWEDISH, alien, language_program, run_cli

HEADER = "id;name;email;organization\n"

# what is wrong: (how to make the mistake, what a Swedish and an English coordinator read)
MISTAKES = {
    "a date in program.toml": (
        {"program": ("start = 2027-02-01", 'start = "01.02.2027"')},
        "datum skrivs ÅÅÅÅ-MM-DD (år-månad-dag), här start = 2027-02-01",
        "write dates as YYYY-MM-DD (year-month-day), here start = 2027-02-01",
    ),
    "a date that is not TOML": (  # the program cannot be read: the environment decides
        {"program": ("start = 2027-02-01", "start = 01.02.2027")},
        "datum skrivs ÅÅÅÅ-MM-DD (år-månad-dag), här start = 2027-02-01",
        "write dates as YYYY-MM-DD (year-month-day), here start = 2027-02-01",
    ),
    "a month that is not there": (
        {"program": ("start = 2027-02-01", 'start = "2027-13-01"')},
        "är inget datum (det finns ingen månad 13)",
        "is not a date (there is no month 13)",
    ),
    "an e-mail address": (
        {"csv": HEADER + "x1;Åsa Öberg;asa.malmo.se;Malmö stad\n"},
        "felaktig e-postadress 'asa.malmo.se': den ska ha exakt ett @",
        "bad e-mail 'asa.malmo.se': it needs exactly one @",
    ),
    "a weekday": (
        {"program": ('unavailable = ["2027-04-12..2027-04-23"]', 'unavailable = ["fredagar"]')},
        "okänd veckodag 'fredagar'; skriv mån, tis",
        "unknown weekday 'fredagar'; use mon, tue",
    ),
    "two time expressions": (
        {"program": ('unavailable = ["2027-04-12..2027-04-23"]',
                     'unavailable = ["fredagar", "mon 25:00-26:00"]')},
        "2 av tidsuttrycken går inte att läsa: okänd veckodag 'fredagar' (skriv mån",
        "2 of the time expressions cannot be read: unknown weekday 'fredagar' (use mon",
    ),
    "a column": (
        {"csv": "id;name;organization\nx1;Åsa Öberg;Malmö stad\n"},
        "kolumner som krävs saknas: 'email'",
        "missing required column(s) 'email'",
    ),
    "one address, two names": (
        {"csv": HEADER + "x1;Åsa Öberg;asa@malmo.se;Malmö stad\n"
                         "x2;Åke Berg;asa@malmo.se;Malmö stad\n"},
        "e-postadressen 'asa@malmo.se' finns redan för Åsa Öberg ('x1', rad 2), men den här "
        "raden har namnet Åke Berg",
        "e-mail 'asa@malmo.se' is also used by Åsa Öberg ('x1', row 2) but this row names "
        "Åke Berg",
    ),
    "a key": (
        {"program": ("[sessions]\n", "[sessions]\nweekday = [\"mon\"]\n")},
        "okänd nyckel 'weekday' i [sessions]; menar du 'weekdays'?",
        "unknown key 'weekday' in [sessions]; did you mean 'weekdays'?",
    ),
}


def _plan(folder: Path, language: str, mistake: dict[str, object]) -> tuple[int, str]:
    program = language_program(folder, language)
    if "program" in mistake:
        old, new = mistake["program"]  # type: ignore[misc]
        text = program.read_text(encoding="utf-8")
        assert old in text
        program.write_text(text.replace(old, new, 1), encoding="utf-8")
    argv = ["plan", str(program)]
    if "csv" in mistake:
        csv = folder / "deltagare.csv"
        csv.write_text(str(mistake["csv"]), encoding="utf-8")
        argv.append(str(csv))
    return run_cli([*argv, "--out", str(folder / "plan"), "--effort", "1"])


@pytest.mark.parametrize("what", list(MISTAKES))
def test_a_mistake_is_told_in_the_programs_language(
    what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mistake, swedish, english = MISTAKES[what]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    unreadable = what == "a date that is not TOML"
    if unreadable:
        monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    sv_code, sv = _plan(tmp_path / "sv", "sv", mistake)
    if unreadable:
        monkeypatch.setenv("LANG", "C.UTF-8")
    en_code, en = _plan(tmp_path / "en", "en", mistake)
    assert sv_code == en_code == EXIT_INPUT
    assert swedish in " ".join(sv.split()), sv
    assert "fel i indata:" in sv and "Inget har skrivits." in sv
    assert not alien(sv, ENGLISH), (alien(sv, ENGLISH), sv)
    assert english in " ".join(en.split()), en
    assert "input error:" in en
    assert not alien(en, SWEDISH), (alien(en, SWEDISH), en)


def test_several_mistakes_at_once_are_each_told_in_swedish(tmp_path: Path) -> None:
    """An InputErrors list: every line of it is said again."""
    code, printed = _plan(tmp_path / "sv", "sv", {"csv": HEADER
                                           + "x1;Åsa Öberg;asa.malmo.se;Malmö stad\n"
                                           + "x2;Åke Berg;ake@malmo;Malmö stad\n"})
    assert code == EXIT_INPUT
    flat = " ".join(printed.split())
    assert "fel i indata: 2 fel hittades:" in flat, printed
    assert "den ska ha exakt ett @" in flat and "delen efter @ ska vara en domän" in flat
    assert not alien(printed, ENGLISH), (alien(printed, ENGLISH), printed)


def test_a_place_and_a_list_inside_a_sentence_are_said_too() -> None:
    """place() (a row inside a sentence) and joined() (sentences in a list) are said in
    the command line's language, and read as plain English text elsewhere."""
    from backstage_sched.cli.words import Speech
    from backstage_sched.said import joined, place, said

    one = said("duplicate id '{id}': also on {where}", id="x1", where=place("row 7"))
    two = said("unknown weekday '{day}'", day="fre")
    both = said("{count} of the time expressions cannot be read: {problems}", count=2,
                problems=joined([one, two], "; "))
    assert both == ("2 of the time expressions cannot be read: duplicate id 'x1': also on "
                    "row 7; unknown weekday 'fre'")
    assert Speech("sv").say(both) == ("2 av tidsuttrycken går inte att läsa: id 'x1' finns "
                                      "redan på rad 7; okänd veckodag 'fre'")
    assert Speech("en").say(both) == both


def test_every_plural_said_sentence_is_in_the_cli_catalogue() -> None:
    """said(one, many, ...) is looked up with its plural: both must be in the catalogue."""
    import ast

    from babel.messages.pofile import read_po

    import backstage_sched
    from backstage_sched.i18n import LOCALE_DIR

    with (LOCALE_DIR / "sv" / "LC_MESSAGES" / "cli.po").open("rb") as fh:
        plurals = {m.id for m in read_po(fh) if isinstance(m.id, tuple)}
    missing = []
    for path in Path(backstage_sched.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "said" and len(node.args) == 2
                    and all(isinstance(a, ast.Constant) for a in node.args)):
                pair = (node.args[0].value, node.args[1].value)
                if pair not in plurals:
                    missing.append(pair)
    assert missing == []


def test_a_registration_sent_twice_is_a_swedish_warning(tmp_path: Path) -> None:
    """A warning of the loader names its rows in the program's language too."""
    code, printed = _plan(tmp_path / "sv", "sv", {"csv": HEADER
                                                  + "x1;Åsa Öberg;asa@malmo.se;Malmö stad\n"
                                                  + "x2;Åsa Öberg;asa@malmo.se;Malmö stad\n"})
    assert code == EXIT_OK, printed
    flat = " ".join(printed.split())
    assert "(rad 2, id 'x1', och rad 3, id 'x2')" in flat, printed
    assert "row 2" not in flat and "row 3" not in flat
