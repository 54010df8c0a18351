"""A plan folder speaks one language (SPEC §6): no English phrase in a Swedish folder's
human files, and no Swedish one in an English folder's.

A phrase is three words running in a catalogue text (placeholders removed):
the English msgids of every catalogue on one side, their Swedish msgstrs on
the other; phrases both languages share (names, numbers) are left out. The
human files are those people read: the overview, the cost sheet for Excel,
the invoice basis and the group lists, the calendar texts, changes.txt, the
reasons in waitlist.csv and the e-mails.
"""

from __future__ import annotations

import csv
import email
import io
import re
from datetime import date
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import openpyxl
import pytest
from babel.messages.pofile import read_po

from backstage_sched import (
    load_program,
    plan_program,
    send_outbox,
    withdraw,
    write_plan_dir,
)
from backstage_sched.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
OREBRO = ROOT / "examples" / "orebro-2027"
WORD = re.compile(r"[^\W\d_]+")


def _phrases(text: str) -> set[str]:
    words = WORD.findall(re.sub(r"\{[^}]*\}", " | ", text).lower())
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def _catalogue_phrases() -> tuple[set[str], set[str]]:
    english: set[str] = set()
    swedish: set[str] = set()
    for po in LOCALE_DIR.glob("sv/LC_MESSAGES/*.po"):
        with po.open("rb") as fh:
            for m in read_po(fh):
                if not m.id:
                    continue
                ids = (m.id,) if isinstance(m.id, str) else m.id
                strs = (m.string,) if isinstance(m.string, str) else m.string
                for text in ids:
                    english |= {p for p in _phrases(text) if "|" not in p}
                for text in strs:
                    swedish |= {p for p in _phrases(text) if "|" not in p}
    both = english & swedish
    return english - both, swedish - both


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _human_text(folder: Path) -> str:
    parts = []
    page = _Text()
    page.feed((folder / "overview.html").read_text(encoding="utf-8"))
    parts.append(" ".join(page.parts))
    parts.append((folder / "costs-excel.csv").read_text(encoding="utf-8-sig").splitlines()[0])
    parts.append((folder / "invoices.csv").read_text(encoding="utf-8-sig"))
    for name in ("invoices.xlsx", "groups.xlsx"):
        if (folder / name).exists():
            book = openpyxl.load_workbook(folder / name, read_only=True)
            parts += [" ".join(book.sheetnames)] + [
                str(v) for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True) for v in row if v is not None
            ]
    rows = list(csv.DictReader(io.StringIO((folder / "waitlist.csv").read_text("utf-8"))))
    parts += [r["reason"] for r in rows]
    for ics in sorted(folder.rglob("*.ics")):
        for component in icalendar.Calendar.from_ical(ics.read_bytes()).walk():
            for key in ("SUMMARY", "DESCRIPTION", "LOCATION"):
                if key in component:
                    parts.append(str(component[key]))
    if (folder / "changes.txt").exists():
        parts.append((folder / "changes.txt").read_text(encoding="utf-8"))
    for eml in sorted(folder.rglob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        parts.append(str(message["Subject"]))
        body = message.get_body(preferencelist=("plain",))
        parts.append(body.get_content() if body else "")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Örebro example in Swedish and in English, each planned, changed and sent dry."""
    out = {}
    for language in ("sv", "en"):
        program = load_program(OREBRO / "program.toml", OREBRO / "participants.xlsx")
        program = program.replace(language=language)
        plan = plan_program(program)
        base = tmp_path_factory.mktemp(language)
        write_plan_dir(program, plan, base / "plan")
        change = withdraw(program, plan, plan.cohorts[0].members[0], on=date(2027, 2, 8))
        folder = write_plan_dir(change.program, change.plan, base / "changed", change.stamp,
                                sending=change.outbox, changes=change.diff)
        send_outbox(folder, "kansliet@backstage-orebro.example", None, True)
        send_outbox(base / "plan", "kansliet@backstage-orebro.example", None, True)
        out[language] = base
    return out


def test_a_swedish_folder_has_no_english_phrase(folders: dict[str, Path]) -> None:
    english, _ = _catalogue_phrases()
    for name in ("plan", "changed"):
        said = _phrases(_human_text(folders["sv"] / name))
        assert sorted(said & english) == [], name


def test_an_english_folder_has_no_swedish_phrase(folders: dict[str, Path]) -> None:
    _, swedish = _catalogue_phrases()
    for name in ("plan", "changed"):
        said = _phrases(_human_text(folders["en"] / name))
        assert sorted(said & swedish) == [], name


def test_the_test_sees_a_phrase_left_in_english(folders: dict[str, Path]) -> None:
    english, _ = _catalogue_phrases()
    text = _human_text(folders["sv"] / "changed")
    assert len(text) > 2000 and "Backstage" in text
    planted = next(iter(sorted(english)))
    assert _phrases(text + " " + planted) & english


@pytest.mark.parametrize("machine", ["C.UTF-8", "sv_SE.UTF-8", "de_DE.UTF-8"])
def test_holiday_names_follow_the_program_not_the_machine(
    monkeypatch: pytest.MonkeyPatch, machine: str
) -> None:
    from backstage_sched.domain import Program
    from backstage_sched.inputs.workdays import WorkCalendar

    for key in ("LANG", "LC_ALL", "LANGUAGE", "LC_MESSAGES"):
        monkeypatch.setenv(key, machine)
    program = Program("t", "T", date(2027, 1, 11), date(2027, 12, 31))
    eve = date(2027, 12, 24)
    assert "Julafton" in str(WorkCalendar(program).closed_reason(eve))
    english = WorkCalendar(program.replace(language="en")).closed_reason(eve)
    assert "Christmas Eve" in str(english)
