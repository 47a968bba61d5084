"""Build the canonical film table from the public sources, save it, load it, sum it up.

The Numbers is the spine (budget and grosses); vega films it lacks join the
spine; IMDB 5000 and Box Office Mojo attach to the spine by record linkage,
by The Numbers' title or else by vega's title of the same film ("Twelve
Monkeys" for "12 Monkeys"). Wikidata's credits attach by IMDb id, else by title.
Each field is taken from the first source in its priority list that has it, and
``field_sources`` records which one did.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.errors import DataSourceError
from boxoffice.names import distributor_aliases, genre_aliases
from boxoffice.table.schema import LIST_COLUMNS, conform
from boxoffice.table import linkage
from boxoffice.table.sources import box_office_mojo, imdb5000, the_numbers, vega, wikidata

TABLE_VERSION = 5
"""Bumped whenever the build would give a different table from the same files, so a
cached table of an older build is rebuilt. 2: vega films linked by their figures;
IMDB 5000 and Box Office Mojo also linked by vega titles; stricter sequel flags.
3: Box Office Mojo's codes of a few small distributors merged with their names ("Mira." is
Miramax), "Distributor Unknown" left blank; countries and languages through their alias tables.
4: ``imdb_id``, and Wikidata's full credits (``credited_cast``, ``credited_directors``).
5: ``franchise``, for a user's films that say it (``boxoffice data add``, ``train --data``)."""

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
    "imdb_id": ("imdb-5000", "wikidata"),
    "credited_cast": ("wikidata",),
    "credited_directors": ("wikidata",),
}
"""Which source wins for each column, best first."""


@dataclass(frozen=True)
class BuildConfig:
    sources_dir: Path
    distributor_aliases: Path | None = None
    """Extra alias CSV (alias,distributor) on top of the packaged table."""
    genre_aliases: Path | None = None
    linkage: linkage.LinkageConfig = linkage.LinkageConfig()

    def __post_init__(self):
        import os

        from boxoffice.errors import check_kind, check_param

        check_param(self, "sources_dir", isinstance(self.sources_dir, (str, os.PathLike)), "a folder path")
        for name in ("distributor_aliases", "genre_aliases"):
            value = getattr(self, name)
            check_param(self, name, value is None or isinstance(value, (str, os.PathLike)), "a CSV file path (or None)")
        check_kind(self, "linkage", linkage.LinkageConfig)


@dataclass
class BuildReport:
    rows_read: dict = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    """(source, reason) -> rows dropped."""
    unmatched: Counter = field(default_factory=Counter)
    """source -> rows that matched no film of the spine."""
    linked: Counter = field(default_factory=Counter)
    """(source, method) -> rows linked to a film."""
    linked_by_figures: list = field(default_factory=list)
    """(The Numbers title, year, vega title, year) of each film linked by budget and gross alone, to check by eye."""


@dataclass
class BuildResult:
    table: "object"  # pandas.DataFrame in the canonical schema
    report: BuildReport


