"""What a plan folder remembers of its past: where it came from and what was sent.

A plan folder written by this tool carries a manifest (:data:`MANIFEST`)
listing its files and, when it was made from an earlier plan (a re-plan with
``--previous`` or a change command), that folder as ``previous``: a path
relative to the folder itself, so a program's folders can move together.
``send`` records every accepted e-mail in :data:`SENT`. A folder with a
``sent.json`` is history (SPEC §8): nothing writes over it, and nothing it
sent is sent again from a later folder of the same chain.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MANIFEST = ".backstage-sched.json"
SENT = "sent.json"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of ``folder`` as a dict, or None when it has none or it is unreadable."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def was_sent(folder: Path) -> bool:
    """Whether anything was sent from ``folder`` (it holds ``sent.json``)."""
    return (Path(folder) / SENT).is_file()


def previous_link(out: Path, previous: Path | None) -> str | None:
    """The ``previous`` entry for a folder written to ``out`` from ``previous``.

    A path relative to ``out``. When ``previous`` is ``out`` itself (a folder
    replaced by its own change, allowed while nothing was sent from it), the
    link it had is kept, so the chain skips the replaced version.
    """
    if previous is None:
        return None
    out_abs, prev_abs = Path(os.path.abspath(out)), Path(os.path.abspath(previous))
    if out_abs == prev_abs:
        manifest = read_manifest(out_abs) or {}
        link = manifest.get("previous")
        return link if isinstance(link, str) else None
    return Path(os.path.relpath(prev_abs, out_abs)).as_posix()


def ancestors(folder: Path) -> tuple[list[Path], list[str]]:
    """The earlier folders of ``folder``'s chain, nearest first, and the links that
    could not be followed (a folder moved or deleted), as readable notes.

    Only folders of the same program are followed; a loop stops the walk.
    """
    folder = Path(folder)
    here = read_manifest(folder) or {}
    program = here.get("program")
    found: list[Path] = []
    broken: list[str] = []
    seen = {Path(os.path.abspath(folder))}
    link = here.get("previous")
    current = folder
    while isinstance(link, str) and link:
        target = Path(os.path.abspath(current / link))
        if target in seen:
            break
        seen.add(target)
        manifest = read_manifest(target)
        if manifest is None:
            broken.append(f"{current}: its earlier plan folder {link} cannot be read")
            break
        if manifest.get("program") != program:
            broken.append(f"{target} is a plan of program {manifest.get('program')!r}, "
                          f"not {program!r}")
            break
        found.append(target)
        current, link = target, manifest.get("previous")
    return found, broken


def sent_keys(folder: Path) -> list[str]:
    """The keys ``sent.json`` of ``folder`` records (empty when it has none)."""
    try:
        data = json.loads((Path(folder) / SENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [k for k in data if isinstance(k, str)] if isinstance(data, list) else []


def sent_before(folder: Path) -> tuple[set[str], list[str]]:
    """Every e-mail key sent from an earlier folder of ``folder``'s chain, and the
    links that could not be followed (see :func:`ancestors`)."""
    keys: set[str] = set()
    earlier, broken = ancestors(folder)
    for f in earlier:
        keys.update(sent_keys(f))
    return keys, broken
