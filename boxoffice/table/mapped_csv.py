"""A user's own film CSV (a studio's slate export) through a column mapping.

The mapping says which of the user's columns fills which canonical column,
so retraining on new data needs no code: ``data/mappings/`` holds examples.
Without a mapping the user's columns are expected under the names of
``DEFAULT_COLUMNS`` (the same as ``boxoffice predict --input``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from boxoffice.errors import DataSourceError, InputError
from boxoffice.closest import closest_names
from boxoffice.names import canonical_genres, clean_text, clean_texts, split_names, split_names_each, title_key
from boxoffice.table.schema import COLUMNS, MPAA_RATINGS, canonical_rating
from boxoffice.table.column_parsing import BLANK, parsed_columns
from boxoffice.table.vocabulary import canonical_value
from boxoffice.table.sources.base import read_csv_checked
from boxoffice.units import parse_date, parse_money

NAME = "user-csv"

DEFAULT_COLUMNS = {
    "title": "title", "release_date": "release_date", "genres": "genres", "budget_usd": "budget",
    "cast": "cast", "directors": "director", "mpaa_rating": "mpaa_rating", "runtime_min": "runtime_min",
    "country": "country", "language": "language", "distributor": "distributor",
    "worldwide_gross_usd": "worldwide_gross", "domestic_gross_usd": "domestic_gross",
    "source_material": "source_material", "creative_type": "creative_type", "sequel": "sequel",
    "franchise": "franchise",
}
"""Canonical column -> the user's column name, when no mapping file is given."""

MAX_BYTES = 200_000_000
"""A user's film CSV over this is refused unread: ~1 million films is about 150 MB."""
MAX_PROBLEMS = 1000
"""Reading stops after this many bad cells: the file is most likely the wrong one."""

DTYPES = {column.name: column.dtype for column in COLUMNS}
"""How each parsed column is held: the film table's own dtypes (``boxoffice.table.schema``)."""

FORECAST_REQUIRED = ("budget_usd",)
"""A blank genres cell is unknown, an absent genres column open (``boxoffice.table.film.OPEN_FIELDS``)."""
TRAIN_REQUIRED = ("title", "release_date", "budget_usd", "worldwide_gross_usd")
"""Genres, cast and the rest are optional: a film without them trains as one the data gives none."""


def header_key(name: object) -> str:
    """How a header is matched: case and surrounding spaces do not count (' Budget ' is 'budget')."""
    return str(name).strip().casefold()


@dataclass(frozen=True)
class ColumnMapping:
    columns: dict = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    """Canonical column -> the user's header (matched by ``header_key``)."""
    list_separator: str = "|"
    """Between names in one cell, besides ``|`` and ``,`` (``boxoffice.names.split_names``)."""

    def __post_init__(self):
        readers = {}
        for canon, header in self.columns.items():
            readers.setdefault(header_key(header), []).append(canon)
        for key, canons in readers.items():
            if len(canons) > 1:
                raise InputError(f"columns {' and '.join(canons)} both read the header {self.columns[canons[-1]]!r}",
                                 hint="map each canonical column to a header of its own, and leave out the ones "
                                      "your file does not have")

    @classmethod
    def load(cls, path: Path | None) -> "ColumnMapping":
        """Read a YAML mapping (``columns:`` canonical -> user's name, ``list_separator:``), values as written."""
        if path is None:
            return cls()
        import yaml

        from boxoffice.table.user_yaml import text_loader

        path = Path(path)
        try:
            spec = yaml.load(path.read_text(encoding="utf-8"), Loader=text_loader()) or {}  # noqa: S506 - a SafeLoader
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, OverflowError, RecursionError) as err:
            # ValueError: an explicit !!timestamp that does not exist (2027-13-45)
            raise InputError(f"cannot read column mapping: {err or type(err).__name__}", file=str(path)) from None
        columns = spec.get("columns") if isinstance(spec, dict) else None
        if not isinstance(columns, dict) or not columns:
            raise InputError("a mapping needs a 'columns:' section (canonical column: your column)", file=str(path))
        unknown = sorted(map(str, set(columns) - set(DEFAULT_COLUMNS)))
        if unknown:
            raise InputError(f"unknown canonical column(s) {', '.join(unknown)}", file=str(path),
                             hint=f"map any of: {', '.join(DEFAULT_COLUMNS)}")
        for canon, header in columns.items():
            if isinstance(header, (dict, list)) or header is None or not str(header).strip():
                raise InputError(f"column {canon} needs the header of one of your columns, not {header!r}",
                                 file=str(path), hint=f"e.g. {canon}: {DEFAULT_COLUMNS[canon].replace('_', ' ').title()}")
        separator = spec.get("list_separator", "|")
        if not isinstance(separator, str) or not separator.strip():
            raise InputError(f"list_separator {separator!r} must be a character, like | or ;", file=str(path))
        try:
            return cls({k: str(v).strip() for k, v in columns.items()}, separator.strip())
        except InputError as err:
            raise InputError(err.message, file=str(path), hint=err.hint) from None


