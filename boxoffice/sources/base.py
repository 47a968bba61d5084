"""What every adapter shares: checked file reading, cell parsing, drop counts."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.errors import DataSourceError, InputError
from boxoffice.units import parse_date

RECORD_COLUMNS = ("source", "source_row", "title", "title_key", "year", "release_date")
"""Every adapter's frame has these, plus the canonical film-table columns it knows."""


@dataclass
class SourceRecords:
    """Rows from one source in canonical names, and what was dropped, by reason."""

    source: str
    frame: "object"  # pandas.DataFrame
    dropped: Counter = field(default_factory=Counter)


def read_csv_checked(path: Path, required: tuple[str, ...], *, source: str):
    """Read a CSV as strings; one clear ``DataSourceError`` for every way it can be bad."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataSourceError(f"{source} file not found", file=str(path),
                              hint="point --sources (or BOXOFFICE_DATA) at the folder holding it")
    if path.stat().st_size == 0:
        raise DataSourceError("the file is empty", file=str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataSourceError(f"not UTF-8 text (bad byte at offset {err.start})", file=str(path),
                              hint="save the file as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise DataSourceError("the file has no header row", file=str(path)) from None
    except pd.errors.ParserError as err:
        raise DataSourceError(f"not a readable CSV: {err}", file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    check_columns(frame, required, file=str(path))
    if frame.empty:
        raise DataSourceError("the file has a header but no rows", file=str(path))
    return frame


def check_columns(frame, required, *, file: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:12]))
        raise DataSourceError(f"missing column(s) {', '.join(missing)} (found: {found})", file=file,
                              hint="check the delimiter is a comma and the header names match")


_MONEY_CELL = re.compile(r"^\$?\s*-?[\d,]*\.?\d*$")


def money_cell(value: object, *, file: str, row: int, column: str) -> float | None:
    """'$425,000,000' -> 425e6; blank or $0 -> None (unknown, not zero); junk -> InputError."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if text in ("", "nan", "None", "NaN"):
        return None
    if not _MONEY_CELL.match(text) or not re.search(r"\d", text):
        raise InputError(f"malformed money {text!r}", file=file, row=row, column=column)
    amount = float(text.replace("$", "").replace(",", ""))
    if amount < 0:
        raise InputError(f"negative money {text!r}", file=file, row=row, column=column)
    return amount if amount > 0 else None


def date_cell(value: object, *, file: str, row: int, column: str):
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        return parse_date(text, field=column)
    except InputError:
        raise InputError(f"malformed date {text!r}", file=file, row=row, column=column,
                         hint="dates look like 'Dec 18, 2009' or 2009-12-18") from None


def number_cell(value: object, *, file: str, row: int, column: str) -> float | None:
    text = str(value).strip() if value is not None else ""
    if text in ("", "nan", "None"):
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise InputError(f"malformed number {text!r}", file=file, row=row, column=column) from None
