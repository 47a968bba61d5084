"""Tuning the LightGBM parameters with Optuna, on the same rolling time backtest as `evaluate`.

Never a random K-fold: films leak across time (a star's later hits would
inform her earlier films). Each fold trains on the films released before
year Y and scores the films of year Y; features are built once per fold and
reused by every trial, which then trains only the boosters its metric needs
(``boxoffice.evaluation.folds``). Each fold's pooled score so far is reported, so a
median rule stops hopeless trials early.

A study lives in an Optuna storage behind a URL: a local SQLite file by
default (``sqlite:///<models>/tuning.sqlite3``), so an interrupted run loses
at most the trial in flight and the same command continues it; or
``postgresql://…``, where workers on several machines share one study.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import boxoffice.break_even as break_even
from boxoffice.errors import InputError, check_kind, check_number
from boxoffice.evaluation.studies import _reason, default_study_name, mask_url, open_storage
from boxoffice.evaluation.folds import METRICS, Fold, pooled, prepare_folds, score_params
from boxoffice.model.forecaster import TrainConfig
from boxoffice.model.revenue import DEFAULT_PARAMS, ModelConfig



@dataclass(frozen=True)
class TuneConfig:
    trials: int | None = 50
    """Trials to run in this call (a resumed study grows by this many); None: until ``timeout``."""
    timeout: float | None = None
    """Stop starting new trials after this many seconds."""
    study: str | None = None
    """Study name; default ``boxoffice-<metric>``."""
    storage: str | None = None
    """Optuna storage URL (``sqlite:///path``, ``postgresql://user:pw@host/db``); None: in memory."""
    metric: str = "rmsle"
    seed: int = 42
    test_years: int = 5
    train: TrainConfig = field(default_factory=TrainConfig)
    """Base training config: features, min_year, interval; the search varies its model parameters."""
    break_even_multiple: float = break_even.MULTIPLE
    """Which test films lost money, for the brier metric and its baseline."""

    def __post_init__(self):
        if self.metric not in METRICS:
            raise InputError(f"unknown metric {self.metric!r}", hint=f"use one of: {', '.join(METRICS)}")
        check_number(self, "trials", 1, whole=True, optional=True)
        check_number(self, "timeout", 0, low_open=True, optional=True)
        if self.trials is None and self.timeout is None:
            raise InputError("give a number of trials or a timeout, or tuning never stops")
        check_number(self, "test_years", 1, whole=True)
        check_number(self, "seed", whole=True)
        check_kind(self, "study", str, optional=True)
        check_kind(self, "storage", str, optional=True)
        check_kind(self, "train", TrainConfig)
        if self.study is not None and not self.study.strip():
            raise InputError("the study name is empty")
        break_even.check_multiple(self.break_even_multiple)

    @property
    def study_name(self) -> str:
        return self.study or default_study_name(self.metric)


@dataclass(frozen=True)
class TuneResult:
    study: str
    storage: str
    """Storage URL with any password hidden."""
    metric: str
    best_params: dict
    """LightGBM parameters of the best trial (merged over ``DEFAULT_PARAMS`` when training)."""
    num_boost_round: int
    best_value: float
    best_trial: int
    n_trials: int
    """Trials in the study, from every run and worker (finished, pruned or failed)."""
    n_new_trials: int
    """Trials this call ran."""
    comparison: "object"
    """DataFrame: one row per test year and 'all' (pooled): films, tuned, default, baseline."""

    def model_config(self, base: ModelConfig = ModelConfig()) -> ModelConfig:
        return replace(base, params=dict(base.params) | self.best_params, num_boost_round=self.num_boost_round)


def suggest(trial) -> tuple[dict, int]:
    """The search space: LightGBM parameters and the number of boosting rounds."""
    params = {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
        "max_depth": trial.suggest_categorical("max_depth", [-1, 3, 4, 5, 6, 8, 10]),
        "min_data_in_leaf": trial.suggest_int("min_data_in_leaf", 5, 100, log=True),
        "lambda_l1": trial.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-8, 10.0, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0),
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.4, 1.0),
    }
    return params, trial.suggest_int("num_boost_round", 50, 400, log=True)


