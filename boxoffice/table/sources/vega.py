"""vega-datasets movies.json: distributor, source material, creative type, MPAA, runtime.

Its dates of old films are century-shifted ("Jun 12 2046" is 1946): any year
after ``VINTAGE_YEAR`` is moved back 100 years; "Dec 31 1969" stands for an
unknown date, and such rows are dropped (counted). Its accented titles are
Windows-1252 read as Mac Roman ("DÈj‡ Vu"), and are repaired. Post-release
columns (IMDB rating and votes, Rotten Tomatoes, DVD sales) are never read.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from boxoffice.errors import DataSourceError
from boxoffice.names import AliasTable, canonical_genres, clean_text, fix_mac_roman, split_list, title_key
from boxoffice.table.schema import canonical_rating
from boxoffice.table.sources.base import SourceRecords, date_cell, money_cell, number_cell

NAME = "vega"
FILE = "vega-movies.json"
VINTAGE_YEAR = 2012
"""No film in the file was released after this; later years are century-shifted."""
PLACEHOLDER_DATE = dt.date(1969, 12, 31)
"""The file's date for an unknown release (Unix time zero, west of Greenwich): dropped, counted."""
KEPT = ("Title", "Release Date", "Production Budget", "US Gross", "Worldwide Gross", "MPAA Rating",
        "Running Time min", "Distributor", "Source", "Major Genre", "Creative Type", "Director")


def read(path: Path, distributors: AliasTable, genres: AliasTable | None = None) -> SourceRecords:
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataSourceError("vega file not found", file=str(path),
                              hint="point --sources (or BOXOFFICE_DATA) at the folder holding it")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise DataSourceError(f"not UTF-8 text (bad byte at offset {err.start})", file=str(path)) from None
    except json.JSONDecodeError as err:
        raise DataSourceError(f"not valid JSON: {err.msg} at line {err.lineno}", file=str(path)) from None
    if not isinstance(records, list) or not records:
        raise DataSourceError("expected a non-empty JSON list of films", file=str(path))
    missing = [k for k in ("Title", "Release Date") if k not in records[0]]
    if missing:
        raise DataSourceError(f"missing field(s) {', '.join(missing)}", file=str(path))
    rows, dropped = [], Counter()
    for i, rec in enumerate(records):
        cell = dict(file=str(path), row=i + 1)
        title = fix_mac_roman(clean_text(rec.get("Title")))
        date = date_cell(rec.get("Release Date"), column="Release Date", **cell)
        if not title or date is None:
            dropped["no title or release date"] += 1
            continue
        if date == PLACEHOLDER_DATE:
            dropped["release date unknown (Dec 31 1969 placeholder)"] += 1
            continue
        if date.year > VINTAGE_YEAR:
            date = date.replace(year=date.year - 100)
        genre = rec.get("Major Genre")
        rows.append({
            "source": NAME, "source_row": i + 1, "title": title, "title_key": title_key(title),
            "year": date.year, "release_date": pd.Timestamp(date),
            "budget_usd": money_cell(rec.get("Production Budget"), column="Production Budget", **cell),
            "domestic_gross_usd": money_cell(rec.get("US Gross"), column="US Gross", **cell),
            "worldwide_gross_usd": money_cell(rec.get("Worldwide Gross"), column="Worldwide Gross", **cell),
            "mpaa_rating": canonical_rating(rec.get("MPAA Rating")),
            "runtime_min": number_cell(rec.get("Running Time min"), column="Running Time min", **cell),
            "distributor": distributors.canonical(rec.get("Distributor")),
            "source_material": clean_text(rec.get("Source")) or None,
            "creative_type": clean_text(rec.get("Creative Type")) or None,
            "genres": canonical_genres(genre, genres) if genre else [],
            "directors": split_list(rec.get("Director"), sep=","),
        })
    return SourceRecords(NAME, pd.DataFrame(rows), dropped)
