"""The Numbers' budget table: the spine of the film table (budget, grosses, exact date)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from boxoffice.names import clean_text, title_key
from boxoffice.table.sources.base import SourceRecords, date_cell, money_cell, read_csv_checked

NAME = "the-numbers"
FILE = "the-numbers-budgets.csv"
REQUIRED = ("release_date", "movie", "production_budget", "domestic_gross", "worldwide_gross")


def read(path: Path) -> SourceRecords:
    import pandas as pd

    raw = read_csv_checked(path, REQUIRED, source=NAME)
    rows, dropped = [], Counter()
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # header is line 1
        cell = dict(file=str(path), row=line)
        title = clean_text(rec["movie"])
        date = date_cell(rec["release_date"], column="release_date", **cell)
        if not title or date is None:
            dropped["no title or release date"] += 1
            continue
        rows.append({
            "source": NAME, "source_row": line, "title": title, "title_key": title_key(title),
            "year": date.year, "release_date": pd.Timestamp(date),
            "budget_usd": money_cell(rec["production_budget"], column="production_budget", **cell),
            "domestic_gross_usd": money_cell(rec["domestic_gross"], column="domestic_gross", **cell),
            "worldwide_gross_usd": money_cell(rec["worldwide_gross"], column="worldwide_gross", **cell),
        })
    return SourceRecords(NAME, pd.DataFrame(rows), dropped)
