"""The result of planning: cohorts, sessions, unplaced people; JSON in and out.

Field names follow SPEC §4 exactly (``plan.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .errors import InputError, read_json
from .goals import GOALS, PLACED
from .rules import RULES, UID, enforces
from .said import said

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Session:
    """One 3-hour meeting of a cohort; ``index`` 0 is the kick-off."""

    index: int
    start: datetime
    end: datetime
    case_owner: str | None
    venue: str | None
    uid: str
    sequence: int = 0
    absent: tuple[str, ...] = ()  # members who told they will miss it (SPEC §7)
    replies: tuple[tuple[str, str], ...] = ()
    """Members' calendar answers read back (SPEC §11): ``(person, PARTSTAT)`` pairs,
    ``ACCEPTED`` or ``TENTATIVE``, sorted by person. A decline is an absence
    (:attr:`absent`), never kept here."""
    facilitator: str | None = None
    """Who leads this session when it is not the cohort's facilitator (SPEC §8: a
    substitute took over from a later session, so this one was, or is, led by the
    one before). None: the cohort's facilitator. Ask :meth:`Cohort.leader`."""

    @property
    def number(self) -> int:
        """The number a person reads and types: 1 for the kick-off, ``index + 1``."""
        return self.index + 1

    def answer(self, pid: str) -> str | None:
        """``pid``'s answer to this session's invitation: ``DECLINED`` when they will
        miss it, else ``ACCEPTED``/``TENTATIVE`` as read back, None when unanswered."""
        if pid in self.absent:
            return "DECLINED"
        return dict(self.replies).get(pid)


@dataclass(frozen=True)
class Cohort:
    """A group of members with one facilitator and n + 1 sessions.

    ``facilitator`` leads the sessions to come, and the cohort counts in their
    ``max_cohorts``. After a substitution (SPEC §8) the sessions before the
    handover name the facilitator who led them (:attr:`Session.facilitator`).
    """

    id: str
    facilitator: str
    venue: str | None
    members: tuple[str, ...]
    cancellation_deadline: date
    sessions: tuple[Session, ...]

    def leader(self, session: Session) -> str:
        """The facilitator who leads ``session``: its own, else the cohort's."""
        return session.facilitator or self.facilitator

    def leaders(self) -> set[str]:
        """Every facilitator who leads a session of the cohort."""
        return {self.facilitator} | {self.leader(s) for s in self.sessions}


@dataclass(frozen=True)
class Unplaced:
    """A participant who got no cohort, and why.

    ``code``: the rule's code (:data:`~backstage_sched.rules.RULES`) or goal's
    (:data:`~backstage_sched.goals.GOALS`) the reason names, as the solver gave it.
    ``plan.json`` keeps only the words (``reason``, whose heading is that rule's name
    in the program's language), so a plan read back, or a person a change leaves out
    for no rule (a cancelled cohort), has None; it takes no part in comparing plans.
    """

    participant: str
    reason: str
    code: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.code is not None and self.code not in RULES and self.code not in GOALS:
            raise ValueError(f"{self.code!r} is neither a rule's nor a goal's code")


_BILLING = ("email", "org_number", "invoice_reference")


