"""``boxoffice train | predict | evaluate``: the forecasting commands."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import BREAK_EVEN, DATA, FILM, HOME, JSON, MAPPING, MODEL, SOURCES, FilmFlags, film_options


def _workspace(sources, home):
    from boxoffice.workspace import resolve_workspace

    return resolve_workspace(sources, home)


def _train(ws, name, data=None, mapping=None, evaluate=True, wait=0.0, config=None, extra=None, force=False):
    from boxoffice.store import ModelStore
    from boxoffice.table.io import load_films
    from boxoffice.training import train_and_store

    films = load_films(ws, data, mapping, on_build=render.info)
    with render.progress("Training") as report:
        return train_and_store(films, ModelStore(ws.models_dir), name, config=config, evaluate=evaluate,
                               progress=report, lock_wait_seconds=wait, on_wait=render.info, extra_metadata=extra,
                               force=force)


def train(
    data: Optional[Path] = DATA,
    mapping: Optional[Path] = MAPPING,
    name: str = typer.Option("default", "--name", help="Store the model under this name."),
    no_evaluate: bool = typer.Option(False, "--no-evaluate", help="Skip the backtest (faster; no metrics are stored, the model is made current untested, and ranges do not widen for films released years past the data)."),
    force: bool = typer.Option(False, "--force", help="Make the new model current even if it loses to the baseline on its backtest."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait if another run is writing this model."),
    params: Optional[str] = typer.Option(None, "--params", help="LightGBM parameters: 'best' (the best trial of a `boxoffice tune` study) or a JSON file."),
    study: Optional[str] = typer.Option(None, "--study", help="With --params best: the study name. Default: boxoffice-rmsle."),
    storage: Optional[str] = typer.Option(None, "--storage", help="With --params best: the study's storage URL. Default: models/tuning.sqlite3."),
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Train a model, backtest it against the baseline, and make it current if it wins.

    With no flag: the default model on the whole film table, the public data and every film added
    with `boxoffice data add`, so track records run through your newest films (builds the table first
    if needed). `--data FILE` trains on that file alone instead. The backtest scores every level of
    detail at horizon 0 and full detail up to 3 years ahead; how much the 80% ranges had to widen at
    each horizon is stored with the model and applied to films released that far past its data. The
    new version is always stored; it becomes current only after it trains and is scored, and only if
    it does not lose to the baseline (log budget alone) on its own backtest: `--force` makes it current
    anyway, and `boxoffice models use NAME/VERSION` switches to any stored version.

    Examples:
      boxoffice train
      boxoffice train --data my_films.csv --mapping data/mappings/studio-slate.yaml --name studio
      boxoffice train --params best
    """
    ws, config, extra = _workspace(sources, home), None, None
    if params:  # tuned parameters, recorded in the model's metadata
        from boxoffice.evaluation.studies import default_storage, resolve_params, train_config

        record = resolve_params(params, storage or default_storage(ws.models_dir), study)
        config, extra = train_config(record), {"tuning": record}
    run = _train(ws, name, data, mapping, evaluate=not no_evaluate, wait=wait, config=config, extra=extra, force=force)
    left_out = [f"{render.counted(n, 'film')} with {why}" if why.startswith("no ") else f"{n:,} {why}"
                for why, n in (run.not_trained_on or {}).items() if n]
    if left_out:
        render.warn(f"not trained on: {'; '.join(left_out)}")
    if not run.current:
        from boxoffice.errors import ModelStoreError
        from boxoffice.store import ModelStore

        try:
            kept = f"forecasts keep {name}/{ModelStore(ws.models_dir).current(name)}"
        except ModelStoreError:
            kept = f"{name} has no current version to forecast with"
        render.warn(f"{name}/{run.path.name} is stored but {run.reason}; {kept}. "
                    f"Use it anyway with `boxoffice models use {name}/{run.path.name}` (or train with --force)")
    if as_json:
        render.emit_json({"model": str(run.path), "films": run.films, "current": run.current, "reason": run.reason,
                          "not_trained_on": run.not_trained_on, "backtest": run.metrics})
        return
    render.out.print(f"Trained on {run.films:,} films → {run.path}")
    if run.metrics:
        render.out.print(render.backtest_table(run.metrics, "Backtest (last 5 years, pooled)"))
    if run.current:
        render.out.print(f"{name}/{run.path.name} is now current: {run.reason.removeprefix('made current: ')}")


