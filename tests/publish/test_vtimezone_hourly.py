"""The generated VTIMEZONE agrees with zoneinfo for every hour of 2025-2035.

``ical.vtimezone(tzid)`` is serialised, parsed back with icalendar, and read
without looking its TZID up anywhere (``Timezone.to_tz(lookup_tzid=False)``
builds a tzinfo from the RRULEs; ``Timezone.get_transitions()`` expands them).
Every UTC hour from 2025-01-01T00:00Z to 2035-12-31T23:00Z must get the same
UTC offset (and abbreviation) as ``zoneinfo``:

- from the expanded transitions, looked up by bisection (fast);
- from the tzinfo icalendar builds, by the local wall time a calendar client
  would read in DTSTART (fold-aware for the repeated autumn hour).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from backstage_sched.publish.ical import vtimezone

FIRST = datetime(2025, 1, 1, tzinfo=UTC)
LAST = datetime(2035, 12, 31, 23, tzinfo=UTC)
HOURS = int((LAST - FIRST) / timedelta(hours=1)) + 1
ZONES = ["Europe/Stockholm", "America/New_York", "Australia/Sydney"]
# transitions only (cheap): negative DST in winter, no DST at all
MORE_ZONES = ["Europe/Dublin", "Asia/Tokyo", "America/Sao_Paulo"]


def _every_hour() -> list[datetime]:
    return [FIRST + timedelta(hours=h) for h in range(HOURS)]


def _parsed(tzid: str) -> Timezone:
    """The VTIMEZONE as a client sees it: serialised, then parsed."""
    data = vtimezone(tzid).to_ical()
    assert b"RDATE" not in data  # RRULE form (SPEC §4)
    return Timezone.from_ical(data)


def test_hour_range() -> None:
    assert HOURS == 11 * 365 * 24 + 2 * 24  # 2025-2035: two leap years (2028, 2032)


@pytest.mark.parametrize("tzid", ZONES + MORE_ZONES)
def test_expanded_transitions_match_zoneinfo_every_hour(tzid: str) -> None:
    times, infos = _parsed(tzid).get_transitions()
    assert times == sorted(times)
    keys = [t.replace(tzinfo=UTC) for t in times]  # naive UTC instants
    zone = ZoneInfo(tzid)
    checked = 0
    for hour in _every_hour():
        i = bisect_right(keys, hour) - 1
        assert i >= 0, (tzid, hour, "before the first transition")
        offset, _dst, name = infos[i]
        local = hour.astimezone(zone)
        assert offset == local.utcoffset(), (tzid, hour.isoformat())
        assert name == local.tzname(), (tzid, hour.isoformat())
        checked += 1
    assert checked == HOURS


@pytest.mark.parametrize("tzid", ZONES)
def test_icalendar_tzinfo_matches_zoneinfo_every_hour(tzid: str) -> None:
    tz = _parsed(tzid).to_tz(lookup_tzid=False)
    assert not isinstance(tz, ZoneInfo), "the TZID was looked up, not the VTIMEZONE read"
    zone = ZoneInfo(tzid)
    repeated = 0
    for hour in _every_hour():
        local = hour.astimezone(zone)
        wall = local.replace(tzinfo=None)
        if (
            wall.replace(tzinfo=zone, fold=0).utcoffset()
            != wall.replace(tzinfo=zone, fold=1).utcoffset()
        ):
            repeated += 1  # the hour that occurs twice when clocks go back
        ours = wall.replace(tzinfo=tz, fold=local.fold)
        assert ours.utcoffset() == local.utcoffset(), (tzid, hour.isoformat(), local.fold)
        assert ours.astimezone(UTC) == hour, (tzid, hour.isoformat())
    # each of the 11 years has one autumn change; both of its repeated hours were checked
    assert repeated == 2 * 11, (tzid, repeated)