@dataclass(frozen=True)
class Withdrawal:
    """A person who left the program (SPEC §5): kept for the costs and the checker.

    ``held_session`` is the index of a session already held that they owned
    (it keeps its place without a case owner); ``fee_due`` is whether they
    left on or after their cohort's cancellation deadline.
    """

    participant: str
    name: str
    organization: str
    on: date
    cohort: str | None = None
    cancellation_deadline: date | None = None
    fee_due: bool = False
    held_session: int | None = None
    #: Who is invoiced when the fee is due (``invoices.xlsx``); "" when not known.
    email: str = ""
    org_number: str = ""
    invoice_reference: str = ""

    def to_dict(self) -> dict[str, Any]:
        """As ``plan.json`` lists it under ``objective.withdrawals``."""
        deadline = self.cancellation_deadline
        billing = {key: getattr(self, key) for key in _BILLING if getattr(self, key)}
        return {
            "participant": self.participant,
            "name": self.name,
            "organization": self.organization,
            "on": self.on.isoformat(),
            "cohort": self.cohort,
            "cancellation_deadline": None if deadline is None else deadline.isoformat(),
            "fee_due": self.fee_due,
            "held_session": self.held_session,
            **billing,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Withdrawal:
        """Read one record of ``objective.withdrawals``."""
        deadline = data.get("cancellation_deadline")
        held = data.get("held_session")
        return cls(
            participant=str(data["participant"]),
            name=str(data.get("name", "")),
            organization=str(data.get("organization", "")),
            on=date.fromisoformat(data["on"]),
            cohort=None if data.get("cohort") is None else str(data["cohort"]),
            cancellation_deadline=None if deadline is None else date.fromisoformat(deadline),
            fee_due=bool(data.get("fee_due", False)),
            held_session=held if isinstance(held, int) else None,
            **{key: str(data.get(key) or "") for key in _BILLING},
        )


@dataclass(frozen=True)
class Cancellation:
    """A cohort the coordinator cancelled (SPEC §8 "cancelled stays cancelled").

    ``members`` were in it when it was cancelled ``on`` that day, for ``reason``
    (the coordinator's words, or the default, in the program's language). They
    wait until the coordinator asks for them: ``fill``, or a re-plan with
    ``--reopen`` (``reopened``: the day of that re-plan). The record is history:
    every later plan keeps it.
    """

    cohort: str
    on: date
    reason: str
    members: tuple[str, ...]
    facilitator: str | None = None
    reopened: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """As ``plan.json`` lists it under ``objective.cancelled``."""
        return {
            "cohort": self.cohort,
            "on": self.on.isoformat(),
            "reason": self.reason,
            "members": list(self.members),
            "facilitator": self.facilitator,
            "reopened": None if self.reopened is None else self.reopened.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cancellation:
        """Read one record of ``objective.cancelled``."""
        reopened = data.get("reopened")
        facilitator = data.get("facilitator")
        return cls(
            cohort=str(data["cohort"]),
            on=date.fromisoformat(data["on"]),
            reason=str(data.get("reason", "")),
            members=tuple(str(m) for m in data.get("members", ()) or ()),
            facilitator=None if facilitator is None else str(facilitator),
            reopened=None if reopened is None else date.fromisoformat(reopened),
        )


@dataclass(frozen=True)
class History:
    """What a plan carries from before it was made (SPEC §5).

    ``held_before``: sessions before this date were held when the plan was
    made (a re-plan), so availability entered later is not held against them;
    ``withdrawals``: who left; ``retired_cohorts``: ids whose calendar UIDs
    were published and must never be used again; ``cancelled``: the cohorts
    the coordinator cancelled, who was in them, when and why.
    """

    held_before: date | None = None
    withdrawals: tuple[Withdrawal, ...] = ()
    retired_cohorts: tuple[str, ...] = ()
    cancelled: tuple[Cancellation, ...] = ()

    def waiting_since_cancelled(self) -> dict[str, Cancellation]:
        """Per person, the latest cancellation not reopened that they were in: whom a
        re-plan keeps out until the coordinator asks (``fill``, ``--reopen``)."""
        out: dict[str, Cancellation] = {}
        for record in sorted(self.cancelled, key=lambda r: r.on):
            for pid in record.members:
                if record.reopened is None:
                    out[pid] = record
                else:
                    out.pop(pid, None)
        return out

    def shrunk(self) -> set[str]:
        """Cohorts that lost members to withdrawals (they may fall below ``min_size``)."""
        return {w.cohort for w in self.withdrawals if w.cohort}

    def orphaned(self, cohort: str) -> frozenset[int]:
        """Held sessions of ``cohort`` whose case owner withdrew."""
        return frozenset(
            w.held_session for w in self.withdrawals
            if w.cohort == cohort and w.held_session is not None
        )


class LevelStatus(Enum):
    """How the search settled one objective level (:data:`.goals.LEVELS`)."""

    OPTIMAL = "optimal"
    """The search proved that no plan does better."""
    BOUND_REACHED = "bound reached"
    """The plan reaches a bound no plan can pass (everyone placed, no penalty, the
    proven bound on who can be placed): no search was needed to prove it."""
    FEASIBLE = "feasible"
    """A plan, not proved the best: the search ran out of effort first."""
    STOPPED_EARLY = "stopped early"
    """A plan, not proved the best: the time limit (``--time-limit``) ended the search."""

    @property
    def proved(self) -> bool:
        """Whether no plan does better on the level (``plan.json``'s ``proved_optimal``)."""
        return self in (LevelStatus.OPTIMAL, LevelStatus.BOUND_REACHED)


@dataclass(frozen=True)
class PlacedBound:
    """An upper bound on the people any plan can place, and the valid bounds it is the
    least of (``plan.json``'s ``placed_bound`` and ``placed_bound_parts``;
    :mod:`.solver.bound` says how each part is proved).

    >>> PlacedBound(36, {"everyone": 36, "flow": 36}).to_dict()
    {'value': 36, 'binding': 'everyone', 'everyone': 36, 'flow': 36}
    """

    value: int
    parts: dict[str, int] = field(default_factory=dict)
    binding: str = "everyone"

    def to_dict(self) -> dict[str, object]:
        """For ``plan.json`` and the benchmark record."""
        return {"value": self.value, "binding": self.binding, **self.parts}


@dataclass(frozen=True)
class Objective:
    """What the solver reached and proved (``plan.json`` ``objective``, SPEC §4).

    ``values`` holds the other objective levels by their codes
    (:data:`.goals.LEVELS`), in the solver's order (``avoid_hits``,
    ``irregular_sessions``, ``balance``, and on a re-plan ``moved_sessions`` and
    ``changed_memberships``); ``proved_optimal`` whether each level (``placed``
    too) is proved.

    ``status`` says how the search settled each level and ``runtime`` how many
    seconds it took. ``plan.json`` keeps neither (a plan folder is the same bytes
    whatever the machine's speed): read back, ``status`` is said again from
    ``proved_optimal`` and ``stopped_early`` (a proved level is
    :attr:`LevelStatus.OPTIMAL`) and ``runtime`` is None. Neither takes part in
    comparing objectives.
    """

    placed: int = 0
    registered: int = 0
    optimal: bool | None = None  # None: not planned by the solver (a plan made by hand)
    values: dict[str, Any] = field(default_factory=dict)
    proved_optimal: dict[str, bool] = field(default_factory=dict)
    placed_bound: int | None = None
    placed_bound_parts: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    #: the search was stopped by ``--time-limit``: the best plan found by then
    stopped_early: bool = False
    status: dict[str, LevelStatus] = field(default_factory=dict, compare=False)
    runtime: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.status and self.proved_optimal:
            object.__setattr__(self, "status", {
                level: LevelStatus.OPTIMAL if proved else
                LevelStatus.STOPPED_EARLY if self.stopped_early else LevelStatus.FEASIBLE
                for level, proved in self.proved_optimal.items()})
        elif {k: s.proved for k, s in self.status.items()} != self.proved_optimal:
            raise ValueError("status and proved_optimal disagree")

    @classmethod
    def searched(
        cls, placed: int, registered: int, values: dict[str, int],
        status: dict[str, LevelStatus], bound: PlacedBound | None, seed: int | None,
        stopped_early: bool, runtime: float | None = None,
    ) -> Objective:
        """The objective of a plan the solver made: ``values`` and ``status`` by level
        code (``placed`` among them)."""
        placed_status = status.get(PLACED.code)
        return cls(
            placed=placed, registered=registered,
            optimal=placed_status is not None and placed_status.proved,
            values={k: v for k, v in values.items() if k != PLACED.code},
            proved_optimal={k: s.proved for k, s in status.items()},
            placed_bound=None if bound is None else bound.value,
            placed_bound_parts={} if bound is None else bound.to_dict(),
            seed=seed, stopped_early=stopped_early, status=dict(status), runtime=runtime,
        )

    @property
    def bound(self) -> PlacedBound | None:
        """The bound on who can be placed, typed (None when the plan states none)."""
        if self.placed_bound is None:
            return None
        parts = {k: int(v) for k, v in self.placed_bound_parts.items()
                 if k not in ("value", "binding")}
        return PlacedBound(self.placed_bound, parts,
                           str(self.placed_bound_parts.get("binding", "everyone")))

    def value(self, level: str) -> Any:
        """A level's value by its name (``placed`` or one of :attr:`values`), or None."""
        return self.placed if level == PLACED.code else self.values.get(level)

    def restated(self, placed: int, registered: int, bound: int | None) -> Objective:
        """The objective of a plan that a change made, not the solver (SPEC §8).

        ``placed`` and ``registered`` are counted again; ``bound`` (a bound
        still valid for the changed input) is capped at ``registered`` and
        dropped when the plan places more than it (the plan was made outside
        what the bound reasons about, e.g. a session added by ``fill``); no
        level is claimed optimal any more: nobody searched this plan.
        """
        parts = dict(self.placed_bound_parts)
        if bound is not None and bound > registered:
            bound = registered
            parts.update(value=bound, binding="registered")
        if bound is not None and placed > bound:
            bound = None
        if bound is None:
            parts = {}
        elif parts.get("value", bound) != bound:
            parts["value"] = bound
        return replace(
            self, placed=placed, registered=registered, optimal=None, proved_optimal={},
            placed_bound=bound, placed_bound_parts=parts, status={}, runtime=None,
        )


_OBJECTIVE_KEYS = ("placed", "registered", "optimal", "proved_optimal", "placed_bound",
                   "placed_bound_parts", "seed", "history_before", "retired_cohorts",
                   "withdrawals", "cancelled", "stopped_early")


def _objective_out(objective: Objective, history: History) -> dict[str, Any]:
    out: dict[str, Any] = {
        "placed": objective.placed,
        "registered": objective.registered,
        "optimal": objective.optimal,
        **objective.values,
        "proved_optimal": dict(objective.proved_optimal),
    }
    if objective.placed_bound is not None:
        out["placed_bound"] = objective.placed_bound
        out["placed_bound_parts"] = dict(objective.placed_bound_parts)
    if objective.seed is not None:
        out["seed"] = objective.seed
    if objective.stopped_early:
        out["stopped_early"] = True
    if history.held_before is not None:
        out["history_before"] = history.held_before.isoformat()
    if history.retired_cohorts:
        out["retired_cohorts"] = list(history.retired_cohorts)
    if history.withdrawals:
        out["withdrawals"] = [w.to_dict() for w in history.withdrawals]
    if history.cancelled:
        out["cancelled"] = [c.to_dict() for c in history.cancelled]
    return out


def _objective_in(data: dict[str, Any]) -> tuple[Objective, History]:
    bound = data.get("placed_bound")
    seed = data.get("seed")
    held = data.get("history_before")
    objective = Objective(
        placed=int(data.get("placed", 0)),
        registered=int(data.get("registered", 0)),
        optimal=None if data.get("optimal") is None else bool(data["optimal"]),
        values={k: v for k, v in data.items() if k not in _OBJECTIVE_KEYS},
        proved_optimal=dict(data.get("proved_optimal", {})),
        placed_bound=None if bound is None else int(bound),
        placed_bound_parts=dict(data.get("placed_bound_parts", {})),
        seed=None if seed is None else int(seed),
        stopped_early=bool(data.get("stopped_early", False)),
    )
    history = History(
        held_before=date.fromisoformat(held) if isinstance(held, str) else None,
        withdrawals=tuple(Withdrawal.from_dict(w) for w in data.get("withdrawals", []) or []),
        retired_cohorts=tuple(str(c) for c in data.get("retired_cohorts", []) or []),
        cancelled=tuple(Cancellation.from_dict(c) for c in data.get("cancelled", []) or []),
    )
    return objective, history


@dataclass(frozen=True)
class Plan:
    """A complete plan for one program."""

    program: str
    cohorts: tuple[Cohort, ...]
    unplaced: tuple[Unplaced, ...] = ()
    objective: Objective = field(default_factory=Objective)
    timezone: str = "Europe/Stockholm"
    history: History = field(default_factory=History)

    def cohort(self, cid: str) -> Cohort:
        """The cohort with id ``cid`` (KeyError if none)."""
        for c in self.cohorts:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def cohort_of(self, pid: str) -> Cohort | None:
        """The cohort whose members include ``pid``, if any."""
        for c in self.cohorts:
            if pid in c.members:
                return c
        return None

    def day_of(self, session: Session) -> date:
        """The local date of ``session`` in the plan's time zone."""
        return session.start.astimezone(ZoneInfo(self.timezone)).date()

    @property
    def placed(self) -> int:
        """Number of placed participants."""
        return sum(len(c.members) for c in self.cohorts)

    def restated(self, registered: int, looser: int = 0) -> Plan:
        """This plan, made by a change, with its objective counted again
        (:meth:`Objective.restated`): ``registered`` people are in the program now;
        ``looser``: how many of them the change let the rules treat more freely
        than before (each may add one to the bound)."""
        bound = self.objective.placed_bound
        if bound is not None:
            bound += looser
        objective = self.objective.restated(self.placed, registered, bound)
        return replace(self, objective=objective)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (SPEC §4 field names)."""
        return {
            "format": FORMAT_VERSION,
            "program": self.program,
            "timezone": self.timezone,
            "cohorts": [
                {
                    "id": c.id,
                    "facilitator": c.facilitator,
                    "venue": c.venue,
                    "members": list(c.members),
                    "cancellation_deadline": c.cancellation_deadline.isoformat(),
                    "sessions": [
                        {
                            "index": s.index,
                            "start": s.start.isoformat(),
                            "end": s.end.isoformat(),
                            "case_owner": s.case_owner,
                            "venue": s.venue,
                            "uid": s.uid,
                            "sequence": s.sequence,
                            **({"absent": list(s.absent)} if s.absent else {}),
                            **({"replies": dict(s.replies)} if s.replies else {}),
                            **({"facilitator": s.facilitator}
                               if s.facilitator and s.facilitator != c.facilitator else {}),
                        }
                        for s in c.sessions
                    ],
                }
                for c in self.cohorts
            ],
            "unplaced": [{"participant": u.participant, "reason": u.reason} for u in self.unplaced],
            "objective": _objective_out(self.objective, self.history),
        }

    def to_json(self) -> str:
        """Stable, human-readable JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "plan.json") -> Plan:
        """Read a plan from JSON data; raises InputError naming the bad key."""
        try:
            cohorts = []
            for ci, c in enumerate(data["cohorts"]):
                where = f"cohorts[{ci}]"
                sessions = []
                lead = str(c["facilitator"])
                for si, s in enumerate(c["sessions"]):
                    swhere = f"{where}.sessions[{si}]"
                    start = _aware(s["start"], source, f"{swhere}.start")
                    end = _aware(s["end"], source, f"{swhere}.end")
                    sessions.append(
                        Session(
                            index=int(s["index"]),
                            start=start,
                            end=end,
                            case_owner=s.get("case_owner"),
                            venue=s.get("venue"),
                            uid=str(s["uid"]),
                            sequence=int(s.get("sequence", 0)),
                            absent=tuple(str(a) for a in s.get("absent", ())),
                            replies=_replies(s.get("replies"), source, f"{swhere}.replies"),
                            facilitator=_other(s.get("facilitator"), lead),
                        )
                    )
                cohorts.append(
                    Cohort(
                        id=str(c["id"]),
                        facilitator=lead,
                        venue=c.get("venue"),
                        members=tuple(str(m) for m in c["members"]),
                        cancellation_deadline=date.fromisoformat(c["cancellation_deadline"]),
                        sessions=tuple(sessions),
                    )
                )
            unplaced = tuple(
                Unplaced(str(u["participant"]), str(u.get("reason", "")))
                for u in data.get("unplaced", [])
            )
            objective, history = _objective_in(dict(data.get("objective", {})))
            return cls(
                program=str(data["program"]),
                cohorts=tuple(cohorts),
                unplaced=unplaced,
                objective=objective,
                timezone=str(data.get("timezone", "Europe/Stockholm")),
                history=history,
            )
        except KeyError as exc:
            raise InputError(source, None, said("missing key {key}",
                                                         key=repr(exc.args[0]))) from None
        except (TypeError, ValueError) as exc:
            raise InputError(source, None, said("malformed plan: {problem}",
                                                         problem=str(exc))) from None

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read ``plan.json`` from a file."""
        path = Path(path)
        return cls.from_dict(read_json(path, said("file not found")), source=str(path))


REPLY_ANSWERS = ("ACCEPTED", "TENTATIVE")
"""The answers a session keeps in :attr:`Session.replies` (a decline is an absence)."""


def _replies(data: object, source: str, where: str) -> tuple[tuple[str, str], ...]:
    """``{"p001": "ACCEPTED", ...}`` as sorted pairs; anything else is an InputError."""
    if data is None:
        return ()
    if not isinstance(data, dict) or any(v not in REPLY_ANSWERS for v in data.values()):
        raise InputError(source, where, said(
            "expected {{person: \"ACCEPTED\" or \"TENTATIVE\"}}"))
    return tuple(sorted((str(k), str(v)) for k, v in data.items()))


def _other(fid: object, cohort_facilitator: str) -> str | None:
    """A session's own facilitator, None when it is the cohort's."""
    return None if fid is None or str(fid) == cohort_facilitator else str(fid)


def _aware(text: str, source: str, where: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise InputError(source, where, said("{value} has no UTC offset",
                                                   value=repr(text)))
    return value


UID_DOMAIN = "backstage-sched"


@enforces(UID)
def uid_for(program_id: str, cohort_id: str, index: int) -> str:
    """The deterministic calendar UID of session ``index`` of a cohort."""

    def safe(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"

    return f"{safe(program_id)}-{safe(cohort_id)}-s{int(index)}@{UID_DOMAIN}"
