"""The canonical film table: one row per film, its columns, and validation.

Every later step (features, models, scenarios) reads this shape and nothing
else, whether it came from the public data or a studio's own CSV. Money is
USD; ``*_2012`` columns are constant 2012 dollars (see ``boxoffice.units``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype or "list" (a list of strings)
    unit: str
    meaning: str
    sources: str


COLUMNS: tuple[Column, ...] = (
    Column("film_id", "string", "", "stable id: slug of title and year, e.g. avatar-2009", "built"),
    Column("title", "string", "", "title as the best source spells it", "The Numbers > vega"),
    Column("release_date", "datetime64[ns]", "date", "first (US) release date", "The Numbers > vega"),
    Column("year", "Int64", "year", "release year", "release_date"),
    Column("genres", "list", "", "canonical genres (alias table), most specific source first", "IMDB 5000 > vega Major Genre"),
    Column("budget_usd", "float64", "USD, nominal", "production budget", "The Numbers > vega"),
    Column("domestic_gross_usd", "float64", "USD, nominal", "US + Canada gross; NaN if unknown", "The Numbers > vega > Box Office Mojo"),
    Column("worldwide_gross_usd", "float64", "USD, nominal", "worldwide gross; NaN if unknown ($0 in a source)", "The Numbers > vega > Box Office Mojo"),
    Column("cast", "list", "", "the film's own cast: a few lead names, in no meaningful order (IMDB 5000: the 3 with most Facebook likes in 2016)", "IMDB 5000"),
    Column("directors", "list", "", "director(s)", "IMDB 5000 > vega"),
    Column("distributor", "string", "", "US distributor, canonical name (alias table)", "vega > Box Office Mojo"),
    Column("mpaa_rating", "string", "", 'G, PG, PG-13, R, NC-17 or Not Rated (any spelling: "pg 13", "Rated R", "TV-MA", "M/PG")', "IMDB 5000 > vega"),
    Column("runtime_min", "float64", "minutes", "running time", "IMDB 5000 > vega"),
    Column("country", "string", "", "country of production (first named), IMDb's spelling through the alias table: USA, UK, France", "IMDB 5000"),
    Column("language", "string", "", "original language, IMDb's spelling through the alias table: English, Mandarin", "IMDB 5000"),
    Column("plot_keywords", "list", "", "IMDb plot keywords (known before release: they describe the story)", "IMDB 5000"),
    Column("source_material", "string", "", "e.g. Original Screenplay, Based on Book/Short Story, Remake", "vega"),
    Column("creative_type", "string", "", "e.g. Contemporary Fiction, Super Hero", "vega"),
    Column("sequel", "boolean", "", "a sequel or franchise entry: numbered title or an earlier film of the same title stem", "built from titles"),
    Column("franchise", "string", "", "the franchise a film belongs to when its title does not say it (Skyfall: James Bond); blank for the public films, whose titles say it", "a user's own files"),
    Column("imdb_id", "string", "", "IMDb title id (tt0499549): links a film to its Wikidata credits", "IMDB 5000 > Wikidata"),
    Column("credited_cast", "list", "", "every credited cast name Wikidata lists, alphabetical: counts only in the track records of later films, never describes the film itself", "Wikidata"),
    Column("credited_directors", "list", "", "the directors Wikidata lists: like credited_cast, only for later films' track records", "Wikidata"),
    Column("budget_usd_2012", "float64", "USD, constant 2012", "budget in constant dollars", "budget_usd, CPI"),
    Column("domestic_gross_usd_2012", "float64", "USD, constant 2012", "domestic gross in constant dollars", "domestic_gross_usd, CPI"),
    Column("worldwide_gross_usd_2012", "float64", "USD, constant 2012", "worldwide gross in constant dollars", "worldwide_gross_usd, CPI"),
    Column("field_sources", "string", "", "JSON object: column -> source that supplied it", "built"),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
LATER_COLUMNS = ("franchise",)
"""Columns a table saved by an older build may lack: read back blank (its films said none)."""
LIST_COLUMNS = tuple(c.name for c in COLUMNS if c.dtype == "list")

MPAA_RATINGS = ("G", "PG", "PG-13", "R", "NC-17", "Not Rated")
_RATING_ALIASES = {
    "G": "G", "TVG": "G", "TVY": "G", "TVY7": "G", "PG": "PG", "GP": "PG", "M": "PG", "MPG": "PG", "TVPG": "PG",
    "PG13": "PG-13", "TV14": "PG-13", "R": "R", "TVMA": "R", "NC17": "NC-17", "X": "NC-17",
    "NOTRATED": "Not Rated", "UNRATED": "Not Rated", "APPROVED": "Not Rated", "PASSED": "Not Rated",
    "OPEN": "Not Rated", "NR": "Not Rated", "NONE": "Not Rated",
}
"""Keys as ``_rating_key`` gives them: "pg 13", "PG13", "Rated PG-13" and "pg-13" are all "PG13"."""


def _rating_key(text: str) -> str:
    key = re.sub(r"[^A-Z0-9]", "", text.upper())
    return key[5:] if key.startswith("RATED") and len(key) > 5 else key


def canonical_rating(value: object) -> str | None:
    """Map a source's or user's rating to one of ``MPAA_RATINGS``, whatever its case, spaces and
    dashes ("pg 13", "Rated R", "M/PG"); None if blank or not a rating."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _RATING_ALIASES.get(_rating_key(str(value)))


def empty_table():
    """A film table with no rows and the right columns (for tests and a user's empty slate)."""
    import pandas as pd

    return conform(pd.DataFrame({name: [] for name in COLUMN_NAMES}))


def conform(frame):
    """Order columns, add missing ones, and give each its dtype. Returns a new frame."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        values = frame[col.name] if col.name in frame else pd.Series([None] * len(frame), index=frame.index)
        if col.dtype == "list":
            out[col.name] = values.map(lambda v: list(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else [])
        elif col.dtype.startswith("datetime"):
            out[col.name] = pd.to_datetime(values, errors="coerce")
        elif col.dtype == "string":
            out[col.name] = values.astype("string")
        elif col.dtype == "boolean":
            out[col.name] = values.astype("boolean")
        else:
            out[col.name] = pd.to_numeric(values, errors="coerce").astype(col.dtype)
    return out.reset_index(drop=True)
