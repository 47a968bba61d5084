"""The honest test: a rolling time backtest, model beside baseline.

For each of the last years of the data, train on every film released before
that year and forecast the films of that year; the baseline gets the same
films. Scores are pooled over all test films and also given per year.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from boxoffice.errors import check_kind, check_number
from boxoffice.evaluation import metrics
from boxoffice.model.forecaster import BREAK_EVEN_MULTIPLE, Forecaster, TrainConfig, trainable


@dataclass(frozen=True)
class BacktestConfig:
    test_years: int = 5
    """How many of the newest years are each, in turn, the test year."""
    break_even_multiple: float = BREAK_EVEN_MULTIPLE
    train: TrainConfig = field(default_factory=TrainConfig)

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

    def summary(self) -> dict:
        """Pooled scores: {'model': {...}, 'baseline': {...}}."""
        pooled = self.scores[self.scores["year"] == "all"].set_index("who")
        return {who: {k: _plain(v) for k, v in row.items() if k != "year"} for who, row in pooled.iterrows()}


def _plain(value):
    import numpy as np

    return None if value is None or (isinstance(value, float) and np.isnan(value)) else (
        float(value) if isinstance(value, (float, np.floating)) else value)


def backtest(films, config: BacktestConfig = BacktestConfig(), progress=None):
    """Rolling-origin backtest on a film table; ``progress(step, total, label)`` if given."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.baseline import BaselineModel

    data = trainable(films, config.train.min_year)
    last = int(data["year"].max())
    years = list(range(last - config.test_years + 1, last + 1))
    rows = []
    for step, year in enumerate(years):
        if progress:
            progress(step, len(years), f"training on films before {year}")
        history = films[(films["year"] < year).fillna(False).to_numpy(bool)]
        test = data[(data["year"] == year).to_numpy(bool)]
        model = Forecaster(config.train).fit(history)
        pred = model.predict(test, config.break_even_multiple, fill_unspecified=False)
        # back to constant 2012 dollars: the model's output is in dollars of the release year
        from boxoffice.units import to_constant_dollars

        deflate = to_constant_dollars(np.ones(len(test)), test["year"].to_numpy())
        train = trainable(history, config.train.min_year)
        base = BaselineModel(config.train.model.interval).fit(
            np.log(train["budget_usd_2012"].to_numpy()), np.log(train["worldwide_gross_usd_2012"].to_numpy()))
        log_budget = np.log(test["budget_usd_2012"].to_numpy())
        bq = base.predict(log_budget)
        threshold = np.log(config.break_even_multiple) + log_budget
        train_loss_rate = float(np.mean(train["worldwide_gross_usd_2012"] < config.break_even_multiple * train["budget_usd_2012"]))
        rows.append(pd.DataFrame({
            "film_id": test["film_id"].to_numpy(), "title": test["title"].to_numpy(), "year": year,
            "budget": test["budget_usd_2012"].to_numpy(), "actual": test["worldwide_gross_usd_2012"].to_numpy(),
            "actual_domestic": test["domestic_gross_usd_2012"].to_numpy(),
            "model_p10": pred["worldwide_p10"].to_numpy() * deflate, "model_p50": pred["worldwide_p50"].to_numpy() * deflate,
            "model_p90": pred["worldwide_p90"].to_numpy() * deflate,
            "model_domestic_p50": pred["domestic_p50"].to_numpy() * deflate,
            "model_break_even_prob": pred["break_even_prob"].to_numpy(),
            "baseline_p10": np.exp(bq["p10"]), "baseline_p50": np.exp(bq["p50"]), "baseline_p90": np.exp(bq["p90"]),
            "baseline_break_even_prob": base.prob_below(threshold, bq),
            "train_loss_rate": train_loss_rate,
        }))
    if progress:
        progress(len(years), len(years), "scoring")
    predictions = pd.concat(rows, ignore_index=True)
    predictions["lost_money"] = predictions["actual"] < config.break_even_multiple * predictions["budget"]
    scores = [score(part, who, str(year)) for who in ("model", "baseline")
              for year, part in [("all", predictions), *predictions.groupby("year")]]
    return BacktestResult(predictions, pd.DataFrame(scores))


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
