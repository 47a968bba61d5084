"""Comparable films: the historical films most like a new one, as analysts anchor on them.

Likeness is measured on the model's own features (the ``FeatureBuilder``): each
feature is standardised over the films with a known budget and gross, then
weighted (``CompsConfig``: budget first, then genres, timing, talent, rating), and
the nearest neighbours are found with scikit-learn. The answer carries the real
figures: budget, worldwide and domestic gross (USD of their year, and adjusted to
the new film's year) and the multiple (worldwide gross / budget).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from boxoffice.errors import InputError


def _default_weights() -> dict:
    return {
        "log_budget": 3.0, "genres": 2.0, "release_year": 0.75, "sequel": 1.0, "mpaa_rating": 0.75,
        "cast_mean_log_gross": 0.75, "director_mean_log_gross": 0.5, "cast_best_log_gross": 0.5,
        "summer": 0.4, "holiday_season": 0.4, "runtime_min": 0.3,
    }


@dataclass(frozen=True)
class CompsConfig:
    weights: dict = field(default_factory=_default_weights)
    """Feature -> weight on its standardised value. ``genres`` weighs the genre mix as a unit
    vector (sharing all genres: 0, none: the most); ``mpaa_rating`` counts a different rating."""
    min_year: int = 1980
    """Older films are of another market."""

    def __post_init__(self):
        from collections.abc import Mapping
        from types import MappingProxyType

        from boxoffice.errors import check_number, check_param

        weights = self.weights
        check_param(self, "weights", isinstance(weights, Mapping) and all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0 for w in weights.values()),
            "a mapping of feature names to weights of 0 or more")
        object.__setattr__(self, "weights", MappingProxyType(dict(weights)))  # frozen means frozen
        check_number(self, "min_year", whole=True)


def _matrix(X, reference, weights: dict):
    """Weighted, standardised feature matrix; ``reference`` gives the means and spreads."""
    import numpy as np

    blocks = []
    for name, weight in weights.items():
        if name == "genres":
            cols = [c for c in X.columns if c.startswith("genre_") and c != "genre_count"]
            g = X[cols].to_numpy(float)
            norm = np.linalg.norm(g, axis=1, keepdims=True)
            blocks.append(weight * np.divide(g, norm, out=np.zeros_like(g), where=norm > 0))
        elif name == "mpaa_rating":
            codes = X[name].to_numpy(float)
            levels = np.unique(reference[name].dropna().to_numpy(float))
            blocks.append(weight / np.sqrt(2) * (codes[:, None] == levels[None, :]).astype(float))
        elif name in X.columns:
            ref = reference[name].to_numpy(float)
            spread = np.nanstd(ref) or 1.0
            z = (X[name].to_numpy(float) - np.nanmean(ref)) / spread
            blocks.append(weight * np.nan_to_num(z, nan=0.0)[:, None])
        else:
            raise InputError(f"comps weight names an unknown feature {name!r}")
    return np.hstack(blocks)


def comps(film, forecaster, films_table, k: int = 10, config: CompsConfig = CompsConfig()):
    """The ``k`` films of ``films_table`` most like ``film`` (a Film or dict of user fields), nearest first.

    Columns: rank, title, year, release_date, genres, lead, director, budget_usd, worldwide_gross_usd,
    domestic_gross_usd (USD of their year), multiple, budget_adj and worldwide_gross_adj (USD of the
    new film's release year), distance (0 = identical features).
    """
    import numpy as np
    import pandas as pd
    from sklearn.neighbors import NearestNeighbors

    from boxoffice.table.film import films_frame
    from boxoffice.units import release_year_dollars
    from boxoffice.whatif.scoring import as_film

    film = as_film(film)
    if not 1 <= int(k) <= 500:
        raise InputError(f"k {k} must be between 1 and 500")
    table = films_table
    keep = (table["budget_usd"].notna() & table["worldwide_gross_usd"].notna() & (table["worldwide_gross_usd"] > 0)
            & (table["year"] >= config.min_year) & (table["genres"].map(len) > 0)).to_numpy(bool)
    pool = table[keep].reset_index(drop=True)
    if len(pool) < k:
        raise InputError(f"only {len(pool)} films have a budget, a gross and genres; asked for {k} comps")
    builder = forecaster.builder_
    X_pool = builder.transform(pool)
    X_film = builder.transform(films_frame([film]))  # a field not given is blank: it pulls no comp nearer
    weights = {n: w for n, w in config.weights.items() if w}
    nn = NearestNeighbors(n_neighbors=int(k)).fit(_matrix(X_pool, X_pool, weights))
    distance, index = nn.kneighbors(_matrix(X_film, X_pool, weights))
    rows = pool.iloc[index[0]].reset_index(drop=True)
    year = film.release_date_or_default().year
    first = lambda names: names[0] if len(names) else ""  # noqa: E731
    return pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1),
        "title": rows["title"],
        "year": rows["year"].astype(int),
        "release_date": pd.to_datetime(rows["release_date"]).dt.date.map(lambda d: d.isoformat()),
        "genres": rows["genres"].map(", ".join),
        "lead": rows["cast"].map(first),
        "director": rows["directors"].map(first),
        "budget_usd": rows["budget_usd"].to_numpy(float),
        "worldwide_gross_usd": rows["worldwide_gross_usd"].to_numpy(float),
        "domestic_gross_usd": rows["domestic_gross_usd"].to_numpy(float),
        "multiple": (rows["worldwide_gross_usd"] / rows["budget_usd"]).to_numpy(float),
        "budget_adj": release_year_dollars(rows["budget_usd_2012"].to_numpy(float), year),
        "worldwide_gross_adj": release_year_dollars(rows["worldwide_gross_usd_2012"].to_numpy(float), year),
        "distance": distance[0],
    })
