"""Forecaster: the feature builder and the worldwide and domestic models, as one.

``Forecaster.fit(films)`` trains on a canonical film table; ``predict(films)``
returns, per film, P10/P50/P90 of worldwide and domestic gross (USD of the
release year), the break-even probability and the gross needed to break even.
``get_state`` / ``from_state`` turn a fitted one into data and back: ``boxoffice.store`` keeps that.
A field the films' frame leaves open (no column for it, or named in ``open_fields``)
is mixed over comparable films (``boxoffice.model.mixture``); a blank is unknown.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

import boxoffice.break_even as break_even
from boxoffice.errors import check_kind, check_number
from boxoffice.model.estimator import Estimator
from boxoffice.model.features import FeatureBuilder, FeatureConfig, given_fields, log_budget_2012, monotone_directions
from boxoffice.model.horizon import WIDENING_SHAPE, Widening, horizons_of
from boxoffice.model.json_shape import NUMBER, shape_error
from boxoffice.model.mixture import OPEN_FIELDS, Comparables, MixtureConfig, mixture_quantiles, open_anywhere, open_mask
from boxoffice.model.revenue import BOOSTER_PARTS, ModelConfig, RevenueModel, films_needed
from boxoffice.table.film import OPEN_COLUMN

TARGETS = {"worldwide": "worldwide_gross_usd_2012", "domestic": "domestic_gross_usd_2012"}
OPTIONAL_TARGETS = ("domestic",)
"""A user's films may lack domestic grosses: with too few, no domestic model is trained and its
forecasts are NaN (``Forecaster.targets_`` says which models there are)."""
MIN_FILMS = 100
"""Films with a budget and a worldwide gross needed to train at all."""


@dataclass(frozen=True)
class TrainConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    min_year: int = 1980
    """Older films (few, and of another market) are kept for track records but not trained on."""
    mixture: MixtureConfig = field(default_factory=MixtureConfig)
    """How open fields are mixed over comparable films."""

    def __post_init__(self):
        check_kind(self, "features", FeatureConfig)
        check_kind(self, "model", ModelConfig)
        check_number(self, "min_year", 1800, 2200, whole=True)
        check_kind(self, "mixture", MixtureConfig)

    def to_dict(self) -> dict:
        """JSON-able; ``TrainConfig.from_dict`` reads it back (and what models stored before wrote)."""
        return {"min_year": self.min_year, "features": asdict(self.features), "model": self.model.to_dict(),
                "mixture": asdict(self.mixture)}

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        return cls(FeatureConfig(**data["features"]), ModelConfig(**data["model"]), data["min_year"],
                   MixtureConfig(**data.get("mixture", {})))


QUANTILES = ("p10", "p50", "p90")


def trainable_mask(films, min_year: int = 1980):
    """True for films a model can learn from: budget and worldwide gross known, released since ``min_year``."""
    keep = films["budget_usd_2012"].notna() & films["worldwide_gross_usd_2012"].notna() & (films["year"] >= min_year)
    return keep.fillna(False).to_numpy(bool)


def untrainable_counts(films, min_year: int = 1980) -> dict:
    """Films ``trainable_mask`` leaves out, by the first reason that applies: a gross of 0 or blank is
    unknown, so the film informs track records but is not learned from; a user is told, never left guessing."""
    no_budget = films["budget_usd_2012"].isna().to_numpy()
    no_gross = films["worldwide_gross_usd_2012"].isna().to_numpy() & ~no_budget
    early = (films["year"] < min_year).fillna(True).to_numpy(bool) & ~no_budget & ~no_gross
    return {"no budget": int(no_budget.sum()), "no worldwide gross (0 or blank: unknown)": int(no_gross.sum()),
            f"released before {min_year}": int(early.sum())}


def trainable(films, min_year: int = 1980):
    return films[trainable_mask(films, min_year)]


@dataclass(frozen=True)
class ForecasterState:
    """A fitted Forecaster as data: nothing in it is code."""

    data: dict
    """JSON-able: train config, features, each model's calibration, period, film count."""
    texts: dict
    """LightGBM model texts by name (``worldwide_p50``, ``domestic_lo``, …)."""
    talent: "object"
    """The track-record table (a DataFrame: one row per person, franchise or distributor and film)."""
    comparables: "object" = None
    """The comparable films open fields are mixed over (a DataFrame)."""
    franchises: "object" = None
    """The franchise registry of the training films (``boxoffice.table.franchises.registry``)."""


