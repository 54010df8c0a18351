"""The words of the reasons why someone is not placed, in the program's language.

What to say is decided in :mod:`.solver.explain`, :mod:`.solver.diagnose` and
:mod:`.solver.interchange` (and the notes of a change); how to say it comes from
here, beside :mod:`.i18n`, with its one way to say a sentence. Every sentence is a
whole-sentence message of the ``reasons`` catalogue with named placeholders
(``Words._``; ``Words.n_`` where a count picks the form), so Swedish may order
and inflect it its own way; dates, weekdays, clock times, numbers and lists
come from Babel, never from tables of our own. English is the msgid language.

>>> from datetime import date
>>> from backstage_sched.domain import Program, TimeRule
>>> sv = Words.of(Program("t", "T", date(2027, 1, 11), date(2027, 6, 30)))
>>> sv.period(date(2027, 3, 1), date(2027, 3, 7))
'1–7 mars 2027'
>>> sv.n_("{count} public holiday", "{count} public holidays", 2)
'2 helgdagar'
>>> sv.time_rule(TimeRule("fri", weekday=4))
'varje fredag'
>>> Words(Language("en")).gap(Program("t", "T", date(2027, 1, 11), date(2027, 6, 30)))
'28–35 days apart'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from .domain import Facilitator, Participant, Program, TimeRule
from .i18n import Language
from .rules import (
    ALLOWED_DAY,
    COMPANY_MODE,
    DAY_WINDOW,
    DURATION,
    FACILITATOR_AVAILABILITY,
    FACILITATOR_BUFFER,
    FACILITATOR_CAPACITY,
    FACILITATOR_NO_OVERLAP,
    FACILITATOR_SESSIONS_PER_DAY,
    GAP,
    GROUP_SIZE,
    MET_BEFORE,
    NOT_WITH,
    ORGANISATION_MIX,
    PARTICIPANT_AVAILABILITY,
    PROGRAM_WINDOW,
    VENUE,
)

DOMAIN = "reasons"
"""The catalogue of every text of this module and of the findings."""


@dataclass(frozen=True)
class Words:
    """The reasons' sentences, names, dates and lists in one language."""

    language: Language

    @classmethod
    def of(cls, program: Program) -> Words:
        """The words of ``program``'s language."""
        return cls(Language(program.lang, DOMAIN))

    # ---- sentences ----------------------------------------------------------
    def _(self, text: str, /, **fields: object) -> str:
        """The sentence ``text`` in this language (:meth:`Language._`), its
        ``{placeholders}`` filled with ``fields`` written the language's way
        (numbers and dates, :meth:`value`)."""
        return self.language._(text, **self._values(fields))

    def n_(self, one: str, many: str, count: int, /, **fields: object) -> str:
        """The form of ``one``/``many`` for ``count``, filled like :meth:`_`
        (``{count}`` is ``count``)."""
        return self.language.n_(one, many, count, **self._values({"count": count, **fields}))

    def _values(self, fields: dict[str, object]) -> dict[str, str]:
        return {key: self.value(value) for key, value in fields.items()}

    def value(self, value: object) -> str:
        """A placeholder's text: an int as a number (``1 200``), a date as a day."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self.language.number(value)
        if isinstance(value, date):
            return self.day(value)
        return str(value)

    # ---- people, dates, lists -----------------------------------------------
    @staticmethod
    def who(person: Participant | Facilitator) -> str:
        """``Name (id)``, as a coordinator reads it in every language."""
        return f"{person.name} ({person.id})"

    def day(self, value: date) -> str:
        """``11 jan. 2027`` / ``11 Jan 2027``."""
        return self.language.short_day(value)

    def period(self, first: date, last: date) -> str:
        """``1–7 mars 2027`` / ``1 – 7 Mar 2027``: the days from ``first`` to ``last``."""
        from babel.dates import format_interval
        if first == last:
            return self.day(first)
        return format_interval(first, last, "yMMMd", locale=self.language.locale)

    def window(self, program: Program) -> str:
        """The program window, as :meth:`period`."""
        return self.period(program.start, program.end)

    def clock(self, minutes: int) -> str:
        """``08:30`` for ``minutes`` after midnight."""
        return self.language.clock(time(minutes // 60, minutes % 60))

    def hours(self, start: time, end: time) -> str:
        """``13:00–17:00``."""
        return self.clock(start.hour * 60 + start.minute) + "–" + self.clock(
            end.hour * 60 + end.minute)

    def all_of(self, items: Iterable[str]) -> str:
        """``a, b och c`` / ``a, b and c``."""
        from babel.lists import format_list
        return format_list(list(items), locale=self.language.locale)

    def one_of(self, items: Iterable[str]) -> str:
        """``a, b eller c`` / ``a, b or c``."""
        from babel.lists import format_list
        return format_list(list(items), style="or", locale=self.language.locale)

    def weekday(self, number: int) -> str:
        """The name of weekday ``number`` (0 = Monday): ``fredag`` / ``Friday``."""
        from babel.dates import get_day_names
        return str(get_day_names("wide", locale=self.language.locale)[number])

    def weekdays(self, numbers: Iterable[int]) -> str:
        """``måndag, tisdag och lördag``."""
        return self.all_of(self.weekday(n) for n in numbers)

    def gap(self, program: Program) -> str:
        """The gap rule: ``28–35 days apart``."""
        rules = program.sessions
        return self._("{low}–{high} days apart", low=rules.min_gap_days, high=rules.max_gap_days)

    # ---- availability -------------------------------------------------------
    def time_rule(self, rule: TimeRule) -> str:
        """One item of a time expression in words: ``varje fredag kl. 13:00–17:00``."""
        hours = None if rule.start is None or rule.end is None else self.hours(
            rule.start, rule.end)
        if rule.weekday is not None:
            weekday = self.weekday(rule.weekday)
            if hours is None:
                return self._("every {weekday}", weekday=weekday)
            return self._("every {weekday} {hours}", weekday=weekday, hours=hours)
        if rule.first is not None and rule.last is not None:
            if rule.first == rule.last:
                day = self.day(rule.first)
                return day if hours is None else self._("{day} {hours}", day=day, hours=hours)
            days = self.period(rule.first, rule.last)
            return days if hours is None else self._(
                "{hours} each day {days}", days=days, hours=hours)
        return self._("every day {hours}", hours=hours) if hours else rule.text

    def unavailable(self, person: Participant) -> str:
        """A participant's unavailable times and busy events: ``every Monday and
        3 busy events in their calendar``."""
        items = [self.time_rule(r) for r in person.unavailable]
        if person.busy:
            items.append(self.n_("{count} busy event in their calendar",
                                 "{count} busy events in their calendar", len(person.busy)))
        return self.all_of(items)

    def facilitator_unavailable(self, facilitator: Facilitator) -> str:
        """``Greta Ahlqvist (f1): every Friday``."""
        times = self.all_of(self.time_rule(r) for r in facilitator.unavailable)
        return f"{self.who(facilitator)}: {times}"

    # ---- rules and whole reasons --------------------------------------------
    def rule_name(self, code: str) -> str:
        """The name of rule ``code``, or of a finding's heading ("cohorts full", …:
        :data:`.solver.finding.HEADINGS`), that a coordinator reads."""
        names = {
            ALLOWED_DAY.code: self._("allowed day"),
            DAY_WINDOW.code: self._("day window"),
            DURATION.code: self._("duration"),
            GAP.code: self._("gap rule"),
            PROGRAM_WINDOW.code: self._("program window"),
            PARTICIPANT_AVAILABILITY.code: self._("participant availability"),
            FACILITATOR_AVAILABILITY.code: self._("facilitator availability"),
            FACILITATOR_CAPACITY.code: self._("facilitator capacity"),
            FACILITATOR_SESSIONS_PER_DAY.code: self._("facilitator sessions per day"),
            FACILITATOR_BUFFER.code: self._("facilitator buffer"),
            FACILITATOR_NO_OVERLAP.code: self._("facilitator no-overlap"),
            GROUP_SIZE.code: self._("group size"),
            ORGANISATION_MIX.code: self._("organisation mix"),
            COMPANY_MODE.code: self._("company mode"),
            NOT_WITH.code: self._("not_with"),
            MET_BEFORE.code: self._("met before"),
            VENUE.code: self._("venue"),
            "cohorts full": self._("cohorts full"),
            "several rules": self._("several rules"),
            "search effort": self._("search effort"),
            "no cohort": self._("no cohort"),
        }
        return names.get(code, code)

    def because(self, message: str, fix: str) -> str:
        """``message. Fix: fix.`` (``message.`` without a fix)."""
        return self._("{message}. Fix: {fix}.", message=message, fix=fix) if fix else (
            f"{message}.")

    def reason(self, rule: str, message: str, fix: str) -> str:
        """The whole reason as ``plan.json`` holds it: ``rule name: message. Fix: fix.``
        (``rule``: a rule's code or a finding's heading, :attr:`.solver.finding.Finding.name`)."""
        return f"{self.rule_name(rule)}: {self.because(message, fix)}"
