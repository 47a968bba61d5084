"""The toolkit's own errors: what a user can fix is an ``InputError``.

The CLI turns any of these into one clear message and exit code 2; library
callers catch them like any other exception.
"""
from __future__ import annotations


class BoxofficeError(Exception):
    """Base of every error the toolkit raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  fix: {self.hint}"


class InputError(BoxofficeError, ValueError):
    """Bad input a user can fix: a value, a file, a column. Names where it is."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ):
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.file, self.row, self.column = file, row, column


class DataSourceError(InputError):
    """A source file or folder is missing, empty, unreadable or lacks columns."""


class ModelStoreError(BoxofficeError):
    """A stored model is missing, corrupt, or of another schema version."""
