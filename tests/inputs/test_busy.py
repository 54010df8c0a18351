"""Busy times from Outlook and Google calendar exports (SPEC §3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from backstage_sched.domain import Busy
from backstage_sched.errors import InputError
from backstage_sched.inputs.busy import load_busy

CALENDARS = Path(__file__).parents[1] / "data" / "calendars"
OUTLOOK = CALENDARS / "outlook_asa_oberg.ics"
GOOGLE = CALENDARS / "google_jonas_lindqvist.ics"
TZ = "Europe/Stockholm"
YEAR = (date(2027, 1, 1), date(2027, 12, 31))


def busy(path: Path, tz: str = TZ, first: date = YEAR[0], last: date = YEAR[1]) -> tuple[Busy, ...]:
    return load_busy(path, tz, first, last, "people.csv", "row 2, column 'calendar'")


def titled(items: tuple[Busy, ...], prefix: str) -> list[Busy]:
    return [b for b in items if b.summary.startswith(prefix)]


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm)


def write(tmp_path: Path, body: str, name: str = "cal.ics") -> Path:
    path = tmp_path / name
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + body + "END:VCALENDAR\n"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


# --------------------------------------------------------------------------- Outlook


class TestOutlookExport:
    items = busy(OUTLOOK)
    weekly = titled(items, "Ledningsgrupp")

    def test_weekly_series_expanded_with_exdate_override_and_cancellation(self) -> None:
        # 13 Mondays 11 Jan .. 5 Apr; minus EXDATE 8 Feb and the cancelled 1 Mar.
        assert len(self.weekly) == 11

    def test_exdate_removed(self) -> None:
        assert not [b for b in self.items if b.start.date() == date(2027, 2, 8)]

    def test_moved_instance_at_its_new_time(self) -> None:
        assert not [b for b in self.items if b.start.date() == date(2027, 2, 15)]
        moved = Busy(at(2027, 2, 16, 13, 30), at(2027, 2, 16, 14, 30), "Ledningsgrupp (flyttad)")
        assert moved in self.items

    def test_cancelled_instance_does_not_block(self) -> None:
        assert not [b for b in self.items if b.start.date() == date(2027, 3, 1)]

    def test_cancelled_event_does_not_block(self) -> None:
        assert not [b for b in self.items if "Budgetgenomgång" in b.summary]
        assert not [b for b in self.items if b.start.date() == date(2027, 1, 20)]

    def test_transparent_event_does_not_block(self) -> None:
        assert not [b for b in self.items if b.start.date() == date(2027, 1, 21)]

    def test_all_day_event_blocks_the_whole_day(self) -> None:
        assert Busy(at(2027, 1, 22), at(2027, 1, 23), "Studiedag") in self.items

    def test_dst_keeps_local_wall_clock(self) -> None:
        # The windows zone "W. Europe Standard Time" switches to summer time on 28 Mar.
        winter = [b for b in self.weekly if b.start.date() == date(2027, 1, 11)]
        summer = [b for b in self.weekly if b.start.date() == date(2027, 3, 29)]
        assert winter[0].start == at(2027, 1, 11, 9)
        assert summer[0].start == at(2027, 3, 29, 9)
        regular = [b for b in self.weekly if b.summary == "Ledningsgrupp"]
        assert {(b.start.hour, b.end.hour) for b in regular} == {(9, 10)}

    def test_naive_sorted_unique(self) -> None:
        assert all(b.start.tzinfo is None and b.end.tzinfo is None for b in self.items)
        assert list(self.items) == sorted(self.items, key=lambda b: (b.start, b.end, b.summary))
        assert len(set(self.items)) == len(self.items)
        assert busy(OUTLOOK) == self.items


# --------------------------------------------------------------------------- Google


class TestGoogleExport:
    items = busy(GOOGLE)

    def test_count_series_and_cancelled_instance(self) -> None:
        weekly = titled(self.items, "Avstämning")
        assert len(weekly) == 11  # COUNT=12, one instance cancelled on 27 Jan
        assert date(2027, 1, 27) not in {b.start.date() for b in weekly}

    def test_utc_times_become_local_and_follow_x_wr_timezone_across_dst(self) -> None:
        weekly = titled(self.items, "Avstämning")
        # 08:00Z is 09:00 in winter; X-WR-TIMEZONE keeps the series at 09:00 after 28 Mar.
        assert {b.start.time().hour for b in weekly} == {9}
        assert weekly[-1].start == at(2027, 3, 31, 9)

    def test_single_utc_event_converted(self) -> None:
        # 07:00Z on 4 May is 09:00 summer time.
        assert Busy(at(2027, 5, 4, 9), at(2027, 5, 4, 12), "Styrelsemöte Öresundskraft") in (
            self.items
        )

    def test_until_and_duration(self) -> None:
        daily = titled(self.items, "Introduktionsvecka")
        assert [b.start.date() for b in daily] == [date(2027, 2, d) for d in range(1, 6)]
        assert all(b.end - b.start == timedelta(hours=1, minutes=30) for b in daily)
        assert daily[0].start == at(2027, 2, 1, 13)

    def test_rdate(self) -> None:
        extra = titled(self.items, "Mentorsträff")
        assert [b.start for b in extra] == [
            at(2027, 4, 5, 10),
            at(2027, 4, 12, 10),
            at(2027, 4, 19, 14),
        ]

    def test_multi_day_all_day_event(self) -> None:
        assert Busy(at(2027, 3, 1), at(2027, 3, 4), "Konferens i Luleå") in self.items

    def test_transparent_all_day_event_does_not_block(self) -> None:
        assert not titled(self.items, "Mammas")
        assert all(b.end - b.start < timedelta(days=1) for b in self.items if b.start.day == 10)

    def test_other_program_time_zone(self) -> None:
        items = busy(GOOGLE, tz="America/New_York", first=date(2027, 5, 4), last=date(2027, 5, 4))
        assert items == (Busy(at(2027, 5, 4, 3), at(2027, 5, 4, 6), "Styrelsemöte Öresundskraft"),)


# --------------------------------------------------------------------------- window, zones


def test_window_keeps_only_events_touching_it() -> None:
    items = busy(OUTLOOK, first=date(2027, 2, 1), last=date(2027, 2, 28))
    assert [b.start.date() for b in items] == [
        date(2027, 2, 1),
        date(2027, 2, 16),
        date(2027, 2, 22),
    ]


def test_event_in_explicit_zone_across_dst(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "BEGIN:VEVENT\nUID:dst-1@test\nDTSTAMP:20270101T000000Z\n"
        "DTSTART;TZID=Europe/Stockholm:20270301T090000\n"
        "DTEND;TZID=Europe/Stockholm:20270301T120000\n"
        "RRULE:FREQ=MONTHLY;COUNT=6\nSUMMARY:Månadsmöte\nEND:VEVENT\n",
    )
    items = busy(path)
    assert [b.start for b in items] == [at(2027, m, 1, 9) for m in range(3, 9)]
    assert all(b.end.hour == 12 for b in items)


def test_floating_times_are_program_local(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "BEGIN:VEVENT\nUID:float-1@test\nDTSTAMP:20270101T000000Z\n"
        "DTSTART:20270602T100000\nDTEND:20270602T113000\nSUMMARY:Lunchmöte\nEND:VEVENT\n",
    )
    assert busy(path, tz="Europe/Helsinki") == (
        Busy(at(2027, 6, 2, 10), at(2027, 6, 2, 11, 30), "Lunchmöte"),
    )


def test_outlook_free_status_does_not_block(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "BEGIN:VEVENT\nUID:free-1@test\nDTSTAMP:20270101T000000Z\n"
        "DTSTART:20270602T100000Z\nDTEND:20270602T113000Z\nSUMMARY:Kanske\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:FREE\nEND:VEVENT\n",
    )
    assert busy(path) == ()


def test_empty_calendar_is_fine(tmp_path: Path) -> None:
    assert busy(write(tmp_path, "")) == ()


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        busy(tmp_path / "borta.ics")
    assert err.value.file == "people.csv"
    assert err.value.where == "row 2, column 'calendar'"
    assert "borta.ics" in err.value.message
    assert "not found" in err.value.message


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"id;name\r\np001;Asa\r\n",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Asa\r\nEND:VCARD\r\n",
    ],
)
def test_not_icalendar(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "asa.ics"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        busy(path)
    assert err.value.file == "people.csv"
    assert "asa.ics" in err.value.message
    assert "not iCalendar" in err.value.message


def test_broken_property_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "BEGIN:VEVENT\nUID:bad@test\nDTSTART:igår\nDTEND:20270101T100000Z\nEND:VEVENT\n",
    )
    with pytest.raises(InputError, match="cannot be read as iCalendar") as err:
        busy(path)
    assert err.value.where == "row 2, column 'calendar'"
