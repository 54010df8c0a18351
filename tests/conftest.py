"""Settings and fixtures every test module shares."""

from __future__ import annotations

from hypothesis import settings

# --- reproducible property tests (issue 24 §7) ------------------------------------------
# Hypothesis runs derandomized: each property test draws the same examples on every run
# and every machine, so a failure seen in CI reproduces locally; no example database.
settings.register_profile("reproducible", derandomize=True, database=None)
settings.load_profile("reproducible")
# --- end of the block for issue 24 §7 ----------------------------------------------------
