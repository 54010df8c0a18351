"""The only package that imports ortools: CP-SAT model, solve, explanations."""

from __future__ import annotations

from .schedule import Schedule, ScheduledCohort
from .solve import SolveOptions, solve

__all__ = ["Schedule", "ScheduledCohort", "SolveOptions", "solve"]
