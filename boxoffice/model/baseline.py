"""The baseline every claim is measured against: log gross ~ log budget, a straight line.

Its range and break-even risk come from the training residuals, so it is a
fair, calibrated-in-sample opponent, not a straw man.
"""
from __future__ import annotations


class BaselineModel:
    """Linear regression of log gross on log budget (constant dollars)."""

    def __init__(self, interval: float = 0.8):
        self.interval = interval

    def fit(self, log_budget, y) -> "BaselineModel":
        import numpy as np
        from sklearn.linear_model import LinearRegression

        self.line_ = LinearRegression().fit(np.asarray(log_budget).reshape(-1, 1), y)
        self.residuals_ = np.sort(np.asarray(y) - self.line_.predict(np.asarray(log_budget).reshape(-1, 1)))
        return self

    def predict(self, log_budget) -> dict:
        import numpy as np

        p50 = self.line_.predict(np.asarray(log_budget).reshape(-1, 1))
        lo = (1 - self.interval) / 2
        return {"p10": p50 + np.quantile(self.residuals_, lo), "p50": p50,
                "p90": p50 + np.quantile(self.residuals_, 1 - lo)}

    def prob_below(self, log_threshold, log_quantiles):
        import numpy as np

        gap = np.asarray(log_threshold) - log_quantiles["p50"]
        return np.searchsorted(self.residuals_, gap, side="right") / len(self.residuals_)
