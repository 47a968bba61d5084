"""Rolling-backtest folds built once, and the scores a tuning trial computes on them.

``rolling_years`` is the split, used by ``boxoffice.evaluation.backtest.backtest`` too: for each of the
newest years, the films released before it train and the films of that year test. Features are built once per fold; a trial then
trains only the boosters its metric needs, with the model's own parameter handling, so a score
here equals the backtest's for the same parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import boxoffice.break_even as break_even
from boxoffice.errors import InputError
from boxoffice.model.forecaster import TARGETS, TrainConfig, trainable
from boxoffice.model.revenue import ModelConfig, RevenueModel, _lgb_params

METRICS = ("rmsle", "pinball", "brier")
"""rmsle: worldwide P50 (USD 2012); pinball: mean pinball loss of the P10/P90 quantile models on log
gross; brier: break-even probability of the whole calibrated model. Lower is better for all three."""


@dataclass
class Fold:
    """One test year, features built once: what every trial trains and scores on."""

    year: int
    X: "object"
    y: "object"
    """Log worldwide gross of the training films, USD 2012."""
    dates: "object"
    X_test: "object"
    y_test: "object"
    lost: "object"
    """Test films that grossed under the break-even multiple of their budget."""
    categorical: tuple
    baseline: "object"
    """Per-film loss of the baseline (log gross ~ log budget) on this fold, for the chosen metric."""
    log_break_even: "object" = None
    """Log break-even gross of each test film, USD 2012: where the brier metric's risk is read."""
    monotone: tuple = ()
    """(feature, direction) constraints of the track records, as training sets them
    (``boxoffice.model.record_features.monotone_directions``): a trial scores the model users get."""
    datasets: dict = field(default_factory=dict, repr=False)
    """LightGBM Datasets of the training films, binned once per ``min_data_in_leaf`` (which decides
    the features LightGBM pre-filters), reused by every trial: binning is a quarter of a trial."""


def rolling_years(films, test_years: int = 5, min_year: int = 1980, horizon: int = 0):
    """The rolling time split, defined once for the backtest and tuning: (year, history, test) for each
    of the last ``test_years`` years of the trainable films, oldest first. ``history``: every film
    released before ``year - horizon`` (track records read them all; ``horizon`` years of films are
    left out between, as a film green-lit years before its release is forecast: ``boxoffice.model.horizon``);
    ``test``: the trainable films of ``year`` (those the data gives no genre included: a slate's blank
    genres cell is unknown)."""
    data = trainable(films, min_year)
    if data.empty:
        raise InputError("no film has both a budget and a worldwide gross to test on",
                         hint="add films with budget and worldwide_gross columns")
    last = int(data["year"].max())
    for year in range(last - test_years + 1, last + 1):
        history = films[(films["year"] < year - horizon).fillna(False).to_numpy(bool)]
        test = data[(data["year"] == year).to_numpy(bool)]
        yield year, history, test


