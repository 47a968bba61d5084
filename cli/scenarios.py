"""``boxoffice compare | whatif | sweep | release-window | cast | comps``: what-if commands.

Parse flags, call ``boxoffice.whatif`` (scenarios, casting, comps), render. The base film
takes the same flags as ``predict`` (--genre, --budget, --cast, …: ``options.film_options``).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

import boxoffice.break_even as break_even
from boxoffice_cli import render
from boxoffice_cli import scenario_tables as tables
from boxoffice_cli.options import BREAK_EVEN, CSV, FILM, HOME, JSON, MODEL, SOURCES, FilmFlags, film_options


def _model(sources, home, model, base=None, outputs=None, inputs=None):
    """The workspace and its model; warns about the base film (``forecast_warnings``). ``outputs`` (--csv,
    --plot) are refused first if one would replace an input (``inputs``) or the toolkit's own files."""
    from boxoffice.whatif.slates import forecast_warnings
    from boxoffice.workspace import resolve_workspace

    from boxoffice_cli.forecast import load_model

    ws = resolve_workspace(sources, home)
    ws.refuse_overwriting(outputs or {}, inputs)
    forecaster = load_model(ws, model)
    if base is not None:
        render.warn_all(forecast_warnings(forecaster, base))
    return ws, forecaster


# --- commands --------------------------------------------------------------------------------------

