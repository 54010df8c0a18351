"""Things said once (issue 24): the settings tables of ``input.json`` are written and
read field by field from their dataclasses, JSON files are read one way, and a
sentence is filled one way in every language object."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date, time
from pathlib import Path

import pytest

from backstage_sched.cli.words import Speech
from backstage_sched.domain import GroupRules, Policy, Program, SessionRules
from backstage_sched.errors import InputError, read_json
from backstage_sched.i18n import Language
from backstage_sched.inputs.snapshot import program_from_dict, program_to_dict
from backstage_sched.wording import Words

PROGRAM = Program(
    "t", "T", date(2027, 1, 11), date(2027, 6, 30),
    sessions=SessionRules(duration_minutes=150, weekdays=(1, 3), day_start=time(9, 15),
                          day_end=time(16, 45), buffer_minutes=30),
    groups=GroupRules(size=5, min_size=3, max_size=6, max_per_organization=2),
    policy=Policy(cancellation_days=7, fee=12000, currency="EUR", vat_rate=0.2,
                  join_until_session=1, member_updates="calendar", welcome_letter=False),
)


def test_every_setting_goes_into_the_snapshot_and_back() -> None:
    data = json.loads(json.dumps(program_to_dict(PROGRAM)))
    for key, settings in (("sessions", PROGRAM.sessions), ("groups", PROGRAM.groups),
                          ("policy", PROGRAM.policy)):
        assert list(data[key]) == [f.name for f in fields(settings)]
    assert data["sessions"]["weekdays"] == ["tue", "thu"]
    assert data["sessions"]["day_start"] == "09:15"
    again = program_from_dict(data)
    assert (again.sessions, again.groups, again.policy) == (
        PROGRAM.sessions, PROGRAM.groups, PROGRAM.policy)


def test_an_older_snapshot_reads_the_later_settings_as_defaults() -> None:
    data = program_to_dict(PROGRAM)
    for key in ("join_until_session", "member_updates", "welcome_letter"):
        del data["policy"][key]
    policy = program_from_dict(data).policy
    assert policy == replace(PROGRAM.policy, join_until_session=2, member_updates="summary",
                             welcome_letter=True)


@pytest.mark.parametrize(("table", "key"), [("sessions", "grid_minutes"), ("groups", "size"),
                                            ("policy", "fee")])
def test_a_snapshot_without_a_setting_is_refused(table: str, key: str) -> None:
    data = program_to_dict(PROGRAM)
    del data[table][key]
    with pytest.raises(InputError, match="not a valid program snapshot"):
        program_from_dict(data)


def test_json_files_are_read_one_way(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        read_json(tmp_path / "nothing.json", "file not found")
    assert missing.value.file == str(tmp_path / "nothing.json")
    assert missing.value.message == "file not found"
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not readable JSON"):
        read_json(broken, "file not found")
    broken.write_text('{"a": [1]}', encoding="utf-8")
    assert read_json(broken, "file not found") == {"a": [1]}


def test_every_language_object_fills_a_sentence_the_same_way() -> None:
    sv = Language("sv", "reasons")
    assert sv._("{count} public holiday") == "{count} helgdag"  # the pattern, to fill later
    assert sv.n_("{count} public holiday", "{count} public holidays", 3, count=3) == (
        "3 helgdagar")
    assert Words(sv).n_("{count} public holiday", "{count} public holidays", 1200) == (
        "1\xa0200 helgdagar")  # Words writes the number the language's way
    cli = Speech("sv")
    assert cli._("{text!r} is not a date like 2027-03-01", text="x") == (
        "'x' är inte ett datum som 2027-03-01")
