"""Box Office Mojo (2010-2012 here): distributor codes and a fallback for grosses."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from boxoffice.names import AliasTable, clean_text, title_key
from boxoffice.table.sources.base import SourceRecords, money_cell, number_cell, read_csv_checked

NAME = "box-office-mojo"
FILE = "box-office-mojo-gross.csv"
REQUIRED = ("title", "studio", "domestic_gross", "foreign_gross", "year")


def read(path: Path, distributors: AliasTable) -> SourceRecords:
    import pandas as pd

    raw = read_csv_checked(path, REQUIRED, source=NAME)
    rows, dropped = [], Counter()
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2
        cell = dict(file=str(path), row=line)
        title = clean_text(rec["title"])
        year = number_cell(rec["year"], column="year", **cell)
        if not title or year is None:
            dropped["no title or year"] += 1
            continue
        domestic = money_cell(rec["domestic_gross"], column="domestic_gross", **cell)
        foreign = money_cell(rec["foreign_gross"], column="foreign_gross", **cell)
        rows.append({
            "source": NAME, "source_row": line, "title": title, "title_key": title_key(title),
            "year": int(year), "release_date": pd.NaT,
            "distributor": distributors.canonical(rec["studio"]),
            "domestic_gross_usd": domestic,
            "worldwide_gross_usd": domestic + foreign if domestic and foreign else None,
        })
    return SourceRecords(NAME, pd.DataFrame(rows), dropped)
