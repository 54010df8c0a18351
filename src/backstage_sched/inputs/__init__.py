"""Stage 1, input files to a validated :class:`~backstage_sched.domain.Program`.

Time expressions (:mod:`.timeexpr`), working days and start times
(:mod:`.workdays`), busy calendars (:mod:`.busy`), the loader (:mod:`.load`)
with its settings tables (:mod:`.tables`), participants (:mod:`.people`) and
single values (:mod:`.values`), the program snapshot (:mod:`.snapshot`), and the
starting templates (:mod:`.templates`).
Nothing here solves, checks or writes a plan.
"""
