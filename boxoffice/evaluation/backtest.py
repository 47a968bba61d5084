"""The honest test: a rolling time backtest, model beside baseline.

For each of the last years of the data, train on every film released before
that year and forecast the films of that year; the baseline gets the same
films. Scores are pooled over all test films and also given per year, and the
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

    def __post_init__(self):
        check_number(self, "test_years", 1, whole=True)
        check_number(self, "break_even_multiple", 0, low_open=True)
        check_kind(self, "train", TrainConfig)


@dataclass
class BacktestResult:
    predictions: "object"
    """One row per test film: actuals, model and baseline quantiles (USD 2012), risk, test year."""
    scores: "object"
    """One row per (who, year): who is 'model' or 'baseline'; year 'all' pools every test year."""
    break_even_multiple: float = break_even.MULTIPLE
    """The multiple ``lost_money`` and the break-even scores were computed with."""
    levels: "object" = None
    """Pooled scores at each level of detail: one row per (level, who); the 'full' rows are ``summary()``'s."""

    def summary(self) -> dict:
        """Pooled scores: {'model': {...}, 'baseline': {...}}."""
        pooled = self.scores[self.scores["year"] == "all"].set_index("who")
        return {who: {k: _plain(v) for k, v in row.items() if k != "year"} for who, row in pooled.iterrows()}

    def level_summary(self) -> dict:
        """{level: {'model': {...}, 'baseline': {...}}}, pooled over the test years."""
        if self.levels is None:
            return {FULL: self.summary()}
        return {level: {who: {k: _plain(v) for k, v in row.items() if k not in ("level", "who", "year")}
                        for who, row in part.set_index("who").iterrows()}
                for level, part in self.levels.groupby("level", sort=False)}


def _plain(value):
    import numpy as np

    return None if value is None or (isinstance(value, float) and np.isnan(value)) else (
        float(value) if isinstance(value, (float, np.floating)) else value)


def backtest(films, config: BacktestConfig = BacktestConfig(), progress=None):
    """Rolling-origin backtest on a film table; ``progress(step, total, label)`` if given."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.baseline import BaselineModel

    from boxoffice.units import constant_dollars

    years, multiple = config.test_years, config.break_even_multiple
    rows = []
    for step, (year, history, test) in enumerate(rolling_years(films, years, config.train.min_year)):
        if progress:
            progress(step, years, f"training on films before {year}")
        model = Forecaster(config.train).fit(history)
        described = {level: _through_a_slate(model, described_at(slate, level), multiple)
                     for slate in [slate_text(test)] for level in dict.fromkeys((FULL, *config.levels))}
        train = trainable(history, config.train.min_year)
        base = BaselineModel(config.train.model.interval).fit(
            np.log(train["budget_usd_2012"].to_numpy()), np.log(train["worldwide_gross_usd_2012"].to_numpy()))
        log_budget = np.log(test["budget_usd_2012"].to_numpy())
        bq = base.predict(log_budget)
        threshold = break_even.log_threshold(log_budget, multiple)
        train_loss_rate = float(np.mean(break_even.lost_money(train["worldwide_gross_usd_2012"], train["budget_usd_2012"], multiple)))
        for level, pred in described.items():
            # back to constant 2012 dollars: the model's output is in dollars of the release year
            at_2012 = {col: constant_dollars(pred[col].to_numpy(), test["year"].to_numpy())
                       for col in ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p50")}
            rows.append(pd.DataFrame({
                "level": level,
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
        progress(years, years, "scoring")
    every = pd.concat(rows, ignore_index=True)
    every["lost_money"] = break_even.lost_money(every["actual"], every["budget"], multiple)
    predictions = every[every["level"] == FULL].drop(columns="level").reset_index(drop=True)
    scores = [score(part, who, str(year)) for who in ("model", "baseline")
              for year, part in [("all", predictions), *predictions.groupby("year")]]
    levels = pd.DataFrame([{"level": level, **score(part, who, "all")} for level, part in every.groupby("level", sort=False)
                           for who in ("model", "baseline")])
    return BacktestResult(predictions, pd.DataFrame(scores), multiple, levels)


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
