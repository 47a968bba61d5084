"""Forecasts of films whose description leaves fields open: a mixture over comparable films.

A user who gives only a genre, a budget and a date has not decided the cast, the distributor or the
rating yet. Plugging in one "typical" value per open field makes the range far too narrow (its 80%
range held 68% of films in the backtest) and the break-even risk meaningless. Instead each open
field takes, in turn, what each of the ``k`` most comparable earlier films (nearest in budget, genres
and year) had there; the film is forecast once per comparable film, and the forecasts are mixed:
the mixture's quantiles and the mean of the break-even probabilities. The range then covers the
whole population the description covers.

An *open* field is one the description does not mention at all (a flag left out, a slate column
that is absent, a scenario key not given). A *blank* (an empty slate cell, a field no source knew)
is data: the film's value is unknown, and the model sees it as it saw such blanks in history.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from boxoffice.table.film import OPEN_COLUMN, OPEN_FIELDS

LIST_FIELDS = ("cast", "directors")


@dataclass(frozen=True)
class MixtureConfig:
    comparables: int = 25
    """Comparable films each open description is mixed over."""
    budget_scale: float = 1.0
    """A difference of this much in log budget (constant dollars) weighs as much as disjoint genres."""
    year_scale: float = 15.0
    """Years apart that weigh as much as disjoint genres."""

    def __post_init__(self):
        from boxoffice.errors import InputError

        if not isinstance(self.comparables, int) or isinstance(self.comparables, bool) or not 1 <= self.comparables <= 500:
            raise InputError(f"MixtureConfig.comparables must be a whole number from 1 to 500, got {self.comparables!r}")
        for name in ("budget_scale", "year_scale"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not (value > 0 and math.isfinite(value)):
                raise InputError(f"MixtureConfig.{name} must be a positive number, got {value!r}")


def open_mask(films):
    """(n films × ``OPEN_FIELDS``) booleans: True where a film's description leaves the field open."""
    import numpy as np

    n = len(films)
    if OPEN_COLUMN in films:
        given = films[OPEN_COLUMN].to_numpy(object)
        return np.array([[f in (row or ()) for f in OPEN_FIELDS] for row in given], dtype=bool).reshape(n, len(OPEN_FIELDS))
    absent = np.array([f not in films for f in OPEN_FIELDS], dtype=bool)
    return np.broadcast_to(absent, (n, len(OPEN_FIELDS))).copy()


