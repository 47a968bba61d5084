"""Forecaster: the feature builder and the worldwide and domestic models, as one.

``Forecaster.fit(films)`` trains on a canonical film table; ``predict(films)``
returns, per film, P10/P50/P90 of worldwide and domestic gross (USD of the
release year), the break-even probability and the gross needed to break even.
A field the films' frame leaves open (no column for it, or named in ``open_fields``)
is mixed over comparable films (``boxoffice.model.mixture``); a blank is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import boxoffice.break_even as break_even
from boxoffice.model.features import FeatureBuilder, FeatureConfig, log_budget_2012
from boxoffice.model.mixture import OPEN_FIELDS, Comparables, MixtureConfig, mixture_quantiles, open_mask
from boxoffice.model.revenue import ModelConfig, RevenueModel

TARGETS = {"worldwide": "worldwide_gross_usd_2012", "domestic": "domestic_gross_usd_2012"}


@dataclass(frozen=True)
class TrainConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    min_year: int = 1980
    """Older films (few, and of another market) are kept for track records but not trained on."""
    mixture: MixtureConfig = field(default_factory=MixtureConfig)
    """How open fields are mixed over comparable films."""


QUANTILES = ("p10", "p50", "p90")


def trainable_mask(films, min_year: int = 1980):
    """True for films a model can learn from: budget and worldwide gross known, released since ``min_year``."""
    keep = films["budget_usd_2012"].notna() & films["worldwide_gross_usd_2012"].notna() & (films["year"] >= min_year)
    return keep.fillna(False).to_numpy(bool)


def trainable(films, min_year: int = 1980):
    return films[trainable_mask(films, min_year)]


class Forecaster:
    def __init__(self, config: TrainConfig = TrainConfig()):
        self.config = config

    def fit(self, films) -> "Forecaster":
        import numpy as np

        self.builder_ = FeatureBuilder(self.config.features)
        X_all = self.builder_.fit_transform(films)
        keep = trainable_mask(films, self.config.min_year)
        train = films[keep]
        if len(train) < 100:
            from boxoffice.errors import InputError

            raise InputError(f"only {len(train)} films have a budget and a worldwide gross; at least 100 are needed",
                             hint="add films with budget and worldwide_gross columns")
        X = X_all[keep].reset_index(drop=True)
        del X_all
        self.models_ = {}
        for target, column in TARGETS.items():
            known = train[column].notna().to_numpy() & (train[column].fillna(0) > 0).to_numpy()
            self.models_[target] = RevenueModel(self.config.model, tuple(self.builder_.categorical_features_)).fit(
                X[known].reset_index(drop=True), np.log(train.loc[known, column].to_numpy(float)),
                train.loc[known, "release_date"].to_numpy())
        self.comparables_ = Comparables.from_films(train, self.config.mixture)
        self.period_ = (str(train["release_date"].min().date()), str(train["release_date"].max().date()))
        self.n_films_ = int(len(train))
        return self

    def expand(self, films):
        """The rows to score for ``films``: each film as given, then, for films with open fields, one copy
        per comparable film with those fields filled from it. Returns (rows, owner of each copy, k, mask)."""
        import pandas as pd

        mask = open_mask(films)
        given = films.drop(columns=[c for c in ("open_fields",) if c in films.columns]).reset_index(drop=True)
        copies, owner, k = self.comparables_.expand(given, mask, log_budget_2012(given))
        rows = pd.concat([given, copies], ignore_index=True) if len(copies) else given
        return rows, owner, k, mask

    def predict_logs(self, films, break_even_multiple: float = break_even.MULTIPLE) -> dict:
        """Per film: log P10/P50/P90 (constant 2012 USD) of each target and the break-even probability,
        open fields mixed over comparable films; also ``k`` (comparable films per film, 0 if none open)."""
        import numpy as np

        rows, owner, k, mask = self.expand(films)
        n = len(films)
        X = self.builder_.transform(rows)
        log_budget = log_budget_2012(rows)
        out = {}
        for target, model in self.models_.items():
            q = model.predict(X)
            for name in QUANTILES:
                out[f"{target}_{name}"] = q[name][:n].copy()
            if target == "worldwide":
                out["break_even_prob"] = model.prob_below(break_even.log_threshold(log_budget, break_even_multiple), q)
            if len(owner):
                mixed_rows = owner[::k]
                copies = {name: q[name][n:].reshape(-1, k) for name in QUANTILES}
                levels = mixture_quantiles(copies["p10"], copies["p50"], copies["p90"])
                for name, level in zip(QUANTILES, (0.1, 0.5, 0.9)):
                    out[f"{target}_{name}"][mixed_rows] = levels[level]
                if target == "worldwide":
                    prob = out["break_even_prob"]
                    prob[mixed_rows] = prob[n:].reshape(-1, k).mean(axis=1)
        out["break_even_prob"] = out["break_even_prob"][:n]
        # coherent: the home market never grosses more than the world
        for name in QUANTILES:
            if f"domestic_{name}" in out:
                out[f"domestic_{name}"] = np.minimum(out[f"domestic_{name}"], out[f"worldwide_{name}"])
        out["k"] = np.where(mask.any(axis=1), k, 0)
        out["mask"] = mask
        return out

    def predict(self, films, break_even_multiple: float = break_even.MULTIPLE):
        """One row per film: P10/P50/P90 of worldwide and domestic gross (USD of the release year), the
        break-even probability and gross, the median multiple of the budget, and what was mixed over:
        ``mixed_over`` (the open fields, comma-separated; blank if none) and ``comparable_films``."""
        import numpy as np
        import pandas as pd

        from boxoffice.units import release_year_dollars

        logs = self.predict_logs(films, break_even_multiple)
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy()
        log_budget = log_budget_2012(films, years)
        out = {f"{target}_{name}": release_year_dollars(np.exp(logs[f"{target}_{name}"]), years)
               for target in self.models_ for name in QUANTILES}
        log_threshold = break_even.log_threshold(log_budget, break_even_multiple)
        out["break_even_prob"] = logs["break_even_prob"]
        out["break_even_gross"] = release_year_dollars(np.exp(log_threshold), years)
        out["median_multiple"] = np.exp(logs["worldwide_p50"] - log_budget)
        out["mixed_over"] = [", ".join(f for f, is_open in zip(OPEN_FIELDS, row) if is_open) for row in logs["mask"]]
        out["comparable_films"] = logs["k"]
        return pd.DataFrame(out, index=films.index)


def model_id(forecaster) -> str:
    """``name/version`` of a stored model (``boxoffice.store.load`` records them); ``unsaved`` for one just fit."""
    meta = getattr(forecaster, "metadata_", None) or {}
    return f"{meta['name']}/{meta['version']}" if "name" in meta and "version" in meta else "unsaved"