def compare(
    file: Path = typer.Argument(..., help="Scenario YAML: a base film and named variants (see data/scenarios/example.yaml)."),
    csv: Optional[Path] = CSV,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw range bars per scenario to this PNG."),
    break_even_multiple: Optional[float] = typer.Option(
        None, "--break-even-multiple", min=break_even.LOWEST, max=break_even.HIGHEST,
        help=f"Worldwide gross / budget needed to break even. Default: the file's break_even_multiple, else {break_even.MULTIPLE:g}."),
    model: str = MODEL,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Compare a base film with named variants: ranges, break-even risk and the change against the base.

    The file has `base:` (the film's fields, as predict's flags) and `variants:` (each overrides any
    field; `lead:` swaps only the first-billed name). A bad variant is reported by name and field,
    the others still run (exit code 2 then).

    Example:
      boxoffice compare data/scenarios/example.yaml --plot scenarios.png --csv scenarios.csv
    """
    from boxoffice.model.forecaster import model_id
    from boxoffice.whatif.scenario_file import read_scenarios
    from boxoffice.whatif.scoring import as_film
    from boxoffice.whatif.scenarios import compare as run_compare

    spec = read_scenarios(file)
    multiple = break_even_multiple or spec.break_even_multiple or break_even.MULTIPLE
    base = as_film(spec.base)
    ws, forecaster = _model(sources, home, model, base, {"--csv": csv, "--plot": plot}, {"the scenario file": file})
    frame = run_compare(base, spec.variants, forecaster, multiple)
    problems = tables.warn_problems(frame)
    if plot is not None:
        from boxoffice.show.scenario_plots import scenario_ranges

        scenario_ranges(frame, plot, title=f"{base.title}: worldwide gross by scenario")
        render.info(f"Wrote {plot}")
    columns = {"scenario": "scenario", "changes": "changes", **tables.FIGURE_HEADS, "problem": "problem"}
    if not problems:
        columns.pop("problem")
    table = tables.table(frame, columns, f"{base.title}: {render.counted(len(frame) - 1, 'variant')} against the base",
                         tables.LEGEND.format(m=multiple) + f" Model {model_id(forecaster)}.")
    tables.finish(frame, as_json, {"break_even_multiple": multiple, "model": model_id(forecaster)}, table, csv, problems)


def _levers(vary: list[str]) -> dict:
    from boxoffice.errors import InputError

    levers = {}
    for item in vary:
        field, sep, values = item.partition("=")
        if not sep or not field.strip() or not values.strip():
            raise InputError(f"--vary {item!r} is not FIELD=VALUE,VALUE", hint="e.g. --vary budget=90m,150m,250m")
        parts = values.split(";") if ";" in values else values.split(",")
        levers[field.strip()] = [p.strip() for p in parts if p.strip()]
    return levers


@film_options
def whatif(
    vary: List[str] = typer.Option(..., "--vary", help="FIELD=V1,V2,… ; repeat for several levers. Separate values "
                                   "with ';' when one holds commas: --vary \"cast=A, B; C, B\"."),
    rank_by: str = typer.Option("expected_return", "--rank-by", help="Rank by: expected_return, worldwide_p50, "
                                "break_even_prob (lowest first), …"),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Show only the best N combinations."),
    film: FilmFlags = FILM,
    csv: Optional[Path] = CSV,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw range bars per combination to this PNG."),
    break_even_multiple: float = BREAK_EVEN, model: str = MODEL, sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME, as_json: bool = JSON,
) -> None:
    """Every combination of a few levers, ranked (by default on median gross against break-even).

    Example:
      boxoffice whatif --genre action --budget 150m --vary budget=90m,150m,250m --vary release-date=2027-07-16,2027-12-17
    """
    from boxoffice.whatif.scenarios import grid

    base = film.build()
    ws, forecaster = _model(sources, home, model, base, {"--csv": csv, "--plot": plot})
    frame = grid(base, _levers(vary), forecaster, break_even_multiple, rank_by=rank_by)
    problems = tables.warn_problems(frame)
    shown = frame.head(top) if top else frame
    if plot is not None:
        from boxoffice.show.scenario_plots import scenario_ranges

        scenario_ranges(shown.head(40), plot, title=f"{base.title}: worldwide gross by combination")
        render.info(f"Wrote {plot}" + (" (the best 40)" if len(shown) > 40 else ""))
    levers = {c: c.replace("_usd", "").replace("_", " ") for c in frame.attrs.get("levers", [])}
    table = tables.table(shown, {"rank": "#", **(levers or {"scenario": "combination"}), **tables.FIGURE_HEADS},
                         f"{base.title}: {render.counted(len(frame), 'combination')}, ranked by {rank_by}",
                         tables.base_caption(frame, break_even_multiple))
    tables.finish(shown, as_json, {"break_even_multiple": break_even_multiple}, table, csv, problems)


@film_options
def sweep(
    field: str = typer.Argument(..., help="The lever: budget, release-date or runtime."),
    span: str = typer.Argument(..., metavar="START..END", help="The range, e.g. 20m..300m or 2027-01-01..2027-12-31."),
    steps: Optional[int] = typer.Option(None, "--steps", min=2, max=10000,
                                        help="How many values. Default: 15 for budget, 10 for runtime, weekly for dates."),
    film: FilmFlags = FILM,
    csv: Optional[Path] = CSV,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw P50 with the P10–P90 band and the break-even "
                                        "risk to this PNG."),
    break_even_multiple: float = BREAK_EVEN, model: str = MODEL, sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME, as_json: bool = JSON,
) -> None:
    """Move one lever over a range: P10/P50/P90 and the break-even risk at each value.

    Sweeping the budget, --budget may be left out (the base then takes the range's middle).

    Examples:
      boxoffice sweep budget 20m..300m --genre action --plot budget.png
      boxoffice sweep release-date 2027-01-01..2027-12-31 --genre action --budget 150m
    """
    from boxoffice.whatif.scenarios import sweep as run_sweep
    from boxoffice.whatif.scenarios import sweep_base_budget, sweep_values

    values = sweep_values(field, span, steps)
    base = film.build(budget=sweep_base_budget(field, values))
    ws, forecaster = _model(sources, home, model, base, {"--csv": csv, "--plot": plot})
    frame = run_sweep(base, field, values, forecaster, break_even_multiple)
    problems = tables.warn_problems(frame)
    if plot is not None:
        from boxoffice.show.scenario_plots import sweep_curve

        sweep_curve(frame, frame.attrs["field"], plot, title=f"{base.title}: forecast as {field.replace('-', ' ')} changes")
        render.info(f"Wrote {plot}")
    table = tables.table(frame, {"scenario": field, **tables.FIGURE_HEADS}, f"{base.title}: sweep of {field} over {span}",
                         tables.base_caption(frame, break_even_multiple))
    out = frame.assign(value=frame["value"].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v))
    tables.finish(out, as_json, {"break_even_multiple": break_even_multiple}, table, csv, problems)


@film_options
def release_window(
    year: Optional[int] = typer.Option(None, "--year", help="Year to search. Default: the year of --release-date, "
                                       "else of a year from today."),
    between: Optional[str] = typer.Option(None, "--between", metavar="START..END",
                                          help="Search these dates instead of a whole year: 2027-05-01..2027-08-31."),
    by: str = typer.Option("week", "--by", help="week (each Friday opening) or month (the mean of its Fridays)."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Show only the best N windows."),
    film: FilmFlags = FILM,
    csv: Optional[Path] = CSV,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the forecast through the year to this PNG."),
    break_even_multiple: float = BREAK_EVEN, model: str = MODEL, sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME, as_json: bool = JSON,
) -> None:
    """Rank the release weeks (Friday openings) or months of a year for this film, with the range of each.

    Example:
      boxoffice release-window --genre action --budget 150m --year 2027 --by month
    """
    from boxoffice.whatif.scenarios import release_windows

    base = film.build()
    ws, forecaster = _model(sources, home, model, base, {"--csv": csv, "--plot": plot})
    frame = release_windows(base, forecaster, year=year, between=between, by=by,
                            break_even_multiple=break_even_multiple)
    by = frame.attrs["by"]
    render.warn_all(frame.attrs["warnings"])
    if plot is not None:
        from boxoffice.show.scenario_plots import window_curve

        window_curve(frame, plot, title=f"{base.title}: forecast by release {by}")
        render.info(f"Wrote {plot}")
    shown = frame.head(top) if top else frame
    columns = {"rank": "#", "window": by, "release_date": "best Friday" if by == "month" else "opens",
               **tables.FIGURE_HEADS}
    table = tables.table(shown, columns, f"{base.title}: release {by}s ranked by median worldwide gross",
                         tables.base_caption(frame, break_even_multiple))
    tables.finish(shown, as_json, {"break_even_multiple": break_even_multiple}, table, csv)


@film_options
def cast_command(
    role: str = typer.Option("lead", "--role", help="The slot: lead, second, third, a billing position (4), or director."),
    candidates: Optional[str] = typer.Option(None, "--candidates", help="Names to rank: \"A, B, C\". "
                                             "Default: the best --top of everyone with films in the genre."),
    top: int = typer.Option(10, "--top", min=1, max=500, help="Without --candidates: how many to show."),
    min_films: int = typer.Option(2, "--min-films", min=1, help="Without --candidates: earlier films in the genre needed."),
    film: FilmFlags = FILM,
    csv: Optional[Path] = CSV,
    break_even_multiple: float = BREAK_EVEN, model: str = MODEL, sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME, as_json: bool = JSON,
) -> None:
    """Rank actors (or directors) for one slot by forecast, with each one's track record and talent value.

    Talent value: how much higher the median worldwide gross is with this name than with a newcomer.

    Examples:
      boxoffice cast --genre action --budget 150m --cast "Tom Cruise, Emily Blunt" --role second --top 10
      boxoffice cast --genre action --budget 150m --candidates "Tom Cruise, Keanu Reeves, Matt Damon"
    """
    from boxoffice.whatif.casting import rank_cast

    base = film.build()
    ws, forecaster = _model(sources, home, model, base, outputs={"--csv": csv})
    table_films = None
    if candidates is None:
        from boxoffice.table.io import load_films

        table_films = load_films(ws, on_build=render.info)
    frame = rank_cast(base, forecaster, role, candidates, top, table_films, min_films, break_even_multiple)
    render.warn_all(frame.attrs["warnings"])
    table = tables.table(frame, tables.CAST_HEADS, f"{base.title}: who for the {role} slot, ranked by median "
                         "worldwide gross", tables.CAST_CAPTION + tables.base_caption(frame, break_even_multiple))
    tables.finish(frame, as_json, {"role": role, "break_even_multiple": break_even_multiple}, table, csv)


@film_options
def comps(
    k: int = typer.Option(10, "-k", "--k", min=1, max=500, help="How many comparable films."),
    film: FilmFlags = FILM,
    csv: Optional[Path] = CSV,
    model: str = MODEL, sources: Optional[Path] = SOURCES, home: Optional[Path] = HOME, as_json: bool = JSON,
) -> None:
    """The historical films most like this one (budget, genres, timing, talent, rating), with what they made.

    Example:
      boxoffice comps --genre action --genre thriller --budget 150m --cast "Tom Cruise" -k 10
    """
    import numpy as np

    from boxoffice.whatif.comps import comps as find_comps
    from boxoffice.table.io import load_films

    base = film.build()
    ws, forecaster = _model(sources, home, model, base, outputs={"--csv": csv})
    frame = find_comps(base, forecaster, load_films(ws, on_build=render.info), k=k)
    table = tables.table(frame, tables.COMPS_HEADS, f"{base.title}: {len(frame)} comparable films",
                         tables.COMPS_CAPTION + f" Median multiple of these comps: {np.nanmedian(frame['multiple']):.2f}×.")
    tables.finish(frame, as_json, {}, table, csv)


def register(app: typer.Typer) -> None:
    """Add the what-if commands to the root app."""
    app.command("compare")(compare)
    app.command("whatif")(whatif)
    app.command("sweep")(sweep)
    app.command("release-window")(release_window)
    app.command("cast")(cast_command)
    app.command("comps")(comps)