def _default_point(base: ModelConfig) -> dict:
    """The untuned parameters as a point of the search space (lambda_l1 0 -> its floor, 1e-8)."""
    merged = dict(DEFAULT_PARAMS) | dict(base.params)
    point = {k: merged[k] for k in ("learning_rate", "num_leaves", "max_depth", "min_data_in_leaf",
                                    "lambda_l2", "feature_fraction", "bagging_fraction")}
    return point | {"lambda_l1": max(float(merged.get("lambda_l1", 0.0)), 1e-8),
                    "num_boost_round": base.num_boost_round}


# ---------------------------------------------------------------- the study


def tune(films, config: TuneConfig = TuneConfig(), progress=None) -> TuneResult:
    """Run ``config.trials`` more trials of the study (created or resumed) and compare the best with
    the default parameters and the baseline on the same folds. ``progress(step, total, label)``."""
    import optuna
    from sqlalchemy.exc import SQLAlchemyError

    from boxoffice.store import data_fingerprint

    storage = open_storage(config.storage)  # first: a bad URL fails before minutes of work
    folds = prepare_folds(films, config.metric, config.test_years, config.train, progress, config.break_even_multiple)
    # one LightGBM thread: on a small machine shared with other work, OpenMP teams spin-wait for
    # each other at every boosting round (measured 10x slower under load); more cores: more workers
    base = replace(config.train.model, num_threads=1)
    try:
        study = _study(storage, config, data_fingerprint(films), [f.year for f in folds])
        state = optuna.trial.TrialState
        if not any(t.user_attrs.get("default") and t.state in (state.WAITING, state.RUNNING, state.COMPLETE)
                   for t in study.get_trials(deepcopy=False)):
            # the untuned parameters go first (again, if interrupted): the best can then only beat them
            study.enqueue_trial(_default_point(base), user_attrs={"default": True})
        counter = _TrialCounter(config, progress)
        study.optimize(_objective(folds, config.metric, base, counter.year_scored), n_trials=config.trials,
                       timeout=config.timeout, callbacks=[counter])
        return _result(study, folds, config, base, counter.done)
    except SQLAlchemyError as err:
        raise InputError(f"the tuning storage {mask_url(config.storage)} failed: {_reason(err)}") from None


def _objective(folds: list[Fold], metric: str, base: ModelConfig, on_year=None):
    """The trial's score; ``on_year(trial, year, pooled score so far)`` as each test year finishes."""
    import os
    import socket

    import optuna

    worker = f"{socket.gethostname()}:{os.getpid()}"

    def objective(trial) -> float:
        params, rounds = suggest(trial)
        trial.set_user_attr("worker", worker)
        model = replace(base, params=dict(base.params) | params, num_boost_round=rounds)

        def report(step, value):
            if on_year:
                on_year(trial, folds[step].year, value)
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after the {folds[step].year} fold")

        value, per_fold = score_params(folds, metric, model, report)
        trial.set_user_attr("folds", per_fold)
        return value

    return objective


class _TrialCounter:
    """Counts this worker's trials (others may share the study) and reports the best so far."""

    def __init__(self, config: TuneConfig, progress=None):
        self.config, self.progress, self.done = config, progress, 0

    def __call__(self, study, trial) -> None:
        self.done += 1
        if not self.progress:
            return
        try:
            best = f"best {self.config.metric} {study.best_value:.4f}"
        except ValueError:  # no finished trial yet
            best = "no finished trial yet"
        self.progress(self.done, self.config.trials, f"trial {trial.number} {trial.state.name.lower()}, {best}")

    def year_scored(self, trial, year: int, value: float) -> None:
        if self.progress:
            self.progress(self.done, self.config.trials,
                          f"trial {trial.number}: {year} scored, {self.config.metric} so far {value:.4f}")


def _sampler(seed: int):
    """TPE whose random draws depend only on (seed, trial number).

    A plain seeded sampler restarts its random stream on every run, so a resumed study would redraw
    the first run's startup trials, and two workers sharing a study would draw the same points;
    reseeding per trial number avoids both and keeps a local study reproducible.
    """
    import optuna

    class TrialSeededTPE(optuna.samplers.TPESampler):
        def before_trial(self, study, trial):
            super().before_trial(study, trial)
            trial_seed = (seed * 1_000_003 + trial.number) % 2**32
            if hasattr(self, "_rng") and hasattr(self, "_random_sampler"):  # private in Optuna 3-5
                self._rng.rng.seed(trial_seed)
                self._random_sampler._rng.rng.seed(trial_seed)

    return TrialSeededTPE(seed=seed, multivariate=True, constant_liar=True, n_startup_trials=10)


