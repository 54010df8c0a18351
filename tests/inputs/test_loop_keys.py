"""The SPEC §6 keys of [program] and [[venues]]: read, checked and kept in the snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstage_sched import InputError, load_program, write_templates
from backstage_sched.inputs.snapshot import program_from_dict, program_to_dict

KEYS = """language = "en"
organizer_name = "Backstage-kansliet"
organizer_email = "kansli@backstage.example"
location = "Stadshuset, Örebro"
online_url = "https://teams.example/meet/backstage"
reminder_minutes = [60, 1440]
"""


def _with(tmp_path: Path, program_keys: str = "", venue: str = "") -> tuple[Path, Path]:
    toml, csv = write_templates(tmp_path, year=2027)
    text = toml.read_text(encoding="utf-8").replace("[program]\n", "[program]\n" + program_keys, 1)
    toml.write_text(text + venue, encoding="utf-8")
    return toml, csv


def test_keys_are_read_and_kept_in_the_snapshot(tmp_path: Path) -> None:
    venue = ('\n[[venues]]\nid = "rum"\nname = "Rum Ekorren"\ncapacity = 8\n'
             'address = "Drottninggatan 1, Örebro"\nonline_url = "https://zoom.example/j/1"\n')
    program = load_program(*_with(tmp_path, KEYS, venue))
    assert program.lang == "en" and program.organizer_email == "kansli@backstage.example"
    assert program.location == "Stadshuset, Örebro"
    assert program.reminder_minutes == (1440, 60)
    assert program.venues[0].address == "Drottninggatan 1, Örebro"
    assert program_from_dict(program_to_dict(program)) == program


def test_swedish_is_the_default_in_sweden(tmp_path: Path) -> None:
    program = load_program(*_with(tmp_path))
    assert program.language is None and program.lang == "sv"
    assert program.replace(country="NO").lang == "en"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ('language = "de"\n', "language must be one of sv, en"),
        ('organizer_name = "Kansliet"\n', "give organizer_email too, or neither"),
        ('organizer_name = "K"\norganizer_email = "nope"\n', "organizer_email"),
        ('online_url = "teams.example/x"\n', "online_url must be a link"),
        ("reminder_minutes = [60, 60]\n", "listed twice"),
        ("reminder_minutes = [50000]\n", "at most 40320 minutes"),
        ('reminder_minutes = ["en dag"]\n', "whole number"),
    ],
)
def test_bad_keys_are_named(tmp_path: Path, keys: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_program(*_with(tmp_path, keys))
    assert message in str(caught.value) and "[program]" in str(caught.value)
