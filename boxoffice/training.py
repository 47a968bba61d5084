"""Train, evaluate and store a model in one step, the way `boxoffice train` does.

A new model becomes current only after it has trained and its backtest has
been scored; the backtest figures go into its metadata.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from boxoffice.evaluation.backtest import BacktestConfig, backtest
from boxoffice.model.forecaster import Forecaster, TrainConfig
from boxoffice.store import DEFAULT_NAME, ModelStore, check_name

FIRST_RUN_WAIT_SECONDS = 600.0
"""How long a command waits for another one that is training the default model on a first run."""


@dataclass(frozen=True)
class TrainRun:
    path: Path
    metrics: dict
    """Pooled backtest scores: {'model': {...}, 'baseline': {...}}."""
    films: int


def train_and_store(films, store: ModelStore, name: str = DEFAULT_NAME, config: TrainConfig | None = None,
                    evaluate: bool = True, progress=None, extra_metadata: dict | None = None,
                    lock_wait_seconds: float = 0.0, on_wait=None, locked: bool = False) -> TrainRun:
    """Backtest (if ``evaluate``), train on every film, and store the model as the current ``name``.
    ``progress(step, total, label)``; ``on_wait(message)`` if another run holds the lock; ``locked``:
    the caller already holds it."""
    check_name(name)  # before minutes of training, not after
    config = config or TrainConfig()
    # the lock covers the whole run: a second writer waits or gives up before it trains, not after
    with contextlib.nullcontext() if locked else store.lock(name, lock_wait_seconds, on_wait):
        metrics = {}
        if evaluate:
            result = backtest(films, BacktestConfig(train=config), progress=progress)
            metrics = result.summary() | {"levels": result.level_summary()}  # every level of detail, pooled
        if progress:
            progress(1, 1, "training on every film")
        forecaster = Forecaster(config).fit(films)
        path = store.save(forecaster, name, films=films, metrics=metrics, extra=extra_metadata)
    return TrainRun(path, metrics, forecaster.n_films_)


def load_or_train(workspace, name: str = DEFAULT_NAME, on_info=None, progress=None):
    """The stored model ``name`` of ``workspace``; the default one is first trained (with its backtest)
    on the public data if nothing is stored yet. A model that exists but is broken is reported
    (``ModelStoreError``), never silently replaced; a default one an older boxoffice stored is trained
    again (the old version stays in the store). ``on_info(message)`` hears what happens."""
    from boxoffice.table.io import load_films

    store = ModelStore(workspace.models_dir)

    def needs_training() -> bool:
        return name == DEFAULT_NAME and (not store.exists(name) or store.outdated(name))

    if needs_training():
        # a second first run waits for the first one and uses its model rather than training again
        with store.lock(name, FIRST_RUN_WAIT_SECONDS, on_info,
                        wait_hint="wait for the other run to finish training the default model, then run again"):
            if needs_training():
                missing = not store.exists(name)
                if on_info:
                    on_info("No model yet: training the default one on the public data first (about a minute)…"
                            if missing else
                            "The default model was stored by an older boxoffice: training it again (about a minute)…")
                films = load_films(workspace, on_build=on_info)
                train_and_store(films, store, name, progress=progress, locked=True)
    return store.load(name)
