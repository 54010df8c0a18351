"""How a command ends: the exit codes, and the one handler that says an error the
library raised and picks its code.

The library names the data an input error is about (``participant``, ``session``,
``new plan folder``); :data:`FLAGS` says which option of each command gives that
data, so the coordinator reads the option they typed (``--from``, ``--session``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from ..errors import BackstageError, InfeasibleError, InputError, VerificationError
from ..publish.send import SendError
from .words import input_error
from .words import speech as t

EXIT_OK, EXIT_RULES, EXIT_INPUT, EXIT_SEND = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

_EVERY = {"new plan folder": "--out", "today": "--today"}
FLAGS: dict[str, dict[str, str]] = {
    "plan": {**_EVERY, "previous plan": "--previous", "cohort to reopen": "--reopen"},
    "send": {"sender": "--from"},
    "transfer": {**_EVERY, "participant": "--from", "new participant": "--to",
                 "name": "--name", "e-mail": "--email", "organization": "--organization"},
    "withdraw": {**_EVERY, "withdrawal": "--on"},
    "move": {**_EVERY, "new start": "--to", "current date": "--not-on"},
    "absent": {**_EVERY, "session": "--session"},
    "fill": _EVERY,
    "cancel-cohort": _EVERY,
    "substitute": {**_EVERY, "session": "--from-session", "facilitator": "--facilitator"},
    "replies": _EVERY,
}
"""Per command, the option that gives each piece of data an input error may name."""


def complain(err: Console, label: str, text: str) -> None:
    """``label text`` on ``err``, the label (``input error:``) in bold red."""
    err.print(f"[bold red]{escape(label)}[/] {escape(text)}", soft_wrap=True)


def warn(err: Console, warning: object) -> None:
    """One warning line, ``warning:`` in the command line's language."""
    err.print(f"[yellow]{escape(t._('warning:'))}[/] {escape(t.say(warning))}", soft_wrap=True)


@dataclass
class Ended:
    """The exit code :func:`handled` chose for an error (``EXIT_OK`` while there is none)."""

    code: int = EXIT_OK


@contextmanager
def handled(
    err: Console, command: str, *, nothing: str | None = None, otherwise: int = EXIT_RULES,
) -> Iterator[Ended]:
    """Run the block; an error it raises is said on ``err`` (an input error's data as
    ``command``'s option, :data:`FLAGS`) and its exit code kept in the :class:`Ended`
    yielded. ``nothing`` (``Nothing was written.``) follows an input error;
    ``otherwise`` is the code of a library error of no other kind."""
    ended = Ended()
    try:
        yield ended
    except InputError as exc:
        complain(err, t._("input error:"), input_error(exc, FLAGS.get(command, {})))
        if nothing:
            err.print(nothing, markup=False)
        ended.code = EXIT_INPUT
    except InfeasibleError as exc:
        complain(err, t._("cannot plan:"), t.say(exc.args[0] if exc.args else exc))
        err.print(t._("Nothing was written."))
        ended.code = EXIT_RULES
    except VerificationError as exc:
        complain(err, t._("plan rejected:"), str(exc))
        err.print(t._("Nothing was written. This is a bug in the planner; please report it."))
        ended.code = EXIT_RULES
    except SendError as exc:
        complain(err, t._("send failed:"), t.say(exc.args[0]))
        ended.code = EXIT_SEND
    except BackstageError as exc:
        complain(err, t._("error:"), str(exc))
        ended.code = otherwise
    except KeyboardInterrupt:
        err.print(t._("Interrupted; nothing was written."))
        ended.code = EXIT_INTERRUPTED