def load_model(ws, name):
    """``boxoffice.training.load_or_train`` with its messages on stderr and a progress bar if it trains."""
    from boxoffice.training import load_or_train

    with render.progress("Training") as report:  # shows only once training starts: a plain load shows nothing
        return load_or_train(ws, name, on_info=render.info, progress=report)


@film_options
def predict(
    film: FilmFlags = FILM,
    input_csv: Optional[Path] = typer.Option(None, "--input", help="Batch: a slate CSV (title, release_date, genres, budget, cast, …)."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="With --input: a YAML column mapping for your slate's headers, as `data validate` takes (see data/mappings/)."),
    output_csv: Optional[Path] = typer.Option(None, "--output", help="Batch: where to write the forecasts CSV."),
    explain: bool = typer.Option(False, "--explain", help="Also show what drives the P50: budget, cast, genre, timing, … in dollars (with --input: one driver_<lever>_usd column per lever)."),
    blank_means_open: bool = typer.Option(False, "--blank-means-open", help="With --input: an empty cell means 'not decided yet' (mixed over comparable films, like a column the slate lacks), not 'unknown'."),
    break_even_multiple: float = BREAK_EVEN,
    model: str = MODEL,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Forecast a film's worldwide and domestic gross (P10/P50/P90) and its break-even risk.

    P10/P50/P90: a 10% chance of less than P10, an even chance either side of P50, 10% of more than P90.
    Money is in dollars of the release year. Only --budget is required: a flag left out (genre, cast,
    distributor, …) is not decided yet, so the forecast mixes over what comparable films had there and
    says which. Unknown people count as newcomers; a country, language, distributor or rating the model
    does not know counts as unknown; a budget or runtime beyond the model's data is forecast as the
    nearest it has seen. The further the release lies past the model's data, the wider the ranges (as
    its horizon backtests measured, held beyond the furthest one). Each gets a warning.

    Examples:
      boxoffice predict --genre action --budget 150m
      boxoffice predict --budget 40m --release-date 2014-03-07
      boxoffice predict -g action -g thriller -b 150m --cast "Tom Cruise, Emily Blunt" --release-date 2027-07-16 --json
      boxoffice predict --input slate.csv --output forecasts.csv
      boxoffice predict --input slate.csv --mapping data/mappings/studio-slate.yaml --output forecasts.csv
    """
    from boxoffice.whatif.slates import forecast_film, forecast_warnings

    ws = _workspace(sources, home)
    ws.refuse_overwriting({"--output": output_csv}, {"--input": input_csv, "--mapping": mapping})
    if mapping is not None and input_csv is None:
        from boxoffice.errors import InputError

        raise InputError("--mapping names the columns of a slate CSV, but no --input was given",
                         hint="pass --input slate.csv with it, or drop --mapping")
    if input_csv is not None:
        if film.given():
            from boxoffice.errors import InputError

            raise InputError(f"{', '.join(film.given())} describe one film, but with --input each CSV row describes "
                             "its own", hint="drop those flags, or put the values in the CSV's columns")
        _predict_batch(ws, model, input_csv, output_csv, break_even_multiple, as_json, explain, blank_means_open, mapping)
        return
    base = film.build()
    forecaster = load_model(ws, model)
    render.warn_all(forecast_warnings(forecaster, base))
    result = forecast_film(forecaster, base, break_even_multiple, explain=explain and as_json)
    if as_json:
        render.emit_json(result)
        return
    render.out.print(render.forecast_table(result, assumed_date=base.release_date is None))
    if explain:  # the table needs every lever's share too, not only the dollars of --json
        from boxoffice.model.explain import drivers
        from boxoffice.table.film import films_frame

        render.out.print(render.drivers_table(drivers(forecaster, films_frame([base]))))


def _predict_batch(ws, model, input_csv, output_csv, multiple, as_json, explain, blank_means_open=False, mapping=None):
    from boxoffice.table.mapped_csv import ColumnMapping
    from boxoffice.whatif.slates import model_warnings, predict_slate

    columns = ColumnMapping.load(mapping)  # a bad mapping is refused before the model loads
    forecaster = load_model(ws, model)
    result = predict_slate(forecaster, input_csv, columns, break_even_multiple=multiple, explain=explain,
                           blank_means_open=blank_means_open)
    render.warn_all(model_warnings(forecaster, result.ignored_fields))
    for problem in result.problems:
        render.warn(str(problem))
    render.warn_all(result.warnings)
    rows = len({problem.row for problem in result.problems})
    trouble = f"{render.counted(rows, 'row')} had {render.counted(len(result.problems), 'problem')} (see above)"
    if output_csv is not None:
        from boxoffice.table.csv_writing import write_csv_atomic

        write_csv_atomic(result.forecasts, output_csv)
        render.info(f"Wrote {render.counted(result.n_ok, 'forecast')} to {output_csv}"
                    + (f"; {trouble}" if result.problems else ""))
    elif result.problems:
        render.info(trouble)
    if as_json:
        render.emit_json(result.forecasts.to_dict("records"))
    elif output_csv is None:
        render.out.print(render.frame_table(result.forecasts, "Forecasts"))
    if result.problems:
        raise typer.Exit(code=2)


def evaluate(
    years: int = typer.Option(5, "--years", min=1, max=20, help="How many of the newest years to test on, one at a time."),
    horizon: str = typer.Option("0", "--horizon", metavar="H", help="Years between the training data's end and the test year, as between greenlight and release: train on films released before year Y−H, test on year Y. One (2), a range (0..3), a list (0,2) or 'all' (0..3). Every level of detail is scored at each."),
    break_even_multiple: float = BREAK_EVEN,
    data: Optional[Path] = DATA,
    mapping: Optional[Path] = MAPPING,
    per_year: bool = typer.Option(False, "--per-year", help="Also show each test year."),
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Rolling time backtest: train on films before year Y, test on year Y; model beside the baseline.

    Reports RMSLE, R² on log gross, median absolute log error, 80% range coverage and width,
    break-even AUC and Brier (with the base-rate Brier), and Sharda-Delen bingo / 1-away accuracy,
    then the same films at each level of detail: as fully as the data describes them, without
    their distributor, and by genre, budget and date only (the rest mixed over comparable films).
    With --horizon, the model is trained H years before each test year: a film green-lit in 2010
    for 2013 is forecast from data ending in 2010 (horizon 2). Several horizons also show how much the
    80% ranges must widen to hold 80% of films that far ahead.

    Examples:
      boxoffice evaluate --per-year
      boxoffice evaluate --horizon all --json
    """
    from boxoffice.evaluation.backtest import BacktestConfig, backtest
    from boxoffice.evaluation.horizons import parse_horizons, widened_coverage, widening_of
    from boxoffice.table.io import load_films

    horizons = parse_horizons(horizon)
    films = load_films(_workspace(sources, home), data, mapping, on_build=render.info)
    config = BacktestConfig(test_years=years, break_even_multiple=break_even_multiple, horizons=horizons)
    with render.progress("Backtest") as report:
        result = backtest(films, config, progress=report)
    widening = widening_of(result, config.train.model.interval)
    coverage = widened_coverage(result, config.train.model.interval).to_dict("records")
    if as_json:
        render.emit_json({"pooled": result.summary(), "per_year": result.scores.to_dict("records"),
                          "horizon": horizons[0], "levels": result.level_summary(), "horizons": result.horizon_summary(),
                          "widening": widening.to_dict() if widening else None, "widened_coverage": coverage})
        return
    ahead = f", horizon {horizons[0]}" if horizons[0] else ""
    render.out.print(render.backtest_table(result.summary(), f"Backtest, {years} test years pooled{ahead}"))
    if per_year:
        for who in ("model", "baseline"):
            render.out.print(render.per_year_table(result.scores, who, f"Per year: {who}{ahead}"))
    for h, levels in result.horizon_summary().items():
        render.out.print(render.levels_table(levels, f"Levels of detail, horizon {h} (train before Y−{h}, test on Y)"))
    if coverage:
        render.out.print(render.widening_table(coverage, widening.to_dict() if widening else None))