def _pruner(n_startup_trials: int = 5, n_warmup_steps: int = 1):
    """Optuna's median rule on the pooled score after the latest fold.

    ``MedianPruner`` compares a trial's best value over its steps, which suits learning curves;
    a score pooled over more and more years is not one (its first fold is often its lowest), so
    that rule would hardly ever prune. From the second fold on, once 5 trials have finished, a
    trial worse than the median of every earlier trial after the same folds is stopped (finished
    and pruned ones alike: the finished alone are survivors, and their median would ratchet).
    """
    import numpy as np
    import optuna

    state = optuna.trial.TrialState

    class LatestFoldMedianPruner(optuna.pruners.BasePruner):
        def prune(self, study, trial) -> bool:
            step = trial.last_step
            if step is None or step < n_warmup_steps:
                return False
            earlier = study.get_trials(deepcopy=False, states=(state.COMPLETE, state.PRUNED))
            if sum(t.state == state.COMPLETE for t in earlier) < n_startup_trials:
                return False
            others = [t.intermediate_values[step] for t in earlier if step in t.intermediate_values]
            return bool(others) and bool(trial.intermediate_values[step] > np.median(others))

    return LatestFoldMedianPruner()


def _study(storage, config: TuneConfig, fingerprint: str, years: list[int]):
    import warnings

    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(study_name=config.study_name, storage=storage, direction="minimize",
                                    sampler=_sampler(config.seed), pruner=_pruner(), load_if_exists=True)
    wanted = {"metric": config.metric, "data_fingerprint": fingerprint, "test_years": years}
    if config.metric == "brier":  # the multiple decides which films lost money: scores of two multiples never mix
        wanted["break_even_multiple"] = config.break_even_multiple
    attrs = study.user_attrs
    for key, value in wanted.items():
        if key in attrs and attrs[key] != value:
            said = (break_even.multiple_text(attrs[key]), break_even.multiple_text(value)) \
                if key == "break_even_multiple" else (attrs[key], value)
            what = {"metric": "tunes {}, not {}", "data_fingerprint": "was tuned on other films",
                    "test_years": "tests on the years {}, not {}",
                    "break_even_multiple": "breaks even at {}, not {}"}[key].format(*said)
            raise InputError(f"study {config.study_name!r} {what}",
                             hint="pass a new --study name, or the options that study was started with")
        if key not in attrs:
            study.set_user_attr(key, value)
    return study


def _result(study, folds: list[Fold], config: TuneConfig, base: ModelConfig, done: int) -> TuneResult:
    import optuna
    import pandas as pd

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if not complete:
        raise InputError(f"no trial of study {config.study_name!r} has finished yet",
                         hint="give more --trials or a longer --timeout")
    best = study.best_trial
    default = next((t for t in complete if t.user_attrs.get("default") and "folds" in t.user_attrs), None)
    if default is not None:
        default_value, default_folds = default.value, default.user_attrs["folds"]
    else:
        default_value, default_folds = score_params(folds, config.metric, base)
    rows = [{"year": str(f.year), "films": len(f.y_test), "tuned": best.user_attrs["folds"][i],
             "default": default_folds[i], "baseline": pooled(config.metric, [f.baseline])}
            for i, f in enumerate(folds)]
    rows.append({"year": "all", "films": sum(len(f.y_test) for f in folds), "tuned": best.value,
                 "default": default_value, "baseline": pooled(config.metric, [f.baseline for f in folds])})
    params = dict(best.params)
    rounds = int(params.pop("num_boost_round"))
    return TuneResult(study=config.study_name, storage=mask_url(config.storage), metric=config.metric,
                      best_params=params, num_boost_round=rounds, best_value=float(best.value),
                      best_trial=best.number, n_trials=len(study.trials), n_new_trials=done,
                      comparison=pd.DataFrame(rows))
