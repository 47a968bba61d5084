"""Forecasts years ahead: which horizons to backtest, and the range widening measured on them.

A film is green-lit one to three years before it opens, so the backtest also trains on films released
before year ``Y - H`` and tests on year ``Y`` (``rolling_years(..., horizon=H)``). What each horizon's
ranges needed to hold 80% of its films becomes the model's widening (``boxoffice.model.horizon``),
fitted when ``boxoffice train`` runs its backtest and kept in the model's metadata.
"""
from __future__ import annotations

from boxoffice.errors import InputError
from boxoffice.evaluation.backtest import MAX_HORIZON, BacktestResult
from boxoffice.evaluation.levels import FULL
from boxoffice.model.horizon import Widening, fit_widening

TRAIN_HORIZONS = (0, 1, 2, 3)
"""What ``boxoffice train`` measures (the other levels of detail at horizon 0 only, to keep it quick)."""


def parse_horizons(text: str) -> tuple[int, ...]:
    """``--horizon`` as typed: ``2``, ``0..3``, ``0,2`` or ``all`` (``TRAIN_HORIZONS``)."""
    value = str(text).strip().lower()
    if value == "all":
        return TRAIN_HORIZONS
    try:
        if ".." in value:
            start, end = (int(part) for part in value.split(".."))
            found = tuple(range(start, end + 1))
        else:
            found = tuple(int(part) for part in value.split(","))
    except ValueError:
        found = ()
    if not found or len(set(found)) != len(found) or not all(0 <= h <= MAX_HORIZON for h in found):
        raise InputError(f"--horizon {text!r} is not a horizon in years from 0 to {MAX_HORIZON}",
                         hint="e.g. --horizon 2, --horizon 0..3, --horizon 0,2 or --horizon all")
    return found


def widening_of(result: BacktestResult, interval: float = 0.8) -> Widening | None:
    """The widening measured by a backtest's full-detail forecasts at horizons 0, 1, …; None unless it
    scored horizon 0 and at least one more."""
    import numpy as np

    every = result.every
    if every is None or "horizon" not in every or not {0, 1} <= set(every["horizon"]):
        return None
    full = every[every["level"] == FULL]
    logs = [np.log(full[c].to_numpy(float)) for c in ("actual", "model_p10", "model_p50", "model_p90")]
    return fit_widening(*logs, full["horizon"].to_numpy(), interval)


def widened_coverage(result: BacktestResult, interval: float = 0.8):
    """Per horizon, the 80% coverage of the full-detail forecasts before and after widening, the widening
    of each test year fitted on the earlier test years only (never on newer films; the first year has
    none and is left out of both). One row per horizon: horizon, films, coverage_80, widened_coverage_80."""
    import numpy as np
    import pandas as pd

    every = result.every
    full = every[every["level"] == FULL] if every is not None else None
    if full is None or "horizon" not in full or not {0, 1} <= set(full["horizon"]):
        return pd.DataFrame(columns=["horizon", "films", "coverage_80", "widened_coverage_80"])
    years = sorted(full["year"].unique())
    logs = {c: np.log(full[c].to_numpy(float)) for c in ("actual", "model_p10", "model_p50", "model_p90")}
    held, widened = np.zeros(len(full), bool), np.zeros(len(full), bool)
    scored = np.zeros(len(full), bool)
    for year in years[1:]:
        before, now = (full["year"] < year).to_numpy(), (full["year"] == year).to_numpy()
        widening = fit_widening(*(a[before] for a in logs.values()), full["horizon"].to_numpy()[before], interval)
        y, p10, p50, p90 = (a[now] for a in logs.values())
        lo, hi = widening.apply(p10, p50, p90, full["horizon"].to_numpy()[now])
        held[now], widened[now], scored[now] = (y >= p10) & (y <= p90), (y >= lo) & (y <= hi), True
    rows = []
    for horizon in sorted(full["horizon"].unique()):
        at = scored & (full["horizon"] == horizon).to_numpy()
        if not at.any():  # one test year only: nothing earlier to fit a widening on
            continue
        rows.append({"horizon": int(horizon), "films": int(at.sum()), "coverage_80": float(held[at].mean()),
                     "widened_coverage_80": float(widened[at].mean())})
    return pd.DataFrame(rows)
