"""The quantile parts' arithmetic: the pinball objective of monotone P10/P90 trees, how their sums
become forecasts, and the break-even risk from P10/P50/P90 (a split normal, recalibrated).
"""
from __future__ import annotations

Z90 = 1.2815515655446004  # standard normal 0.9 quantile


def pinball(alpha: float, base):
    """LightGBM custom objective: the pinball loss at quantile ``alpha`` of trees added to ``base``
    (per film). The hessian is 1, so each round moves a leaf by at most the learning rate times alpha
    up or 1 - alpha down: small steps from a base already at the right level (on 2006-2007, before the
    test years, a hessian of alpha (1 - alpha) took steps ten times as large and ranges twice as wide)."""
    import numpy as np

    def objective(scores, data):
        below = data.get_label() < scores + base
        return np.where(below, 1.0 - alpha, -alpha), np.ones_like(scores)

    return objective


def stacked(raw: dict, offsets: dict) -> dict:
    """The parts' log forecasts from their trees' sums: a part with an offset is P50 plus the offset
    plus its trees (``boxoffice.model.revenue.RevenueModel._grow`` with constraints); the others are their trees' sums."""
    return {k: v + raw["p50"] + offsets[k] if k in offsets else v for k, v in raw.items()}


def split_normal_z(threshold, lo, p50, hi):
    """Standardised distance of a threshold from P50 under a split normal fitted to P10/P50/P90."""
    import numpy as np

    sigma = np.where(threshold < p50, (p50 - lo) / Z90, (hi - p50) / Z90)
    return (threshold - p50) / np.maximum(sigma, 1e-3)


def risk(calibration: dict, z):
    import numpy as np

    logit = np.clip(calibration["slope"] * z + calibration["intercept"], -700, 700)  # exp would overflow past it
    return 1.0 / (1.0 + np.exp(-logit))


def fit_risk_calibration(lo, p50, hi, y) -> dict:
    """Logistic fit of 'gross below threshold' on z, over thresholds spread across the films.

    Each calibration film contributes several thresholds (its own P10..P90
    span), so the map holds for any break-even multiple, not one.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    zs, labels = [], []
    for offset in np.linspace(-2.0, 2.0, 9):  # thresholds from far below to far above P50, in sigmas
        sigma = np.where(offset < 0, (p50 - lo) / Z90, (hi - p50) / Z90)
        threshold = p50 + offset * np.maximum(sigma, 1e-3)
        zs.append(split_normal_z(threshold, lo, p50, hi))
        labels.append(y < threshold)
    z, label = np.concatenate(zs), np.concatenate(labels)
    if label.all() or not label.any():
        return {"slope": 1.7, "intercept": 0.0}  # logistic approximation of the normal CDF
    fit = LogisticRegression(C=1e4).fit(z.reshape(-1, 1), label)
    return {"slope": float(fit.coef_[0, 0]), "intercept": float(fit.intercept_[0])}
