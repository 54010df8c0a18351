"""Welcome letters (SPEC §9): one per participant and facilitator on a plan's first ``send``.

A participant's letter names their group and facilitator, the other members
(name, organisation), every date with weekday and time (their case session
marked), the place or link, the fee and the last day to cancel free of
charge, how to hand the place to a colleague, and whom to ask. A
facilitator's letter lists their cohorts, each with its members (name,
organisation, e-mail) and dates. Texts are in the program's language, from
the ``calendar`` catalogue; each letter is written as text and as HTML
(``letters/<id>.txt``, ``letters/<id>.html``), which ``send`` mails as they are.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..domain import Program
from ..i18n import Language
from ..plan import Cohort, Plan, Session
from .ical import location, online_url, words
from .labels import last_free_day

LETTERS = "letters"

# A letter is a list of blocks: a paragraph (str) or a bulleted list (tuple of str).
Block = str | tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    """One person's letter: subject, text and HTML."""

    person: str
    subject: str
    text: str
    html: str

    @property
    def text_file(self) -> str:
        return f"{LETTERS}/{self.person}.txt"

    @property
    def html_file(self) -> str:
        return f"{LETTERS}/{self.person}.html"


def first_name(name: str) -> str:
    """What a greeting calls a person: the first word of their name."""
    parts = name.split()
    return parts[0] if parts else name


def _render(lang: Language, subject: str, blocks: list[Block]) -> tuple[str, str]:
    """The letter as plain text and as a small HTML page."""
    text: list[str] = []
    body: list[str] = []
    for block in blocks:
        if isinstance(block, tuple):
            text += [f"- {item}" for item in block]
            items = "".join(f"<li>{html.escape(item)}</li>" for item in block)
            body.append(f"<ul>{items}</ul>")
        else:
            text.append(block)
            escaped = html.escape(block).replace("\n", "<br>\n")
            body.append(f"<p>{escaped}</p>")
        text.append("")
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang.code}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n"
        + "\n".join(body) + "\n</body>\n</html>\n"
    )
    return "\n".join(text), page


def _contact(program: Program, lang: Language) -> str:
    if program.organizer_email:
        name = program.organizer_name or program.name
        return lang._("Questions? Write to {name}, {email}.",
            name=name, email=program.organizer_email)
    return lang._("Questions? Answer this e-mail and {program} will help.",
        program=program.name)


def _places(program: Program, cohort: Cohort) -> tuple[list[str], bool]:
    """The cohort's places and links, in session order, and whether they differ."""
    seen: list[str] = []
    for s in cohort.sessions:
        where = location(program, cohort, s)
        url = online_url(program, cohort, s)
        text = f"{where} ({url})" if url else where
        if text not in seen:
            seen.append(text)
    return seen, len(seen) > 1


@lru_cache(maxsize=8192)
def _span(code: str, start: datetime, end: datetime) -> str:
    """A session's day and time as people read them (every member's letter names the
    same dates: formatted once)."""
    return Language(code, "calendar").span(start, end)


@lru_cache(maxsize=256)
def _fee_and_day(code: str, fee: float | Decimal, currency: str, day: date) -> tuple[str, str]:
    """The fee and the last free day as the letters say them (the same in most letters:
    formatted once)."""
    lang = Language(code, "calendar")
    return lang.money(fee, currency), lang.day(day)


def _date_line(program: Program, lang: Language, cohort: Cohort, session: Session,
               mine: str | None, places: bool) -> str:
    zone = ZoneInfo(program.timezone)
    when = _span(lang.code, session.start.astimezone(zone), session.end.astimezone(zone))
    line = lang._("session {number}: {when}", number=session.number, when=when)
    if session.index == 0:
        line += " " + lang._("(kick-off)")
    if places:
        url = online_url(program, cohort, session)
        line += f", {location(program, cohort, session)}" + (f" ({url})" if url else "")
    if mine is not None and session.case_owner == mine:
        line += " — " + lang._("your case")
    return line


def participant_letter(program: Program, plan: Plan, pid: str) -> Letter:
    """The welcome letter of participant ``pid`` (placed in a cohort of ``plan``)."""
    lang = words(program)
    cohort = next(c for c in plan.cohorts if pid in c.members)
    person = program.participant(pid)
    group = lang._("Backstage cohort {cohort}", cohort=cohort.id)
    facilitator = program.facilitator(cohort.facilitator).name
    subject = lang._("Welcome to {program}", program=program.name)
    others = tuple(
        f"{p.name} ({p.organization})"
        for p in sorted((program.participant(m) for m in cohort.members if m != pid),
                        key=lambda p: (p.name, p.id))
    )
    places, differ = _places(program, cohort)
    blocks: list[Block] = [
        lang._("Hello {name},", name=first_name(person.name)),
        lang._("Welcome to {program}! You are in {group}, led by {facilitator}.",
            program=program.name, group=group, facilitator=facilitator),
        lang._("The others in your group:"),
        others,
        lang._("Your sessions:"),
        tuple(_date_line(program, lang, cohort, s, pid, differ) for s in cohort.sessions),
    ]
    if not differ and places:
        blocks.append(lang._("Place: {place}", place=places[0]))
    fee, last_day = _fee_and_day(lang.code, program.policy.fee, program.policy.currency,
                                 last_free_day(cohort.cancellation_deadline))
    blocks.append(lang._(
        "The fee is {fee} excluding VAT. You can cancel free of charge until {day}.",
        fee=fee, day=last_day))
    blocks.append(lang._(
        "If you cannot take part, a colleague from your organisation can take your "
        "place: tell us their name and e-mail address and we move the invitations to them."
    ))
    blocks.append(lang._("The calendar invitations come in separate e-mails; please "
                         "answer them so the sessions are in your calendar."))
    blocks.append(_contact(program, lang))
    blocks.append(lang._("Kind regards,") + "\n" + (program.organizer_name or program.name))
    text, page = _render(lang, subject, blocks)
    return Letter(pid, subject, text, page)


def facilitator_letter(program: Program, plan: Plan, fid: str) -> Letter:
    """The letter of facilitator ``fid``: their cohorts, members and dates."""
    lang = words(program)
    person = program.facilitator(fid)
    subject = lang._("Your groups in {program}", program=program.name)
    blocks: list[Block] = [
        lang._("Hello {name},", name=first_name(person.name)),
        lang._("Here are the groups you lead in {program}.", program=program.name),
    ]
    for cohort in plan.cohorts:
        if not any(cohort.leader(s) == fid for s in cohort.sessions):
            continue
        blocks.append(lang._("Backstage cohort {cohort}", cohort=cohort.id))
        members = sorted((program.participant(m) for m in cohort.members),
                         key=lambda p: (p.name, p.id))
        blocks.append(tuple(f"{p.name} ({p.organization}), {p.email}" for p in members))
        places, differ = _places(program, cohort)
        blocks.append(tuple(
            _date_line(program, lang, cohort, s, None, differ)
            + ("" if cohort.leader(s) == fid else " — " + lang._("led by {name}",
                name=program.facilitator(cohort.leader(s)).name))
            for s in cohort.sessions
        ))
        if not differ and places:
            blocks.append(lang._("Place: {place}", place=places[0]))
    blocks.append(_contact(program, lang))
    blocks.append(lang._("Kind regards,") + "\n" + (program.organizer_name or program.name))
    text, page = _render(lang, subject, blocks)
    return Letter(fid, subject, text, page)
