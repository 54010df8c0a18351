"""How the human-readable outputs name things: people, facilitators, venues, sessions, times.

Shared by the cost sheets (:mod:`.costs`), the overview (:mod:`.overview`) and
its timeline (:mod:`.timeline`). An id the program does not know stands for
itself, so a hand-edited plan still renders.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from ..domain import Program
from ..plan import Cohort, Session


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


def participant_experience(program: Program, pid: str) -> str:
    """The participant's free experience label; ``""`` when unknown."""
    try:
        return program.participant(pid).experience
    except KeyError:
        return ""


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


def session_label(cohort: Cohort, session: Session) -> str:
    """``session 1/7 (kick-off)``, ``session 2/7``, …: numbered from 1 as people count."""
    text = f"session {session.index + 1}/{len(cohort.sessions)}"
    return text + " (kick-off)" if session.index == 0 else text
