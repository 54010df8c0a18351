"""A change writes its folder in time proportional to what changed (issue 20 item 6):
calendar files whose content did not change are copied from the earlier folder,
not rendered again, and the bytes are those of a fresh render."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backstage_sched.cli.app import main
from backstage_sched.publish import ical
from backstage_sched.publish.folder import CALENDARS, read_plan_dir, write_plan_dir
from backstage_sched.publish.history import MANIFEST

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company-2027"
TRANSFER = ["--from", "n03", "--to", "n13", "--name", "Nils Nyström",
            "--email", "nils.nystrom@nordvik.example", "--today", "2027-04-01"]


def calendars(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for sub in ("cohorts", "people", "invites") for p in (folder / sub).rglob("*.ics")}


def unstamped(data: bytes) -> bytes:
    """The bytes with every DTSTAMP line blanked: what a content key stands for."""
    return b"\r\n".join(b"DTSTAMP" if line.startswith(b"DTSTAMP:") else line
                        for line in data.split(b"\r\n"))


@pytest.fixture()
def taken(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Every calendar file looked up in an earlier folder -> whether it was copied."""
    seen: dict[str, bool] = {}
    take = ical.CalendarReuse.take

    def spy(self: ical.CalendarReuse, path: str, key: str, stamp: bytes) -> bytes | None:
        data = take(self, path, key, stamp)
        seen[path] = data is not None
        return data

    monkeypatch.setattr(ical.CalendarReuse, "take", spy)
    return seen


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reuse") / "plan"
    assert main(["plan", str(COMPANY / "program.toml"), "--out", str(out), "-q"]) == 0
    return out


def test_a_transfer_copies_what_it_does_not_change(base: Path, tmp_path: Path,
                                                   taken: dict[str, bool]) -> None:
    """Made on another day (a later DTSTAMP), the new folder's calendars are the
    bytes of a fresh render; only files whose content changed are rendered."""
    new = tmp_path / "t"
    assert main(["transfer", str(base), *TRANSFER, "--out", str(new)]) == 0
    before, after = calendars(base), calendars(new)
    assert taken and set(taken) == set(after)
    rendered = {path for path, copied in taken.items() if not copied}
    changed = {path for path, data in after.items()
               if path not in before or unstamped(before[path]) != unstamped(data)}
    assert rendered == changed
    untouched = [p for p in after if "c02" in p]  # the other cohort
    assert untouched and not rendered & set(untouched)
    assert b"DTSTAMP:20270401T000000Z" in after["cohorts/c02.ics"]  # copied, newly stamped
    # the same plan written from scratch: the very same bytes
    program, plan = read_plan_dir(new)
    fresh = tmp_path / "fresh"
    manifest = json.loads((new / MANIFEST).read_text(encoding="utf-8"))
    write_plan_dir(program, plan, fresh, datetime(2027, 4, 1, tzinfo=UTC))
    assert calendars(fresh) == after
    fresh_record = json.loads((fresh / MANIFEST).read_text(encoding="utf-8"))[CALENDARS]
    assert manifest[CALENDARS] == fresh_record


def test_a_file_edited_by_hand_is_rendered_again(base: Path, tmp_path: Path,
                                                 taken: dict[str, bool]) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(base, earlier)
    edited = earlier / "cohorts" / "c02.ics"
    edited.write_bytes(edited.read_bytes().replace(b"SUMMARY:", b"SUMMARY:Edited "))
    new = tmp_path / "t"
    assert main(["transfer", str(earlier), *TRANSFER, "--out", str(new)]) == 0
    assert taken["cohorts/c02.ics"] is False
    assert taken["invites/c02/0.ics"] is True
    assert b"Edited" not in (new / "cohorts" / "c02.ics").read_bytes()


def test_keys_of_another_version_are_not_trusted(base: Path, tmp_path: Path,
                                                 taken: dict[str, bool]) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(base, earlier)
    manifest = json.loads((earlier / MANIFEST).read_text(encoding="utf-8"))
    manifest[CALENDARS]["render"] = "icalendar 0.0; ical.py older"
    (earlier / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["transfer", str(earlier), *TRANSFER, "--out", str(tmp_path / "t")]) == 0
    assert taken == {}
    assert calendars(tmp_path / "t") == calendars(_transferred(base, tmp_path / "u"))


def _transferred(base: Path, out: Path) -> Path:
    assert main(["transfer", str(base), *TRANSFER, "--out", str(out)]) == 0
    return out
