"""The only package that imports ortools: CP-SAT model, solve, explanations."""

from __future__ import annotations

from .options import SolveOptions
from .schedule import Schedule, ScheduledCohort
from .solve import solve

__all__ = ["Schedule", "ScheduledCohort", "SolveOptions", "solve"]
