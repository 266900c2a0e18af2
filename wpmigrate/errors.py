"""One exception family; each kind carries the exit code the CLI returns for it."""

from __future__ import annotations

# Exit codes, documented in the README. 1 is kept for "the job ran and found problems"
# (validate's --fail-on, a batch with failures); click uses 2 for usage errors.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_OUTPUT = 4
EXIT_INTERNAL = 70


class WpmigrateError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: What the user can do about it, shown on its own line.
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"

    def __reduce__(self):
        # Rebuilt without calling __init__, whose arguments differ by kind: an error raised in a
        # worker process crosses back whole, whatever its kind.
        return (_restored, (type(self), self.args, self.__dict__))


def _restored(kind: type, args: tuple, state: dict) -> WpmigrateError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class UsageError(WpmigrateError):
    """Options that do not fit together, an unknown format name, and the like."""

    exit_code = EXIT_USAGE


class InputError(WpmigrateError):
    """An input that cannot be read: missing, unreadable, or of an unknown kind."""

    exit_code = EXIT_INPUT


class NotWXRError(InputError):
    """The input is readable but is not a WordPress export (HTML, a feed, binary...)."""


class MalformedInputError(InputError):
    """Structural damage in the XML that automatic repairs cannot fix."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None,
        column: int | None,
        items_before: int = 0,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.file = file
        self.line = line
        self.column = column
        #: Complete items read before the damage.
        self.items_before = items_before


class UnsafeInputError(InputError):
    """The input asks for something a WXR file never needs (a DTD with entities)."""


class OutputError(WpmigrateError):
    """The output cannot be written: exists without --force, no permission, disk full."""

    exit_code = EXIT_OUTPUT
