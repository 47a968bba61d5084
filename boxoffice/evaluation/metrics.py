"""The scores every evaluation reports, for the model and the baseline alike.

Gross in these functions is USD (same dollars for actual and predicted);
"log" means the natural log.
"""
from __future__ import annotations

SHARDA_DELEN_BOUNDS_USD = (1e6, 10e6, 20e6, 40e6, 65e6, 100e6, 150e6, 200e6)
"""Edges of the 9 gross classes of Sharda & Delen (2006): flop (<$1M) to blockbuster (>$200M)."""


def rmsle(actual, predicted) -> float:
    import numpy as np

    return float(np.sqrt(np.mean((np.log1p(actual) - np.log1p(predicted)) ** 2)))


def r2_log(actual, predicted) -> float:
    import numpy as np

    a, p = np.log(actual), np.log(predicted)
    return float(1 - np.sum((a - p) ** 2) / np.sum((a - a.mean()) ** 2))


def median_abs_log_error(actual, predicted) -> float:
    import numpy as np

    return float(np.median(np.abs(np.log(actual) - np.log(predicted))))


def coverage(actual, low, high) -> float:
    import numpy as np

    return float(np.mean((actual >= low) & (actual <= high)))


def median_width_ratio(low, high) -> float:
    """Median of P90/P10: 'the high case is N times the low case'."""
    import numpy as np

    return float(np.median(np.asarray(high) / np.asarray(low)))


def auc(labels, scores) -> float | None:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(labels, bool)
    if labels.all() or not labels.any():
        return None
    return float(roc_auc_score(labels, scores))


def brier(labels, probs) -> float:
    import numpy as np

    return float(np.mean((np.asarray(probs, float) - np.asarray(labels, float)) ** 2))


def base_rate_brier(labels, train_rate: float) -> float:
    """Brier of always forecasting the training films' loss rate: the bar to beat."""
    import numpy as np

    return brier(labels, np.full(len(labels), train_rate))


def gross_class(gross_usd):
    import numpy as np

    return np.searchsorted(SHARDA_DELEN_BOUNDS_USD, np.asarray(gross_usd, float), side="right")


def bingo_accuracy(actual, predicted) -> tuple[float, float]:
    """Share of films in the right Sharda-Delen class ('bingo') and within one class ('1-away')."""
    import numpy as np

    gap = np.abs(gross_class(actual) - gross_class(predicted))
    return float(np.mean(gap == 0)), float(np.mean(gap <= 1))


def calibration_error(labels, probs, bins: int = 10) -> float:
    """Expected calibration error: the film-weighted gap between forecast and observed loss rates
    over probability bins (0 = the probabilities mean what they say)."""
    import numpy as np

    labels, probs = np.asarray(labels, float), np.asarray(probs, float)
    which = np.minimum((probs * bins).astype(int), bins - 1)
    gap = 0.0
    for b in np.unique(which):
        in_bin = which == b
        gap += in_bin.sum() * abs(probs[in_bin].mean() - labels[in_bin].mean())
    return float(gap / len(labels))
