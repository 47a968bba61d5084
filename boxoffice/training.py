"""Train, evaluate and store a model in one step, the way `boxoffice train` does.

A new model becomes current only after it has trained and its backtest has
been scored; the backtest figures go into its metadata.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from boxoffice.evaluation.backtest import BacktestConfig, backtest
from boxoffice.model.forecaster import Forecaster, TrainConfig


@dataclass(frozen=True)
class TrainRun:
    path: Path
    metrics: dict
    """Pooled backtest scores: {'model': {...}, 'baseline': {...}}."""
    films: int


def train_and_store(films, models_dir: Path, name: str = "default", config: TrainConfig | None = None,
                    evaluate: bool = True, progress=None, extra_metadata: dict | None = None,
                    lock_wait_seconds: float = 0.0, on_wait=None) -> TrainRun:
    from boxoffice import store

    store.check_name(name)  # before minutes of training, not after
    config = config or TrainConfig()
    # the lock covers the whole run: a second writer waits or gives up before it trains, not after
    with store.store_lock(Path(models_dir) / name, lock_wait_seconds, on_wait):
        metrics = {}
        if evaluate:
            metrics = backtest(films, BacktestConfig(train=config), progress=progress).summary()
        if progress:
            progress(1, 1, "training on every film")
        forecaster = Forecaster(config).fit(films)
        path = store.save(forecaster, models_dir, name, films=films, metrics=metrics, extra=extra_metadata)
    return TrainRun(path, metrics, forecaster.n_films_)
