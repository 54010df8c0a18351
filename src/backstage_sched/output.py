"""Write a plan folder atomically: plan.json, input.json, calendars, overview, costs."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from .changes import CHANGES, OUTBOX, Outbox, first_outbox
from .domain import Program
from .errors import InputError
from .ical import write_calendars
from .load import program_from_dict, program_to_dict
from .plan import Plan
from .report import costs_csv, costs_excel_csv, overview_html

INPUT_SNAPSHOT = "input.json"


def default_stamp(program: Program) -> datetime:
    """DTSTAMP when none is asked for: midnight UTC on the program's first day.

    Derived from the input, never from the wall clock, so two runs give the
    same bytes.
    """
    return datetime.combine(program.start, datetime.min.time(), tzinfo=UTC)


def update_stamp(program: Program, today: date) -> datetime:
    """DTSTAMP for the files of a change made on ``today``: midnight UTC that day,
    never earlier than :func:`default_stamp`, so updates carry a later stamp."""
    return max(default_stamp(program), datetime.combine(today, time(), tzinfo=UTC))


def write_plan_dir(
    program: Program,
    plan: Plan,
    out: str | Path,
    stamp: datetime | None = None,
    sending: Outbox | None = None,
    changes: str | None = None,
) -> Path:
    """Write every output file of ``plan`` into ``out``, replacing it atomically.

    ``sending`` is what must be sent (default: every invitation, for a new
    plan); it becomes ``outbox.json`` plus its cancellation files. ``changes``
    is a readable diff, written to ``changes.txt``. Files are first written to
    a sibling temporary folder; only when all of them are written is ``out``
    swapped for it, so a failure leaves an earlier ``out`` as it was.
    Leftovers of runs killed earlier are cleaned up first (see
    :func:`clean_stale_temps`).
    """
    out = Path(out)
    stamp = stamp or default_stamp(program)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        (tmp / "plan.json").write_text(plan.to_json(), encoding="utf-8")
        snapshot = json.dumps(program_to_dict(program), indent=2, ensure_ascii=False)
        (tmp / INPUT_SNAPSHOT).write_text(snapshot + "\n", encoding="utf-8")
        write_calendars(program, plan, tmp, stamp)
        (tmp / "overview.html").write_text(overview_html(program, plan), encoding="utf-8")
        with open(tmp / "costs.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write(costs_csv(program, plan))
        (tmp / "costs-excel.csv").write_bytes(costs_excel_csv(program, plan))
        sending = sending if sending is not None else first_outbox(program, plan)
        for rel, data in sorted(sending.files.items()):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        (tmp / OUTBOX).write_text(sending.to_json(program.id), encoding="utf-8")
        if changes is not None:
            (tmp / CHANGES).write_text(changes, encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (POSIX); True when it cannot be told."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would signal the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, under another user
        return True
    return True


def clean_stale_temps(out: str | Path) -> list[Path]:
    """Remove the sibling temp folders of ``out`` left by killed runs; return them.

    Only folders named like this module names them (``.<name>.tmp-<pid>-*``
    and ``.<name>.old-<pid>``) whose process no longer runs are touched. An
    ``.old`` folder is the previous ``out`` of a run killed between its two
    renames: when ``out`` is missing it is moved back into place, not removed.
    On systems other than POSIX nothing is removed.
    """
    out = Path(out)
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-(\d+)(-.*)?")
    handled: list[Path] = []
    if not out.parent.is_dir():
        return handled
    for entry in sorted(out.parent.iterdir()):
        m = pattern.fullmatch(entry.name)
        if m is None or not entry.is_dir() or entry.is_symlink():
            continue
        pid = int(m.group(2))
        if pid == os.getpid() or _pid_alive(pid):
            continue
        if m.group(1) == "old" and not out.exists():
            os.replace(entry, out)
        else:
            shutil.rmtree(entry, ignore_errors=True)
        handled.append(entry)
    return handled


def _swap(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_plan_dir(path: str | Path) -> tuple[Program, Plan]:
    """Read back ``plan.json`` and the input snapshot of a plan folder."""
    path = Path(path)
    plan = Plan.load(path / "plan.json")
    snap = path / INPUT_SNAPSHOT
    try:
        data = json.loads(snap.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(snap), None, "file not found (is this a plan folder?)") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(snap), None, f"not readable JSON: {exc}") from None
    return program_from_dict(data, source=str(snap)), plan
