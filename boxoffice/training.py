"""Train, evaluate and store a model in one step, the way `boxoffice train` does.

A new model becomes current only after it has trained and its backtest has
been scored, and only if it does not lose to the baseline there (``promotion``); the backtest
figures and that decision go into its metadata, and the range widening its horizon backtests
measured (``boxoffice.evaluation.horizons``) into the model.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from boxoffice.evaluation.backtest import BacktestConfig, backtest
from boxoffice.evaluation.horizons import TRAIN_HORIZONS, widened_coverage, widening_of
from boxoffice.model.forecaster import Forecaster, TrainConfig, untrainable_counts
from boxoffice.store import DEFAULT_NAME, ModelStore, check_name

FIRST_RUN_WAIT_SECONDS = 600.0
"""How long a command waits for another one that is training the default model on a first run."""


@dataclass(frozen=True)
class TrainRun:
    path: Path
    metrics: dict
    """Pooled backtest scores: {'model': {...}, 'baseline': {...}}."""
    films: int
    current: bool = True
    """Whether the new version was made current (``promotion``)."""
    reason: str = ""
    """Why it was (or was not) made current."""
    not_trained_on: dict = None
    """Films of the table the model could not learn from, by reason (``untrainable_counts``)."""


def promotion(metrics: dict, force: bool = False) -> tuple[bool, str]:
    """(make current?, why): a model that loses to the baseline on its own backtest (a higher pooled
    RMSLE of the worldwide gross) is stored but not made current, unless ``force``."""
    model, baseline = (metrics.get(who, {}).get("rmsle") if isinstance(metrics.get(who), dict) else None
                       for who in ("model", "baseline"))
    if model is None or baseline is None:
        return True, "made current without a backtest (--no-evaluate)" if not metrics else "made current"
    score = f"backtest RMSLE {model:.3f} against the baseline's {baseline:.3f}"
    if model <= baseline:
        return True, f"made current: it beats the baseline ({score})"
    if force:
        return True, f"made current with --force although it loses to the baseline ({score})"
    return False, f"not made current: it loses to the baseline ({score})"


def train_and_store(films, store: ModelStore, name: str = DEFAULT_NAME, config: TrainConfig | None = None,
                    evaluate: bool = True, progress=None, extra_metadata: dict | None = None,
                    lock_wait_seconds: float = 0.0, on_wait=None, locked: bool = False, force: bool = False) -> TrainRun:
    """Backtest (if ``evaluate``), train on every film, and store the model as a new version of ``name``,
    made current unless it loses to the baseline on the backtest (``promotion``; ``force`` makes it
    current anyway). ``progress(step, total, label)``; ``on_wait(message)`` if another run holds the
    lock; ``locked``: the caller already holds it."""
    check_name(name)  # before minutes of training, not after
    config = config or TrainConfig()
    # the lock covers the whole run: a second writer waits or gives up before it trains, not after
    with contextlib.nullcontext() if locked else store.lock(name, lock_wait_seconds, on_wait):
        metrics = {}
        widening = None
        if evaluate:  # every level of detail at horizon 0, full detail up to 3 years ahead (for the widening)
            result = backtest(films, BacktestConfig(train=config, horizons=TRAIN_HORIZONS, level_horizons=(0,)),
                              progress=progress)
            widening = widening_of(result, config.model.interval)
            metrics = result.summary() | {"levels": result.level_summary(), "horizons": result.horizon_summary(),
                                          "widened_coverage": widened_coverage(result, config.model.interval).to_dict("records")}
        if progress:
            progress(1, 1, "training on every film")
        forecaster = Forecaster(config).fit(films)
        forecaster.widening_ = widening
        current, reason = promotion(metrics, force)
        extra = (extra_metadata or {}) | {"promotion": {"current": current, "reason": reason, "forced": force}}
        path = store.save(forecaster, name, films=films, metrics=metrics, extra=extra, make_current=current)
    return TrainRun(path, metrics, forecaster.n_films_, current, reason, untrainable_counts(films, config.min_year))


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
                    on_info("No model yet: training the default one on the public data first (about two minutes)…"
                            if missing else
                            "The default model was stored by an older boxoffice: training it again (about two minutes)…")
                films = load_films(workspace, on_build=on_info)
                train_and_store(films, store, name, progress=progress, locked=True)
    return store.load(name)
