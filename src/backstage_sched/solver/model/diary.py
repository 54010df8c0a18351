"""The diary of a plan being made: which starts each facilitator and room can still take.

Shared by the constructions (:mod:`.coordinator`), the candidate series
(:mod:`.pool`) and the polish (:mod:`.regular`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np

from .instance import Instance


class Diary:
    """Who leads how many cohorts, and at which starts each facilitator and room can
    take no further session: as sets of ``day * n_slots + slot`` values and as
    boolean grids ``[day index, slot]`` (True: taken)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        program = inst.program
        g = self.g = inst.n_slots
        cal = inst.calendar
        self.duration = program.sessions.duration_minutes
        self.load = [0] * len(inst.facilitators)
        self.held: list[dict[int, int]] = [{} for _ in inst.facilitators]  # day -> sessions
        shape = (inst.n_days, g)
        self.fac_blocked: list[set[int]] = [set() for _ in inst.facilitators]
        self.room_blocked: list[set[int]] = [set() for _ in program.venues]
        self.fac_grid = [np.zeros(shape, dtype=bool) for _ in inst.facilitators]
        self.room_grid = [np.zeros(shape, dtype=bool) for _ in program.venues]
        self._minutes = cal.slot_minutes
        # the gap window of each day: the next session's day index lies in [lo, hi)
        rules = program.sessions
        cal_no, eff_no = cal.calendar_number, cal.effective_number
        lo = [bisect_left(cal_no, c + rules.min_gap_days) for c in cal_no]
        self._lo = np.array([*lo, len(cal_no)])
        self._hi = np.array([*(bisect_right(eff_no, e + rules.max_gap_days) for e in eff_no), 0])
        self._eff_no = eff_no
        self._lo_step: dict[int, np.ndarray] = {}
        self.weekday = np.array([c % 7 for c in cal_no])  # counted from the first day's
        self._grids: dict[frozenset[int] | None, np.ndarray] = {}

    def grid(self, allowed: frozenset[int] | None) -> np.ndarray:
        """``allowed`` (``when`` values; None: all) as a boolean grid [day index, slot]."""
        if allowed not in self._grids:
            g = self.g
            grid = np.ones((self.inst.n_days, g), dtype=bool)
            if allowed is not None:
                grid[:] = False
                index = self.inst.calendar_index
                for w in allowed:
                    grid[index[w // g], w % g] = True
            self._grids[allowed] = grid
        return self._grids[allowed]

    def _block(
        self, blocked: set[int], grid: np.ndarray, day: int, minute: int, reach: int
    ) -> None:
        """Block the starts of ``day`` less than ``reach`` minutes from ``minute``."""
        i = self.inst.calendar_index.get(day)
        for s, other in enumerate(self._minutes):
            if abs(other - minute) < reach:
                blocked.add(day * self.g + s)
                if i is not None:
                    grid[i, s] = True

    def book(self, f: int, room: int | None, sessions: list[tuple[int, int]],
             new_cohort: bool = True) -> None:
        """Record dated sessions (calendar day, slot) of a cohort of facilitator ``f`` in
        ``room``; ``new_cohort``: they start a cohort (it counts in ``f``'s load)."""
        program = self.inst.program
        fac = self.inst.facilitators[f]
        gap = self.duration + program.buffer(fac)
        self.load[f] += new_cohort
        for c, slot in sessions:
            minute = self._minutes[slot]
            self.held[f][c] = self.held[f].get(c, 0) + 1
            if self.held[f][c] >= program.sessions_per_day(fac):
                self.fac_blocked[f].update(c * self.g + s for s in range(self.g))
                self.fac_grid[f][self.inst.calendar_index[c], :] = True
            self._block(self.fac_blocked[f], self.fac_grid[f], c, minute, gap)
            if room is not None:
                self._block(self.room_blocked[room], self.room_grid[room], c, minute,
                            self.duration)

    def next_days(self, d: int) -> range:
        """The day indexes a session on day index ``d`` may be followed by (the gap
        rule)."""
        return range(int(self._lo[d]), max(int(self._lo[d]), int(self._hi[d])))

    def lo_step(self, step: int) -> np.ndarray:
        """Per day index, the first day index at least ``step`` days later not counting
        blackout days (and at least the minimum gap in calendar days)."""
        if step not in self._lo_step:
            eff_no = self._eff_no
            first = np.array([bisect_left(eff_no, e + step) for e in eff_no] + [len(eff_no)])
            self._lo_step[step] = np.maximum(first, self._lo)
        return self._lo_step[step]

    def chains(
        self, allowed: np.ndarray, need: int, skip: int = 0, step: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every start ``(day index, slot)`` open in ``allowed``, in (day, slot) order,
        and the day indexes of its chain of ``need`` sessions as
        :func:`.chains.chain_days` builds it (-1 where the chain stops short).

        The same rule, for all starts at once: each next session is the earliest
        open day in the gap window on the kick-off's weekday, else on the previous
        session's weekday, else any. With ``skip`` = k > 0, session k is the next
        such day after the first choice, as if that day were closed. With ``step``
        (days, blackouts not counted) each next session is the earliest open day
        on the kick-off's weekday at least ``step`` days on, else the latest such
        day the gap rule allows, else as above: a rhythm of 4 or 5 weeks that keeps
        its place in the weeks across a blackout.
        """
        n, g = allowed.shape
        order = np.arange(n)[:, None]

        def next_open(grid: np.ndarray) -> np.ndarray:
            """[k, slot]: the first day index >= k open in ``grid`` (n: none)."""
            where = np.where(grid, order, n)
            first = np.minimum.accumulate(where[::-1], axis=0)[::-1]
            return np.vstack([first, np.full((2, g), n)])

        def last_open(grid: np.ndarray) -> np.ndarray:
            """[k, slot]: the last day index <= k open in ``grid`` (-1: none)."""
            return np.vstack([np.maximum.accumulate(np.where(grid, order, -1), axis=0),
                              np.full((1, g), -1)])

        weekday = self.weekday
        any_day = next_open(allowed)
        on_day = np.stack([next_open(allowed & (weekday == w)[:, None]) for w in range(7)])
        if step is not None:
            before = np.stack([last_open(allowed & (weekday == w)[:, None]) for w in range(7)])
        starts = np.argwhere(allowed)
        cur, slot = starts[:, 0], starts[:, 1]
        kick = weekday[cur]
        days = np.full((len(starts), need), -1)
        days[:, 0] = cur
        alive = np.ones(len(starts), dtype=bool)

        def choose(lo: np.ndarray, hi: np.ndarray, prev: np.ndarray) -> np.ndarray:
            a = on_day[kick, lo, slot]
            if step is not None:  # ``step`` on, else the last such day the gap allows
                late = on_day[kick, self.lo_step(step)[prev], slot]
                last = before[kick, hi - 1, slot]
                late = np.where(late < hi, late, np.where(last >= lo, last, n))
                a = np.where(late < hi, late, a)
            b = on_day[weekday[prev], lo, slot]
            c = any_day[lo, slot]
            return np.where(a < hi, a, np.where(b < hi, b, np.where(c < hi, c, -1)))

        for k in range(1, need):
            lo, hi = self._lo[cur], self._hi[cur]
            nxt = choose(lo, hi, cur)
            if k == skip:
                nxt = np.where(nxt >= 0, choose(np.maximum(nxt, 0) + 1, hi, cur), -1)
            alive &= nxt >= 0
            cur = np.where(alive, nxt, cur)
            days[:, k] = np.where(alive, nxt, -1)
        return starts, days
