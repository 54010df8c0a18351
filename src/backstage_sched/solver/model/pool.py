"""Candidate series: every regular run of dates a cohort could take, and who fits each.

A *series* is a facilitator, a start time and its session days: the
kick-off, then the same weekday every 28 days (else 35, else 29–34,
stretched across a blackout), on days the facilitator is open
(:meth:`.coordinator.Diary.chains`); and for each later session a variant
taken one step further, as a member's absence that day would force. When the
program has rooms, also the same weekday every 4 and every 5 weeks counted
without blackouts: a room is shared by every facilitator, and every 5 weeks
its starts hold a quarter more cohorts side by side than every 4, while
series that keep their week across the summer do not all meet again in the
first week after it. A cohort of ``n`` members uses the first ``n + 1`` days
of its series.

Who fits which series is ``prefix[p, s]``: how many leading sessions of
series ``s`` person ``p`` can come to. Person ``p`` may sit in a cohort of
``n`` on ``s`` exactly when ``prefix[p, s] >= n + 1``. Facilitators who work
the same days have series of the same dates and start time (a *run*), so it
is kept once per run: ``prefix[p, s]`` is ``fit[p, run[s]]`` (at 1 200 people,
an eighth of the memory). Both the coordinator's method and the neighbourhood
search read the pool.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .diary import Diary
from .instance import Instance

_TRAILING = np.array([(b ^ (b + 1)).bit_length() - 1 for b in range(256)], dtype=np.int8)
"""The number of leading ones (low bits first) of each byte."""


class Prefix:
    """``prefix[p, s]`` (any numpy index of people, then series) read as
    ``fit[p, run[s]]``: how many leading sessions of series ``s`` person ``p`` can
    come to, stored once per run of dates."""

    def __init__(self, fit: np.ndarray, run: np.ndarray) -> None:
        self.fit = fit
        self.run = run

    def __getitem__(self, key: Any) -> Any:
        people, series = key if isinstance(key, tuple) else (key, slice(None))
        return self.fit[people, self.run[series]]


class SeriesPool:
    """The candidate series of an instance: ``fac[s]``, ``slot[s]``, ``days[s, i]``
    (day indexes, -1 where the series stops short) and ``prefix[p, s]``
    (:class:`Prefix`)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.diary = diary = Diary(inst)
        groups = inst.program.groups
        self.longest = longest = groups.max_size + 1
        rhythms = [(0, 28), (0, 35)] if inst.program.venues else []
        facs, slots, days = [], [], []
        seen: set[tuple[int, int, tuple[int, ...]]] = set()
        for f in range(len(inst.facilitators)):
            allowed = diary.grid(inst.facilitator_open[f])
            for skip, step in [(k, None) for k in range(longest)] + rhythms:
                starts, chains = diary.chains(allowed, longest, skip, step)
                long_enough = (chains >= 0).sum(axis=1) >= groups.min_size + 1
                for (_, slot), chain in zip(starts[long_enough], chains[long_enough],
                                            strict=True):
                    key = (f, int(slot), tuple(chain.tolist()))
                    if key not in seen:
                        seen.add(key)
                        facs.append(f)
                        slots.append(int(slot))
                        days.append(chain)
        self.fac = np.array(facs, dtype=np.int64)
        self.slot = np.array(slots, dtype=np.int64)
        self.days = np.array(days, dtype=np.int64).reshape(len(days), longest)
        self.index = {(int(f), int(s), tuple(d.tolist())): n
                      for n, (f, s, d) in enumerate(zip(self.fac, self.slot, self.days,
                                                        strict=True))}
        runs, run = np.unique(self.cells(self.days, self.slot), axis=0, return_inverse=True)
        self.runs = {tuple(r.tolist()): n for n, r in enumerate(runs)}
        self.prefix = Prefix(self.fits(runs), run.ravel())

    def __len__(self) -> int:
        return len(self.fac)

    def cells(self, days: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Each series' sessions (``days`` rows, ``slot`` each) as cells of the flattened
        [day index, slot] grid; a session it does not have is the extra cell past it."""
        inst = self.inst
        never = inst.n_days * inst.n_slots
        return np.where(days >= 0, days * inst.n_slots + slot[:, None], never)

    def fits(self, cells: np.ndarray) -> np.ndarray:
        """[p, r]: how many leading sessions of each run of dates ``cells`` (rows of
        cells of the flattened [day index, slot] grid; the extra cell past it is
        never open) each person can come to."""
        inst = self.inst
        out = np.zeros((len(inst.participants), len(cells)), dtype=np.int8)
        if not len(cells):
            return out
        for p in range(len(inst.participants)):
            grid = np.append(self.diary.grid(inst.participant_open[p]).ravel(), False)
            packed = np.packbits(grid[cells], axis=1, bitorder="little")
            count = _TRAILING[packed[:, 0]]
            whole = packed[:, 0] == 255
            for b in range(1, packed.shape[1]):  # series of more than 8 sessions
                count = np.where(whole, count + _TRAILING[packed[:, b]], count)
                whole &= packed[:, b] == 255
            out[p] = count
        return out

    def find(self, f: int, slot: int, days: list[int]) -> int:
        """The series of facilitator ``f`` at ``slot`` whose leading days are ``days``,
        added to the pool when no candidate has them (an irregular cohort's dates)."""
        key = (f, slot, tuple(days) + (-1,) * (self.longest - len(days)))
        if key in self.index:
            return self.index[key]
        for n in np.flatnonzero((self.fac == f) & (self.slot == slot)):
            if self.days[n, : len(days)].tolist() == list(days):
                return int(n)  # the regular continuation of those days
        row = np.array([key[2]], dtype=np.int64)
        found = self.cells(row, np.array([slot]))
        cells = tuple(found[0].tolist())
        if cells not in self.runs:
            self.runs[cells] = self.prefix.fit.shape[1]
            self.prefix.fit = np.hstack([self.prefix.fit, self.fits(found)])
        self.prefix.run = np.append(self.prefix.run, self.runs[cells])
        self.fac = np.append(self.fac, f)
        self.slot = np.append(self.slot, slot)
        self.days = np.vstack([self.days, row])
        self.index[key] = len(self.fac) - 1
        return len(self.fac) - 1
