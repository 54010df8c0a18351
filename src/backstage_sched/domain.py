"""The validated input: plain, typed, immutable data.

Every object here is built by :mod:`backstage_sched.inputs.load` (or by hand in
tests) and never changes afterwards. Times are wall-clock times in the
program's time zone; nothing here knows about holidays or the solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGES: tuple[str, ...] = ("sv", "en")
"""The languages of the message catalogues (SPEC §6)."""


@dataclass(frozen=True)
class TimeRule:
    """One item of a time expression, e.g. ``fri 13:00-17:00``.

    A moment is covered when every given part matches: the date lies in
    ``[first, last]`` (when given), the weekday equals ``weekday`` (0 = Monday,
    when given) and the time of day lies in ``[start, end)`` (when given;
    otherwise the whole day).
    """

    text: str
    first: date | None = None
    last: date | None = None
    weekday: int | None = None
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Busy:
    """A busy interval from a calendar file, in local wall-clock time."""

    start: datetime
    end: datetime
    summary: str = ""


@dataclass(frozen=True)
class Blackout:
    """A named closed period, inclusive of both ends."""

    name: str
    start: date
    end: date


@dataclass(frozen=True)
class SessionRules:
    """The ``[sessions]`` table."""

    duration_minutes: int = 180
    min_gap_days: int = 28
    max_gap_days: int = 35
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    day_start: time = time(8, 30)
    day_end: time = time(17, 0)
    grid_minutes: int = 30
    max_sessions_per_day: int = 2
    buffer_minutes: int = 60

    @property
    def window_minutes(self) -> int:
        """Minutes from ``day_start`` to ``day_end``."""
        return (self.day_end.hour * 60 + self.day_end.minute) - (
            self.day_start.hour * 60 + self.day_start.minute)


@dataclass(frozen=True)
class GroupRules:
    """The ``[groups]`` table."""

    size: int = 6
    min_size: int = 4
    max_size: int = 7
    max_per_organization: int = 1


@dataclass(frozen=True)
class Policy:
    """The ``[policy]`` table: cancellation, fees and what people are mailed."""

    cancellation_days: int = 10
    fee: float = 17500
    currency: str = "SEK"
    vat_rate: float = 0.25
    join_until_session: int = 2  # a newcomer joins while at most this many were held
    member_updates: str = "summary"  # summary, calendar or none (SPEC §9)
    welcome_letter: bool = True  # the first send sends each person a letter (SPEC §9)


@dataclass(frozen=True)
class Facilitator:
    """A trained process leader; ``None`` limits fall back to ``[sessions]``."""

    id: str
    name: str
    email: str
    max_cohorts: int | None = None
    max_sessions_per_day: int | None = None
    buffer_minutes: int | None = None
    unavailable: tuple[TimeRule, ...] = ()
    experience: str = ""


@dataclass(frozen=True)
class Venue:
    """A room; ``capacity`` counts the cohort and its facilitator."""

    id: str
    name: str
    capacity: int
    address: str | None = None  # street address, shown with the name in LOCATION
    online_url: str | None = None  # a Teams or Zoom link for sessions held here


@dataclass(frozen=True)
class Participant:
    """A registered manager."""

    id: str
    name: str
    email: str
    organization: str
    experience: str = ""
    unavailable: tuple[TimeRule, ...] = ()
    avoid: tuple[TimeRule, ...] = ()
    not_with: tuple[str, ...] = ()
    busy: tuple[Busy, ...] = ()
    calendar: str | None = None
    registered: datetime | None = None  # when they registered: ranks the waiting list
    #: What the office needs for the group lists and the invoices (SPEC §10); "" when not given.
    phone: str = ""
    title: str = ""
    org_number: str = ""  # the employer's organisation number, e.g. 212000-1234
    invoice_reference: str = ""  # the employer's reference for the invoice
    #: The colleague whose place they took over (``transfer``), by name; "" for a registration.
    took_over_from: str = ""


@dataclass(frozen=True)
class MetBefore:
    """People of this program who shared a cohort in an earlier plan (SPEC §7).

    ``people`` are ids of this program, matched to the earlier plan by e-mail
    address (case-insensitively); no two of them may share a cohort again.
    """

    plan: str  # the earlier program's id
    cohort: str  # the cohort they shared there
    people: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    """A whole program: rules, people, rooms."""

    id: str
    name: str
    start: date
    end: date
    timezone: str = "Europe/Stockholm"
    country: str = "SE"
    holiday_categories: tuple[str, ...] = ("public", "de_facto")
    mode: str = "mixed"
    extra_closed: tuple[date, ...] = ()
    blackouts: tuple[Blackout, ...] = ()
    sessions: SessionRules = field(default_factory=SessionRules)
    groups: GroupRules = field(default_factory=GroupRules)
    policy: Policy = field(default_factory=Policy)
    facilitators: tuple[Facilitator, ...] = ()
    venues: tuple[Venue, ...] = ()
    participants: tuple[Participant, ...] = ()
    #: "sv" or "en" for every text a person reads; None: Swedish in Sweden (SPEC §6).
    language: str | None = None
    #: The coordinator's mailbox that sends the invitations (SPEC §6), or None.
    organizer_name: str | None = None
    organizer_email: str | None = None
    #: Where sessions are held when no venue says so, and a link to join online.
    location: str | None = None
    online_url: str | None = None
    #: Minutes before a session at which calendars remind (one VALARM each).
    reminder_minutes: tuple[int, ...] = ()
    #: Earlier plans as given in ``previous_plans`` (SPEC §7), who met in them,
    #: and who waited on their waiting lists (placed first when places are short).
    previous_plans: tuple[str, ...] = ()
    met_before: tuple[MetBefore, ...] = ()
    waited_before: tuple[str, ...] = ()
    #: Problems worth a look that do not stop the run (e.g. a shared e-mail),
    #: each a full sentence naming the file and row; not part of equality.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def lang(self) -> str:
        """The language of human files: ``language``, else Swedish in Sweden, else English."""
        return self.language or ("sv" if self.country == "SE" else "en")

    def replace(self, **changes: Any) -> Program:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)

    def participant(self, pid: str) -> Participant:
        """The participant with id ``pid`` (KeyError if none)."""
        index: dict[str, Participant] | None = self.__dict__.get("_participants_by_id")
        if index is None:  # built once per program: a plan folder asks thousands of times
            index = {}
            for p in self.participants:
                index.setdefault(p.id, p)  # the first, as a scan would find
            object.__setattr__(self, "_participants_by_id", index)
        return index[pid]

    def facilitator(self, fid: str) -> Facilitator:
        """The facilitator with id ``fid`` (KeyError if none)."""
        for f in self.facilitators:
            if f.id == fid:
                return f
        raise KeyError(fid)

    def sessions_per_day(self, f: Facilitator) -> int:
        """The facilitator's daily session limit."""
        if f.max_sessions_per_day is not None:
            return f.max_sessions_per_day
        return self.sessions.max_sessions_per_day

    def buffer(self, f: Facilitator) -> int:
        """The facilitator's buffer in minutes between same-day sessions."""
        if f.buffer_minutes is not None:
            return f.buffer_minutes
        return self.sessions.buffer_minutes
