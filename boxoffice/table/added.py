"""Films a user adds on top of the public table: read, kept as Parquet, linked in at every build.

A user's CSV (``data add``) is parsed once through its column mapping into the rows of a source
(``SourceRecords``, as the public adapters give them) and kept in the workspace as Parquet, one file
per source name: never a copy of the public files, and never the user's file itself. Every build of
the workspace's film table then links each added source onto the public table with the same record
linkage (``linkage.link``: title and year, a cautious fuzzy pass, then the figures): a film in both is
one film, the user's values win field by field and ``field_sources`` names the source of each;
a film only the user has becomes a new film. Sources are linked in the order they were added.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.errors import InputError
from boxoffice.table import linkage
from boxoffice.table.build import FIELD_PRIORITY, present
from boxoffice.table.sources.base import RECORD_COLUMNS

ADD_REQUIRED = ("title", "release_date")
"""What a row needs to be linked: every other column, grosses included, may be blank (unknown)."""
PUBLIC_SOURCES = ("the-numbers", "vega", "imdb-5000", "box-office-mojo", "user-csv")
"""Source names a user's source may not take: the public adapters' (and ``train --data``'s)."""
FIELDS = tuple(FIELD_PRIORITY) + ("sequel", "franchise")
"""The columns an added source may supply (``sequel`` when the file says so, else it is guessed; the
``franchise`` a film belongs to when its title does not say it)."""
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")
_ATTR = "boxoffice_added_source"


def check_source_name(name: str) -> str:
    """A source name is short and plain (it names a file and shows in ``field_sources``)."""
    if not isinstance(name, str) or not _SOURCE_NAME.match(name) or ".." in name:
        raise InputError(f"source name {name!r} is not allowed",
                         hint="use lower-case letters, digits, '-', '_' and '.', e.g. --source studio-2019")
    if name in PUBLIC_SOURCES:
        raise InputError(f"source name {name!r} is taken by the public data",
                         hint="give your films a name of their own, e.g. --source studio")
    return name


def source_name_for(path: Path) -> str:
    """The default source name of a file: its stem, lower-cased, other characters as '-'."""
    stem = re.sub(r"[^a-z0-9._-]+", "-", Path(path).stem.lower()).strip("-._")[:60]
    return stem or "my-films"


@dataclass
class AddedSource:
    """A user's file parsed into a source's rows, with what was refused and what is unknown."""

    name: str
    frame: "object"
    """One row per film: ``RECORD_COLUMNS`` and the columns of ``FIELDS`` the file gives."""
    file: str = ""
    added: str = ""
    """When it was added, ISO 8601 UTC (sources link in this order)."""
    refused: Counter = field(default_factory=Counter)
    """Reason -> rows refused ("bad budget", "no release_date", "the same film as another row")."""
    problems: list = field(default_factory=list)
    """Every ``RowProblem`` of the refused rows, by row."""

    def unknown(self) -> dict:
        """Rows kept with a value unknown (a gross of 0 or blank is unknown, not zero): counted, never dropped."""
        frame = self.frame
        return {label: int(frame[column].isna().sum()) if column in frame else int(len(frame))
                for label, column in (("worldwide gross", "worldwide_gross_usd"), ("budget", "budget_usd"),
                                      ("domestic gross", "domestic_gross_usd"))}


def read_source(path: Path, mapping=None, name: str | None = None) -> AddedSource:
    """Parse a user's film CSV as a source: good rows kept, bad ones refused by reason (nothing raised
    for a bad row; a bad file or mapping raises ``InputError``)."""
    import datetime as dt

    import pandas as pd

    from boxoffice.names import title_key
    from boxoffice.table.mapped_csv import ColumnMapping, duplicate_films, parse_rows, read_frame

    mapping = mapping or ColumnMapping()
    name = check_source_name(name or source_name_for(path))
    text = read_frame(path, mapping, ADD_REQUIRED)
    films, problems = parse_rows(text, mapping, ADD_REQUIRED)
    twice = duplicate_films(films, mapping)
    problems = sorted(problems + twice, key=lambda p: p.row)
    refused = Counter()
    first = {}
    for problem in problems:
        first.setdefault(problem.row, problem)
    for problem in first.values():
        refused[_reason(problem, mapping)] += 1
    bad = set(first)
    rows = []
    for rec in films.to_dict("records"):
        if rec["row"] in bad:
            continue
        date = pd.Timestamp(rec["release_date"])
        row = {"source": name, "source_row": rec["row"], "title": rec["title"], "title_key": title_key(rec["title"]),
               "year": date.year, "release_date": date}
        row.update({column: rec.get(column) for column in FIELDS if column not in row})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*RECORD_COLUMNS, *(c for c in FIELDS if c not in RECORD_COLUMNS)])
    for column in ("budget_usd", "domestic_gross_usd", "worldwide_gross_usd", "runtime_min"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    added = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    return AddedSource(name, frame, str(path), added, refused, problems)


def _reason(problem, mapping) -> str:
    """A refusal's reason, as counted: the column in canonical terms and what is wrong with it."""
    canon = {header: canon for canon, header in mapping.columns.items()}.get(problem.column, problem.column)
    if problem.message.startswith("the same film as row"):
        return "the same film as an earlier row"
    if problem.message == "is blank but required":
        return f"no {canon}"
    return f"bad {canon}"


# ------------------------------------------------------------------ kept in the workspace


def source_path(folder: Path, name: str) -> Path:
    return Path(folder) / f"{check_source_name(name)}.parquet"


def save_source(source: AddedSource, folder: Path) -> Path:
    """Write the source's rows atomically as ``<folder>/<name>.parquet``, stamped with its file and time."""
    from boxoffice.atomic import atomic_path

    frame = source.frame.copy(deep=False)
    frame.attrs = {_ATTR: json.dumps({"name": source.name, "file": source.file, "added": source.added,
                                      "refused": dict(source.refused)})}
    target = source_path(folder, source.name)
    with atomic_path(target, suffix=".parquet.tmp") as tmp:
        frame.to_parquet(tmp, index=False)
    return target


def stamps(folder: Path) -> list[str]:
    """``name@added`` of every source kept in ``folder``, in the order they were added: a saved film
    table carries the stamps it was built with, so one that missed a change is built again."""
    import pyarrow.parquet as pq

    found = []
    for path in sorted(Path(folder).glob("*.parquet")) if Path(folder).is_dir() else ():
        try:
            attrs = json.loads((pq.read_schema(path).metadata or {}).get(b"PANDAS_ATTRS", b"{}"))
            info = json.loads(attrs.get(_ATTR, "{}"))
        except Exception:  # a damaged file: ``load_sources`` says so when the table is built
            info = {}
        found.append((info.get("added", ""), info.get("name", path.stem)))
    return [f"{name}@{added}" for added, name in sorted(found)]


def load_sources(folder: Path) -> list[AddedSource]:
    """Every source kept in ``folder``, in the order they were added."""
    import pandas as pd

    from boxoffice.errors import DataSourceError

    folder = Path(folder)
    found = []
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else ():
        try:
            frame = pd.read_parquet(path)
            info = json.loads(frame.attrs.get(_ATTR, "{}"))
        except Exception as err:  # pyarrow raises several types for a damaged file
            raise DataSourceError(f"cannot read an added source: {err}", file=str(path),
                                  hint=f"remove it with `boxoffice data remove --source {path.stem}` and add the file again") from None
        frame.attrs = {}
        for column in ("genres", "cast", "directors"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: list(v) if v is not None else [])
        found.append(AddedSource(info.get("name", path.stem), frame, info.get("file", ""), info.get("added", ""),
                                 Counter(info.get("refused", {}))))
    return sorted(found, key=lambda s: (s.added, s.name))


# ------------------------------------------------------------------ linked onto a table


@dataclass
class LinkReport:
    """How one added source met the table: rows matched to a film already there (by method), and new films."""

    source: str
    rows: int = 0
    matched: Counter = field(default_factory=Counter)
    new: int = 0


def link_sources(table, sources: list[AddedSource], config: linkage.LinkageConfig = linkage.LinkageConfig()):
    """``table`` (a film table) with each source linked in, in order; returns (table, [LinkReport]).

    A matched film takes every value the source gives (the user's figures win) and records the source
    for those fields in ``field_sources``; a row that matches no film becomes one. Constant dollars,
    sequel flags and ids are then made again over the whole table (``build.finish_table``).
    """
    import pandas as pd

    from boxoffice.names import title_key
    from boxoffice.table.build import finish_table

    if not sources:
        return table, []
    films = table.reset_index(drop=True).copy()
    films["title_key"] = films["title"].map(title_key)
    reports = []
    for source in sources:
        report = LinkReport(source.name, rows=len(source.frame))
        rows = source.frame.reset_index(drop=True)
        if rows.empty:
            reports.append(report)
            continue
        films["year"] = films["release_date"].dt.year
        pairs = linkage.link(films, rows, config, by_figures=True)
        given = [c for c in FIELDS if c in rows.columns]  # a value of None or [] gives nothing
        for left, right, method in pairs.itertuples(index=False):
            origin = json.loads(films.at[left, "field_sources"] or "{}")
            for column in given:
                value = rows.at[right, column]
                if present(value):
                    films.at[left, column] = value
                    origin[column] = source.name
            films.at[left, "field_sources"] = json.dumps(origin, sort_keys=True)
            report.matched[method] += 1
        fresh = rows.drop(index=pairs["right"])
        if len(fresh):
            fresh = fresh[["title", "title_key", "release_date", *[c for c in given if c not in ("title", "release_date")]]]
            fresh = fresh.assign(field_sources=[
                json.dumps({c: source.name for c in ("title", "release_date", *given) if present(rec.get(c))}, sort_keys=True)
                for rec in fresh.to_dict("records")])
            films = pd.concat([films, fresh], ignore_index=True)
        report.new = len(fresh)
        reports.append(report)
    films = films.drop(columns=["title_key", "year", "budget_usd_2012", "domestic_gross_usd_2012",
                                "worldwide_gross_usd_2012", "film_id"], errors="ignore")
    return finish_table(films), reports


@dataclass
class WorkspaceBuild:
    table: "object"
    """The film table: public films and every added source linked in."""
    report: "object"
    """The public build's ``BuildReport``."""
    links: list
    """One ``LinkReport`` per added source, in the order they were linked."""


def build_with_added(workspace, config=None, progress=None, sources: list[AddedSource] | None = None) -> WorkspaceBuild:
    """The workspace's film table: the public files built (``BuildConfig``, default: the workspace's
    data folder), then ``sources`` (default: every source added to the workspace) linked in."""
    from boxoffice.table.build import BuildConfig, build_film_table

    config = config or BuildConfig(workspace.data_dir)
    result = build_film_table(config, progress)
    sources = load_sources(workspace.added_dir) if sources is None else sources
    table, links = link_sources(result.table, sources, config.linkage)
    return WorkspaceBuild(table, result.report, links)
