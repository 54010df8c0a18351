"""Stage 5, what a coordinator does, as library functions that never touch files.

Plan, re-plan and explain (:mod:`.planner`); transfer, withdraw, move and
cancel a cohort (:mod:`.edits`, where a moved session may go in
:mod:`.moving`). Each runs the solver or edits a plan, has the
independent checker pass it, and returns the plan with what
:mod:`backstage_sched.publish` says must be sent.
"""
