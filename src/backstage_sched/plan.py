"""The result of planning: cohorts, sessions, unplaced people; JSON in and out.

Field names follow SPEC §4 exactly (``plan.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import InputError
from .rules import UID, enforces

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

    @property
    def number(self) -> int:
        """The number a person reads and types: 1 for the kick-off, ``index + 1``."""
        return self.index + 1


@dataclass(frozen=True)
class Cohort:
    """A group of members with one facilitator and n + 1 sessions."""

    id: str
    facilitator: str
    venue: str | None
    members: tuple[str, ...]
    cancellation_deadline: date
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Unplaced:
    """A participant who got no cohort, and why."""

    participant: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A complete plan for one program."""

    program: str
    cohorts: tuple[Cohort, ...]
    unplaced: tuple[Unplaced, ...] = ()
    objective: dict[str, Any] = field(default_factory=dict)
    timezone: str = "Europe/Stockholm"

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

    @property
    def placed(self) -> int:
        """Number of placed participants."""
        return sum(len(c.members) for c in self.cohorts)

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
                        }
                        for s in c.sessions
                    ],
                }
                for c in self.cohorts
            ],
            "unplaced": [{"participant": u.participant, "reason": u.reason} for u in self.unplaced],
            "objective": dict(self.objective),
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
                        )
                    )
                cohorts.append(
                    Cohort(
                        id=str(c["id"]),
                        facilitator=str(c["facilitator"]),
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
            return cls(
                program=str(data["program"]),
                cohorts=tuple(cohorts),
                unplaced=unplaced,
                objective=dict(data.get("objective", {})),
                timezone=str(data.get("timezone", "Europe/Stockholm")),
            )
        except KeyError as exc:
            raise InputError(source, None, f"missing key {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise InputError(source, None, f"malformed plan: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read ``plan.json`` from a file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(str(path), None, "file not found") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(str(path), None, f"not readable JSON: {exc}") from None
        return cls.from_dict(data, source=str(path))


def _aware(text: str, source: str, where: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise InputError(source, where, f"{text!r} has no UTC offset")
    return value


UID_DOMAIN = "backstage-sched"


@enforces(UID)
def uid_for(program_id: str, cohort_id: str, index: int) -> str:
    """The deterministic calendar UID of session ``index`` of a cohort."""

    def safe(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"

    return f"{safe(program_id)}-{safe(cohort_id)}-s{int(index)}@{UID_DOMAIN}"
