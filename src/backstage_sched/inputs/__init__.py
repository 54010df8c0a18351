"""Stage 1, input files to a validated :class:`~backstage_sched.domain.Program`.

Time expressions (:mod:`.timeexpr`), working days and start times
(:mod:`.workdays`), busy calendars (:mod:`.busy`), the TOML/CSV loader and the
program snapshot (:mod:`.load`), and the starting templates (:mod:`.templates`).
Nothing here solves, checks or writes a plan.
"""
