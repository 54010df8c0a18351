"""Polishing a found plan: members off avoid times, irregular cohorts onto a
regular rhythm, case owners in turn."""
