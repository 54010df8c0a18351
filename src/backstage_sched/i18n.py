"""The language of everything a person reads (SPEC §6): catalogues and Babel.

Texts are written in English in the code and looked up in gettext
catalogues: ``locale/<language>/LC_MESSAGES/<domain>.po``, compiled to
``.mo`` beside it (``make catalogues``; a test checks they match). Each part
of the output has its own domain: ``calendar`` for calendar files, e-mail and
``changes.txt`` (which tells what changed in the words of the invitations);
``reports`` for the overview and costs; ``reasons`` for why someone is not
placed; ``common`` for shared patterns; ``cli`` for what the command line
prints (SPEC §10). A third language is five catalogues, not a code change.
Dates, times, numbers and money come from Babel's locale data, never from
tables of our own. Babel is imported where it is used, here and in the
modules that format dates: ``babel.dates`` reads the system's time zones
when it is imported, and importing backstage_sched reads no file.

One way to say a sentence: ``lang._(text, **fields)`` looks ``text`` up and
fills its placeholders (``lang.n_`` where a count picks the form).
:class:`~backstage_sched.wording.Words` says the same sentences with the
values written the language's way (numbers, days, lists).

>>> sv = Language("sv")
>>> sv.day(date(2027, 1, 11))
'måndag 11 januari 2027'
>>> sv.money(17500, "SEK")
'17\\xa0500\\xa0kr'
>>> Language("en").day(date(2027, 1, 11))
'Monday 11 January 2027'
>>> sv.span(datetime(2027, 1, 11, 8, 30), datetime(2027, 1, 11, 11, 30))
'måndag 11 januari 2027 kl. 08:30–11:30'
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS: tuple[str, ...] = ("common", "calendar", "reports", "reasons", "cli")
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
"""The Babel locale of each language (British English writes 11 January 2027)."""


@cache
def _catalogue(language: str, domain: str) -> gettext.NullTranslations:
    """The compiled catalogue, or the English texts themselves when there is none."""
    return gettext.translation(
        domain, localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )


@dataclass(frozen=True)
class Language:
    """Texts and formats of one language; ``domain`` picks the catalogue of ``_``."""

    code: str
    domain: str = "reports"
    locale: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", LOCALES.get(self.code, self.code))

    def of(self, domain: str) -> Language:
        """The same language with another catalogue."""
        return Language(self.code, domain)

    def _(self, text: str, /, **fields: object) -> str:
        """``text`` in this language; with ``fields``, its ``{placeholders}`` filled
        with them (without, the pattern, for a caller that fills it later)."""
        told = _catalogue(self.code, self.domain).gettext(text)
        return told.format(**fields) if fields else told

    def n_(self, one: str, many: str, count: int, /, **fields: object) -> str:
        """The singular or plural of a text for ``count``, in this language; filled
        with ``fields`` as :meth:`_` fills it."""
        told = _catalogue(self.code, self.domain).ngettext(one, many, count)
        return told.format(**fields) if fields else told

    def day(self, value: date) -> str:
        """``måndag 11 januari 2027`` / ``Monday 11 January 2027``."""
        from babel.dates import format_date
        return format_date(value, "EEEE d MMMM y", locale=self.locale)

    def long_date(self, value: date) -> str:
        """``25 maj 2027`` / ``25 May 2027``: a date without its weekday."""
        from babel.dates import format_date
        return format_date(value, "d MMMM y", locale=self.locale)

    def short_day(self, value: date) -> str:
        """``11 jan. 2027`` / ``11 Jan 2027``."""
        from babel.dates import format_date
        return format_date(value, "medium", locale=self.locale)

    def clock(self, value: time | datetime) -> str:
        """``08:30``."""
        from babel.dates import format_time
        return format_time(value, "HH:mm", locale=self.locale)

    def span(self, start: datetime, end: datetime) -> str:
        """``måndag 11 januari 2027 kl. 08:30–11:30`` / ``Monday 11 January 2027, 08:30–11:30``."""
        pattern = self.of("common")._("{day}, {start}–{end}")
        return pattern.format(
            day=self.day(start.date()), start=self.clock(start), end=self.clock(end)
        )

    def number(self, value: int | float | Decimal) -> str:
        """``17 500`` / ``17,500``."""
        from babel.numbers import format_decimal
        return format_decimal(value, locale=self.locale)

    def money(self, amount: int | float | Decimal, currency: str) -> str:
        """``17 500 kr`` / ``SEK 17,500``; öre or pence only when there are any."""
        from babel.numbers import format_currency
        value = Decimal(str(amount))
        whole = value == value.to_integral_value()
        pattern = None if not whole else ("#,##0\xa0¤" if self.code == "sv" else "¤\xa0#,##0")
        return format_currency(value, currency, format=pattern, locale=self.locale,
                               currency_digits=not whole)

