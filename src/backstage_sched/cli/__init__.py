"""Stage 6, the ``backstage-sched`` command: one module per command group.

:mod:`.app` holds the parser and ``plan``/``check``/``send``; :mod:`.edits`
the change commands; :mod:`.explain` and :mod:`.init` their commands.
"""

from .app import main

__all__ = ["main"]
