"""How far past its data a forecast reaches, and how much its ranges widen for that.

A model learns from films up to its data's last one; a film forecast at greenlight opens one to three
years later (the public data ends in 2012, so a 2027 release is 15 years out). The *horizon* of a
forecast is the ``H`` of ``boxoffice evaluate --horizon H`` that matches it: a film released in year
``Y`` with data up to year ``Y - H - 1`` is at horizon ``H`` (next year's films are at horizon 0).

The conformal step of ``RevenueModel`` calibrates ranges on the newest training films, which is
horizon 0. Further out, ranges must widen: ``fit_widening`` measures, per horizon of the backtest,
by how much each side of the log-range (P50 to P10, P50 to P90) must stretch to hold its share of
films, and ``Widening.apply`` stretches a forecast's ranges by its horizon's factor. Beyond the
furthest measured horizon the factor is held at that horizon's (and the forecast says so).
"""
from __future__ import annotations

from dataclasses import dataclass


def horizons_of(release_years, last_data_year: int):
    """Horizon of each release year (whole years, 0 = the year after the data's last film; never below 0)."""
    import numpy as np

    return np.maximum(np.asarray(release_years, dtype=np.int64) - int(last_data_year) - 1, 0)


@dataclass(frozen=True)
class Widening:
    """Per horizon, the factor each side of a forecast's log-range is stretched by (1 = as trained)."""

    factors: tuple[float, ...]
    """``factors[h]`` for horizon ``h``, from 0 to the furthest measured; never below 1, never shrinking."""
    raw: tuple[float, ...] = ()
    """The stretch each horizon needed to hold ``interval`` of its backtest films (below 1: too wide)."""
    films: tuple[int, ...] = ()
    """Backtest films measured at each horizon."""
    interval: float = 0.8

    def __post_init__(self):
        import math

        if not self.factors or not all(isinstance(f, float) and math.isfinite(f) and f >= 1 for f in self.factors):
            raise ValueError(f"widening factors must be finite numbers of at least 1, got {list(self.factors)!r}")

    @property
    def measured(self) -> int:
        """The furthest horizon measured."""
        return len(self.factors) - 1

    def factor(self, horizons):
        """The stretch at each horizon (held at the furthest measured one beyond it)."""
        import numpy as np

        return np.asarray(self.factors, float)[np.minimum(np.asarray(horizons, np.int64), self.measured)]

    def apply(self, p10, p50, p90, horizons):
        """(p10, p90) of log quantiles stretched about ``p50`` by each film's horizon's factor."""
        stretch = self.factor(horizons)
        return p50 - stretch * (p50 - p10), p50 + stretch * (p90 - p50)

    def to_dict(self) -> dict:
        return {"factors": list(self.factors), "raw": list(self.raw), "films": list(self.films),
                "interval": self.interval}

    @classmethod
    def from_dict(cls, data: dict) -> "Widening":
        return cls(tuple(map(float, data["factors"])), tuple(map(float, data.get("raw", ()))),
                   tuple(map(int, data.get("films", ()))), float(data.get("interval", 0.8)))


WIDENING_SHAPE = {"factors": [(int, float)], "raw": [(int, float)], "films": [int], "interval": (int, float)}
"""The JSON shape of ``Widening.to_dict`` (checked on load: ``boxoffice.model.json_shape``)."""


def needed_stretch(log_actual, p10, p50, p90, interval: float = 0.8) -> float:
    """The smallest stretch of each side of the log-ranges about P50 that holds ``interval`` of the films."""
    import numpy as np

    y, p10, p50, p90 = (np.asarray(a, float) for a in (log_actual, p10, p50, p90))
    below = y < p50
    side = np.where(below, p50 - p10, p90 - p50)
    gap = np.abs(y - p50)
    ratio = np.where(side > 1e-12, gap / np.maximum(side, 1e-12), np.where(gap > 0, np.inf, 0.0))
    return float(np.quantile(ratio, interval)) if len(ratio) else 1.0


def fit_widening(log_actual, p10, p50, p90, horizons, interval: float = 0.8) -> Widening:
    """Widening measured on backtest forecasts (log quantiles, one per film) at horizons 0, 1, … .

    Each horizon's factor is its needed stretch, at least 1 (a horizon whose ranges already hold
    enough is not narrowed: the calibration on the newest films stays in charge) and at least the
    nearer horizons' factor (further out is never surer).
    """
    import numpy as np

    horizons = np.asarray(horizons, np.int64)
    arrays = [np.asarray(a, float) for a in (log_actual, p10, p50, p90)]
    raw, films, factors = [], [], []
    for h in range(int(horizons.max()) + 1 if len(horizons) else 1):
        at = horizons == h
        nearer = factors[-1] if factors else 1.0
        # a horizon not measured keeps the nearer one's factor
        raw.append(needed_stretch(*(a[at] for a in arrays), interval=interval) if at.any() else nearer)
        films.append(int(at.sum()))
        factors.append(max(1.0, raw[-1], nearer))
    return Widening(tuple(factors), tuple(raw), tuple(films), interval)
