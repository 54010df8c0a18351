"""Work done beside the rest: in a forked process, on the machine's other core.

Writing a plan folder renders calendars, pages and two workbooks; the workbooks
need nothing the rest makes, and Python renders on one core at a time. On Linux
they are made in a child process forked from this one (it sees the program and
the plan as they are, copying nothing), while this process goes on; the bytes
come back through a pipe. Elsewhere, or when the child fails, the work is done
here when its result is asked for (also when no process can be started), so the
result, and any error, is the same.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from contextlib import suppress
from typing import Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """``work`` under way in a forked child (Linux), its result given by :meth:`result`.

    The child only computes and writes the pickled result to a pipe; it never
    prints, never flushes what this process buffered, and leaves with
    :func:`os._exit`. Call :meth:`close` when the result is no longer wanted."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid = 0
        self._read = -1
        if sys.platform != "linux":
            return
        try:
            read, write = os.pipe()
        except OSError:  # no descriptor to spare: made here instead
            return
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of fork beside threads;
                # the child touches no lock another thread may hold (it prints nothing)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no process to spare (a limit, a sandbox): made here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            status = 1
            try:
                warnings.simplefilter("ignore")
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The work's result: the child's, else (no child, or it failed) made here."""
        if not self._pid:
            return self._work()
        with os.fdopen(self._read, "rb") as pipe:
            self._read = -1
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            return self._work()  # raises here what the child met, or succeeds
        found: T = pickle.loads(data)
        return found

    def close(self) -> None:
        """Stop the child if it still runs (its result is not wanted) and reap it."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