def prepare_folds(films, metric: str = "rmsle", test_years: int = 5, train: TrainConfig = TrainConfig(),
                  progress=None, break_even_multiple: float = break_even.MULTIPLE) -> list[Fold]:
    """Feature frames of each rolling-backtest fold: the same years and films as ``backtest``.
    ``train`` gives the features, min_year and range; ``metric`` which baseline loss to keep;
    ``break_even_multiple`` which films lost money (the brier metric and its baseline)."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.baseline import BaselineModel
    from boxoffice.model.features import FeatureBuilder
    from boxoffice.model.record_features import monotone_directions

    min_year, column = train.min_year, TARGETS["worldwide"]
    folds = []
    for step, (year, history, test) in enumerate(rolling_years(films, test_years, min_year)):
        if progress:
            progress(step, test_years, f"features for the {year} fold")
        films_in = trainable(history, min_year)
        films_in = films_in[(films_in[column] > 0).to_numpy()]
        # oldest first, as RevenueModel.fit orders them: bagging draws rows by position
        films_in = films_in.iloc[np.argsort(pd.to_datetime(films_in["release_date"]).to_numpy(), kind="stable")]
        test = test[(test[column] > 0).to_numpy()]
        if len(films_in) < 100 or test.empty:
            raise InputError(f"the {year} fold has {len(films_in)} training and {len(test)} test films",
                             hint="tune on more years of films, or fewer --test-years")
        builder = FeatureBuilder(train.features).fit(history)
        y, y_test = np.log(films_in[column].to_numpy(float)), np.log(test[column].to_numpy(float))
        X_test = builder.transform(test)
        lost = break_even.lost_money(test[column].to_numpy(float), test["budget_usd_2012"].to_numpy(float),
                                     break_even_multiple)
        threshold = break_even.log_threshold(X_test["log_budget"].to_numpy(), break_even_multiple)
        X = builder.transform(films_in)
        fold = Fold(year, X, y, films_in["release_date"].to_numpy(), X_test, y_test, lost,
                    tuple(builder.categorical_features_), None, threshold, monotone_directions(X.columns, train.features))
        base = BaselineModel(train.model.interval).fit(fold.X["log_budget"].to_numpy(), y)
        quantiles = base.predict(X_test["log_budget"].to_numpy())
        prob = base.prob_below(threshold, quantiles)
        fold.baseline = _losses(metric, fold, quantiles, prob, train.model.interval)
        folds.append(fold)
    if progress:
        progress(test_years, test_years, "features ready")
    return folds


def _losses(metric: str, fold: Fold, quantiles: dict, prob=None, interval: float = 0.8):
    """Per-film loss on a fold; pooled over folds by ``pooled``."""
    import numpy as np

    if metric == "rmsle":  # squared log1p error of the P50, USD 2012
        return (np.log1p(np.exp(fold.y_test)) - np.log1p(np.exp(quantiles["p50"]))) ** 2
    if metric == "pinball":
        lo = (1 - interval) / 2
        return (_pinball(fold.y_test, quantiles["p10"], lo) + _pinball(fold.y_test, quantiles["p90"], 1 - lo)) / 2
    return (np.asarray(prob, float) - fold.lost) ** 2


def _pinball(y, q, alpha):
    import numpy as np

    gap = y - q
    return np.maximum(alpha * gap, (alpha - 1) * gap)


def pooled(metric: str, losses: list) -> float:
    import numpy as np

    mean = float(np.mean(np.concatenate(losses)))
    return float(np.sqrt(mean)) if metric == "rmsle" else mean


def fold_losses(metric: str, fold: Fold, model: ModelConfig):
    """Train what ``metric`` needs on one fold and return the per-film losses of its test films."""
    if metric == "brier" or metric == "pinball" and fold.monotone:  # the whole model (monotone quantiles need it)
        revenue = RevenueModel(model, fold.categorical, monotone=fold.monotone).fit(fold.X, fold.y, fold.dates)
        if metric == "pinball":
            return _losses(metric, fold, revenue.predict(fold.X_test), interval=model.interval)
        quantiles = revenue.predict(fold.X_test)
        prob = revenue.prob_below(fold.log_break_even, quantiles)
        return _losses(metric, fold, quantiles, prob)
    if metric == "rmsle":
        return _losses(metric, fold, {"p50": _booster(fold, model, "regression").predict(fold.X_test)})
    lo = (1 - model.interval) / 2
    quantiles = {"p10": _booster(fold, model, "quantile", lo).predict(fold.X_test),
                 "p90": _booster(fold, model, "quantile", 1 - lo).predict(fold.X_test)}
    return _losses(metric, fold, quantiles, interval=model.interval)


def _booster(fold: Fold, model: ModelConfig, objective: str, alpha: float | None = None):
    import lightgbm as lgb

    params = _lgb_params(model, objective, alpha)
    directions = dict(fold.monotone)
    if directions and objective == "regression":
        params["monotone_constraints"] = [int(directions.get(c, 0)) for c in fold.X.columns]
    key = params["min_data_in_leaf"]
    if key not in fold.datasets:
        categorical = [c for c in fold.categorical if c in fold.X.columns] or "auto"
        fold.datasets[key] = lgb.Dataset(fold.X, fold.y, categorical_feature=categorical, free_raw_data=True)
    return lgb.train(params, fold.datasets[key], num_boost_round=model.num_boost_round)


def score_params(folds: list[Fold], metric: str, model: ModelConfig, report=None) -> tuple[float, list[float]]:
    """Pooled score of one parameter set over the folds, and each fold's own score.

    ``report(step, pooled_so_far)`` after each fold, in year order, lets a pruner stop early (it
    raises). Folds run one after another: LightGBM boosters trained in parallel threads of one
    process can crash it; to use more cores, run more tuning workers on the same study.
    """
    losses, per_fold = [], []
    for step, fold in enumerate(folds):
        losses.append(fold_losses(metric, fold, model))
        per_fold.append(pooled(metric, [losses[-1]]))
        if report:
            report(step, pooled(metric, losses))
    return pooled(metric, losses), per_fold
