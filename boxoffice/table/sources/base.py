"""What every adapter shares: checked file reading, cell parsing, drop counts."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.errors import DataSourceError, InputError
from boxoffice.units import parse_date

RECORD_COLUMNS = ("source", "source_row", "title", "title_key", "year", "release_date")
"""Every adapter's frame has these, plus the canonical film-table columns it knows."""

IMDB_ID = re.compile(r"tt\d{7,8}")
"""An IMDb title id (tt0499549): the key shared by IMDB 5000 and Wikidata."""


@dataclass
class SourceRecords:
    """Rows from one source in canonical names, and what was dropped, by reason."""

    source: str
    frame: "object"  # pandas.DataFrame
    dropped: Counter = field(default_factory=Counter)


def read_csv_checked(path: Path, required: tuple[str, ...], *, source: str, max_bytes: int | None = None,
                     missing_hint: str = "point --sources (or BOXOFFICE_DATA) at the folder holding it", sep: str = ","):
    """Read a CSV as strings; one clear ``DataSourceError`` for every way it can be bad.

    The header is checked before the body is read, and a file over ``max_bytes`` is refused
    unread, so a wrong or huge file fails fast instead of filling the memory.
    """
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        raise DataSourceError(f"{source} is a folder, not a file", file=str(path), hint="give the path of the CSV file")
    if not path.is_file():
        raise DataSourceError(f"{source} file not found", file=str(path), hint=missing_hint)
    size = path.stat().st_size
    if size == 0:
        raise DataSourceError("the file is empty", file=str(path))
    if max_bytes is not None and size > max_bytes:
        raise DataSourceError(f"the file is {size / 1e6:,.0f} MB, over the limit of {max_bytes / 1e6:,.0f} MB",
                              file=str(path), hint="check it is the right file; a film table this big is not expected")
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if b"\0" in head:
        raise DataSourceError("not a text file (it holds binary data)", file=str(path), hint="export it as CSV, UTF-8")
    options = dict(dtype=str, keep_default_na=False, encoding="utf-8", sep=sep)
    try:
        header = pd.read_csv(path, nrows=0, **options)
        names = list(header.columns)
        check_columns(_strip(header), required, file=str(path))
        frame = _read_with_arrow(path, names, sep, header.dtypes.iloc[0] if len(names) else None)
        if frame is None:
            frame = pd.read_csv(path, **options)
    except UnicodeDecodeError:
        raise DataSourceError(f"not UTF-8 text (first bad byte on line {_first_non_utf8_line(path)})", file=str(path),
                              hint="save the file as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise DataSourceError("the file has no header row", file=str(path)) from None
    except pd.errors.ParserError as err:
        detail = str(err).replace("Error tokenizing data. C error: ", "").strip()
        raise DataSourceError(f"not a readable CSV: {detail}", file=str(path),
                              hint="check the delimiter and that every quote (\") is closed") from None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas makes extra leading fields the index
        raise DataSourceError(f"line 2 has {len(frame.columns) + frame.index.nlevels} fields but the header has "
                              f"{len(frame.columns)}", file=str(path), hint="check the delimiter and the quoting")
    frame = _strip(frame)
    check_columns(frame, required, file=str(path))
    if frame.empty:
        raise DataSourceError("the file has a header but no rows", file=str(path))
    return frame


def _read_with_arrow(path: Path, names: list, sep: str, text_dtype):
    """The file as pandas' reader gives it (text cells, blanks as ""), read by pyarrow's CSV reader:
    a 100,000-film slate in 0.04-0.1 s instead of 0.2-0.3. None wherever the two could differ (one
    column, a header pandas renames, a short or long row, bad UTF-8, any parse error): pandas then
    reads the file and names its problem as before (``tests/test_csv_reading.py`` holds them equal)."""
    import pyarrow as pa
    import pyarrow.csv as pv

    if (text_dtype is None or len(names) < 2  # one column: pandas skips a line of spaces, pyarrow keeps it
            or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names)):
        return None
    try:
        table = pv.read_csv(path, read_options=pv.ReadOptions(encoding="utf8"),
                            parse_options=pv.ParseOptions(delimiter=sep, newlines_in_values=True),
                            convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                              strings_can_be_null=False,
                                                              quoted_strings_can_be_null=False))
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != names or table.num_rows == 0:
        return None
    return table.to_pandas(types_mapper={pa.string(): text_dtype}.get)


def _strip(frame):
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _first_non_utf8_line(path: Path) -> int:
    """Line number (1-based) of the first line that is not UTF-8; read only when the file already failed."""
    with Path(path).open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return number


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
    if not math.isfinite(amount):
        raise InputError(f"money {text!r} is out of range", file=file, row=row, column=column)
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
        number = float(text.replace(",", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InputError(f"malformed number {text!r}", file=file, row=row, column=column)
    return number
