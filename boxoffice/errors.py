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


class NotFittedError(BoxofficeError, ValueError, AttributeError):
    """An estimator asked to transform or predict before ``fit`` (an AttributeError and a ValueError,
    like scikit-learn's own ``NotFittedError``, so code written for either catches it)."""


def check_param(config, name: str, ok: bool, expected: str) -> None:
    """Raise ``InputError`` naming ``config``'s class, the field, its bad value and what it takes."""
    if ok:
        return
    import dataclasses

    value = getattr(config, name)
    default = next((f.default for f in dataclasses.fields(config) if f.name == name), dataclasses.MISSING)
    raise InputError(f"{type(config).__name__}: {name}={value!r} is not allowed; it must be {expected}",
                     hint=None if default is dataclasses.MISSING else f"leave it out for the default, {name}={default!r}")


def check_number(config, name: str, low=None, high=None, *, whole: bool = False, low_open: bool = False,
                 high_open: bool = False, optional: bool = False) -> None:
    """``check_param`` for a number field (bounds inclusive unless open); a numpy number becomes a
    Python one, so the config stays JSON-able."""
    import numbers

    value = getattr(config, name)
    if value is None and optional:
        return
    ok = (isinstance(value, numbers.Integral if whole else numbers.Real) and not isinstance(value, bool)
          and value == value
          and not (low is not None and (value <= low if low_open else value < low))
          and not (high is not None and (value >= high if high_open else value > high)))
    bounds = [f"{'over' if low_open else 'at least'} {low}" if low is not None else None,
              f"{'under' if high_open else 'at most'} {high}" if high is not None else None]
    expected = " ".join(["a whole number" if whole else "a number", " and ".join(b for b in bounds if b)]).strip()
    check_param(config, name, ok, expected + (" (or None)" if optional else ""))
    if type(value) not in (int, float):
        object.__setattr__(config, name, int(value) if whole else float(value))


def check_choice(config, name: str, choices) -> None:
    check_param(config, name, getattr(config, name) in tuple(choices), f"one of {', '.join(map(repr, choices))}")


def check_kind(config, name: str, kind: type, optional: bool = False) -> None:
    value = getattr(config, name)
    check_param(config, name, isinstance(value, kind) or (optional and value is None),
                f"a {kind.__name__}" + (" (or None)" if optional else ""))
