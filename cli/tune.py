"""``boxoffice tune``: search the model's LightGBM parameters on the rolling time backtest (Optuna)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import BREAK_EVEN, DATA, HOME, JSON, MAPPING, SOURCES


def tune(
    trials: int = typer.Option(50, "--trials", min=1, help="Trials to run now; the study keeps those of earlier runs and other workers."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="Start no new trial after this many seconds."),
    study: Optional[str] = typer.Option(None, "--study", help="Study name. Default: boxoffice-<metric>."),
    storage: Optional[str] = typer.Option(
        None, "--storage",
        help="Optuna storage URL: sqlite:///path/file.sqlite3, or postgresql://user:password@host:5432/db to share "
        "one study between workers. Default: models/tuning.sqlite3 in the project folder."),
    metric: str = typer.Option(
        "rmsle", "--metric",
        help="What to minimise: rmsle (worldwide P50), pinball (the P10/P90 range), brier (break-even risk; slowest)."),
    years: int = typer.Option(5, "--years", min=1, max=20, help="How many of the newest years are test years, as in `evaluate`."),
    seed: int = typer.Option(42, "--seed", help="Seed of the sampler and of LightGBM: the same seed gives the same trials."),
    break_even_multiple: float = BREAK_EVEN,
    data: Optional[Path] = DATA,
    mapping: Optional[Path] = MAPPING,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Tune the model's parameters on the rolling time backtest, never a random split.

    Each trial trains on the films before each test year and scores that year; hopeless trials are
    stopped after a few years. The study is kept in its storage: run the same command again to
    continue it, or start the same command on several machines with one --storage to share it.

    Examples:
      boxoffice tune --trials 50
      boxoffice tune --storage postgresql://user:pw@host/db --study big --trials 100
      boxoffice train --params best
    """
    from boxoffice.table.io import load_films
    from boxoffice.evaluation.studies import default_storage, default_study_name
    from boxoffice.evaluation.tuning import TuneConfig, tune as run_tune
    from boxoffice.workspace import resolve_workspace

    _quiet_optuna()
    ws = resolve_workspace(sources, home)
    own_storage = storage
    if storage is None:
        ws.models_dir.mkdir(parents=True, exist_ok=True)
        storage = default_storage(ws.models_dir)
    config = TuneConfig(trials=trials, timeout=timeout, study=study, storage=storage, metric=metric, seed=seed,
                        test_years=years, break_even_multiple=break_even_multiple)
    films = load_films(ws, data, mapping, on_build=render.info)
    try:
        with render.progress(f"Tuning {config.study_name}") as report:
            result = run_tune(films, config, progress=report)
    except KeyboardInterrupt:
        render.error("interrupted: the study keeps every finished trial; run the same command to continue")
        raise typer.Exit(code=130) from None
    if as_json:
        render.emit_json({"study": result.study, "storage": result.storage, "metric": result.metric,
                          "best_value": result.best_value, "best_trial": result.best_trial,
                          "n_trials": result.n_trials, "n_new_trials": result.n_new_trials,
                          "best_params": result.best_params, "num_boost_round": result.num_boost_round,
                          "comparison": result.comparison.to_dict("records")})
        return
    render.out.print(_comparison_table(result))
    params = ", ".join(f"{k}={_short(v)}" for k, v in result.best_params.items())
    render.out.print(f"Best: trial {result.best_trial} of {result.n_trials} ({result.n_new_trials} new), "
                     f"num_boost_round={result.num_boost_round}, {params}")
    where = "" if result.study == default_study_name() else f" --study {result.study}"
    where += "" if own_storage is None else f" --storage '{result.storage}'"
    render.out.print(f"Train with them:  boxoffice train --params best{where}")


def _quiet_optuna() -> None:
    """Optuna's warnings only, and no traceback for the trial that Ctrl-C interrupts."""
    import logging

    import optuna

    class NoInterruptTrace(logging.Filter):
        follow_up = False  # Optuna logs a failed trial twice: the error, then "failed with value None"

        def filter(self, record) -> bool:
            if record.exc_info and isinstance(record.exc_info[1], KeyboardInterrupt):
                self.follow_up = True
                return False
            if self.follow_up:
                self.follow_up = False
                return False
            return True

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for handler in logging.getLogger("optuna").handlers:
        handler.addFilter(NoInterruptTrace())


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _comparison_table(result):
    from rich.table import Table

    table = Table(title=f"{result.metric} on the rolling backtest (lower is better): study {result.study}",
                  title_justify="left")
    for name in ("test year", "films", "tuned", "default", "baseline", "tuned vs default"):
        table.add_column(name, justify="left" if name == "test year" else "right")
    for row in result.comparison.itertuples(index=False):
        change = f"{(row.tuned - row.default) / row.default:+.1%}" if row.default else "–"
        style = "bold" if row.year == "all" else None
        table.add_row("all years" if row.year == "all" else row.year, f"{row.films:,}", f"{row.tuned:.4f}",
                      f"{row.default:.4f}", f"{row.baseline:.4f}", change, style=style)
    return table
