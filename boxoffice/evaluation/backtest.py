"""The honest test: a rolling time backtest, model beside baseline.

For each of the last years of the data, train on every film released before
that year (or ``H`` years before it, at horizon ``H``: a film is forecast years before it opens)
and forecast the films of that year; the baseline gets the same films. Scores are pooled over all test films and also given per year, and the
same films are scored again at each level of detail (``boxoffice.evaluation.levels``):
described as fully as the data allows, and as sparsely as users describe films.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import boxoffice.break_even as break_even
from boxoffice.errors import check_kind, check_number
from boxoffice.evaluation import metrics
from boxoffice.evaluation.folds import rolling_years
from boxoffice.evaluation.levels import FULL, LEVELS, described_at
from boxoffice.model.forecaster import Forecaster, TrainConfig, trainable
from boxoffice.table.slate import slate_text


@dataclass(frozen=True)
class BacktestConfig:
    test_years: int = 5
    """How many of the newest years are each, in turn, the test year."""
    break_even_multiple: float = break_even.MULTIPLE
    train: TrainConfig = field(default_factory=TrainConfig)
    levels: tuple = tuple(LEVELS)
    """Levels of detail scored besides the full one (see ``boxoffice.evaluation.levels``)."""
    horizons: tuple = (0,)
    """Years of films left out between training and test (``rolling_years``); the first is the one
    ``predictions`` and ``scores`` hold. A model trained up to one year serves every horizon that needs it."""
    level_horizons: tuple | None = None
    """The horizons at which ``levels`` are scored (None: all; the full level is scored at every one)."""

    def __post_init__(self):
        from boxoffice.errors import InputError

        check_number(self, "test_years", 1, whole=True)
        check_number(self, "break_even_multiple", 0, low_open=True)
        check_kind(self, "train", TrainConfig)
        for name in ("horizons", "level_horizons"):
            value = getattr(self, name)
            if name == "level_horizons" and value is None:
                continue
            if (not isinstance(value, tuple) or (name == "horizons" and not value) or len(set(value)) != len(value)
                    or not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= MAX_HORIZON for h in value)):
                raise InputError(f"BacktestConfig.{name}={value!r} must be distinct whole years from 0 to {MAX_HORIZON}",
                                 hint="e.g. horizons=(0, 1, 2, 3)")


MAX_HORIZON = 10
"""Horizons beyond this leave too few training films in the public data (it starts in earnest in the 1990s)."""


@dataclass
class BacktestResult:
    predictions: "object"
    """One row per test film: actuals, model and baseline quantiles (USD 2012), risk, test year
    (full detail, at the first horizon of the config)."""
    scores: "object"
    """One row per (who, year): who is 'model' or 'baseline'; year 'all' pools every test year."""
    break_even_multiple: float = break_even.MULTIPLE
    """The multiple ``lost_money`` and the break-even scores were computed with."""
    levels: "object" = None
    """Pooled scores at each horizon and level of detail: one row per (horizon, level, who); the
    first horizon's 'full' rows are ``summary()``'s."""
    every: "object" = None
    """``predictions``' columns for every (horizon, level) scored, with ``horizon`` and ``level``."""

    @property
    def horizons(self) -> list[int]:
        return [0] if self.levels is None or "horizon" not in self.levels else list(dict.fromkeys(self.levels["horizon"]))

    def summary(self) -> dict:
        """Pooled scores: {'model': {...}, 'baseline': {...}}."""
        pooled = self.scores[self.scores["year"] == "all"].set_index("who")
        return {who: {k: _plain(v) for k, v in row.items() if k != "year"} for who, row in pooled.iterrows()}

    def level_summary(self, horizon: int | None = None) -> dict:
        """{level: {'model': {...}, 'baseline': {...}}}, pooled over the test years, at ``horizon``
        (default: the first one scored)."""
        if self.levels is None:
            return {FULL: self.summary()}
        horizon = self.horizons[0] if horizon is None else horizon
        part = self.levels[self.levels["horizon"] == horizon] if "horizon" in self.levels else self.levels
        return {level: {who: {k: _plain(v) for k, v in row.items() if k not in ("horizon", "level", "who", "year")}
                        for who, row in rows.set_index("who").iterrows()}
                for level, rows in part.groupby("level", sort=False)}

    def horizon_summary(self) -> dict:
        """{horizon (text, JSON's keys): {level: {'model': {...}, 'baseline': {...}}}}, every horizon scored."""
        return {str(h): self.level_summary(h) for h in self.horizons}


def _plain(value):
    import numpy as np

    return None if value is None or (isinstance(value, float) and np.isnan(value)) else (
        float(value) if isinstance(value, (float, np.floating)) else value)


def _folds(films, config: BacktestConfig):
    """{training cutoff year: [(horizon, test year, history, test films), …]}: each cutoff trains once."""
    by_cutoff: dict = {}
    for horizon in config.horizons:
        for year, history, test in rolling_years(films, config.test_years, config.train.min_year, horizon):
            by_cutoff.setdefault(year - horizon, []).append((horizon, year, history, test))
    return dict(sorted(by_cutoff.items()))


