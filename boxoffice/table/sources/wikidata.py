"""Wikidata film records (CC0): the full credits of a film, for the track records of later films.

Only the IMDb id, title, year, cast and directors leave this adapter. Its lists are
alphabetical, not billed, and how complete a record is (how many names, whether writers or
companies are filled) reflects how well known the film became by the snapshot, so the credits
never describe the film itself: they only count in the records of the people's later films.
``box_office_usd`` is an outcome, and writers, companies and the rest are never read.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from boxoffice.names import clean_text, title_key
from boxoffice.table.sources.base import IMDB_ID, RECORD_COLUMNS, SourceRecords, date_cell, number_cell, read_csv_checked

NAME = "wikidata"
FILE = "wikidata-films.csv"
KEPT = ("imdb_id", "title", "year", "released", "directors", "cast")
"""The columns read; everything else in the file (box office, writers, companies, ...) is dropped here."""

_SUFFIX = re.compile(r"^(jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)
_NOT_A_PERSON = re.compile(r"^list of ", re.IGNORECASE)


def names(cell: object) -> list[str]:
    """'Alan Hale, Jr., Ann Doran' -> ['Alan Hale, Jr.', 'Ann Doran']: split on ', ', keep a
    suffix with its name, drop entries that are not people ("list of ... characters")."""
    out: list[str] = []
    for part in str(cell or "").split(", "):
        part = clean_text(part)
        if not part:
            continue
        if _SUFFIX.match(part) and out:
            out[-1] = f"{out[-1]}, {part}"
        elif not _NOT_A_PERSON.match(part):
            out.append(part)
    return list(dict.fromkeys(out))


def read(path: Path) -> SourceRecords:
    import pandas as pd

    raw = read_csv_checked(path, KEPT, source=NAME)[list(KEPT)]
    rows, dropped = [], Counter()
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2
        cell = dict(file=str(path), row=line)
        found = IMDB_ID.fullmatch(rec["imdb_id"].strip())
        title = clean_text(rec["title"])
        year = number_cell(rec["year"], column="year", **cell)
        if found is None or not title or year is None:
            dropped["no IMDb id, title or year"] += 1
            continue
        released = date_cell(rec["released"], column="released", **cell)
        rows.append({
            "source": NAME, "source_row": line, "imdb_id": found.group(0), "title": title,
            "title_key": title_key(title), "year": int(year),
            # YYYY-01-01 stands for "the year only" in two thirds of the records
            "release_date": pd.Timestamp(released) if released and (released.month, released.day) != (1, 1) else pd.NaT,
            "credited_cast": names(rec["cast"]), "credited_directors": names(rec["directors"]),
        })
    frame = pd.DataFrame(rows, columns=[*RECORD_COLUMNS, "imdb_id", "credited_cast", "credited_directors"])
    same = frame.duplicated(subset=["imdb_id"], keep="first")  # e.g. a film and its re-cut under one id
    dropped["IMDb id listed twice"] = int(same.sum())
    return SourceRecords(NAME, frame[~same].reset_index(drop=True), dropped)