@dataclass(frozen=True)
class RowProblem:
    row: int
    """CSV line number (the header is line 1)."""
    column: str
    message: str
    hint: str | None = None
    """How to fix it, when the parser knows ("write it as YYYY-MM-DD, e.g. 2027-07-16")."""

    def __str__(self) -> str:
        fix = f" (fix: {self.hint})" if self.hint else ""
        return f"row {self.row}, column '{self.column}': {self.message}{fix}"


DELIMITERS = (",", ";", "\t")
"""What a user's CSV may be separated by (spreadsheets in much of Europe export ``;``)."""


def read_frame(path: Path, mapping: ColumnMapping, required: tuple[str, ...]):
    """The user's CSV as strings, renamed to canonical columns; missing required ones raise.

    The delimiter is the one of ``DELIMITERS`` that splits the header into the most fields;
    headers match by ``header_key``; a header the mapping reads given twice is refused.
    """
    unmapped = [c for c in required if c not in mapping.columns]
    if unmapped:
        raise InputError(f"the column mapping lacks required column(s) {', '.join(unmapped)}",
                         hint="add each under 'columns:' as  canonical_name: Your Column Header")
    sep, header = _sniff_header(Path(path))
    found = {}
    for number, name in enumerate(header, start=1):
        found.setdefault(header_key(name), []).append(number)
    actual = {}
    for canon, user in mapping.columns.items():
        numbers = found.get(header_key(user), [])
        if len(numbers) > 1:
            raise DataSourceError(f"header {user!r} is given twice (columns {' and '.join(map(str, numbers[:2]))})",
                                  file=str(path), hint="rename or delete one of them")
        if numbers:
            actual[canon] = header[numbers[0] - 1].strip()
    needed = tuple(actual.get(c, mapping.columns[c]) for c in required)
    raw = read_csv_checked(Path(path), needed, source="your CSV", max_bytes=MAX_BYTES,
                           missing_hint="check the path and the file name", sep=sep)
    if raw.empty:
        raise DataSourceError("the file has a header but no rows", file=str(path))
    present = {canon: user for canon, user in actual.items() if user in raw.columns}
    frame = raw[list(present.values())].rename(columns={v: k for k, v in present.items()})
    frame.index = frame.index + 2
    return frame


def _sniff_header(path: Path) -> tuple[str, list[str]]:
    """(delimiter, header fields) from the first line; ``,`` and no fields when it cannot be read
    (``read_csv_checked`` then says why: missing, empty, binary, not UTF-8…)."""
    import csv

    try:
        with path.open("rb") as handle:
            text = handle.readline(1 << 16).decode("utf-8").lstrip("\ufeff")
    except (OSError, UnicodeDecodeError):
        return ",", []
    line = (text.splitlines() or [""])[0]  # a lone \r (old Mac endings) ends a line too
    try:
        best = max(DELIMITERS, key=lambda d: (len(next(csv.reader([line], delimiter=d), [])), d == ","))
        return best, next(csv.reader([line], delimiter=best), [])
    except csv.Error:  # a NUL byte, say: read_csv_checked names the problem
        return ",", []


