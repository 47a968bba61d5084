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
from functools import lru_cache

from boxoffice.model.columns import LIST_FIELDS
from boxoffice.table.film import OPEN_COLUMN, OPEN_FIELDS


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


def open_anywhere(mask) -> list[str]:
    """The ``OPEN_FIELDS`` open in at least one row of an ``open_mask``."""
    return [name for name, is_open in zip(OPEN_FIELDS, mask.any(axis=0)) if is_open]


def open_mask(films):
    """(n films × ``OPEN_FIELDS``) booleans: True where a film's description leaves the field open."""
    import numpy as np

    n = len(films)
    if OPEN_COLUMN in films:  # variants and slate rows repeat a few tuples: each is read once
        distinct: dict = {}
        codes = np.fromiter((distinct.setdefault(tuple(row) if row else (), len(distinct))
                             for row in films[OPEN_COLUMN].to_numpy(object)), np.int64, n)
        table = np.array([[f in row for f in OPEN_FIELDS] for row in distinct], dtype=bool)
        return table.reshape(len(distinct), len(OPEN_FIELDS))[codes]
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
        self._pool_arrays = None

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

    def _pool(self):
        """(genre -> bit, the pool as ``nearest_rows`` reads it: ``nearest.by_budget`` of the scaled
        budgets and years and each film's genre set, with the count and bits of each set), built once."""
        import numpy as np
        import pandas as pd

        from boxoffice.model.nearest import by_budget

        if self._pool_arrays is None:
            vocabulary = sorted({g for gs in self.table["genres"] for g in gs})
            if len(vocabulary) > 64:
                raise ValueError(f"{len(vocabulary)} genres: at most 64 are supported")
            at = {g: i for i, g in enumerate(vocabulary)}
            genre_sets, sets = pd.factorize(np.fromiter((frozenset(gs) for gs in self.table["genres"]), object,
                                                        count=len(self.table)))
            self._pool_arrays = (at, by_budget(
                (self.table["log_budget"].to_numpy(float) / self.config.budget_scale).astype(np.float32),
                (self.table["year"].to_numpy(float) / self.config.year_scale).astype(np.float32),
                genre_sets.astype(np.int64),
                (np.array([len(gs) for gs in sets], dtype=np.float32),
                 np.array([sum(1 << at[g] for g in gs) for gs in sets], dtype=np.uint64))))
        return self._pool_arrays

    def nearest(self, log_budget, genres, years, k: int | None = None):
        """Row numbers (n × k) of the ``k`` comparable films nearest to each description, nearest first,
        ties to the earlier comparable film.

        Distance: |log budget gap| / budget_scale + genre Jaccard distance + |year gap| / year_scale,
        in float32. Each distinct (budget, genres, year) is searched once.
        """
        import numpy as np
        import pandas as pd

        from boxoffice.model.nearest import nearest_rows

        k = min(k or self.config.comparables, len(self.table))
        at, pool = self._pool()
        # each distinct genre list read once (variants share a few), then each distinct query searched once
        lists, genre_lists = pd.factorize(np.fromiter((tuple(g) for g in genres), dtype=object, count=len(genres)))
        counts = np.array([len(gs) for gs in genre_lists], dtype=np.float32)  # unknown genres count in the union
        bits = np.array([sum(1 << at[g] for g in set(gs) if g in at) for gs in genre_lists], dtype=np.uint64)
        keys = np.empty(len(lists), dtype=[("budget", np.float32), ("year", np.float32), ("genres", np.int64)])
        keys["budget"] = np.asarray(log_budget, np.float32) / np.float32(self.config.budget_scale)
        keys["year"] = np.asarray(years, np.float32) / np.float32(self.config.year_scale)
        keys["genres"] = lists
        distinct, where = np.unique(keys, return_inverse=True)
        found = nearest_rows((distinct["budget"], distinct["year"], distinct["genres"], (counts, bits)), pool, k)
        return found[where.ravel()]

    def expand(self, films, mask, log_budget, k: int | None = None, only=None):
        """The films with open fields, each repeated once per comparable film, open fields filled from it.

        ``mask``: ``open_mask(films)``; only films with an open field are expanded. Returns (frame of
        the expanded copies; the position in ``films`` of each copy's film; k). ``only``: only these of the films' columns (and the open fields
        filled) in the frame. Columns are taken as arrays and the frame is made once: pandas'
        per-column work was most of a single forecast's time.
        """
        import numpy as np
        import pandas as pd

        rows = np.flatnonzero(mask.any(axis=1))
        k = min(k or self.config.comparables, len(self.table))
        if len(rows) == 0:
            films = films if only is None else films[[name for name in films.columns if name in only]]
            return films.iloc[[]], rows, k
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy(float)[rows]
        given = films["genres"].to_numpy(object)[rows] if "genres" in films else [None] * len(rows)
        genres = [list(g) if isinstance(g, (list, tuple, np.ndarray)) else [] for g in given]  # open: budget, year
        nearest = self.nearest(np.asarray(log_budget)[rows], genres, years, k)
        owner = np.repeat(rows, k)
        source = nearest.ravel()
        open_rows = np.repeat(mask[rows], k, axis=0)
        n_copies = len(owner)
        kept = [name for name in films.columns if name != OPEN_COLUMN and (only is None or name in only)]
        given = {name: films[name].to_numpy() for name in kept}
        columns = {name: values[owner] for name, values in given.items()}
        for j, name in enumerate(OPEN_FIELDS):
            fill = open_rows[:, j]
            if not fill.any():
                continue
            if name in columns:
                column = columns[name].astype(object)
            else:
                column = np.empty(n_copies, dtype=object)
                column[:] = [[] for _ in range(n_copies)] if name in LIST_FIELDS else None
            column[fill] = self._pool_column(name)[source[fill]]
            columns[name] = column
        return _frame(columns), owner, k

    def _pool_column(self, name: str):
        """A column of the pool as an object array, made once."""
        cache = self.__dict__.setdefault("_object_columns", {})
        if name not in cache:
            cache[name] = self.table[name].to_numpy(object)
        return cache[name]

    def get_table(self):
        """The table as Parquet keeps it (the store saves it beside the track records)."""
        return self.table

    @classmethod
    def from_table(cls, table, config: MixtureConfig = MixtureConfig()) -> "Comparables":
        """From ``get_table``'s frame as read back from Parquet (lists come back as arrays)."""
        import numpy as np

        table = table.copy()
        for name in LIST_FIELDS:
            table[name] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else [] for v in table[name]]
        for name in OPEN_FIELDS:
            if name not in LIST_FIELDS:
                table[name] = table[name].astype(object).where(table[name].notna(), None)
        return cls(table, config)


