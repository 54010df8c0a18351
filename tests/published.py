"""Mark a plan folder as sent, as a successful ``send`` leaves it.

A change counts its messages from what people last received (SPEC §8): tests
of what a change sends start from a folder whose invitations went out.
"""

from __future__ import annotations

import json
from pathlib import Path

from backstage_sched.publish.send import message_key, outbox_entries


def mark_sent(folder: Path) -> Path:
    """Write ``sent.json`` listing every e-mail of ``folder``'s outbox; return ``folder``."""
    box = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))
    keys = [message_key(m, r) for m in outbox_entries(box) for r in m.get("recipients", [])]
    (folder / "sent.json").write_text(json.dumps(keys, indent=1) + "\n", encoding="utf-8")
    return folder