def parse_rows(frame, mapping: ColumnMapping, required: tuple[str, ...], *, strict_ratings: bool = True):
    """Canonical films from string rows; every bad cell becomes a ``RowProblem``.

    Returns ``(films, problems)``: a DataFrame of the good rows, column ``row`` their line number.
    Read column by column, each distinct text once: a slate of 100,000 films repeats its dates,
    ratings and genres. Country, language, distributor and rating take their canonical spelling
    (``vocabulary``); a value no alias maps is kept, except a rating with ``strict_ratings`` (a film
    table holds only real ones; a slate to forecast keeps it, and the forecast warns).
    """
    import numpy as np
    import pandas as pd

    sep = mapping.list_separator
    parsers = {
        "title": str,
        "release_date": lambda t: parse_date(t, field="release_date"),
        "genres": lambda t: canonical_genres("|".join(split_names(t, sep)), strict=True),
        "budget_usd": lambda t: parse_money(t, field="budget"),
        "worldwide_gross_usd": lambda t: parse_money(t, field="worldwide_gross_usd", allow_zero=True) or None,
        "domestic_gross_usd": lambda t: parse_money(t, field="domestic_gross_usd", allow_zero=True) or None,
        "cast": lambda t: _names(t, sep, "cast"),
        "directors": lambda t: _names(t, sep, "directors"),
        "mpaa_rating": _rating if strict_ratings else partial(canonical_value, "mpaa_rating"),
        "runtime_min": _runtime,
        "distributor": partial(canonical_value, "distributor"),
        "country": partial(canonical_value, "country"), "language": partial(canonical_value, "language"),
        "source_material": str, "creative_type": str,
        "sequel": _flag,
        "franchise": clean_text,
    }
    each = {"title": list, "franchise": clean_texts, "genres": partial(_genres_each, sep=sep),
            "cast": partial(_names_each, sep=sep, column="cast"),
            "directors": partial(_names_each, sep=sep, column="directors")}  # many distinct texts at once
    lines = frame.index.to_numpy(dtype=np.int64)
    columns = parsed_columns(frame, parsers, required, each)
    failing = np.zeros(len(frame), dtype=bool)
    for parsed in columns.values():
        failing |= parsed.failing
    problems = []
    for i in np.flatnonzero(failing).tolist():  # row order, then column order within a row
        for column, parsed in columns.items():
            error = parsed.error(i)
            if error is BLANK and column in required:
                problems.append(RowProblem(int(lines[i]), mapping.columns[column], "is blank but required",
                                           "fill it in, or leave the film out"))
            elif error is not None and error is not BLANK:
                problems.append(RowProblem(int(lines[i]), mapping.columns[column], error.message, error.hint))
        if len(problems) > MAX_PROBLEMS:
            first = "\n  ".join(map(str, problems[:5]))
            raise InputError(f"over {MAX_PROBLEMS:,} problems in the first {lines[i] - 1:,} rows; the first ones:\n  {first}",
                             hint="check it is the right file, its delimiter and header, and the --mapping")
    good = ~failing
    films = {"row": lines[good]}
    for column, parsed in columns.items():
        kind, codes = DTYPES[column], parsed.codes[good]
        if kind.startswith("datetime"):  # each distinct date converted once
            films[column] = pd.to_datetime(pd.Series(parsed.parsed)).to_numpy()[codes]
        elif kind == "float64":
            films[column] = parsed.parsed.astype(float)[codes]  # None -> NaN; each distinct value converted once
        elif kind == "list":  # rows of the same text share one list (read-only: nothing downstream mutates it)
            films[column] = parsed.parsed[codes]
        elif kind == "string":  # kept as Python text: Arrow strings are slower to read back
            films[column] = pd.Series(parsed.parsed[codes], dtype=object)
        else:  # pandas infers the dtype (a yes/no column without blanks is bool)
            films[column] = parsed.parsed[codes].tolist()
    title_codes = columns["title"].codes[good]
    titles = columns["title"].parsed[title_codes]  # a fresh array
    blank = np.flatnonzero(columns["title"].errors[title_codes] == BLANK)  # a film with no title: named by its line
    titles[blank] = [f"row {line}" for line in films["row"][blank].tolist()]
    films["title"] = pd.Series(titles, dtype=object)
    return pd.DataFrame(films), problems


def _names(text: str, sep: str, column: str) -> list[str]:
    names = _names_each([text], sep, column)[0]
    if isinstance(names, InputError):
        raise names
    return names


