"""Write a plan folder atomically: plan.json, input.json, calendars, overview, costs,
the invoice basis, the group lists."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from ..domain import Program
from ..errors import InputError
from ..inputs.snapshot import program_to_dict, read_snapshot
from ..plan import Plan
from ..said import option, said
from .attendance import attendance_csv
from .beside import Beside
from .changes import CHANGES, OUTBOX, Outbox, first_outbox
from .costs import costs_csv, costs_excel_csv
from .groups import GROUPS_XLSX, groups_xlsx
from .history import MANIFEST, SENT, previous_link, read_manifest, sent_keys, was_sent
from .ical import CalendarReuse, write_calendars
from .invoices import INVOICES_CSV, INVOICES_XLSX, invoices_csv, invoices_xlsx
from .overview import overview_html
from .replies_log import REPLIES, RepliesLog, read_replies_log
from .waitlist import waiting_list, waitlist_csv

INPUT_SNAPSHOT = "input.json"
"""``--out`` replaces a folder only when it carries the manifest
(:data:`~backstage_sched.publish.history.MANIFEST`), holds nothing else than
the files it lists (and what a dry-run ``send`` adds: ``sent-eml/``) and
nothing was sent from it (no ``sent.json``). Any other non-empty folder is the
user's, or history, and is refused."""
_SEND_FILES = re.compile(r"sent\.json|\.sent-[^/]*\.json|sent-eml(/.*)?")
CALENDARS = "calendars"
"""The manifest's record of the calendar files: their content keys and digests, so the
next folder of the chain copies what did not change (:class:`~.ical.CalendarReuse`)."""


WRITERS = 4
"""Threads that create the plan folder's files. Creating a file is mostly waiting on
the file system (on some disks milliseconds a file, with thousands of files), and
a thread that waits lets the others, and the rendering, go on; what each file
holds does not depend on which thread writes it or when."""


BATCH = 16
"""Files a thread is handed at a time (one task per file costs more than its write)."""


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    for path, data in files:
        path.write_bytes(data)


class _Files:
    """The files of a plan folder being written: handed, a few at a time
    (:data:`BATCH`), to a few threads (:data:`WRITERS`) to write while the next are
    rendered. :meth:`wait` returns once every file is written, and raises the first
    error of a write."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = {root}
        self._pool = ThreadPoolExecutor(WRITERS, thread_name_prefix="plan-folder")
        self._batch: list[tuple[Path, bytes]] = []
        self._pending: list[Future[None]] = []
        self.last: dict[str, bytes] = {}
        """Every path handed over (POSIX, relative to the root) and the bytes last
        handed over for it: what the folder will hold."""

    def put(self, rel: str, data: bytes) -> None:
        """Write ``data`` to ``rel`` (a POSIX path below the root; its folders are made).

        A path handed over again is written once every earlier file is, so the
        last bytes stay, as when written one after the other."""
        path = self.root / rel
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        if rel in self.last:
            self.wait()
        self.last[rel] = data
        self._batch.append((path, data))
        if len(self._batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        if batch:
            self._pending.append(self._pool.submit(_write_all, batch))

    def put_text(self, rel: str, text: str, newline: str | None = None) -> None:
        """Write ``text`` in UTF-8 as :func:`open` in text mode would with ``newline``:
        with None each ``\\n`` becomes :data:`os.linesep`, with ``""`` nothing changes."""
        if newline is None and os.linesep != "\n":
            text = text.replace("\n", os.linesep)
        self.put(rel, text.encode("utf-8"))

    def wait(self) -> None:
        """Return when every file handed over is written; raise the first error."""
        self._send()
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        """Wait for the writes under way (never raising) and stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)


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
    previous: str | Path | None = None,
    replies: RepliesLog | None = None,
) -> Path:
    """Write every output file of ``plan`` into ``out``, replacing it atomically.

    ``sending`` is what must be sent (default: every invitation, for a new
    plan); it becomes ``outbox.json`` plus its cancellation files. ``changes``
    is a readable diff, written to ``changes.txt``. ``previous`` is the plan
    folder the plan was made from (a re-plan or a change): the manifest links
    it, so ``send`` never sends again what went out from there. A folder
    that was sent from is never replaced (:func:`check_out_dir`). ``replies`` is what
    ``replies.json`` holds (the e-mails read back); without it the file of
    ``previous`` is carried over, so no change forgets what was read. Files are
    first written to a sibling temporary folder; only when all of them are written
    is ``out`` swapped for it, so a failure leaves an earlier ``out`` as it was.
    Leftovers of runs killed earlier are cleaned up first (see
    :func:`clean_stale_temps`).
    """
    out = Path(out)
    stamp = stamp or default_stamp(program)
    check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    # the workbooks need nothing the rest makes: made beside it, on another core
    books = Beside(lambda: (invoices_xlsx(program, plan, stamp),
                            groups_xlsx(program, plan, stamp)))
    files = _Files(tmp)
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; colleagues must read it
        files.put_text("plan.json", plan.to_json())
        snapshot = json.dumps(program_to_dict(program), indent=2, ensure_ascii=False)
        files.put_text(INPUT_SNAPSHOT, snapshot + "\n")
        reuse = None if previous is None else CalendarReuse.of(
            Path(previous), (read_manifest(Path(previous)) or {}).get(CALENDARS))
        calendars = write_calendars(program, plan, tmp, stamp, reuse, files.put)
        today = stamp.astimezone(ZoneInfo(program.timezone)).date()
        waiting = waiting_list(program, plan, today)
        files.put_text("overview.html", overview_html(program, plan, waiting))
        files.put_text("costs.csv", costs_csv(program, plan), newline="")
        files.put("costs-excel.csv", costs_excel_csv(program, plan))
        files.put(INVOICES_CSV, invoices_csv(program, plan))
        files.put_text("attendance.csv", attendance_csv(program, plan), newline="")
        files.put_text("waitlist.csv", waitlist_csv(program, waiting), newline="")
        sending = sending if sending is not None else first_outbox(program, plan, stamp)
        invoices, groups = books.result()
        files.put(INVOICES_XLSX, invoices)
        files.put(GROUPS_XLSX, groups)
        _check_feeds(files.last, sending)
        for rel, data in sorted(sending.files.items()):
            files.put(rel, data)
        files.put_text(OUTBOX, sending.to_json(program.id))
        if changes is not None:
            files.put_text(CHANGES, changes)
        if replies is None and previous is not None:
            replies = read_replies_log(previous)
        if replies:
            files.put_text(REPLIES, replies.to_json())
        files.wait()
        link = previous_link(out, None if previous is None else Path(previous))
        _write_manifest(tmp, sorted(files.last), program.id, link, calendars)
        check_out_dir(out)  # the folder may have changed while the solver ran
        _swap(tmp, out)
    except BaseException:
        books.close()
        files.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        books.close()
        files.close()
    return out


