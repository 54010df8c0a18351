"""What changed between two plans, and the messages that must go out.

A session is identified by its cohort id and index. When a plan replaces an
earlier one, a surviving session keeps its UID; its SEQUENCE rises by one
when its time, venue, facilitator, members or case owner changed. The
*outbox* lists every message to send: a REQUEST (the full invitation) for
new and changed sessions, a CANCEL with STATUS:CANCELLED and every former
attendee for a session that disappears, and a CANCEL naming only the
leaving people for members who leave a session (RFC 5546 §3.2.5).
Sessions before ``today`` are history: never re-sent.

Mail goes to those a change concerns (SPEC §9). When a session to come
changes only in who is a member (transfer, withdraw, fill), whoever joins gets
the invitation (``joined``), whoever leaves the per-person CANCEL, and the
others, with ``[policy] member_updates = "summary"`` (the default), one plain
*summary* per cohort and change instead of an update per session
(``"calendar"``: the update per session; ``"none"``: nothing). An update goes
to every attendee only when a session's time, place, facilitator or case owner
changes. Someone newly absent gets their own message (``absent``) saying where
their case went; the others hear only of the case turn.

The facilitator is in the loop (SPEC §6). With ``organizer_email`` the
facilitator attends every invitation and whole-session cancellation of their
sessions, so they are among its recipients. Without it the facilitator
organises, and the outbox's *feeds* send them their own feed
(``people/<id>.ics``, METHOD:PUBLISH): on a first plan to every facilitator
with a cohort, after a change whenever the feed's bytes changed. Either way
a session that leaves a facilitator's calendar (cancelled, or handed to
another facilitator) reaches them as a CANCEL of its UID, so no one has to
remove it by hand.

Texts for people (``detail``, ``changes.txt``) are in the program's language,
from the ``calendar`` catalogue.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..domain import Facilitator, Participant, Program
from ..i18n import Language
from ..plan import Cohort, Plan, Session
from .ical import cancel, feed_path, person_feed, person_feed_key, words
from .letters import Letter, facilitator_letter, participant_letter

OUTBOX = "outbox.json"
CHANGES = "changes.txt"

Pair = tuple[Cohort, Session]


@dataclass(frozen=True)
class Recipient:
    """Who gets one message."""

    id: str
    name: str
    email: str


def _recipients_dict(recipients: tuple[Recipient, ...]) -> list[dict[str, str]]:
    return [{"id": r.id, "name": r.name, "email": r.email} for r in recipients]


@dataclass(frozen=True)
class Message:
    """One calendar message to send: a file of the plan folder and its recipients."""

    file: str
    method: str  # REQUEST or CANCEL
    uid: str
    sequence: int
    cohort: str
    session: int
    change: str  # new, changed, cancelled, removed
    detail: str
    recipients: tuple[Recipient, ...]
    reason: str = ""  # why a cancelled cohort was cancelled (cancel-cohort --reason)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``outbox.json``)."""
        extra = {"reason": self.reason} if self.reason else {}
        return {
            "file": self.file,
            "method": self.method,
            "uid": self.uid,
            "sequence": self.sequence,
            "cohort": self.cohort,
            "session": self.session,
            "change": self.change,
            "detail": self.detail,
            **extra,
            "recipients": _recipients_dict(self.recipients),
        }


@dataclass(frozen=True)
class Feed:
    """A facilitator's own feed to e-mail (METHOD:PUBLISH), when no organizer is set.

    ``sha256`` is the hex digest of the file's bytes: ``send`` refuses a file
    that changed since. ``detail`` holds one line per change (new: a summary).
    """

    file: str
    person: str
    sha256: str
    change: str  # new, changed
    detail: str
    recipients: tuple[Recipient, ...]
    method: str = "PUBLISH"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``outbox.json``'s ``feeds``)."""
        return {
            "file": self.file,
            "method": self.method,
            "person": self.person,
            "sha256": self.sha256,
            "change": self.change,
            "detail": self.detail,
            "recipients": _recipients_dict(self.recipients),
        }