def mixture_quantiles(p10, p50, p90, levels=(0.1, 0.5, 0.9), z90: float = 1.2815515655446004):
    """Quantiles of an equal-weight mixture of split normals, one per column.

    ``p10``, ``p50``, ``p90``: (n × k) arrays of each component's quantiles (log gross); returns a
    dict level -> (n,) array. Newton's method on the mixture's CDF from the components' mean
    quantile, kept inside a bisection bracket (``boxoffice.model.split_normals.search``): a handful
    of CDF evaluations per level, to ``split_normals.TOLERANCE``.
    """
    import numpy as np

    from boxoffice.compiled import run_parts
    from boxoffice.model.split_normals import PARALLEL_ROWS, search

    p10, p50, p90 = (np.ascontiguousarray(a, dtype=float) for a in (p10, p50, p90))
    low_sigma = np.maximum((p50 - p10) / z90, 1e-6)
    high_sigma = np.maximum((p90 - p50) / z90, 1e-6)
    z = np.abs(np.array([_normal_quantile(level) for level in levels]))[None, :, None]
    lo = (p50[:, None, :] - (z + 1) * low_sigma[:, None, :]).min(axis=2)  # (n × levels): the CDF is below there ...
    hi = (p50[:, None, :] + (z + 1) * high_sigma[:, None, :]).max(axis=2)  # ... and above there
    start = {0.1: p10, 0.5: p50, 0.9: p90}
    x0 = np.stack([start[level].mean(axis=1) if level in start else (lo[:, i] + hi[:, i]) / 2
                   for i, level in enumerate(levels)], axis=1)
    out, targets = np.empty((len(p50), len(levels))), np.asarray(levels, dtype=float)
    run_parts(lambda rows: search(p50[rows], low_sigma[rows], high_sigma[rows], targets, x0[rows], lo[rows], hi[rows],
                                  out[rows]), len(p50), PARALLEL_ROWS)
    return {level: out[:, i] for i, level in enumerate(levels)}


def _frame(columns: dict):
    """A frame of equal-length arrays, made as two blocks: the object columns together, kept object
    (pandas would make text Arrow strings, whose every read back costs 0.2 ms), and the rest. Made
    column by column it cost a single forecast 1.7 ms."""
    import numpy as np
    import pandas as pd

    text = [name for name, column in columns.items() if column.dtype == object]
    n = len(next(iter(columns.values())))
    block = np.empty((n, len(text)), dtype=object)
    for j, name in enumerate(text):
        block[:, j] = columns[name]
    frame = pd.DataFrame(block, columns=text, dtype=object, copy=False)  # the frame owns the block: not copied
    rest = {name: column for name, column in columns.items() if column.dtype != object}
    return pd.concat([frame, pd.DataFrame(rest)], axis=1) if rest else frame


@lru_cache(maxsize=None)
def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF by bisection (for the bracket only); kept per level: 80 steps
    each cost a single forecast 0.6 ms when worked out every call."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