class Comparables:
    """The earlier films a description is compared with: their budget, genres, year and open fields.

    ``table`` columns: ``log_budget`` (log USD, constant 2012), ``year``, ``genres`` (list), and one
    column per ``OPEN_FIELDS`` holding the film's value as the film table has it (blanks included).
    """

    def __init__(self, table, config: MixtureConfig = MixtureConfig()):
        self.table = table.reset_index(drop=True)
        self.config = config
        self._genre_index = None

    @classmethod
    def from_films(cls, films, config: MixtureConfig = MixtureConfig()) -> "Comparables":
        """From training films (budget known); values in constant 2012 dollars."""
        import numpy as np
        import pandas as pd

        known = films[films["budget_usd_2012"].notna().to_numpy(bool)]
        table = pd.DataFrame({
            "log_budget": np.log(known["budget_usd_2012"].to_numpy(float)),
            "year": pd.to_datetime(known["release_date"]).dt.year.to_numpy(float),
            "genres": [list(g) for g in known["genres"]],
        })
        for name in OPEN_FIELDS:
            values = known[name] if name in known else pd.Series([None] * len(known))
            if name in LIST_FIELDS:
                table[name] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else [] for v in values]
            else:
                table[name] = values.to_numpy(object)
        return cls(table, config)

    def _genres(self):
        """Pool genres as a 0/1 matrix, the vocabulary they index."""
        import numpy as np

        if self._genre_index is None:
            vocabulary = sorted({g for gs in self.table["genres"] for g in gs})
            at = {g: i for i, g in enumerate(vocabulary)}
            hot = np.zeros((len(self.table), len(vocabulary)), dtype=np.float32)
            for row, gs in enumerate(self.table["genres"]):
                hot[row, [at[g] for g in gs]] = 1.0
            self._genre_index = (at, hot)
        return self._genre_index

    def nearest(self, log_budget, genres, years, k: int | None = None):
        """Row numbers (n × k) of the ``k`` comparable films nearest to each description, nearest first.

        Distance: |log budget gap| / budget_scale + genre Jaccard distance + |year gap| / year_scale.
        Each distinct (budget, genres, year) is searched once.
        """
        import numpy as np

        k = min(k or self.config.comparables, len(self.table))
        at, hot = self._genres()
        keys = [(float(b), tuple(sorted(g)), float(y)) for b, g, y in zip(log_budget, genres, years)]
        distinct = list(dict.fromkeys(keys))
        where = {key: i for i, key in enumerate(distinct)}
        query = np.zeros((len(distinct), hot.shape[1]), dtype=np.float32)
        for i, (_, gs, _) in enumerate(distinct):
            query[i, [at[g] for g in gs if g in at]] = 1.0
        q_budget = np.array([key[0] for key in distinct])
        q_year = np.array([key[2] for key in distinct])
        q_count = np.array([len(key[1]) for key in distinct], dtype=np.float32)  # unknown genres count in the union
        pool_budget, pool_year = self.table["log_budget"].to_numpy(float), self.table["year"].to_numpy(float)
        pool_count = hot.sum(1)
        found = np.empty((len(distinct), k), dtype=np.int64)
        for start in range(0, len(distinct), 512):  # 512 x 4,000 distances at a time
            part = slice(start, start + 512)
            shared = query[part] @ hot.T
            union = q_count[part, None] + pool_count[None, :] - shared
            jaccard = 1.0 - np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
            distance = (np.abs(q_budget[part, None] - pool_budget[None, :]) / self.config.budget_scale + jaccard
                        + np.abs(q_year[part, None] - pool_year[None, :]) / self.config.year_scale)
            nearest = np.argpartition(distance, k - 1, axis=1)[:, :k] if k < distance.shape[1] else \
                np.tile(np.arange(distance.shape[1]), (distance.shape[0], 1))
            order = np.take_along_axis(distance, nearest, axis=1).argsort(axis=1, kind="stable")
            found[part] = np.take_along_axis(nearest, order, axis=1)
        return found[[where[key] for key in keys]]

    def expand(self, films, mask, log_budget, k: int | None = None):
        """The films with open fields, each repeated once per comparable film, open fields filled from it.

        ``mask``: ``open_mask(films)``; only films with an open field are expanded. Returns (frame of
        the expanded copies, the position in ``films`` of each copy's film, k).
        """
        import numpy as np
        import pandas as pd

        rows = np.flatnonzero(mask.any(axis=1))
        k = min(k or self.config.comparables, len(self.table))
        if len(rows) == 0:
            return films.iloc[[]], rows, k
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy(float)[rows]
        genres = [list(g) if isinstance(g, (list, tuple, np.ndarray)) else [] for g in films["genres"].to_numpy(object)[rows]]
        nearest = self.nearest(np.asarray(log_budget)[rows], genres, years, k)
        owner = np.repeat(rows, k)
        copies = films.iloc[owner].reset_index(drop=True).copy()
        source = nearest.ravel()
        open_rows = np.repeat(mask[rows], k, axis=0)
        for j, name in enumerate(OPEN_FIELDS):
            fill = open_rows[:, j]
            if not fill.any():
                continue
            values = self.table[name].to_numpy(object)[source]
            if name in copies:
                column = copies[name].to_numpy(object).copy()
            else:
                column = np.empty(len(copies), dtype=object)
                column[:] = [[] for _ in range(len(copies))] if name in LIST_FIELDS else None
            column[fill] = values[fill]
            copies[name] = column
        if OPEN_COLUMN in copies:
            copies = copies.drop(columns=OPEN_COLUMN)
        return copies, owner, k

    def get_table(self):
        """The table as Parquet keeps it (the store saves it beside the track records)."""
        return self.table

    @classmethod
    def from_table(cls, table, config: MixtureConfig = MixtureConfig()) -> "Comparables":
        """From ``get_table``'s frame as read back from Parquet (lists come back as arrays)."""
        import numpy as np

        table = table.copy()
        for name in ("genres", *LIST_FIELDS):
            table[name] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else [] for v in table[name]]
        for name in OPEN_FIELDS:
            if name not in LIST_FIELDS:
                table[name] = table[name].astype(object).where(table[name].notna(), None)
        return cls(table, config)


def _ndtr(x):
    """Standard normal CDF without scipy (a cold forecast should not import it)."""
    return 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))


def _erf(x):
    """Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): plenty for quantiles of log gross."""
    import numpy as np

    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def mixture_quantiles(p10, p50, p90, levels=(0.1, 0.5, 0.9), z90: float = 1.2815515655446004):
    """Quantiles of an equal-weight mixture of split normals, one per column.

    ``p10``, ``p50``, ``p90``: (n × k) arrays of each component's quantiles (log gross); returns a
    dict level -> (n,) array. Found by bisection on the mixture's CDF (60 halvings: exact to 1e-15
    of the span), so it costs n × k × 60 CDF evaluations per level.
    """
    import numpy as np

    p10, p50, p90 = (np.asarray(a, float) for a in (p10, p50, p90))
    low_sigma = np.maximum((p50 - p10) / z90, 1e-6)
    high_sigma = np.maximum((p90 - p50) / z90, 1e-6)

    def cdf(x):
        gap = x[:, None] - p50
        return np.where(gap < 0, _ndtr(gap / low_sigma), _ndtr(gap / high_sigma)).mean(axis=1)

    out = {}
    for level in levels:
        z = abs(_normal_quantile(level))
        lo = (p50 - (z + 1) * low_sigma).min(axis=1)
        hi = (p50 + (z + 1) * high_sigma).max(axis=1)
        for _ in range(60):
            mid = (lo + hi) / 2
            below = cdf(mid) < level
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        out[level] = (lo + hi) / 2
    return out


def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF by bisection (for the bracket only)."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
