"""Errors a coordinator can act on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from .said import said

T = TypeVar("T")


class BackstageError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(BackstageError):
    """Bad input: names the file, the row or key, and what is wrong."""

    def __init__(self, file: str | None, where: str | None, message: str) -> None:
        self.file = file
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputErrors(InputError):
    """Several input problems at once, each an :class:`InputError`, in file order.

    Printed one per line, the first :data:`SHOWN` of them, then how many more.
    """

    SHOWN = 50

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.file, first.where, first.message)

    def __str__(self) -> str:
        lines = [f"  - {e}" for e in self.errors[: self.SHOWN]]
        if len(self.errors) > self.SHOWN:
            lines.append(f"  and {len(self.errors) - self.SHOWN} more")
        return f"{len(self.errors)} problems in the input:\n" + "\n".join(lines)


class Problems:
    """Collects input problems so that a file is checked to its end, not to its first
    error: ``with problems.check(): ...`` records an InputError instead of raising."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def add(self, error: InputError) -> None:
        """Record one problem (or every problem of an :class:`InputErrors`)."""
        self.errors.extend(error.errors if isinstance(error, InputErrors) else [error])

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run the block; an InputError it raises is recorded, not raised."""
        try:
            yield
        except InputError as exc:
            self.add(exc)

    def attempt(self, read: Callable[[], T], default: T) -> T:
        """``read()``, or ``default`` with its InputError recorded."""
        with self.check():
            return read()
        return default

    def raise_any(self) -> None:
        """Raise what was recorded: the one problem, or all of them as InputErrors."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


def read_json(path: Path, missing: str) -> Any:
    """The JSON data of the file at ``path``; an InputError naming the file says
    ``missing`` when there is none, and what the parser found when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), None, missing) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), None, said("not readable JSON: {problem}",
                                               problem=str(exc))) from None


class InfeasibleError(BackstageError):
    """The rules cannot all hold; the message says which rule and who."""


class VerificationError(BackstageError):
    """A plan breaks a hard rule; carries the violations."""

    def __init__(self, violations: Sequence[object]) -> None:  # check's Violations (a floor up)
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"the plan breaks {len(violations)} hard rule(s):\n{lines}")