def backtest(films, config: BacktestConfig = BacktestConfig(), progress=None):
    """Rolling-origin backtest on a film table, at each of ``config.horizons``; ``progress(step, total, label)``."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.baseline import BaselineModel

    from boxoffice.units import constant_dollars

    multiple = config.break_even_multiple
    first = config.horizons[0]
    level_horizons = config.horizons if config.level_horizons is None else config.level_horizons
    folds = _folds(films, config)
    rows = []
    for step, (cutoff, tests) in enumerate(folds.items()):
        if progress:
            progress(step, len(folds), f"training on films before {cutoff}")
        history = tests[0][2]
        model = Forecaster(config.train).fit(history)
        train = trainable(history, config.train.min_year)
        base = BaselineModel(config.train.model.interval).fit(
            np.log(train["budget_usd_2012"].to_numpy()), np.log(train["worldwide_gross_usd_2012"].to_numpy()))
        train_loss_rate = float(np.mean(break_even.lost_money(train["worldwide_gross_usd_2012"], train["budget_usd_2012"], multiple)))
        for horizon, year, _, test in tests:
            levels = (FULL, *config.levels) if horizon in level_horizons else (FULL,)
            described = {level: _through_a_slate(model, described_at(slate, level), multiple)
                         for slate in [slate_text(test)] for level in dict.fromkeys(levels)}
            log_budget = np.log(test["budget_usd_2012"].to_numpy())
            bq = base.predict(log_budget)
            threshold = break_even.log_threshold(log_budget, multiple)
            for level, pred in described.items():
                # back to constant 2012 dollars: the model's output is in dollars of the release year
                at_2012 = {col: constant_dollars(pred[col].to_numpy(), test["year"].to_numpy())
                           for col in ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p50")}
                rows.append(pd.DataFrame({
                    "horizon": horizon, "level": level,
                    "film_id": test["film_id"].to_numpy(), "title": test["title"].to_numpy(), "year": year,
                    "budget": test["budget_usd_2012"].to_numpy(), "actual": test["worldwide_gross_usd_2012"].to_numpy(),
                    "actual_domestic": test["domestic_gross_usd_2012"].to_numpy(),
                    "model_p10": at_2012["worldwide_p10"], "model_p50": at_2012["worldwide_p50"],
                    "model_p90": at_2012["worldwide_p90"], "model_domestic_p50": at_2012["domestic_p50"],
                    "model_break_even_prob": pred["break_even_prob"].to_numpy(),
                    "baseline_p10": np.exp(bq["p10"]), "baseline_p50": np.exp(bq["p50"]), "baseline_p90": np.exp(bq["p90"]),
                    "baseline_break_even_prob": base.prob_below(threshold, bq),
                    "train_loss_rate": train_loss_rate,
                }))
    if progress:
        progress(len(folds), len(folds), "scoring")
    every = pd.concat(rows, ignore_index=True).sort_values(["horizon", "year"], kind="stable", ignore_index=True)
    every["lost_money"] = break_even.lost_money(every["actual"], every["budget"], multiple)
    predictions = every[(every["level"] == FULL) & (every["horizon"] == first)].drop(columns=["horizon", "level"])
    predictions = predictions.reset_index(drop=True)
    scores = [score(part, who, str(year)) for who in ("model", "baseline")
              for year, part in [("all", predictions), *predictions.groupby("year")]]
    order = {h: i for i, h in enumerate(config.horizons)}
    levels = pd.DataFrame([{"horizon": int(horizon), "level": level, **score(part, who, "all")}
                           for (horizon, level), part in sorted(every.groupby(["horizon", "level"], sort=False),
                                                                key=lambda item: order[item[0][0]])
                           for who in ("model", "baseline")])
    return BacktestResult(predictions, pd.DataFrame(scores), multiple, levels, every)


def _through_a_slate(model, slate, multiple):
    """The test films' forecasts as ``predict --input`` gives them for this slate text."""
    from boxoffice.errors import InputError
    from boxoffice.whatif.slates import forecast_slate

    result = forecast_slate(model, slate, break_even_multiple=multiple)
    if result.problems:  # every film of the table must reach the model: a refused one is a bug
        raise InputError(f"the backtest's slate has {len(result.problems)} problem(s): {result.problems[0]}")
    return result.forecasts


def score(pred, who: str, year: str) -> dict:
    """Every reported metric for one set of test films, for 'model' or 'baseline'."""
    import numpy as np

    actual = pred["actual"].to_numpy()
    p50 = pred[f"{who}_p50"].to_numpy()
    lost = pred["lost_money"].to_numpy()
    prob = pred[f"{who}_break_even_prob"].to_numpy()
    out = {
        "who": who, "year": year, "films": int(len(pred)),
        "rmsle": metrics.rmsle(actual, p50),
        "r2_log": metrics.r2_log(actual, p50),
        "median_abs_log_error": metrics.median_abs_log_error(actual, p50),
        "coverage_80": metrics.coverage(actual, pred[f"{who}_p10"], pred[f"{who}_p90"]),
        "median_p90_over_p10": metrics.median_width_ratio(pred[f"{who}_p10"], pred[f"{who}_p90"]),
        "break_even_auc": metrics.auc(lost, prob),
        "brier": metrics.brier(lost, prob),
        "brier_base_rate": float(np.mean((pred["train_loss_rate"].to_numpy() - lost) ** 2)),
        "calibration_error": metrics.calibration_error(lost, prob),
        "loss_rate": float(np.mean(lost)),
    }
    if who == "model":
        # films with a domestic gross and a domestic forecast (none when the model had no domestic grosses)
        dom = (pred["actual_domestic"].notna() & pred["model_domestic_p50"].notna()).to_numpy()
        out["bingo"], out["one_away"] = (metrics.bingo_accuracy(pred["actual_domestic"][dom], pred["model_domestic_p50"][dom])
                                         if dom.any() else (None, None))
    else:
        out["bingo"] = out["one_away"] = None  # the baseline forecasts worldwide gross only
    return out
