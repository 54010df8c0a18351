"""Errors a coordinator can act on."""

from __future__ import annotations


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


class InfeasibleError(BackstageError):
    """The rules cannot all hold; the message says which rule and who."""


class VerificationError(BackstageError):
    """A plan breaks a hard rule; carries the violations."""

    def __init__(self, violations: list) -> None:  # list[verify.Violation]
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"the plan breaks {len(violations)} hard rule(s):\n{lines}")
