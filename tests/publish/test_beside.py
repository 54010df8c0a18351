"""Work made beside the rest (publish/beside.py): the same result, errors and cleanup."""

from __future__ import annotations

import os
import sys
import time

import pytest

from backstage_sched.publish.beside import Beside

linux = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


@linux
def test_the_result_is_made_in_another_process() -> None:
    here = os.getpid()
    work = Beside(lambda: (os.getpid(), b"\x00" * 300_000))  # more than a pipe holds
    pid, data = work.result()
    assert pid != here
    assert data == b"\x00" * 300_000


def test_a_failure_in_the_child_is_raised_here() -> None:
    def fail() -> bytes:
        raise ValueError("no such sheet")

    work = Beside(fail)
    with pytest.raises(ValueError, match="no such sheet"):
        work.result()


@linux
def test_close_stops_a_child_still_at_work() -> None:
    work = Beside(lambda: time.sleep(60))
    pid = work._pid
    started = time.monotonic()
    work.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more


def test_without_a_process_to_spare_the_work_is_done_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    here = os.getpid()
    work = Beside(os.getpid)
    assert work.result() == here
    work.close()
