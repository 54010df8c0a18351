"""A tool a test needs (a browser, libical) that cannot be had or cannot start.

Without ``CI=true`` in the environment the test is skipped with the reason;
under ``CI=true`` it fails with it, so a CI run never stays green while a
check it was meant to make did not run.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether the run is a CI run: ``CI`` is ``true`` (any case) or ``1``."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def missing(reason: str, module: bool = False) -> NoReturn:
    """Skip the test for ``reason`` (``module``: the whole module, when called while it
    is imported), or fail it under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a check that cannot run fails)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)