_STATE_SHAPE = {
    "train_config": {"min_year": int, "features": dict, "model": dict},
    "features": {"config": dict, "genres": [str], "categories": {str: [str]}, "feature_names": [str],
                 "typical": {"edges": [NUMBER], "features": [str], "values": [{str: (*NUMBER, type(None))}]}},
    "models": {str: {"config": {"params": dict}, "categorical": [str], "interval_correction": NUMBER,
                     "risk_calibration": {"slope": NUMBER, "intercept": NUMBER}, "feature_names": [str],
                     "n_train": int, "n_calibration": int, "offsets": {str: NUMBER}, "monotone": [[(str, int)]]}},
    "period": {"first_release": str, "last_release": str},
    "n_films": int,
}
"""The types of everything ``from_state`` reads (see ``boxoffice.model.json_shape``)."""


@dataclass(frozen=True)
class Expanded:
    """The rows ``Forecaster.expand`` scores for some films: the films, then their comparable copies."""

    films: "object"
    """The films as given (a DataFrame, index 0…n-1)."""
    copies: "object"
    """Each open film's copies: the columns its open fields change and the release date (a DataFrame);
    every other field is the film's (``rows`` has them all)."""
    owner: "object"
    """The position among the films of each copy's film (k copies in a row per open film)."""
    k: int
    """Copies per open film."""
    mask: "object"
    """``open_mask`` of the films, after titles settled their sequel flag."""
    franchises: tuple
    """(franchise key, sequel by title or franchise) of each row, judged once per film."""

    @property
    def n_rows(self) -> int:
        return len(self.films) + len(self.owner)

    @property
    def open_fields(self) -> list[str]:
        """The fields open in at least one of the films: the ones their copies change."""
        return open_anywhere(self.mask)

    @cached_property
    def rows(self):
        """The films, then their copies, with every column (made on first use: scoring needs only ``copies``)."""
        import pandas as pd

        copies = self.films.iloc[self.owner].reset_index(drop=True)
        for name in self.copies.columns:
            copies[name] = self.copies[name].to_numpy()
        return pd.concat([self.films, copies], ignore_index=True)


