"""A slate: films to forecast as a CSV holds them, and the films frame the forecaster reads.

One path for every slate: ``predict --input`` reads a CSV through ``slate_films``, and the backtest
writes its test films as ``slate_text`` and reads them back the same way, so the figures it reports
are those of forecasts users get. A column the slate does not have is *open* (not decided: the
forecast mixes over comparable films); an empty cell is *unknown* (the model sees a blank, as it saw
blanks in its history), unless ``blank_means_open``.
"""
from __future__ import annotations

from boxoffice.table.film import OPEN_COLUMN, OPEN_FIELDS
from boxoffice.table.mapped_csv import FORECAST_REQUIRED, ColumnMapping, parse_rows


def slate_films(frame, mapping: ColumnMapping | None = None, *, blank_means_open: bool = False):
    """(films frame, problems) from a slate's text cells (canonical column names, CSV line index).

    Good rows only; each keeps ``row`` (its CSV line). Release dates left blank take the default date
    (``boxoffice.table.film.release_dates_or_default``). ``blank_means_open``: an empty cell of an
    open-able field means "not decided" rather than "unknown".
    """
    import pandas as pd

    from boxoffice.table.film import release_dates_or_default

    mapping = mapping or ColumnMapping()
    records, problems = parse_rows(frame, mapping, FORECAST_REQUIRED, strict_ratings=False)
    films = pd.DataFrame(records)
    if films.empty:
        return films, problems
    films["release_date"] = release_dates_or_default(films["release_date"])
    absent = [f for f in OPEN_FIELDS if f not in frame.columns]
    films = films.drop(columns=absent)
    if blank_means_open:
        blank = {f: _blank_cells(frame.loc[films["row"].to_numpy(), f]) for f in OPEN_FIELDS if f in frame.columns}
        films[OPEN_COLUMN] = [tuple(f for f in OPEN_FIELDS if f in absent or (f in blank and blank[f][i]))
                              for i in range(len(films))]
    return films, problems


def _blank_cells(column):
    from boxoffice.names import clean_text

    return [not clean_text(v) for v in column.tolist()]


SLATE_COLUMNS = ("title", "release_date", "genres", "budget_usd", "cast", "directors", "mpaa_rating",
                 "runtime_min", "country", "language", "distributor", "sequel", "franchise")
"""The canonical columns of a slate, in the order ``slate_text`` writes them."""


def slate_text(films, columns=SLATE_COLUMNS):
    """Films (a film table) as a slate's text cells, canonical column names, indexed by CSV line.

    Lists are joined with "|", budgets written in full dollars, dates ISO; blanks stay empty. Writing
    it with the default column names (``ColumnMapping().columns``) gives a CSV ``predict --input`` reads.
    """
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=pd.RangeIndex(2, len(films) + 2))
    for name in (c for c in columns if c in films.columns):
        values = films[name].to_numpy(object)
        if name in ("genres", "cast", "directors"):
            cells = ["|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else "" for v in values]
        elif name == "release_date":
            cells = [v.date().isoformat() if not pd.isna(v) else "" for v in pd.to_datetime(films[name])]
        elif name == "budget_usd":
            cells = ["" if pd.isna(v) else repr(float(v)) for v in values]
        elif name == "runtime_min":
            cells = ["" if pd.isna(v) else f"{float(v):g}" for v in values]
        elif name == "sequel":
            cells = ["" if v is None or pd.isna(v) else ("yes" if bool(v) else "no") for v in values]
        else:
            cells = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
        out[name] = cells
    return out


def write_slate(films, path, columns=SLATE_COLUMNS) -> None:
    """``slate_text`` as a CSV under the default column names (what ``predict --input`` expects)."""
    from boxoffice.table.csv_writing import write_csv_atomic

    names = ColumnMapping().columns
    write_csv_atomic(slate_text(films, columns).rename(columns=names), path)