@dataclass(frozen=True)
class Summary:
    """One plain e-mail (no calendar part) telling a cohort's remaining members and
    facilitator who left and who joined (SPEC §9, ``member_updates = "summary"``).

    ``id`` is a digest of the cohort, who left, who joined and the UID/SEQUENCE
    of the sessions to come: ``send`` records ``SUMMARY|cohort|id|email``, so
    the same change is never mailed twice, and a later change has a new id.
    """

    cohort: str
    id: str
    left: tuple[str, ...]  # names
    joined: tuple[str, ...]  # names
    detail: str
    recipients: tuple[Recipient, ...]
    sessions_unchanged: bool = True  # no other message of the outbox changes its sessions
    method: str = "SUMMARY"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``outbox.json``'s ``summaries``)."""
        return {
            "method": self.method,
            "cohort": self.cohort,
            "id": self.id,
            "left": list(self.left),
            "joined": list(self.joined),
            "detail": self.detail,
            "sessions_unchanged": self.sessions_unchanged,
            "recipients": _recipients_dict(self.recipients),
        }


@dataclass(frozen=True)
class Welcome:
    """A welcome letter to send (SPEC §9): ``letters/<person>.txt`` and ``.html``.

    ``sha256`` is the digest of the text file: ``send`` refuses a letter that
    changed since, and records ``LETTER|person|sha256|email``.
    """

    person: str
    file: str
    html: str
    sha256: str
    subject: str
    recipients: tuple[Recipient, ...]
    method: str = "LETTER"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``outbox.json``'s ``letters``)."""
        return {
            "method": self.method,
            "person": self.person,
            "file": self.file,
            "html": self.html,
            "sha256": self.sha256,
            "subject": self.subject,
            "recipients": _recipients_dict(self.recipients),
        }


