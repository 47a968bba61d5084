"""Forecaster: the feature builder and the worldwide and domestic models, as one.

``Forecaster.fit(films)`` trains on a canonical film table; ``predict(films)``
returns, per film, P10/P50/P90 of worldwide and domestic gross (USD of the
release year), the break-even probability and the gross needed to break even.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import boxoffice.break_even as break_even
from boxoffice.model.features import FeatureBuilder, FeatureConfig, log_budget_2012
from boxoffice.model.revenue import ModelConfig, RevenueModel

TARGETS = {"worldwide": "worldwide_gross_usd_2012", "domestic": "domestic_gross_usd_2012"}


@dataclass(frozen=True)
class TrainConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    min_year: int = 1980
    """Older films (few, and of another market) are kept for track records but not trained on."""


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
        self.period_ = (str(train["release_date"].min().date()), str(train["release_date"].max().date()))
        self.n_films_ = int(len(train))
        return self

    def predict(self, films, break_even_multiple: float = break_even.MULTIPLE, fill_unspecified: bool = True):
        """One row per film: P10/P50/P90 of worldwide and domestic gross (USD of the release year), risk.

        ``fill_unspecified``: fields left blank mean "typical for the budget" (see
        ``FeatureBuilder.transform``); the backtest turns this off to score real films as they are.
        """
        import numpy as np
        import pandas as pd

        from boxoffice.units import release_year_dollars

        X = self.builder_.transform(films, fill_unspecified=fill_unspecified)
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy()
        out = {}
        for target, model in self.models_.items():
            q = model.predict(X)
            for name, values in q.items():
                out[f"{target}_{name}"] = release_year_dollars(np.exp(values), years)
            if target == "worldwide":
                log_budget = log_budget_2012(films, years)
                log_threshold = break_even.log_threshold(log_budget, break_even_multiple)
                out["break_even_prob"] = model.prob_below(log_threshold, q)
                out["break_even_gross"] = release_year_dollars(np.exp(log_threshold), years)
                out["expected_multiple"] = np.exp(q["p50"] - log_budget)
        return pd.DataFrame(out, index=films.index)


def model_id(forecaster) -> str:
    """``name/version`` of a stored model (``boxoffice.store.load`` records them); ``unsaved`` for one just fit."""
    meta = getattr(forecaster, "metadata_", None) or {}
    return f"{meta['name']}/{meta['version']}" if "name" in meta and "version" in meta else "unsaved"