class Forecaster(Estimator):
    """``fit(films)`` then ``predict(films)``; ``predictor`` as in ``RevenueModel`` (same numbers either way)."""

    _kind, _fitted_attribute = None, "models_"  # it takes a film table, not (X, y)

    def __init__(self, config: TrainConfig = TrainConfig(), predictor: str = "auto"):
        self.config = config
        self.predictor = predictor

    def fit(self, films, y=None) -> "Forecaster":
        """``y`` is ignored (the grosses are columns of ``films``); it is there for ``Pipeline``."""
        import numpy as np

        from boxoffice.errors import InputError

        if not isinstance(self.config, TrainConfig):
            raise InputError(f"Forecaster: config={self.config!r} is not a TrainConfig")
        self.builder_ = FeatureBuilder(self.config.features)
        X_all = self.builder_.fit_transform(films)
        keep = trainable_mask(films, self.config.min_year)
        train = films[keep]
        if len(train) < MIN_FILMS:
            raise InputError(f"only {len(train)} films have a budget and a worldwide gross; at least {MIN_FILMS} are needed",
                             hint="add films with budget and worldwide_gross columns")
        X = X_all[keep].reset_index(drop=True)
        del X_all
        models = {}
        for target, column in TARGETS.items():
            known = train[column].notna().to_numpy() & (train[column].fillna(0) > 0).to_numpy()
            if target in OPTIONAL_TARGETS and known.sum() < films_needed(self.config.model):
                continue
            models[target] = RevenueModel(self.config.model, tuple(self.builder_.categorical_features_),
                                          self.predictor, monotone_directions(X.columns, self.config.features)).fit(
                X[known].reset_index(drop=True), np.log(train.loc[known, column].to_numpy(float)),
                train.loc[known, "release_date"].to_numpy())
        self.models_ = models
        self.comparables_ = Comparables.from_films(train, self.config.mixture)
        self.period_ = (str(train["release_date"].min().date()), str(train["release_date"].max().date()))
        self.n_films_ = int(len(train))
        self.metadata_ = {}
        self.widening_ = None  # measured on the horizon backtests (``boxoffice.training``), else ranges as trained
        return self

    @property
    def targets_(self) -> tuple[str, ...]:
        """The grosses this model forecasts: 'worldwide', and 'domestic' when its films had enough of them."""
        self._check_fitted()
        return tuple(self.models_)

    def horizons(self, release_dates):
        """Each release date's horizon past this model's data (``boxoffice.model.horizon``: 0 = next year)."""
        import pandas as pd

        self._check_fitted()
        return horizons_of(pd.to_datetime(pd.Series(release_dates)).dt.year.to_numpy(), int(self.period_[1][:4]))

    def ignored_fields(self, films) -> list[str]:
        """Film fields given a value in ``films`` that this model never learned (its training films had
        none): they change nothing, and a user should be told so."""
        self._check_fitted()
        unlearned = self.builder_.unlearned_fields_
        return [f for f in unlearned if f in given_fields(films)] if unlearned else []

    def expand(self, films) -> "Expanded":
        """The rows to score for ``films``: each film as given, then, for films with open fields, one copy
        per comparable film with those fields filled from it (``Expanded``)."""
        import numpy as np
        import pandas as pd

        mask = open_mask(films)
        given = films.drop(columns=OPEN_COLUMN) if OPEN_COLUMN in films.columns else films
        if not given.index.equals(pd.RangeIndex(len(given))):  # reset only when needed: 2 ms of one forecast
            given = given.reset_index(drop=True)
        else:
            given = given.copy(deep=False)  # _settle_sequels writes a column: never into the caller's frame
        keys, said = self.builder_.franchise_of(given)  # judged once: a copy has its film's title and date
        self._settle_sequels(given, mask, said)
        copies, owner, k = self.comparables_.expand(given, mask, log_budget_2012(given),
                                                    only={"release_date", *open_anywhere(mask)})
        of_rows = np.concatenate([np.arange(len(given)), owner])
        return Expanded(given, copies, owner, k, mask, (keys[of_rows], said[of_rows]))

    def features(self, expanded: "Expanded"):
        """The features of ``expand``'s rows: the films', then each copy's as its film's but for the fields
        left open (``FeatureBuilder.transform_copies``)."""
        n = len(expanded.films)
        keys, said = expanded.franchises
        films = self.builder_.transform(expanded.films, franchises=(keys[:n], said[:n]))
        if not len(expanded.owner):
            return films
        return self.builder_.transform_copies(films, expanded.owner, expanded.copies, expanded.open_fields,
                                              franchises=(keys[n:], said[n:]))

    @staticmethod
    def _settle_sequels(films, mask, said) -> None:
        """A sequel left open is no longer open when the title or the franchise says it (in place)."""
        import numpy as np

        column = OPEN_FIELDS.index("sequel")
        settle = mask[:, column] & said
        if settle.any():
            given = films["sequel"].to_numpy(object) if "sequel" in films else np.full(len(films), None, dtype=object)
            films["sequel"] = np.where(settle, True, given)
            mask[:, column] &= ~settle

    def predict_logs(self, films, break_even_multiple: float = break_even.MULTIPLE) -> dict:
        """Per film: log P10/P50/P90 (constant 2012 USD) of each target and the break-even probability,
        open fields mixed over comparable films; also ``k`` (comparable films per film, 0 if none open),
        ``mask`` (``open_mask``), and the rows scored with their features (``expanded``, ``features``)."""
        import numpy as np

        self._check_fitted()
        expanded = self.expand(films)
        owner, k, mask = expanded.owner, expanded.k, expanded.mask
        n = len(films)
        X = self.features(expanded)
        log_budget = log_budget_2012(expanded.films)
        log_budget = np.concatenate([log_budget, log_budget[owner]])  # a copy's budget is its film's
        out = {}
        for target, model in self.models_.items():
            q = model.predict(X, predictor=self.predictor)
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
        if self.widening_ is not None:  # further past the data, wider ranges, as the horizon backtests measured
            horizons = self.horizons(films["release_date"])
            for target in self.models_:
                out[f"{target}_p10"], out[f"{target}_p90"] = self.widening_.apply(
                    out[f"{target}_p10"], out[f"{target}_p50"], out[f"{target}_p90"], horizons)
        # coherent: the home market never grosses more than the world
        for name in QUANTILES:
            if f"domestic_{name}" in out:
                out[f"domestic_{name}"] = np.minimum(out[f"domestic_{name}"], out[f"worldwide_{name}"])
        out["k"] = np.where(mask.any(axis=1), k, 0)
        out["mask"] = mask
        out["expanded"], out["features"] = expanded, X  # what ``explain.drivers`` decomposes, scored once
        return out

    def predict(self, films, break_even_multiple: float = break_even.MULTIPLE, logs: dict | None = None):
        """One row per film: P10/P50/P90 of worldwide and domestic gross (USD of the release year), the
        break-even probability and gross, the median multiple of the budget, and what was mixed over:
        ``mixed_over`` (the open fields, comma-separated; blank if none) and ``comparable_films``.
        ``logs``: ``predict_logs(films, break_even_multiple)`` when the caller already has it."""
        import numpy as np
        import pandas as pd

        from boxoffice.units import release_year_dollars

        logs = self.predict_logs(films, break_even_multiple) if logs is None else logs
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy()
        log_budget = log_budget_2012(films, years)
        out = {f"{target}_{name}": (release_year_dollars(np.exp(logs[f"{target}_{name}"]), years) if target in self.models_
                                      else np.full(len(films), np.nan))  # a target this model lacks is NaN
               for target in TARGETS for name in QUANTILES}
        log_threshold = break_even.log_threshold(log_budget, break_even_multiple)
        out["break_even_prob"] = logs["break_even_prob"]
        out["break_even_gross"] = release_year_dollars(np.exp(log_threshold), years)
        out["median_multiple"] = np.exp(logs["worldwide_p50"] - log_budget)
        out["mixed_over"] = mixed_over(logs["mask"])
        out["comparable_films"] = logs["k"]
        return pd.DataFrame(out, index=films.index)

    # persistence: JSON, LightGBM texts and one table; never a pickle
    def get_state(self) -> ForecasterState:
        self._check_fitted()
        data = {"train_config": self.config.to_dict(), "features": self.builder_.get_state(),
                "models": {t: m.get_state() for t, m in self.models_.items()},
                "period": {"first_release": self.period_[0], "last_release": self.period_[1]},
                "n_films": self.n_films_}
        if self.widening_ is not None:
            data["widening"] = self.widening_.to_dict()
        texts = {f"{t}_{part}": text for t, m in self.models_.items() for part, text in m.booster_texts().items()}
        return ForecasterState(data, texts, self.builder_.talent_.table, self.comparables_.get_table(),
                               self.builder_.franchises_)

    @staticmethod
    def check_state(data, label: str = "state") -> list[str]:
        """The names of the LightGBM texts ``data`` needs; ``ValueError`` names the first thing in it
        (``label.models.worldwide…``) that ``get_state`` would not have written."""
        problem = shape_error(data, _STATE_SHAPE, label)
        if problem is None and "worldwide" not in data["models"]:
            problem = f"{label}.models lacks the worldwide model"
        if problem is None:
            problem = next((f"{label}.models has an unknown model {t!r}" for t in data["models"] if t not in TARGETS),
                           None)
        if problem is None and "widening" in data:  # optional: models stored before horizons were measured
            problem = shape_error(data["widening"], WIDENING_SHAPE, f"{label}.widening")
        if problem:
            raise ValueError(problem)
        return [f"{t}_{part}" for t in TARGETS if t in data["models"] for part in BOOSTER_PARTS]

    @classmethod
    def from_state(cls, state: ForecasterState, metadata: dict | None = None, predictor: str = "auto") -> "Forecaster":
        """Rebuild from ``get_state``, every tree checked (``ValueError`` names the first problem).
        ``metadata``: the store's record of this model (name, version, metrics), kept as ``metadata_``."""
        data = state.data
        missing = [n for n in cls.check_state(data) if n not in state.texts]
        if missing:
            raise ValueError(f"no model text for {', '.join(missing)}")
        forecaster = cls(TrainConfig.from_dict(data["train_config"]), predictor)
        if state.franchises is None:
            raise ValueError("no franchise registry (stored before titles had franchises)")
        forecaster.builder_ = FeatureBuilder.from_state(data["features"], state.talent, state.franchises)
        if state.comparables is None:
            raise ValueError("no comparable films (stored before open fields were mixed over them)")
        forecaster.comparables_ = Comparables.from_table(state.comparables, forecaster.config.mixture)
        models = {}
        for target in (t for t in TARGETS if t in data["models"]):
            texts = {part: state.texts[f"{target}_{part}"] for part in BOOSTER_PARTS}
            try:
                models[target] = RevenueModel.from_state(data["models"][target], texts, predictor)
            except ValueError as err:
                raise ValueError(f"{target} model, {err}") from None
        forecaster.models_ = models
        forecaster.period_ = (data["period"]["first_release"], data["period"]["last_release"])
        forecaster.n_films_ = data["n_films"]
        forecaster.widening_ = Widening.from_dict(data["widening"]) if "widening" in data else None
        forecaster.metadata_ = dict(metadata or {})
        return forecaster


def mixed_over(mask):
    """The open fields of each row of an ``open_mask``, comma-separated ('' for none): one string per
    distinct row of the mask, not per film (a 100,000-film slate has a handful)."""
    import numpy as np

    from boxoffice.table.text_columns import coded_text

    mask = np.asarray(mask, bool)
    bits = mask.astype(np.int64) @ (1 << np.arange(mask.shape[1], dtype=np.int64))  # a row as one integer
    distinct, inverse = np.unique(bits, return_inverse=True)
    return coded_text(inverse.reshape(-1), [", ".join(f for j, f in enumerate(OPEN_FIELDS) if b >> j & 1)
                                            for b in distinct.tolist()])


def model_id(forecaster) -> str:
    """``name/version`` of a stored model (``boxoffice.store.load`` records them); ``unsaved`` for one just fit."""
    meta = getattr(forecaster, "metadata_", None) or {}
    return f"{meta['name']}/{meta['version']}" if "name" in meta and "version" in meta else "unsaved"
