"""Build the canonical film table from the public sources, save it, load it, sum it up.

The Numbers is the spine (budget and grosses); vega films it lacks join the
spine; IMDB 5000 and Box Office Mojo attach to the spine by record linkage.
Each field is taken from the first source in its priority list that has it,
and ``field_sources`` records which one did.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.errors import DataSourceError
from boxoffice.names import distributor_aliases, genre_aliases
from boxoffice.schema import COLUMN_NAMES, LIST_COLUMNS, conform
from boxoffice.sources import box_office_mojo, imdb5000, linkage, the_numbers, vega

FIELD_PRIORITY: dict[str, tuple[str, ...]] = {
    "title": ("the-numbers", "vega"),
    "release_date": ("the-numbers", "vega"),
    "budget_usd": ("the-numbers", "vega"),
    "domestic_gross_usd": ("the-numbers", "vega", "box-office-mojo"),
    "worldwide_gross_usd": ("the-numbers", "vega", "box-office-mojo"),
    "genres": ("imdb-5000", "vega"),
    "cast": ("imdb-5000",),
    "directors": ("imdb-5000", "vega"),
    "distributor": ("vega", "box-office-mojo"),
    "mpaa_rating": ("imdb-5000", "vega"),
    "runtime_min": ("imdb-5000", "vega"),
    "country": ("imdb-5000",),
    "language": ("imdb-5000",),
    "plot_keywords": ("imdb-5000",),
    "source_material": ("vega",),
    "creative_type": ("vega",),
}
"""Which source wins for each column, best first."""


@dataclass(frozen=True)
class BuildConfig:
    sources_dir: Path
    distributor_aliases: Path | None = None
    """Extra alias CSV (alias,distributor) on top of the packaged table."""
    genre_aliases: Path | None = None
    linkage: linkage.LinkageConfig = linkage.LinkageConfig()


@dataclass
class BuildReport:
    rows_read: dict = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    """(source, reason) -> rows dropped."""
    unmatched: Counter = field(default_factory=Counter)
    """source -> rows that matched no film of the spine."""
    linked: Counter = field(default_factory=Counter)
    """(source, method) -> rows linked to a film."""


@dataclass
class BuildResult:
    table: "object"  # pandas.DataFrame in the canonical schema
    report: BuildReport


def build_film_table(config: BuildConfig) -> BuildResult:
    import pandas as pd

    folder = Path(config.sources_dir)
    if not folder.is_dir():
        raise DataSourceError(f"sources folder not found: {folder}",
                              hint="pass --sources DIR or set BOXOFFICE_DATA to the folder with the public files")
    distributors = distributor_aliases(config.distributor_aliases)
    genres = genre_aliases(config.genre_aliases)
    tn = the_numbers.read(folder / the_numbers.FILE)
    vg = vega.read(folder / vega.FILE, distributors, genres)
    im = imdb5000.read(folder / imdb5000.FILE, genres)
    bom = box_office_mojo.read(folder / box_office_mojo.FILE, distributors)

    for recs, name in ((tn, the_numbers.FILE), (vg, vega.FILE), (im, imdb5000.FILE), (bom, box_office_mojo.FILE)):
        if len(recs.frame) == 0:
            reasons = ", ".join(f"{n} {reason}" for reason, n in recs.dropped.items() if n) or "none read"
            raise DataSourceError(f"no usable rows (dropped: {reasons})", file=str(folder / name),
                                  hint="check the file holds films with titles and dates")
    report = BuildReport()
    for recs in (tn, vg, im, bom):
        report.rows_read[recs.source] = len(recs.frame) + sum(recs.dropped.values())
        for reason, count in recs.dropped.items():
            if count:
                report.dropped[(recs.source, reason)] += count

    # spine: The Numbers, then vega films The Numbers lacks
    spine = tn.frame.reset_index(drop=True)
    attached = {i: {"the-numbers": rec} for i, rec in enumerate(spine.to_dict("records"))}
    vega_pairs = linkage.link(spine, vg.frame, config.linkage)
    _attach(attached, vega_pairs, vg.frame, "vega", report)
    extra = vg.frame.drop(index=vega_pairs["right"]).reset_index(drop=True)
    for rec in extra.to_dict("records"):
        attached[len(attached)] = {"vega": rec}
    report.linked[("vega", "added as a film The Numbers lacks")] += len(extra)
    spine = pd.concat([spine, extra[spine.columns.intersection(extra.columns)]], ignore_index=True)

    for recs in (im, bom):
        pairs = linkage.link(spine, recs.frame, config.linkage)
        _attach(attached, pairs, recs.frame, recs.source, report)
        report.unmatched[recs.source] += len(recs.frame) - len(pairs)

    rows = [_merge_fields(attached[i]) for i in range(len(attached))]
    table = pd.DataFrame(rows)
    return BuildResult(finish_table(table), report)


def _attach(attached, pairs, frame, source, report):
    records = frame.to_dict("index")
    for left, right, method in pairs.itertuples(index=False):
        attached[left][source] = records[right]
        report.linked[(source, method)] += 1


def _present(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value == value
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    try:
        import pandas as pd

        return not pd.isna(value)
    except (TypeError, ValueError):
        return True


def _merge_fields(by_source: dict) -> dict:
    row, origin = {}, {}
    for column, priority in FIELD_PRIORITY.items():
        for source in priority:
            value = by_source.get(source, {}).get(column)
            if _present(value):
                row[column] = value
                origin[column] = source
                break
    row["field_sources"] = json.dumps(origin, sort_keys=True)
    return row


_NUMBERED = re.compile(r"(?:\s(?:[2-9]|1[0-9]|part \d+|episode \d+|chapter \d+))(?:\s|$)")


def finish_table(table, origin: str | None = None):
    """Year, constant dollars, sequel flags, ids; conform to the schema.

    ``origin`` names the single source of a user's table for ``field_sources``.
    """
    import numpy as np
    import pandas as pd

    from boxoffice.names import title_key
    from boxoffice.units import to_constant_dollars

    table["release_date"] = pd.to_datetime(table["release_date"])
    table["year"] = table["release_date"].dt.year
    for col in ("budget_usd", "domestic_gross_usd", "worldwide_gross_usd"):
        table[f"{col}_2012"] = to_constant_dollars(table[col].astype(float).to_numpy(), table["year"].to_numpy())
    guessed = pd.Series(sequel_flags(table), index=table.index)
    table["sequel"] = table["sequel"].astype("boolean").fillna(guessed) if "sequel" in table else guessed
    if origin is not None:
        table["field_sources"] = [
            json.dumps({c: origin for c in FIELD_PRIORITY if c in row and _present(row[c])}, sort_keys=True)
            for row in table.to_dict("records")
        ]
    keys = table["title"].map(title_key)
    slugs = keys.str.replace(" ", "-") + "-" + table["year"].astype(str)
    dup = slugs.groupby(slugs).cumcount()
    table["film_id"] = np.where(dup > 0, slugs + "-" + (dup + 1).astype(str), slugs)
    for col in LIST_COLUMNS:
        values = table[col] if col in table else pd.Series([None] * len(table), index=table.index)
        table[col] = values.map(lambda v: v if isinstance(v, list) else [])
    return conform(table.sort_values(["release_date", "film_id"], kind="stable"))


def sequel_flags(table):
    """A numbered title ("Shrek 2", "Part II"), or a title whose stem before ':' an earlier film shares."""
    from boxoffice.names import title_key

    stems = table["title"].map(lambda t: title_key(str(t).split(":")[0]))
    keys = table["title"].map(title_key)
    order = table["release_date"].argsort(kind="stable")
    seen, flags = set(), [False] * len(table)
    for pos in order:
        key, stem = keys.iloc[pos], stems.iloc[pos]
        numbered = bool(_NUMBERED.search(key))  # a number after the first word: not "12 Angry Men"
        flags[pos] = numbered or (":" in str(table["title"].iloc[pos]) and stem in seen)
        seen.add(stem)
    return flags


def save_table(table, path: Path) -> Path:
    """Write Parquet atomically (temp file, then rename)."""
    from boxoffice.atomic import atomic_path

    with atomic_path(Path(path), suffix=".parquet.tmp") as tmp:
        table.to_parquet(tmp, index=False)
    return Path(path)


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
    missing = [c for c in COLUMN_NAMES if c not in table.columns]
    if missing:
        raise DataSourceError(f"film table lacks column(s) {', '.join(missing)}", file=str(path),
                              hint="rebuild it with `boxoffice data build`")
    for col in LIST_COLUMNS:
        table[col] = table[col].map(lambda v: list(v) if v is not None else [])
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
    return {
        "films": int(len(table)),
        "with_budget": int(has_budget.sum()),
        "with_worldwide_gross": int(has_ww.sum()),
        "with_budget_and_worldwide_gross": int((has_budget & has_ww).sum()),
        "trainable_with_cast": int((has_budget & has_ww & has_cast).sum()),
        "with_cast": int(has_cast.sum()),
        "with_director": int((table["directors"].map(len) > 0).sum()),
        "with_distributor": int(table["distributor"].notna().sum()),
        "with_mpaa_rating": int(table["mpaa_rating"].notna().sum()),
        "sequels": int(table["sequel"].fillna(False).sum()),
        "first_release": dates.min().date().isoformat() if len(dates) else None,
        "last_release": dates.max().date().isoformat() if len(dates) else None,
        "films_per_source": dict(sorted(sources.items())),
    }