def _names_each(texts: list[str], sep: str, column: str) -> list:
    """``split_names`` of each text (in bulk for many: ``split_names_each``), an ``InputError`` for too many."""
    from boxoffice.table.film import MAX_CAST

    hint = f"keep the top {MAX_CAST}, lead first"
    return [names if len(names) <= MAX_CAST else
            InputError(f"{column} lists {len(names):,} names; at most {MAX_CAST} are used", hint=hint)
            for names in split_names_each(texts, sep)]


def _genres_each(texts: list[str], sep: str) -> list:
    """The genres of each text as ``parse_rows`` reads one (an ``InputError`` for an unknown genre), each
    distinct genre name mapped once: a slate's 700 distinct genre cells name some 30 genres."""
    names_of = split_names_each(texts, sep)
    mapped = {}
    for name in {name for names in names_of for name in names}:
        try:
            mapped[name] = canonical_genres(name, strict=True)
        except InputError as err:
            mapped[name] = err
    out = []
    for names in names_of:
        genres = []
        for target in map(mapped.__getitem__, names):
            if isinstance(target, InputError):  # the first unknown genre, as one by one
                genres = target
                break
            genres += [genre for genre in target if genre not in genres]
        out.append(genres)
    return out


def _rating(text: str) -> str:
    rating = canonical_rating(text)
    if rating is None:
        near = closest_names(text, list(MPAA_RATINGS))
        guess = f": did you mean {' or '.join(near)}?" if near else ""
        raise InputError(f"unknown rating {text!r}{guess}", hint=f"use one of: {', '.join(MPAA_RATINGS)}")
    return rating


def _runtime(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        raise InputError(f"runtime {text!r} is not a number of minutes") from None
    if not 1 <= minutes <= 1000:
        raise InputError(f"runtime {text!r} is outside 1-1000 minutes")
    return minutes


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "y"):
        return True
    if value in ("0", "false", "no", "n"):
        return False
    raise InputError(f"{text!r} is not yes/no")


def duplicate_films(films, mapping: ColumnMapping) -> list[RowProblem]:
    """Rows giving a film again (same title and release date): training would count it twice,
    a slate would forecast it twice."""
    seen, problems = {}, []
    for row, title, date in zip(films["row"].tolist(), films["title"].tolist(), films["release_date"].tolist()):
        key = (title_key(title), date)
        if key in seen:
            problems.append(RowProblem(row, mapping.columns.get("title", "title"),
                                       f"the same film as row {seen[key]} (title and release date)",
                                       "keep one of the two rows"))
        else:
            seen[key] = row
    return problems


def validate(path: Path, mapping: ColumnMapping = ColumnMapping(), *, for_training: bool = True) -> list[RowProblem]:
    """Every problem of a user's film CSV, by row; an empty list means it is good."""
    return check(path, mapping, for_training=for_training)[0]


def check(path: Path, mapping: ColumnMapping = ColumnMapping(), *, for_training: bool = True) -> tuple[list[RowProblem], int]:
    """(``validate``'s problems, how many good rows have an unknown worldwide gross: 0 or blank)."""
    required = TRAIN_REQUIRED if for_training else FORECAST_REQUIRED
    frame = read_frame(path, mapping, required)
    films, problems = parse_rows(frame, mapping, required, strict_ratings=for_training)
    unknown = int(films["worldwide_gross_usd"].isna().sum())
    return problems + duplicate_films(films, mapping), unknown


def read_films(path: Path, mapping: ColumnMapping = ColumnMapping()):
    """A user's CSV as a canonical film table, for training. Any bad row raises, listing them all."""
    import pandas as pd

    from boxoffice.table.build import finish_table

    frame = read_frame(path, mapping, TRAIN_REQUIRED)
    films, problems = parse_rows(frame, mapping, TRAIN_REQUIRED)
    problems += duplicate_films(films, mapping)
    if problems:
        listed = "\n  ".join(map(str, problems[:20]))
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{len(problems)} problem(s) in the film CSV:\n  {listed}{more}", file=str(path),
                         hint=f"run `boxoffice data validate {path}` for the full list")
    table = films.drop(columns="row")
    table["release_date"] = pd.to_datetime(table["release_date"])
    table["plot_keywords"] = [[] for _ in range(len(table))]
    table["title_key"] = table["title"].map(title_key)
    return finish_table(table, origin=NAME)