def build_film_table(config: BuildConfig, progress=None) -> BuildResult:
    """Read the four public files and link them into one film table; ``progress(step, total, label)`` if given."""
    import pandas as pd

    say = progress or (lambda step, total, label: None)
    folder = Path(config.sources_dir)
    if not folder.is_dir():
        raise DataSourceError(f"sources folder not found: {folder}",
                              hint="pass --sources DIR or set BOXOFFICE_DATA to the folder with the public files")
    distributors = distributor_aliases(config.distributor_aliases)
    genres = genre_aliases(config.genre_aliases)
    say(0, 5, "reading the public files")
    tn = the_numbers.read(folder / the_numbers.FILE)
    vg = vega.read(folder / vega.FILE, distributors, genres)
    im = imdb5000.read(folder / imdb5000.FILE, genres)
    bom = box_office_mojo.read(folder / box_office_mojo.FILE, distributors)
    wd = wikidata.read(folder / wikidata.FILE)

    for recs, name in ((tn, the_numbers.FILE), (vg, vega.FILE), (im, imdb5000.FILE), (bom, box_office_mojo.FILE),
                       (wd, wikidata.FILE)):
        if len(recs.frame) == 0:
            reasons = ", ".join(f"{n} {reason}" for reason, n in recs.dropped.items() if n) or "none read"
            raise DataSourceError(f"no usable rows (dropped: {reasons})", file=str(folder / name),
                                  hint="check the file holds films with titles and dates")
    report = BuildReport()
    for recs in (tn, vg, im, bom, wd):
        report.rows_read[recs.source] = len(recs.frame) + sum(recs.dropped.values())
        for reason, count in recs.dropped.items():
            if count:
                report.dropped[(recs.source, reason)] += count

    # spine: The Numbers, then vega films The Numbers lacks
    say(1, 5, "linking vega-datasets' movies")
    spine = tn.frame.reset_index(drop=True)
    attached = {i: {"the-numbers": rec} for i, rec in enumerate(spine.to_dict("records"))}
    vega_pairs = linkage.link(spine, vg.frame, config.linkage, by_figures=True)
    _attach(attached, vega_pairs, vg.frame, "vega", report)
    by_figures = vega_pairs[vega_pairs["method"] == "figures"]
    report.linked_by_figures = [
        (spine.at[left, "title"], int(spine.at[left, "year"]),
         vg.frame.at[right, "title"], int(vg.frame.at[right, "year"]))
        for left, right in zip(by_figures["left"], by_figures["right"])
    ]
    other_titles = _other_titles(spine, vg.frame, vega_pairs)
    extra = vg.frame.drop(index=vega_pairs["right"]).reset_index(drop=True)
    for rec in extra.to_dict("records"):
        attached[len(attached)] = {"vega": rec}
    report.linked[("vega", "added as a film The Numbers lacks")] += len(extra)
    spine = pd.concat([spine, extra[spine.columns.intersection(extra.columns)]], ignore_index=True)

    for step, recs in enumerate((im, bom, wd), start=2):
        say(step, 5, f"linking {recs.source}")
        by_id, settled = _imdb_id_pairs(attached, recs.frame) if recs is wd else (None, [])
        left, right = spine.drop(index=settled), recs.frame.drop(index=[] if by_id is None else by_id["right"])
        pairs = pd.concat([by_id, linkage.link(left, right, config.linkage)], ignore_index=True)
        rest = recs.frame.drop(index=pairs["right"])
        more = linkage.link(other_titles.drop(index=[*pairs["left"], *settled], errors="ignore"), rest, config.linkage)
        more["method"] = more["method"] + " by vega title"
        pairs = pd.concat([pairs, more], ignore_index=True)
        _attach(attached, pairs, recs.frame, recs.source, report)
        report.unmatched[recs.source] += len(recs.frame) - len(pairs)

    say(5, 5, "merging the fields")
    rows = [_merge_fields(attached[i]) for i in range(len(attached))]
    table = pd.DataFrame(rows)
    return BuildResult(finish_table(table), report)


def _other_titles(spine, vega_frame, pairs):
    """Vega's title of each spine film linked to a vega row under another title key, indexed like the spine."""
    titled = vega_frame.loc[pairs["right"], ["title_key", "year"]].set_index(pairs["left"].to_numpy())
    return titled[titled["title_key"].to_numpy() != spine.loc[titled.index, "title_key"].to_numpy()]


def _imdb_id_pairs(attached, frame):
    """((left, right, 'imdb id') pairs, spine rows with an IMDb id): each spine film whose IMDB 5000
    row has the id of a row of ``frame`` pairs with it; a film with an id is never linked by title."""
    import pandas as pd

    rows = {imdb_id: i for i, imdb_id in frame["imdb_id"].items()}
    ids = {left: by["imdb-5000"]["imdb_id"] for left, by in attached.items() if by.get("imdb-5000", {}).get("imdb_id")}
    pairs = pd.DataFrame([(left, rows[i]) for left, i in ids.items() if i in rows], columns=["left", "right"])
    return pairs.drop_duplicates("right").assign(method="imdb id"), list(ids)


def _attach(attached, pairs, frame, source, report):
    records = frame.to_dict("index")
    for left, right, method in pairs.itertuples(index=False):
        attached[left][source] = records[right]
        report.linked[(source, method)] += 1


def present(value) -> bool:
    """Whether a cell holds a value: not None, NaN or an empty list."""
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
            if present(value):
                row[column] = value
                origin[column] = source
                break
    row["field_sources"] = json.dumps(origin, sort_keys=True)
    return row


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
            json.dumps({c: origin for c in FIELD_PRIORITY if c in row and present(row[c])}, sort_keys=True)
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
    """Sequel or franchise entry of each film of a table, by its title against the table's earlier
    films (``boxoffice.table.franchises``: the rule every film goes through)."""
    from boxoffice.table.franchises import franchise_of, registry

    return [bool(flag) for flag in franchise_of(table, registry(table))[1]]
