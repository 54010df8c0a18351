"""How the human-readable outputs name things: people, facilitators, venues, sessions, times.

Shared by the cost sheets (:mod:`.costs`), the overview (:mod:`.overview`) and
its timeline (:mod:`.timeline`). An id the program does not know stands for
itself, so a hand-edited plan still renders. Texts come from the ``reports``
catalogue in the program's language; dates, numbers and names of countries
from Babel's data for that language.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from ..domain import Program
from ..i18n import Language
from ..plan import Cohort, Session


def language(program: Program) -> Language:
    """The program's language with the ``reports`` catalogue."""
    return Language(program.lang, "reports")


def numeric_day(lang: Language, value: date) -> str:
    """The language's short date, for table cells.

    >>> numeric_day(Language("sv"), date(2027, 3, 2)), numeric_day(Language("en"), date(2027, 3, 2))
    ('2027-03-02', '02/03/2027')
    """
    return _day(lang.locale, _date(value), "short")


def weekday(lang: Language, value: date) -> str:
    """The weekday's name: ``tisdag`` / ``Tuesday``."""
    return _day(lang.locale, _date(value), "EEEE")


def _date(value: date) -> date:
    """The day of ``value`` (a datetime's own date, as Babel takes it)."""
    return value.date() if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _day(locale: str, value: date, pattern: str) -> str:
    """Babel's ``format_date``, once per day, pattern and locale (the same few dates
    are named in every group list and letter)."""
    from babel.dates import format_date
    return format_date(value, pattern, locale=locale)


def month_name(lang: Language, value: date, width: str = "abbreviated") -> str:
    """The month of ``value`` standing alone: ``mars`` / ``Mar`` (``narrow``: ``M``)."""
    from babel.dates import format_date
    pattern = {"abbreviated": "LLL", "narrow": "LLLLL", "wide": "LLLL"}[width]
    return format_date(value, pattern, locale=lang.locale)


def percent(lang: Language, rate: float | Decimal) -> str:
    """A rate as a percentage, decimals only when there are any: ``25 %`` / ``12.5%``."""
    from babel.numbers import format_percent
    return format_percent(Decimal(str(rate)), locale=lang.locale, decimal_quantization=False)


def country_name(lang: Language, code: str) -> str:
    """The country of an ISO code in the language (``SE``: ``Sverige`` / ``Sweden``)."""
    from babel import Locale
    name: str = Locale.parse(lang.locale).territories.get(code.upper(), code)
    return name


def escaped(value: object) -> str:
    """``str(value)`` escaped for HTML text and attribute values.

    >>> escaped('<b>"A&B"</b>')
    '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
    """
    return escape(str(value), quote=True)


def local_time(program: Program, moment: datetime) -> datetime:
    """``moment`` in the program's time zone (a naive moment is taken to be local)."""
    zone = ZoneInfo(program.timezone)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def participant_name(program: Program, pid: str | None) -> str:
    """The participant's name; ``""`` for no one, the id when unknown."""
    if pid is None:
        return ""
    try:
        return program.participant(pid).name
    except KeyError:
        return pid


def participant_org(program: Program, pid: str) -> str:
    """The participant's organisation; ``""`` when unknown."""
    try:
        return program.participant(pid).organization
    except KeyError:
        return ""


EXPERIENCE_LEVELS = ("new", "experienced")
"""The experience levels the templates and docs use; shown in the program's language."""


def participant_experience(program: Program, pid: str, lang: Language | None = None) -> str:
    """The participant's experience label; ``""`` when unknown.

    The data keeps the label as typed (``new``, ``experienced``); with ``lang``
    those two are shown in its words (``ny``, ``erfaren``), any other label as typed.

    >>> from backstage_sched.domain import Participant
    >>> p = Program("t", "T", date(2027, 1, 11), date(2027, 6, 30),
    ...             participants=(Participant("p1", "A", "a@x.se", "X", "experienced"),))
    >>> participant_experience(p, "p1", Language("sv")), participant_experience(p, "p1")
    ('erfaren', 'experienced')
    """
    try:
        label = program.participant(pid).experience
    except KeyError:
        return ""
    if lang is not None and label.strip().lower() in EXPERIENCE_LEVELS:
        level = label.strip().lower()
        return lang._("new") if level == "new" else lang._("experienced")
    return label


def last_free_day(deadline: date) -> date:
    """The last day a participant may cancel free of charge: the day before the
    cohort's cancellation deadline, since a withdrawal on or after the deadline is
    charged (SPEC §5; ``withdraw`` bills ``on >= cancellation_deadline``).

    >>> last_free_day(date(2027, 1, 2))
    datetime.date(2027, 1, 1)
    """
    return deadline - timedelta(days=1)


def blackout_name(lang: Language, name: str) -> str:
    """A blackout's name as typed; the name given to one without a name (``Blackout``)
    in the program's language (``Uppehåll``)."""
    return lang._("Blackout") if name == "Blackout" else name


def zone_words(lang: Language, zone: str) -> str:
    """How the overview says which clock its times are on: ``svensk tid`` /
    ``Swedish time`` for Europe/Stockholm, else ``tider i America/New_York``.

    >>> zone_words(Language("sv"), "Europe/Stockholm"), zone_words(Language("en"), "Asia/Tokyo")
    ('svensk tid', 'times in Asia/Tokyo')
    """
    if zone == "Europe/Stockholm":
        return lang._("Swedish time")
    return lang._("times in {zone}", zone=zone)


def facilitator_name(program: Program, fid: str) -> str:
    """The facilitator's name; the id when unknown."""
    try:
        return program.facilitator(fid).name
    except KeyError:
        return fid


def venue_name(program: Program, vid: str | None) -> str:
    """The venue's name; ``""`` for no venue, the id when unknown."""
    if not vid:
        return ""
    for v in program.venues:
        if v.id == vid:
            return v.name
    return vid


def ordered_sessions(cohort: Cohort) -> list[Session]:
    """The cohort's sessions, kick-off first."""
    return sorted(cohort.sessions, key=lambda s: s.index)


def session_label(lang: Language, cohort: Cohort, session: Session) -> str:
    """``Träff 1 av 7 (uppstartsträff)``, ``Träff 2 av 7``, …: numbered from 1 as people count.

    >>> s = Session(0, datetime(2027, 1, 11, 9), datetime(2027, 1, 11, 12), None, None, "u")
    >>> c = Cohort("c01", "f1", None, ("p1",), date(2027, 1, 1), (s,))
    >>> session_label(Language("sv"), c, s), session_label(Language("en"), c, s)
    ('Träff 1 av 1 (uppstartsträff)', 'Session 1 of 1 (kick-off)')
    """
    pattern = (
        lang._("Session {number} of {count} (kick-off)")
        if session.index == 0
        else lang._("Session {number} of {count}")
    )
    return pattern.format(number=session.number, count=len(cohort.sessions))
