"""The saved film table: write and read it (Parquet, stamped with its build version), sum it up.

``load_films`` is the one way every command gets films to train or test on: a user's CSV, the
saved table, or a table built from the public data when none is saved (or it is stale).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from boxoffice.errors import DataSourceError
from boxoffice.table.build import TABLE_VERSION
from boxoffice.table.schema import COLUMN_NAMES, LATER_COLUMNS, LIST_COLUMNS

_VERSION_ATTR = "boxoffice_table_version"
_SOURCES_ATTR = "boxoffice_added_sources"


def save_table(table, path: Path, added: list[str] | None = None) -> Path:
    """Write Parquet atomically (temp file, then rename), stamped with ``TABLE_VERSION`` and the
    added sources linked in (``added.stamps``), so a table that missed one is built again."""
    from boxoffice.atomic import atomic_path

    stamped = table.copy(deep=False)  # pandas keeps ``attrs`` in the Parquet metadata
    stamped.attrs = {_VERSION_ATTR: TABLE_VERSION, _SOURCES_ATTR: list(added or [])}
    with atomic_path(Path(path), suffix=".parquet.tmp") as tmp:
        stamped.to_parquet(tmp, index=False)
    return Path(path)


def _attrs(path: Path) -> dict | None:
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
        attrs = json.loads(metadata.get(b"PANDAS_ATTRS", b"{}"))
    except Exception:  # a missing or damaged file: pyarrow raises several types
        return None
    return attrs if isinstance(attrs, dict) else {}


def table_version(path: Path) -> int | None:
    """The ``TABLE_VERSION`` a saved table was built with: 1 for tables from before the stamp,
    None if the file cannot be read (``load_table`` then says why)."""
    attrs = _attrs(path)
    if attrs is None:
        return None
    version = attrs.get(_VERSION_ATTR, 1)
    return version if isinstance(version, int) else 1


def table_sources(path: Path) -> list[str] | None:
    """The added sources a saved table was built with (``added.stamps``); None if unreadable."""
    attrs = _attrs(path)
    return None if attrs is None else list(attrs.get(_SOURCES_ATTR) or [])


def table_is_stale(path: Path) -> bool:
    """True if the table at ``path`` came from an older (or newer) build than this one: rebuild it."""
    version = table_version(path)
    return version is not None and version != TABLE_VERSION


def load_table(path: Path):
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataSourceError(f"no film table at {path}", hint="run `boxoffice data build` first")
    try:
        table = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise DataSourceError(f"cannot read the film table: {err}", file=str(path),
                              hint="rebuild it with `boxoffice data build`") from None
    for column in LATER_COLUMNS:
        if column not in table.columns:
            table[column] = pd.Series([None] * len(table), dtype="string")
    missing = [c for c in COLUMN_NAMES if c not in table.columns]
    if missing:
        raise DataSourceError(f"film table lacks column(s) {', '.join(missing)}", file=str(path),
                              hint="rebuild it with `boxoffice data build`")
    table = table[[*COLUMN_NAMES, *(c for c in table.columns if c not in COLUMN_NAMES)]]
    for col in LIST_COLUMNS:
        table[col] = table[col].map(lambda v: list(v) if v is not None else [])
    table.attrs = {}  # the version stamp is the file's, not the data's
    return table


def summarize(table) -> dict:
    """Counts a user checks first: how many films can train a model, and from when."""
    has_budget = table["budget_usd"].notna()
    has_ww = table["worldwide_gross_usd"].notna()
    has_cast = table["cast"].map(len) > 0
    sources = Counter()
    for text in table["field_sources"]:
        for source in set(json.loads(text).values()):
            sources[source] += 1
    dates = table["release_date"].dropna()
    per_source = {}
    for source in sorted(sources):
        has = table["field_sources"].map(lambda text, s=source: s in json.loads(text).values())
        span = table.loc[has.to_numpy(), "release_date"].dropna()
        per_source[source] = {"films": int(has.sum()),
                              "first_release": span.min().date().isoformat() if len(span) else None,
                              "last_release": span.max().date().isoformat() if len(span) else None}
    return {
        "films": int(len(table)),
        "with_budget": int(has_budget.sum()),
        "with_worldwide_gross": int(has_ww.sum()),
        "with_budget_and_worldwide_gross": int((has_budget & has_ww).sum()),
        "trainable_with_cast": int((has_budget & has_ww & has_cast).sum()),
        "with_cast": int(has_cast.sum()),
        "with_director": int((table["directors"].map(len) > 0).sum()),
        "with_credits": int((table["credited_cast"].map(len) > 0).sum()),
        "with_distributor": int(table["distributor"].notna().sum()),
        "with_mpaa_rating": int(table["mpaa_rating"].notna().sum()),
        "sequels": int(table["sequel"].fillna(False).sum()),
        "first_release": dates.min().date().isoformat() if len(dates) else None,
        "last_release": dates.max().date().isoformat() if len(dates) else None,
        "films_per_source": dict(sorted(sources.items())),
        "sources": per_source,
    }


def load_films(workspace, data: Path | None = None, mapping: Path | None = None, on_build=None):
    """The film table to train on: a user's CSV, the built table, or build it from the public data.

    The built table holds the public films and every source added with ``boxoffice data add``. It is
    built again when the public data is there and it came from an older build
    (``boxoffice.table.build.TABLE_VERSION``) or missed a change of the added sources.
    """
    from boxoffice.table import added

    if data is not None:
        from boxoffice.table.mapped_csv import ColumnMapping, read_films

        return read_films(data, ColumnMapping.load(mapping))
    path = workspace.table_path
    stamps = added.stamps(workspace.added_dir)
    can_build = Path(workspace.data_dir).is_dir()
    if path.is_file() and not (can_build and (table_is_stale(path) or table_sources(path) != stamps)):
        return load_table(path)
    if on_build:
        why = ("rebuilding the film table (it came from an older build)" if path.is_file() and table_is_stale(path)
               else "rebuilding the film table (the films added to it changed)" if path.is_file()
               else "building the film table")
        on_build(f"{why} from {workspace.data_dir}")
    table = added.build_with_added(workspace).table
    save_table(table, workspace.table_path, stamps)
    return table
