"""What the checks share: a broken rule (:class:`Violation`) and a session seen
in the program's wall clock (:class:`Local`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from ..plan import Cohort, Session
from ..said import said


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, located by cohort and session where possible (``session``
    is the index, 0 = kick-off; printed as the number a person reads, index + 1)."""

    rule: str
    message: str
    cohort: str | None = None
    session: int | None = None

    def __str__(self) -> str:
        return str(self.told())

    def told(self) -> str:
        """``[rule] c01 session 3: message`` as :func:`~backstage_sched.said.said` makes it,
        so that a front end can say it in its language."""
        number = None if self.session is None else self.session + 1
        where: str | None
        if self.cohort and number is not None:
            where = said("{cohort} session {number}", cohort=self.cohort, number=number)
        elif number is not None:
            where = said("session {number}", number=number)
        else:
            where = self.cohort
        if where:
            return said("[{rule}] {where}: {message}", rule=said(self.rule), where=where,
                        message=self.message)
        return said("[{rule}] {message}", rule=said(self.rule), message=self.message)


@dataclass(frozen=True)
class Local:
    """A session seen in the program's wall clock."""

    cohort: Cohort
    session: Session
    start: datetime  # naive local wall clock
    end: datetime  # naive local wall clock
    ustart: datetime  # aware UTC
    uend: datetime  # aware UTC


def localize(c: Cohort, s: Session, tz: ZoneInfo) -> Local:
    start = as_aware(s.start, tz)
    end = as_aware(s.end, tz)
    return Local(
        cohort=c,
        session=s,
        start=start.astimezone(tz).replace(tzinfo=None),
        end=end.astimezone(tz).replace(tzinfo=None),
        ustart=start.astimezone(UTC),
        uend=end.astimezone(UTC),
    )


def as_aware(value: datetime, tz: tzinfo) -> datetime:
    """A naive time is taken as program-local wall clock."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def hm(t: time) -> str:
    return t.strftime("%H:%M")


def minutes(delta: timedelta) -> str:
    value = delta.total_seconds() / 60
    return str(int(value)) if value == int(value) else f"{value:g}"


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def label(x: Local) -> str:
    return said("{cohort} session {number}", cohort=x.cohort.id, number=x.session.index + 1)


def ordered(xs: list[Local]) -> list[Local]:
    return sorted(xs, key=lambda x: (x.ustart, x.uend, x.cohort.id, x.session.index))


def overlapping_pairs(xs: list[Local]) -> list[tuple[Local, Local]]:
    xs = ordered(xs)
    return [
        (a, b)
        for i, a in enumerate(xs)
        for b in xs[i + 1 :]
        if a.ustart < b.uend and b.ustart < a.uend
    ]
