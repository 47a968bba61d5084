"""``boxoffice data``: build the film table from the public files, add your own films, sum it up, check a CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import HOME, SOURCES

app = typer.Typer(
    help="Build and inspect the film table the models learn from, and add your own films to it.\n\n"
    "Example:  boxoffice data build && boxoffice data add my_films.csv && boxoffice data summary",
    no_args_is_help=True,
)

@app.command()
def build(
    sources: Optional[Path] = SOURCES,
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the table (Parquet). Default: <home>/.boxoffice/films.parquet"),
    distributor_aliases: Optional[Path] = typer.Option(None, help="Extra CSV of alias,distributor rows (e.g. 'Sony Pictures Releasing,Sony Pictures')."),
    genre_aliases: Optional[Path] = typer.Option(None, help="Extra CSV of alias,genre rows (e.g. 'superhero,Action')."),
    home: Optional[Path] = HOME,
    as_json: bool = typer.Option(False, "--json", help="Print the summary and drop counts as JSON."),
) -> None:
    """Link the five public files into one film table and save it, with the films you added.

    Prints how many films came out, and every row dropped or left unmatched, by reason. Films added
    with `boxoffice data add` are linked in again (their parsed rows are kept in .boxoffice/added/).

    Example:  boxoffice data build --sources ../shared/data
    """
    from boxoffice.table.build import BuildConfig
    from boxoffice.table.io import summarize
    from boxoffice.table.workspace_table import rebuild
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(sources, home, require_data=True)
    ws.refuse_overwriting({"--out": out}, {"--distributor-aliases": distributor_aliases,
                                           "--genre-aliases": genre_aliases}, writes_table=True)
    with render.progress("Building the film table") as report:
        result, path = rebuild(ws, BuildConfig(ws.data_dir, distributor_aliases, genre_aliases), out, progress=report,
                               on_wait=render.info)
    summary = summarize(result.table)
    report = result.report
    if as_json:
        render.emit_json({
            "table": str(path), "summary": summary, "rows_read": report.rows_read,
            "added": [_link_json(link) for link in result.links],
            "dropped": [{"source": s, "reason": r, "rows": n} for (s, r), n in report.dropped.items()],
            "unmatched": dict(report.unmatched),
            "linked": [{"source": s, "method": m, "rows": n} for (s, m), n in report.linked.items()],
            "linked_by_figures": [{"title": t, "year": y, "vega_title": vt, "vega_year": vy}
                                  for t, y, vt, vy in report.linked_by_figures],
        })
        return
    render.out.print(f"Wrote {summary['films']:,} films to {path}")
    render.out.print(render.key_value_table("Film table", _headline(summary)))
    rows = [(s, r, n) for (s, r), n in sorted(report.dropped.items())]
    rows += [(s, "no film with budget/gross to attach to", n) for s, n in sorted(report.unmatched.items())]
    render.out.print(render.counts_table("Rows dropped or unmatched", ("source", "reason", "rows"), rows))
    linked = [(s, m, n) for (s, m), n in sorted(report.linked.items())]
    linked += [(link.source, f"{method} (your figures win)", n) for link in result.links for method, n in sorted(link.matched.items())]
    linked += [(link.source, "added as a new film", link.new) for link in result.links if link.new]
    render.out.print(render.counts_table("Rows linked", ("source", "how", "rows"), linked))


def _link_json(link) -> dict:
    return {"source": link.source, "rows": link.rows, "matched": sum(link.matched.values()),
            "matched_by": dict(link.matched), "new": link.new}


@app.command()
def add(
    file: Path = typer.Argument(..., help="Your film CSV (one row per film; check it with `boxoffice data validate`)."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="YAML column mapping, e.g. data/mappings/studio-slate.yaml."),
    source: Optional[str] = typer.Option(None, "--source", help="A name for these films in the table (default: the file name, e.g. 'studio' for studio.csv). Adding the same name again replaces them."),
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = typer.Option(False, "--json", help="Print what happened to the rows as JSON."),
) -> None:
    """Add your own films to the film table, on top of the public data.

    Each row goes through the same record linkage as the public files: a film already in the table
    (same title, a year apart at most, or the same figures) stays one film, with your values winning
    field by field; any other row becomes a new film. Prints how many rows matched, how many are new
    and how many were refused, by reason. A gross of 0 or blank is unknown: the film is kept (its
    track record counts) and counted, but not trained on. `boxoffice train` then learns from all of it.

    Examples:
      boxoffice data add my_films.csv --mapping data/mappings/studio-slate.yaml --source studio
      boxoffice data summary
      boxoffice data remove --source studio
    """
    from boxoffice.table import workspace_table
    from boxoffice.table.added import source_name_for
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(sources, home, require_data=True)
    ws.refuse_overwriting({"the film table": ws.table_path}, {"FILE": file, "--mapping": mapping}, writes_table=True)
    with render.progress("Adding your films") as report:
        result = workspace_table.add(ws, file, mapping, source or source_name_for(file), progress=report,
                                     on_wait=render.info)
    found, link = result.source, result.link
    refused = sum(found.refused.values())
    unknown = found.unknown()
    if as_json:
        render.emit_json({"table": str(result.path), "source": found.name, "replaced_rows": result.replaced,
                          **_link_json(link), "refused": refused, "refused_by": dict(found.refused),
                          "unknown": unknown, "films": int(len(result.table)),
                          "problems": [{"row": p.row, "column": p.column, "problem": p.message, "hint": p.hint}
                                       for p in found.problems]})
        return
    if result.replaced is not None:
        render.info(f"replaced the {render.counted(result.replaced, 'row')} added before as '{found.name}'")
    rows = [("matched a film already in the table", sum(link.matched.values())), ("new films", link.new),
            ("refused", refused)]
    rows += [(f"  refused: {reason}", n) for reason, n in found.refused.most_common()]
    rows += [(f"kept with {label} unknown (0 or blank)", n) for label, n in unknown.items()
             if n and label != "domestic gross"]
    render.out.print(render.counts_table(f"{render.counted(len(found.frame) + refused, 'row')} of {file} as source "
                                         f"'{found.name}'", ("rows", "count"), rows))
    for problem in found.problems[:20]:
        render.warn(f"refused {problem}")
    if len(found.problems) > 20:
        render.warn(f"… and {len(found.problems) - 20} more: `boxoffice data validate {file}` lists them all")
    if unknown["worldwide gross"]:
        n = unknown["worldwide gross"]
        render.warn(f"{render.counted(n, 'film')} of '{found.name}' {'has' if n == 1 else 'have'} no worldwide gross "
                    "(0 or blank means unknown): kept in the table for track records, not trained on")
    render.out.print(f"Wrote {len(result.table):,} films to {result.path}; `boxoffice train` learns from them")


@app.command()
def remove(
    source: str = typer.Option(..., "--source", help="The name of films added with `boxoffice data add` (see `boxoffice data summary`)."),
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
) -> None:
    """Take films you added out of the film table again (public films keep their public values).

    Examples:
      boxoffice data add my_films.csv --source studio
      boxoffice data remove --source studio
    """
    from boxoffice.table import workspace_table
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(sources, home, require_data=True)
    with render.progress("Rebuilding the film table") as report:
        build = workspace_table.remove(ws, source, progress=report, on_wait=render.info)
    render.out.print(f"Removed '{source}': {len(build.table):,} films in {ws.table_path}")


def _headline(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("films_per_source", "sources")} | {
        f"films with {source} data": n for source, n in summary["films_per_source"].items()
    }


@app.command()
def summary(
    table: Optional[Path] = typer.Option(None, "--table", help="A film table (Parquet). Default: the one `data build` wrote."),
    home: Optional[Path] = HOME,
    as_json: bool = typer.Option(False, "--json", help="Print an object for scripts: films, with_budget, trainable_with_cast, …"),
) -> None:
    """Counts of the film table: films, budgets, grosses, cast, dates, per source.

    Example:  boxoffice data summary --json
    """
    from boxoffice.table.io import load_table, summarize, table_is_stale
    from boxoffice.table.workspace_table import sources as added_sources
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(home=home)
    path = table or ws.table_path
    result = summarize(load_table(path))
    added = {row["source"]: row for row in added_sources(ws)} if table is None else {}
    for name, row in result["sources"].items():
        row["added"] = added[name] if name in added else None
    if table_is_stale(path):
        render.warn(f"{path} came from an older build of the film table; `boxoffice data build` makes it again")
    if as_json:
        render.emit_json(result)
        return
    render.out.print(render.key_value_table(f"Film table ({path})", _headline(result)))
    rows = [(name, f"{row['added']['file']} (added {row['added']['added'][:10]})" if row["added"] else "public data",
             row["first_release"] or "", row["last_release"] or "", row["films"])
            for name, row in result["sources"].items()]
    render.out.print(render.counts_table("Films per source", ("source", "from", "first release", "last release", "films"), rows))


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Your film CSV (one row per film)."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="YAML column mapping, e.g. data/mappings/studio-slate.yaml."),
    forecast_only: bool = typer.Option(False, "--forecast-only", help="Check as a slate to forecast (no grosses needed) rather than training data."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as a JSON list."),
) -> None:
    """Check a film CSV against the schema and list every problem with its row number.

    Exit code 0 if it is good, 2 if anything needs fixing.

    Example:  boxoffice data validate my_films.csv --mapping data/mappings/studio-slate.yaml
    """
    from boxoffice.table.mapped_csv import ColumnMapping
    from boxoffice.table.mapped_csv import check as check_csv

    problems, unknown = check_csv(file, ColumnMapping.load(mapping), for_training=not forecast_only)
    if unknown and not forecast_only:
        render.warn(f"{render.counted(unknown, 'film')} of {file} {'has' if unknown == 1 else 'have'} a worldwide gross of 0 or blank: unknown, "
                    "so they are not trained on (kept by `data add` for track records)")
    if as_json:
        render.emit_json([{"row": p.row, "column": p.column, "problem": p.message, "hint": p.hint} for p in problems])
    elif problems:
        import pandas as pd

        rows = pd.DataFrame({"row": [p.row for p in problems], "column": [p.column for p in problems],
                             "problem": [_with_fix(p) for p in problems]})
        where = render.counted(len({p.row for p in problems}), "row")
        render.out.print(render.frame_table(rows, f"{render.counted(len(problems), 'problem')} in {where} of {file}"))
    else:
        render.out.print(f"{file}: no problems found")
    if problems:
        raise typer.Exit(code=2)


def _with_fix(problem) -> str:
    """The problem, and on a second line how to fix it, as ``render.error`` shows an error's hint."""
    return f"{problem.message}\n  fix: {problem.hint}" if problem.hint else problem.message
