"""backstage_sched: plan Backstage leadership peer groups end to end."""

from __future__ import annotations

__version__ = "0.1.0"
