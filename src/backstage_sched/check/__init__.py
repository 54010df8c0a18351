"""Stage 3, the independent checker: every hard rule judged again from the input.

It imports nothing from :mod:`backstage_sched.solver`, so that a bug in the
model cannot hide itself here (see :mod:`.verify`).
"""