@dataclass(frozen=True)
class Outbox:
    """Letters, messages, facilitators' feeds, summaries, and the files they refer to."""

    messages: tuple[Message, ...]
    files: dict[str, bytes]  # path -> bytes of the cancellations and letters
    feeds: tuple[Feed, ...] = ()
    summaries: tuple[Summary, ...] = ()
    letters: tuple[Welcome, ...] = ()

    @property
    def count(self) -> int:
        """How many entries ``send`` works through (each goes to its recipients)."""
        return len(self.letters) + len(self.messages) + len(self.feeds) + len(self.summaries)

    def to_json(self, program_id: str) -> str:
        """``outbox.json`` text."""
        data = {
            "program": program_id,
            "letters": [m.to_dict() for m in self.letters],
            "messages": [m.to_dict() for m in self.messages],
            "feeds": [f.to_dict() for f in self.feeds],
            "summaries": [s.to_dict() for s in self.summaries],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# Names: the names and formats of the change texts


@dataclass(frozen=True)
class Names:
    """Names people read (from the new program, else the old one) in its language."""

    program: Program
    old_program: Program | None = None

    @property
    def lang(self) -> Language:
        """The new program's language, ``calendar`` catalogue."""
        return words(self.program)

    def _programs(self) -> tuple[Program, ...]:
        return (self.program,) if self.old_program is None else (self.program, self.old_program)

    def person(self, pid: str | None) -> str:
        """A participant's or facilitator's name (the id when neither program knows it)."""
        if pid is None:
            return self.lang._("none")
        for prog in self._programs():
            people: tuple[Participant | Facilitator, ...] = (*prog.participants,
                                                            *prog.facilitators)
            for person in people:
                if person.id == pid:
                    return person.name
        return pid

    def venue(self, vid: str | None) -> str:
        """A venue's name."""
        if vid is None:
            return self.lang._("none")
        for prog in self._programs():
            for v in prog.venues:
                if v.id == vid:
                    return v.name
        return vid

    def when(self, session: Session) -> str:
        """``tisdag 4 maj 2027 kl. 09:00–12:00`` in the program's zone."""
        zone = ZoneInfo(self.program.timezone)
        return self.lang.span(session.start.astimezone(zone), session.end.astimezone(zone))

    def label(self, cohort: str, index: int) -> str:
        """A session as people name it: ``c01 session 5`` / ``Backstage-grupp c01, träff 5``."""
        return self.lang._("{cohort} session {number}", cohort=cohort, number=index + 1)

    def names(self, pids: list[str]) -> str:
        """Names joined with commas."""
        return ", ".join(self.person(pid) for pid in pids)


def _key(cohort: Cohort, session: Session) -> tuple[str, int]:
    return cohort.id, session.index


def _sessions(plan: Plan) -> dict[tuple[str, int], Pair]:
    return {_key(c, s): (c, s) for c in plan.cohorts for s in c.sessions}


def _differs(old: Pair, new: Pair) -> bool:
    """Whether a session changed anything its invitation says."""
    (oc, os_), (nc, ns) = old, new
    return (
        (os_.start, os_.end, os_.venue, os_.case_owner) != (ns.start, ns.end, ns.venue,
                                                               ns.case_owner)
        or oc.leader(os_) != nc.leader(ns)
        or set(oc.members) != set(nc.members)
        or set(os_.absent) != set(ns.absent)
    )


def _for_everyone(old: Pair, new: Pair) -> bool:
    """Whether a session changed what every attendee's calendar must show (SPEC §9):
    its time, place or link, facilitator or case owner. A case turn the newcomer
    takes over from the person they replace is part of the membership change."""
    (oc, os_), (nc, ns) = old, new
    gone = set(oc.members) - set(nc.members)
    came = set(nc.members) - set(oc.members)
    handed = os_.case_owner in gone and ns.case_owner in came
    return (
        (os_.start, os_.end, os_.venue) != (ns.start, ns.end, ns.venue)
        or oc.leader(os_) != nc.leader(ns)
        or (os_.case_owner != ns.case_owner and not handed)
    )


def session_changes(old: Pair, new: Pair, w: Names, leader: bool = True) -> list[str]:
    """What differs between two versions of one session, in words ([] = same);
    ``leader=False`` leaves out a change of facilitator (said once for the cohort)."""
    (oc, os_), (nc, ns) = old, new
    lang = w.lang
    what = []
    if os_.start != ns.start or os_.end != ns.end:
        what.append(lang._("moved from {before} to {after}",
            before=w.when(os_), after=w.when(ns)))
    if os_.venue != ns.venue:
        what.append(lang._("venue changed from {before} to {after}",
            before=w.venue(os_.venue), after=w.venue(ns.venue)))
    if leader and oc.leader(os_) != nc.leader(ns):
        what.append(lang._("facilitator changed from {before} to {after}",
            before=w.person(oc.leader(os_)), after=w.person(nc.leader(ns))))
    gone = sorted(set(oc.members) - set(nc.members))
    came = sorted(set(nc.members) - set(oc.members))
    if gone:
        what.append(lang.n_("{names} leaves the cohort", "{names} leave the cohort", len(gone),
                            names=w.names(gone)))
    if came:
        what.append(lang.n_("{names} joins the cohort", "{names} join the cohort", len(came),
                            names=w.names(came)))
    if os_.case_owner != ns.case_owner:
        what.append(lang._("case owner changed from {before} to {after}",
            before=w.person(os_.case_owner), after=w.person(ns.case_owner)))
    missing = sorted(set(ns.absent) - set(os_.absent))
    if missing:
        what.append(lang.n_("{names} will not come", "{names} will not come", len(missing),
                            names=w.names(missing)))
    return what


def carry_over(old: Plan, new: Plan, today: date) -> Plan:
    """``new`` with UIDs and SEQUENCE continued from ``old``.

    A session that existed keeps its UID; SEQUENCE rises by one when it
    changed, except for sessions before ``today``, which are history.
    """
    before = _sessions(old)
    cohorts = []
    for c in new.cohorts:
        sessions = []
        for s in c.sessions:
            prev = before.get(_key(c, s))
            if prev is None:
                sessions.append(s)
                continue
            # an absence stays recorded while the session and the member do
            absent = s.absent or tuple(a for a in prev[1].absent if a in c.members)
            # and so do the answers read back (SPEC §11), of those still members and not
            # absent; they change no invitation
            replies = tuple((p, a) for p, a in s.replies or prev[1].replies
                            if p in c.members and p not in absent)
            s = replace(s, absent=absent, replies=replies)
            changed = _differs(prev, (c, s))
            past = new.day_of(s) < today
            seq = prev[1].sequence + (1 if changed and not past else 0)
            sessions.append(replace(s, uid=prev[1].uid, sequence=seq))
        cohorts.append(replace(c, sessions=tuple(sessions)))
    return replace(new, cohorts=tuple(cohorts))


# ---------------------------------------------------------------------------
# Recipients


def _members(program: Program, ids: list[str]) -> tuple[Recipient, ...]:
    people = [program.participant(pid) for pid in ids]
    return tuple(
        Recipient(p.id, p.name, p.email) for p in sorted(people, key=lambda p: (p.name, p.id))
    )


def _facilitator(program: Program, fid: str) -> Recipient:
    f = program.facilitator(fid)
    return Recipient(f.id, f.name, f.email)


def _chair(program: Program, cohort: Cohort, session: Session) -> tuple[Recipient, ...]:
    """The session's facilitator as a recipient when the coordinator organises (SPEC §6)."""
    if not program.organizer_email:
        return ()
    return (_facilitator(program, cohort.leader(session)),)


def _attendees(program: Program, cohort: Cohort, session: Session) -> tuple[Recipient, ...]:
    """Who an invitation or a whole-session cancellation goes to: the members, and
    the session's facilitator when the coordinator organises (SPEC §6)."""
    return _members(program, list(cohort.members)) + _chair(program, cohort, session)


def _invite_message(
    program: Program, cohort: Cohort, session: Session, change: str, detail: str,
    recipients: tuple[Recipient, ...] | None = None,
) -> Message:
    return Message(
        file=f"invites/{cohort.id}/{session.index}.ics",
        method="REQUEST",
        uid=session.uid,
        sequence=session.sequence,
        cohort=cohort.id,
        session=session.index,
        change=change,
        detail=detail,
        recipients=_attendees(program, cohort, session) if recipients is None else recipients,
    )


# ---------------------------------------------------------------------------
# Facilitators' feeds


def _leads(plan: Plan, fid: str) -> bool:
    return any(c.leader(s) == fid for c in plan.cohorts for s in c.sessions)


def _feed(program: Program, fid: str, data: bytes, change: str, detail: str) -> Feed:
    return Feed(
        file=feed_path(fid),
        person=fid,
        sha256=hashlib.sha256(data).hexdigest(),
        change=change,
        detail=detail,
        recipients=(_facilitator(program, fid),),
    )


def _first_feeds(program: Program, plan: Plan, stamp: datetime) -> tuple[Feed, ...]:
    if program.organizer_email:
        return ()
    detail = words(program)._("all your sessions as facilitator")
    return tuple(
        _feed(program, f.id, person_feed(program, plan, f.id, stamp), "new", detail)
        for f in sorted(program.facilitators, key=lambda f: f.id)
        if _leads(plan, f.id)
    )


def _changed_feeds(
    old_program: Program, old_plan: Plan, program: Program, plan: Plan,
    lines: list[tuple[Pair | None, Pair | None, str]], stamp: datetime,
    told: frozenset[tuple[str, int]] = frozenset(),
) -> tuple[Feed, ...]:
    """The feeds of facilitators whose feed's bytes changed (``lines``: what changed).

    ``told``: sessions whose only change (who is a member) a summary tells; a
    facilitator whose every changed session is among them gets the summary,
    not the feed (whose lines would tell them the same)."""
    if program.organizer_email:
        return ()
    known = {f.id for f in old_program.facilitators}
    feeds = []
    for f in sorted(program.facilitators, key=lambda f: f.id):
        led = f.id in known and _leads(old_plan, f.id)
        if not (led or _leads(plan, f.id)):
            continue
        if led and (person_feed_key(program, plan, f.id, stamp)
                    == person_feed_key(old_program, old_plan, f.id, stamp)):
            continue  # the same content key: the same bytes, nothing rendered to see it
        data = person_feed(program, plan, f.id, stamp)
        if led and data == person_feed(old_program, old_plan, f.id, stamp):
            continue
        ours = [
            (old, new, text) for old, new, text in lines
            if any(pair is not None and pair[0].leader(pair[1]) == f.id for pair in (old, new))
        ]
        # a changed line has an old or a new session or both (mypy cannot tell)
        if led and ours and all(_key(*(new or old)) in told  # type: ignore[misc]  # one is set
                                for old, new, _ in ours):
            continue
        mine = [text for _, _, text in ours]
        if led:
            feeds.append(_feed(program, f.id, data, "changed", "\n".join(mine)))
        else:
            detail = words(program)._("all your sessions as facilitator")
            feeds.append(_feed(program, f.id, data, "new", detail))
    return tuple(feeds)


# ---------------------------------------------------------------------------
# Outboxes


def _welcome(letter: Letter, recipient: Recipient, files: dict[str, bytes]) -> Welcome:
    """The outbox entry of ``letter``; its two files go into ``files``."""
    data = letter.text.encode("utf-8")
    files[letter.text_file] = data
    files[letter.html_file] = letter.html.encode("utf-8")
    return Welcome(letter.person, letter.text_file, letter.html_file,
                   hashlib.sha256(data).hexdigest(), letter.subject, (recipient,))


def _participant_letters(program: Program, plan: Plan, pids: list[str],
                         files: dict[str, bytes]) -> list[Welcome]:
    if not program.policy.welcome_letter:
        return []
    return [_welcome(participant_letter(program, plan, pid), r, files)
            for pid in pids for r in _members(program, [pid])]


def first_outbox(program: Program, plan: Plan, stamp: datetime) -> Outbox:
    """Every invitation of a brand-new plan, and the facilitators' feeds when no
    organizer is set (``stamp``: the DTSTAMP the feeds are written with); with
    ``[policy] welcome_letter`` (the default) a letter to every placed
    participant and every facilitator who leads a session."""
    detail = words(program)._("new session")
    messages = tuple(
        _invite_message(program, c, s, "new", detail)
        for c in plan.cohorts
        for s in c.sessions
    )
    files: dict[str, bytes] = {}
    placed = sorted((m for c in plan.cohorts for m in c.members),
                    key=lambda pid: (program.participant(pid).name, pid))
    letters = _participant_letters(program, plan, placed, files)
    if program.policy.welcome_letter:
        letters += [
            _welcome(facilitator_letter(program, plan, f.id), _facilitator(program, f.id), files)
            for f in sorted(program.facilitators, key=lambda f: f.id) if _leads(plan, f.id)
        ]
    return Outbox(messages, files, _first_feeds(program, plan, stamp), letters=tuple(letters))


def handovers(old_plan: Plan, plan: Plan, today: date) -> dict[str, tuple[int, str, str]]:
    """Cohorts in which one facilitator takes over from another from a session on,
    to the cohort's last (SPEC §8): cohort id -> ``(index, before, after)``, where
    ``index`` is the first such session on or after ``today``, ``before`` led each
    of them in ``old_plan`` and ``after`` leads each of them in ``plan``."""
    before = _sessions(old_plan)
    found: dict[str, tuple[int, str, str]] = {}
    for c in plan.cohorts:
        pairs = [
            (s, before[_key(c, s)]) for s in c.sessions
            if plan.day_of(s) >= today and _key(c, s) in before
        ]
        changed = [(s, old) for s, old in pairs if old[0].leader(old[1]) != c.leader(s)]
        if not changed:
            continue
        first, (oc, os_) = changed[0]
        was, now = oc.leader(os_), c.leader(first)
        later = [(s, old) for s, old in pairs if s.index >= first.index]
        if all(old[0].leader(old[1]) == was for _, old in later) and all(
            c.leader(s) == now for s in c.sessions if s.index >= first.index
        ):
            found[c.id] = (first.index, was, now)
    return found


def _changes(
    old_plan: Plan, plan: Plan, today: date, w: Names,
    said: dict[str, tuple[int, str, str]] | None = None,
) -> list[tuple[Pair | None, Pair | None, str]]:
    """``(old, new, text)`` for every session that changes from ``today`` on,
    by cohort and index; ``text`` is the ``changes.txt`` line without its mark.
    ``said``: handovers told once for their cohort (:func:`handovers`), left out of
    the sessions' lines."""
    said = said or {}
    before, after = _sessions(old_plan), _sessions(plan)
    lang = w.lang
    found: list[tuple[Pair | None, Pair | None, str]] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        held = [pair[1] for pair in (old, new) if pair is not None]
        if all(plan.day_of(s) < today for s in held):
            continue  # history, unchanged for everyone who was there
        label = w.label(*key)
        if old is None and new is not None:
            text = lang._("{label}: new, {when}", label=label, when=w.when(new[1]))
        elif new is None and old is not None:
            text = lang._("{label}: cancelled (was {when})",
                label=label, when=w.when(old[1]))
        elif old is not None and new is not None:
            told = key[0] in said and key[1] >= said[key[0]][0]
            what = session_changes(old, new, w, leader=not told)
            if not what:
                continue
            text = f"{label}: " + "; ".join(what)
        found.append((old, new, text))
    return found


def outbox(
    old_program: Program,
    old_plan: Plan,
    program: Program,
    plan: Plan,
    today: date,
    stamp: datetime,
) -> Outbox:
    """The messages that bring calendars from ``old_plan`` to ``plan`` (after carry_over).

    Only sessions on or after ``today`` are considered.
    """
    before = _sessions(old_plan)
    after = _sessions(plan)
    w = Names(program, old_program)
    lang = w.lang
    mode = program.policy.member_updates
    messages: list[Message] = []
    files: dict[str, bytes] = {}
    told: set[tuple[str, int]] = set()  # membership-only changes, told by summary or not at all
    reasons = _new_cancellations(old_plan, plan)
    for key in sorted(set(before) | set(after)):
        old = before.get(key)
        new = after.get(key)
        # the key is in before or after or both, so (new or old) is set (mypy cannot tell)
        if plan.day_of((new or old)[1]) < today:  # type: ignore[index]  # one is set
            continue
        if new is None:
            oc, os_ = old  # type: ignore[misc]  # set, as new is not
            gone = replace(os_, sequence=os_.sequence + 1)
            path = f"cancellations/{oc.id}/{os_.index}.ics"
            files[path] = cancel(old_program, old_plan, oc, gone, stamp)
            # without an organizer the facilitator organises it: the CANCEL of its
            # UID goes to them too, so their calendar drops what their feed no longer has
            chair = () if old_program.organizer_email else (
                _facilitator(old_program, oc.leader(os_)),)
            messages.append(
                Message(path, "CANCEL", gone.uid, gone.sequence, oc.id, os_.index, "cancelled",
                        lang._("session cancelled"), _attendees(old_program, oc, os_) + chair,
                        reasons.get(oc.id, ""))
            )
            continue
        nc, ns = new
        if old is None:
            messages.append(_invite_message(program, nc, ns, "new", lang._("new session")))
            continue
        what = session_changes(old, new, w)
        if not what:
            continue
        oc, os_ = old
        leaving = sorted(set(oc.members) - set(nc.members))
        recipients = _members(old_program, leaving)
        was_led_by = oc.leader(os_)
        if was_led_by != nc.leader(ns):
            leaving.append(was_led_by)  # hands the session over: it leaves their calendar
            recipients += (_facilitator(old_program, was_led_by),)
        if leaving:
            path = f"cancellations/{nc.id}/{ns.index}-removed.ics"
            # the old version of the session (its owner and members may be gone now)
            was = replace(os_, sequence=ns.sequence)
            files[path] = cancel(old_program, old_plan, oc, was, stamp, attendees=leaving)
            messages.append(
                Message(path, "CANCEL", ns.uid, ns.sequence, nc.id, ns.index, "removed",
                        lang._("no longer taking part"), recipients)
            )
        came = sorted(set(nc.members) - set(oc.members))
        if came:  # an invitation, worded as one, to whoever joins
            messages.append(_invite_message(program, nc, ns, "joined", lang._("new session"),
                                            _members(program, came)))
        missing = sorted(set(ns.absent) - set(os_.absent) - set(came))
        for pid in missing:  # the absent person hears of their own absence
            messages.append(_invite_message(program, nc, ns, "absent",
                                            _absence(w, plan, nc, ns, pid, old_plan),
                                            _members(program, [pid])))
        stay = [m for m in nc.members if m in oc.members and m not in missing]
        membership = bool(came) or bool(set(oc.members) - set(nc.members))
        # the others: what changed, without the absence (told to the absent person)
        others = session_changes(old, (nc, replace(ns, absent=os_.absent)), w)
        if _for_everyone(old, new) or (mode == "calendar" and membership):
            messages.append(_invite_message(program, nc, ns, "changed", "; ".join(others),
                                            _members(program, stay) + _chair(program, nc, ns)))
        elif membership:
            told.add(key)
    lines = _changes(old_plan, plan, today, w)
    summary_told = frozenset(told) if mode == "summary" else frozenset()
    feeds = _changed_feeds(old_program, old_plan, program, plan, lines, stamp, summary_told)
    summaries = (
        _summaries(old_plan, program, plan, told, w, {
            m.cohort for m in messages if m.change in ("new", "changed", "cancelled")
        }, {f.person for f in feeds}) if mode == "summary" else ()
    )
    # a newcomer to the program (fill, transfer) gets a welcome letter too
    seated_before = {m for c in old_plan.cohorts for m in c.members}
    newcomers = sorted(
        {m for c in plan.cohorts for m in c.members} - seated_before,
        key=lambda pid: (program.participant(pid).name, pid),
    )
    letters = _participant_letters(program, plan, newcomers, files)
    return Outbox(tuple(messages), files, feeds, summaries, tuple(letters))


def _new_cancellations(old_plan: Plan, plan: Plan) -> dict[str, str]:
    """Cohorts cancelled since ``old_plan`` (``cancel-cohort``) -> the reason recorded."""
    known = {c.cohort for c in old_plan.history.cancelled}
    return {c.cohort: c.reason for c in plan.history.cancelled if c.cohort not in known}


def _absence(w: Names, plan: Plan, cohort: Cohort, session: Session, pid: str,
             old_plan: Plan) -> str:
    """What the absent person reads: their absence is noted, and where their case went."""
    lang = w.lang
    day = lang.long_date(plan.day_of(session))
    was_owner = {
        s.index for c in old_plan.cohorts if c.id == cohort.id for s in c.sessions
        if s.case_owner == pid
    }
    turn = next((s for s in cohort.sessions
                 if s.case_owner == pid and s.index not in was_owner), None)
    if turn is None:
        return lang._("We have noted that you cannot come on {day}.", day=day)
    return lang._("We have noted that you cannot come on {day}; your case moves to {when}.",
                  day=day, when=w.when(turn))


def _summaries(
    old_plan: Plan, program: Program, plan: Plan, told: set[tuple[str, int]], w: Names,
    updated: set[str], fed: set[str],
) -> tuple[Summary, ...]:
    """One summary per cohort whose sessions to come changed only in who is a member:
    to the members who stay and the facilitators of those sessions. ``updated``:
    cohorts whose sessions other messages change (their summary does not say the
    sessions stay as they are); ``fed``: facilitators whose feed goes out, its
    lines telling them the change."""
    old_cohorts = {c.id: c for c in old_plan.cohorts}
    lang = w.lang
    found = []
    for c in plan.cohorts:
        keys = sorted(k for k in told if k[0] == c.id)
        if not keys:
            continue
        was = old_cohorts[c.id]
        gone = sorted(set(was.members) - set(c.members))
        came = sorted(set(c.members) - set(was.members))
        parts = []
        if gone:
            parts.append(lang.n_("{names} leaves the cohort", "{names} leave the cohort", len(gone),
                                 names=w.names(gone)))
        if came:
            parts.append(lang.n_("{names} joins the cohort", "{names} join the cohort", len(came),
                                 names=w.names(came)))
        sessions = {s.index: s for s in c.sessions}
        leaders = sorted({c.leader(sessions[i]) for _, i in keys})
        stay = [m for m in c.members if m in was.members]
        recipients = _members(program, stay)
        recipients += tuple(_facilitator(program, f) for f in leaders if f not in fed)
        digest = hashlib.sha256(json.dumps(
            [c.id, gone, came, [[sessions[i].uid, sessions[i].sequence] for _, i in keys]]
        ).encode("utf-8")).hexdigest()[:16]
        found.append(Summary(
            cohort=c.id, id=digest, left=tuple(w.person(p) for p in gone),
            joined=tuple(w.person(p) for p in came), detail="; ".join(parts),
            recipients=recipients, sessions_unchanged=c.id not in updated,
        ))
    return tuple(found)


def describe(
    old_program: Program, old_plan: Plan, program: Program, plan: Plan, today: date
) -> str:
    """A readable diff from ``today`` on, in the program's language: moved, new and
    cancelled sessions (numbered as people read them, 1 = kick-off), a facilitator
    who takes over a cohort from a session on (one line, :func:`handovers`), who
    changed cohort, who is newly without a place. Sessions held before ``today``
    are history and are not listed."""
    w = Names(program, old_program)
    lang = w.lang
    marks = {(True, False): "+", (False, True): "-", (False, False): "~"}
    said = handovers(old_plan, plan, today)
    ordered: list[tuple[tuple[str, int, int], str]] = [
        ((cid, index, 0), "~ " + lang._(
            "Cohort {cohort} — facilitator from session {number}: {after} (instead of {before})",
            cohort=cid, number=index + 1, after=w.person(now), before=w.person(was)))
        for cid, (index, was, now) in said.items()
    ]
    for old, new, text in _changes(old_plan, plan, today, w, said):
        cohort, session = (new or old)  # type: ignore[misc]  # one is set
        ordered.append(((cohort.id, session.index, 1),
                        f"{marks[(old is None, new is None)]} {text}"))
    lines = [line for _, line in sorted(ordered)]
    old_home = {m: c.id for c in old_plan.cohorts for m in c.members}
    new_home = {m: c.id for c in plan.cohorts for m in c.members}
    unplaced = lang._("unplaced")
    for pid in sorted(set(old_home) | set(new_home)):
        a, b = old_home.get(pid), new_home.get(pid)
        if a != b:
            lines.append(f"  {w.person(pid)} ({pid}): {a or unplaced} → {b or unplaced}")
    reasons = {u.participant: u.reason for u in plan.unplaced}
    was_unplaced = {u.participant for u in old_plan.unplaced}
    for pid, reason in sorted(reasons.items()):
        if pid not in was_unplaced:
            text = lang._("{person} is not placed: {reason}")
            lines.append("! " + text.format(person=f"{w.person(pid)} ({pid})", reason=reason))
    header = lang._("Changes from the previous plan (sessions before {day} kept):",
        day=lang.day(today))
    return "\n".join([header, *(lines or ["  " + lang._("no changes")])]) + "\n"
