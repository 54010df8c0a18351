"""Importing backstage_sched changes nothing around it, and it declares what it uses."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import backstage_sched

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(backstage_sched.__file__).parent
CODE = (".py", ".pyc", ".so", ".pth", ".pyd")

PROBE = """
import json, sys, threading
import dateutil.rrule
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0]))
                 if event == "open" and isinstance(args[0], str) else None)
before = dateutil.rrule._iterinfo.rebuild
threads = threading.active_count()
import backstage_sched
print(json.dumps({
    "rebuild_kept": dateutil.rrule._iterinfo.rebuild is before,
    "threads": threading.active_count() - threads,
    "opened": opened,
}))
"""


def _probe() -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)


def test_import_patches_no_other_library_and_starts_nothing() -> None:
    seen = _probe()
    assert seen["rebuild_kept"], "dateutil's rrule was changed at import"
    assert seen["threads"] == 0, "importing started a thread"


def test_import_reads_no_data_file() -> None:
    # what Python itself opens to import (code, the stdlib zip, package metadata), and
    # the UTC zone that icalendar reads at its own import, are not reads of ours
    data = [
        path for path in _probe()["opened"]
        if not path.endswith(CODE) and not path.endswith(".zip") and not Path(path).is_dir()
        and "dist-info" not in path and "__pycache__" not in path
        and not path.endswith("zoneinfo/UTC")
    ]
    assert data == []


def test_reading_a_calendar_leaves_dateutil_as_it_was(tmp_path: Path) -> None:
    import dateutil.rrule

    from backstage_sched.inputs.busy import load_busy

    before = dateutil.rrule._iterinfo.rebuild
    ics = tmp_path / "busy.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:a@t\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270111T090000\r\n"
        "DTEND:20270111T100000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Möte\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    from datetime import date

    busy = load_busy(ics, "Europe/Stockholm", date(2027, 1, 1), date(2027, 3, 1), "x", "y")
    assert len(busy) == 3
    assert dateutil.rrule._iterinfo.rebuild is before


def _third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in stdlib and top != "backstage_sched":
                    found.add(top)
    return found


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"]
    return {re.split(r"[<>=!~\[; ]", n, maxsplit=1)[0].lower().replace("_", "-") for n in names}


def test_every_third_party_import_is_declared() -> None:
    owners = packages_distributions()
    undeclared = {}
    for module in _third_party_imports():
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
        if not dists & _declared():
            undeclared[module] = sorted(dists)
    assert undeclared == {}


INDIRECT = {"tzdata"}
"""Declared but never imported: zoneinfo reads tzdata where the system has no zone files."""


def test_every_declared_dependency_is_used() -> None:
    owners = packages_distributions()
    used = {
        d.lower().replace("_", "-")
        for module in _third_party_imports()
        for d in owners.get(module, [module])
    }
    assert _declared() - used - INDIRECT == set()
