"""The only package that imports ortools: CP-SAT model, solve, explanations."""

from __future__ import annotations

from .solve import Schedule, ScheduledCohort, SolveOptions, solve

__all__ = ["Schedule", "ScheduledCohort", "SolveOptions", "solve"]