def _check_feeds(written: dict[str, bytes], sending: Outbox) -> None:
    """Every feed the outbox names is a file the folder holds, with the same bytes
    (and so the same stamp); ``written``: each file's bytes by path."""
    for feed in sending.feeds:
        data = written.get(feed.file)
        if data is None or hashlib.sha256(data).hexdigest() != feed.sha256:
            raise ValueError(
                f"outbox feed {feed.file} differs from the file written; "
                "was the outbox made with another stamp?"
            )


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _tree(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted POSIX paths relative to it."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()
    )


def _write_manifest(folder: Path, files: list[str], program_id: str, previous: str | None,
                    calendars: dict[str, object]) -> None:
    """Write the manifest of ``folder``, which holds ``files`` (sorted POSIX paths)."""
    data: dict[str, object] = {"written_by": "backstage-sched", "program": program_id}
    if previous is not None:
        data["previous"] = previous
    data["files"] = files
    data[CALENDARS] = calendars
    (folder / MANIFEST).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def check_out_dir(out: str | Path) -> None:
    """Refuse ``out`` unless it is missing, empty, or a plan folder this tool wrote.

    A plan folder is recognised by its manifest (:data:`MANIFEST`), and only
    while it holds nothing the manifest does not list (``send``'s own files
    aside). A folder that was sent from (``sent.json``) is history and is
    refused too (SPEC §8). Raises InputError (exit 2) naming the folder and
    what keeps it; nothing is touched.
    """
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise InputError(str(out), "new plan folder",
                         said("exists and is not a folder; choose a new folder"))
    if not any(out.iterdir()):
        return
    if was_sent(out):
        sent = len(sent_keys(out))
        raise InputError(
            str(out), "new plan folder",
            said("e-mail was sent from this plan folder ({file} records {count}), so it is "
                 "history and is never written over; write the new plan to a new folder "
                 "({out} NEW), with this folder as the previous plan ({previous} {plan}) or "
                 "as the one a change starts from ({folder})", file=SENT, count=sent,
                 plan=out / "plan.json", folder=out, out=option("out"),
                 previous=option("previous")),
        )
    hint = said("choose a new folder, e.g. {out} {folder}, or an earlier plan folder to "
                "replace", folder=out / "plan", out=option("out"))
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        listed = set(manifest["files"]) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        shown = ", ".join(sorted(p.name for p in out.iterdir())[:5])
        raise InputError(
            str(out), "new plan folder",
            said("this folder is not a plan folder written by backstage-sched (it holds "
                 "{files}{more}) and is left untouched; {hint}", files=shown,
                 more=", ..." if len(list(out.iterdir())) > 5 else "", hint=hint),
        ) from None
    foreign = [f for f in _tree(out) if f not in listed and not _SEND_FILES.fullmatch(f)]
    if foreign:
        more = said(" and {count} more", count=len(foreign) - 5) if len(foreign) > 5 else ""
        raise InputError(
            str(out), "new plan folder",
            said("this plan folder also holds files backstage-sched did not write "
                 "({files}{more}); replacing it would delete them, so it is left untouched; "
                 "move them out, or {hint}", files=", ".join(foreign[:5]), more=more,
                 hint=hint),
        )


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
    return read_snapshot(path / INPUT_SNAPSHOT), plan
