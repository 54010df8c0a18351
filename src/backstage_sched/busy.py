"""Busy times from a person's calendar file (an Outlook or Google ``.ics`` export).

Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded by
``recurring_ical_events``; Google's ``X-WR-TIMEZONE`` is applied with
``x_wr_timezone``. An event does not block when it is ``TRANSP:TRANSPARENT``,
``STATUS:CANCELLED`` (a whole series or a single instance) or marked free by
Outlook (``X-MICROSOFT-CDO-BUSYSTATUS:FREE``). All-day events block whole
days. Everything is returned as naive wall-clock datetimes in the program's
time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from .domain import Busy
from .errors import InputError

__all__ = ["load_busy"]


def _read_calendars(path: Path, file: str, where: str) -> list[icalendar.Calendar]:
    if not path.is_file():
        raise InputError(file, where, f"calendar file '{path}' not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(file, where, f"calendar file '{path}' cannot be read: {exc}") from exc
    try:
        components = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends
        raise InputError(
            file, where, f"calendar file '{path}' is not iCalendar (.ics): {exc}"
        ) from exc
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError(
            file, where, f"calendar file '{path}' is not iCalendar (.ics): no VCALENDAR in it"
        )
    return calendars


def _blocks(event: icalendar.cal.Component) -> bool:
    """Whether an expanded event occurrence makes its owner busy."""
    if str(event.get("TRANSP", "OPAQUE")).strip().upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
        return False
    busy_status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper()
    return busy_status != "FREE"


def _local(value: date | datetime, zone: ZoneInfo) -> datetime:
    """``value`` as a naive wall-clock datetime in ``zone``."""
    if not isinstance(value, datetime):  # an all-day boundary: local midnight
        return datetime.combine(value, time(0))
    if value.tzinfo is None:  # floating: already program-local
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def load_busy(
    path: Path,
    tz: str,
    first: date,
    last: date,
    file_for_errors: str,
    where: str,
) -> tuple[Busy, ...]:
    """The blocking events of the calendar at ``path`` that touch days ``first`` .. ``last``.

    Each :class:`Busy` holds naive wall-clock datetimes in time zone ``tz``;
    an all-day event spans local midnight to midnight. The result is sorted
    by (start, end, summary) and free of duplicates. Raises
    :class:`InputError` (``file_for_errors``, ``where``) when the file is
    missing or is not iCalendar.
    """
    zone = ZoneInfo(tz)
    window_start = datetime.combine(first, time(0))
    window_end = datetime.combine(last + timedelta(days=1), time(0))
    found: set[Busy] = set()
    for calendar in _read_calendars(path, file_for_errors, where):
        try:
            calendar = x_wr_timezone.to_standard(calendar)
            # A margin of a day each side catches events whose time zone differs
            # from the program's; they are clipped to the local window below.
            occurrences = recurring_ical_events.of(calendar).between(
                first - timedelta(days=1), last + timedelta(days=2)
            )
            for event in occurrences:
                if not _blocks(event):
                    continue
                start = _local(event.start, zone)
                end = _local(event.end, zone)
                if end <= start or end <= window_start or start >= window_end:
                    continue
                summary = str(event.get("SUMMARY", "")).strip()
                found.add(Busy(start=start, end=end, summary=summary))
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                file_for_errors,
                where,
                f"calendar file '{path}' cannot be read as iCalendar: {exc}",
            ) from exc
    return tuple(sorted(found, key=lambda b: (b.start, b.end, b.summary)))
