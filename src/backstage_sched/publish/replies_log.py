"""``replies.json``: the e-mails a plan folder has read back, and what waits for the coordinator.

``replies`` (SPEC §11) keeps every Message-ID it read, so reading the same
mailbox again changes nothing; and it lists what it did not apply — a COUNTER
(another time proposed) and a decline whose case turn cannot move — for the
coordinator. Every later folder of the chain carries the file over
(:func:`~backstage_sched.publish.folder.write_plan_dir` with ``previous``).
A machine file: English field names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..said import said

REPLIES = "replies.json"


@dataclass(frozen=True)
class RepliesLog:
    """What ``replies.json`` holds: ``read`` Message-IDs (sorted) and ``listed`` records
    (dicts with ``kind`` ``counter`` or ``decline``, the message, the person, the cohort,
    the session number and ``proposed_start``/``proposed_end`` or ``reason``)."""

    read: tuple[str, ...] = ()
    listed: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> str:
        data = {"format": 1, "read": sorted(set(self.read)), "listed": list(self.listed)}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    def __bool__(self) -> bool:
        return bool(self.read or self.listed)


def read_replies_log(folder: str | Path) -> RepliesLog:
    """``folder``'s ``replies.json``; an empty log when it has none."""
    path = Path(folder) / REPLIES
    if not path.is_file():
        return RepliesLog()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        read = tuple(str(k) for k in data.get("read", []))
        listed = tuple(dict(r) for r in data.get("listed", []))
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(str(path), None, said(
            "not a readable replies file: {problem}", problem=str(exc))) from None
    return RepliesLog(read, listed)
