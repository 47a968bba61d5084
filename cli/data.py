"""``boxoffice data``: build the film table from the public files, sum it up, check a CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import HOME, SOURCES

app = typer.Typer(
    help="Build and inspect the film table the models learn from.\n\n"
    "Example:  boxoffice data build && boxoffice data summary",
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
    """Link the five public files into one film table and save it.

    Prints how many films came out, and every row dropped or left unmatched, by reason.

    Example:  boxoffice data build --sources ../shared/data
    """
    from boxoffice.table.build import BuildConfig, build_film_table
    from boxoffice.table.io import save_table, summarize
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(sources, home, require_data=True)
    ws.refuse_overwriting({"--out": out}, {"--distributor-aliases": distributor_aliases,
                                           "--genre-aliases": genre_aliases}, writes_table=True)
    with render.progress("Building the film table") as report:
        result = build_film_table(BuildConfig(ws.data_dir, distributor_aliases, genre_aliases), progress=report)
    path = save_table(result.table, out or ws.table_path)
    summary = summarize(result.table)
    report = result.report
    if as_json:
        render.emit_json({
            "table": str(path), "summary": summary, "rows_read": report.rows_read,
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
    render.out.print(render.counts_table("Rows linked", ("source", "how", "rows"), linked))


def _headline(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "films_per_source"} | {
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
    from boxoffice.workspace import resolve_workspace

    path = table or resolve_workspace(home=home).table_path
    result = summarize(load_table(path))
    if table_is_stale(path):
        render.warn(f"{path} came from an older build of the film table; `boxoffice data build` makes it again")
    if as_json:
        render.emit_json(result)
        return
    render.out.print(render.key_value_table(f"Film table ({path})", _headline(result)))


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
    from boxoffice.table.mapped_csv import validate as validate_csv

    problems = validate_csv(file, ColumnMapping.load(mapping), for_training=not forecast_only)
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
