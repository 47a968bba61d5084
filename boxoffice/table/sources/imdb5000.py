"""IMDB 5000: cast, director, genres, rating, runtime, country, language, keywords, IMDb id.

Its post-release columns (score, votes, review counts, Facebook likes) are
never read: only ``KEPT`` columns leave this adapter. Its ``budget`` is in
local currency for non-US films, so it is not used (The Numbers' is). Its
``actor_1..3`` are sorted by the actors' Facebook likes in 2016, not billed: they are
kept as the film's (unordered) cast. ``movie_imdb_link`` gives the tt... id that links
a film to its Wikidata credits.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from boxoffice.names import AliasTable, canonical_genres, clean_text, split_list, title_key
from boxoffice.table.schema import canonical_rating
from boxoffice.table.sources.base import IMDB_ID, SourceRecords, number_cell, read_csv_checked
from boxoffice.table.vocabulary import canonical_value

NAME = "imdb-5000"
FILE = "imdb-5000-movie-metadata.csv"
KEPT = ("movie_title", "title_year", "genres", "director_name", "actor_1_name", "actor_2_name",
        "actor_3_name", "content_rating", "duration", "country", "language", "plot_keywords", "movie_imdb_link")
"""The pre-release columns; everything else in the file is dropped here."""


def read(path: Path, genres: AliasTable | None = None) -> SourceRecords:
    import pandas as pd

    raw = read_csv_checked(path, KEPT, source=NAME)[list(KEPT)]
    raw.index = raw.index + 2  # CSV line numbers
    dropped = Counter()
    dupes = raw.duplicated(keep="first")
    dropped["duplicate row"] = int(dupes.sum())
    raw = raw[~dupes]
    rows = []
    for line, rec in raw.iterrows():
        cell = dict(file=str(path), row=int(line))
        title = clean_text(rec["movie_title"])
        year = number_cell(rec["title_year"], column="title_year", **cell)
        if not title or year is None:
            dropped["no title or year (cannot be linked)"] += 1
            continue
        rows.append({
            "source": NAME, "source_row": int(line), "title": title, "title_key": title_key(title),
            "year": int(year), "release_date": pd.NaT,
            "genres": canonical_genres(rec["genres"], genres),
            "cast": [n for n in (clean_text(rec[f"actor_{k}_name"]) for k in (1, 2, 3)) if n],
            "directors": split_list(rec["director_name"], sep=","),
            "mpaa_rating": canonical_rating(rec["content_rating"]),
            "runtime_min": number_cell(rec["duration"], column="duration", **cell),
            "country": canonical_value("country", rec["country"]),
            "language": canonical_value("language", rec["language"]),
            "plot_keywords": split_list(rec["plot_keywords"]),
            "imdb_id": _imdb_id(rec["movie_imdb_link"]),
        })
    frame = pd.DataFrame(rows)
    # the same film listed twice with different scrape details: keep the first
    same = frame.duplicated(subset=["title_key", "year"], keep="first")
    dropped["same title and year listed twice"] = int(same.sum())
    return SourceRecords(NAME, frame[~same].reset_index(drop=True), dropped)


def _imdb_id(link: object) -> str | None:
    """'http://www.imdb.com/title/tt0499549/?ref_=fn_tt_tt_1' -> 'tt0499549'; None without one."""
    found = IMDB_ID.search(str(link or ""))
    return found.group(0) if found else None
