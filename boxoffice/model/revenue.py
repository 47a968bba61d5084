"""RevenueModel: LightGBM on log gross, with a calibrated range and break-even risk.

P50 is an L2 model of log gross; P10 and P90 are quantile models widened (or
narrowed) by conformalized quantile regression on the newest slice of the
training films, so that 80% ranges hold about 80% of newer films. The
probability that gross stays under a threshold comes from the split-normal
implied by P10/P50/P90, recalibrated (logistic on the standardised distance)
on the same time-ordered slice.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from types import MappingProxyType

from boxoffice.errors import InputError
from boxoffice.model.estimator import Estimator
from boxoffice.model.quantiles import fit_risk_calibration, pinball, risk, split_normal_z, stacked

DEFAULT_PARAMS = MappingProxyType({
    "learning_rate": 0.05,
    "num_leaves": 15,
    "max_depth": -1,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 10.0,
    "min_data_per_group": 20,
})
"""LightGBM parameters that `boxoffice tune` searches; the rest are fixed for determinism (read-only)."""

PARAM_RULES = {
    "learning_rate": (False, lambda v: v > 0, "a number above 0"),
    "num_leaves": (True, lambda v: 2 <= v <= 131_072, "a whole number from 2 to 131072"),
    "max_depth": (True, lambda v: v >= -1, "a whole number, -1 for no limit"),
    "min_data_in_leaf": (True, lambda v: v >= 0, "a whole number, 0 or more"),
    "lambda_l1": (False, lambda v: v >= 0, "a number, 0 or more"),
    "lambda_l2": (False, lambda v: v >= 0, "a number, 0 or more"),
    "feature_fraction": (False, lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
    "bagging_fraction": (False, lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
}
"""LightGBM's own limits on the parameters `boxoffice tune` searches: (whole number?, check, as said)."""


def check_params(params: dict) -> dict:
    """``params`` with the tuned ones checked against ``PARAM_RULES`` (whole floats become ints);
    a bad value raises ``InputError`` naming the parameter and the value. Others pass to LightGBM as given."""
    out = dict(params)
    for name, (whole, ok, said) in PARAM_RULES.items():
        if name not in params:
            continue
        value = params[name]
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if whole:
            number = number and float(value).is_integer() and abs(value) < 2**31
        if not number or not ok(value):
            raise InputError(f"{name} {value!r} must be {said}",
                             hint=f'e.g. "{name}": {DEFAULT_PARAMS.get(name, 0.0)!r}, or leave it out for the default')
        out[name] = int(value) if whole else value
    return out


def _refused_by_lightgbm(err, params: dict) -> InputError:
    """A LightGBMError while training as an ``InputError`` naming the parameter it is about."""
    reason = str(err).strip().splitlines()[0].split(" at /")[0].rstrip(" .")
    named = ([k for k in params if k in reason] or
             [k for k, v in params.items() if isinstance(v, str) and v and v in reason])
    if named:
        key = max(named, key=len)  # 'bagging_fraction' over 'bagging'
        return InputError(f"LightGBM refuses parameter {key!r} = {params[key]!r}: {reason}",
                          hint="fix or remove it in the parameters file (--params)")
    return InputError(f"LightGBM refuses the training parameters: {reason}",
                      hint="check the parameters file (--params)")


PREDICTORS = ("auto", "forest", "lightgbm")
"""How a fitted model scores films: 'forest' through ``boxoffice.model.forest`` (LightGBM's numbers, ~15x
faster per film, and no LightGBM import when a stored model forecasts or explains); 'lightgbm' through
LightGBM itself (drivers too); 'auto' the forest, except for small batches of a model whose boosters are in memory."""

FOREST_MIN_ROWS = 2_000
"""With 'auto', a model whose LightGBM boosters are already in memory (just trained, as in backtests and
tuning) scores smaller batches with them: building the forest costs more than it saves there."""


def _frozen_params(params) -> tuple:
    """LightGBM parameters as sorted (name, value) pairs: a frozen config holds nothing mutable."""
    from collections.abc import Mapping

    pairs = params.items() if isinstance(params, Mapping) else params
    return tuple(sorted((str(k), v) for k, v in pairs))


@dataclass(frozen=True)
class ModelConfig:
    params: tuple = tuple(sorted(DEFAULT_PARAMS.items()))
    """LightGBM parameters over ``DEFAULT_PARAMS``: give a dict (or pairs); kept as sorted (name, value)
    pairs so the config stays immutable and hashable. ``dict(config.params)`` reads them."""
    num_boost_round: int = 250
    interval: float = 0.8
    """Central range P10-P90 is calibrated to hold this share of new films."""
    calibration_fraction: float = 0.2
    """Newest share of the training films held out to calibrate ranges and risk."""
    seed: int = 42
    num_threads: int = 1
    """LightGBM threads (0: LightGBM's default). One by default: on a few thousand films a second thread
    gains little, and on a busy machine OpenMP's spinning threads made training 20x slower (measured here)."""

    def __post_init__(self):
        from boxoffice.errors import check_number, check_param

        try:
            params = _frozen_params(self.params)
        except (TypeError, ValueError):
            params = None
        check_param(self, "params", params is not None and all(
            isinstance(v, (int, float, str)) for _, v in params), "LightGBM parameters: a dict of names to numbers or text")
        object.__setattr__(self, "params", params)
        check_number(self, "num_boost_round", 1, whole=True)
        check_number(self, "interval", 0, 1, low_open=True, high_open=True)
        check_number(self, "calibration_fraction", 0, 1, low_open=True, high_open=True)
        check_number(self, "seed", whole=True)
        check_number(self, "num_threads", 0, whole=True)

    def to_dict(self) -> dict:
        """JSON-able, ``params`` as an object: ``ModelConfig(**config.to_dict())`` gives it back."""
        return asdict(self) | {"params": dict(self.params)}


def _lgb_params(config: ModelConfig, objective: str, alpha: float | None = None) -> dict:
    params = dict(DEFAULT_PARAMS) | dict(config.params)
    params |= {"objective": objective, "seed": config.seed, "deterministic": True, "force_row_wise": True,
               "num_threads": config.num_threads, "verbose": -1}
    if alpha is not None:
        params["alpha"] = alpha
    return params


def films_needed(config: ModelConfig) -> int:
    """The fewest films ``RevenueModel.fit`` trains and calibrates on: 50 to train, the rest to calibrate."""
    n = 50
    while n - max(int(n * config.calibration_fraction), 30) < 50:
        n += 1
    return n


BOOSTER_PARTS = ("p50", "lo", "hi")


class RevenueModel(Estimator):
    """sklearn-style estimator: ``fit(X, y, dates)`` then ``predict(X)`` -> log P10/P50/P90.

    ``predictor``: how a fitted model scores films, one of ``PREDICTORS`` (same numbers either way).
    """

    _kind, _fitted_attribute = "regressor", "feature_names_"

    def __init__(self, config: ModelConfig = ModelConfig(), categorical: tuple[str, ...] = (),
                 predictor: str = "auto", monotone: tuple = ()):
        self.config = config
        self.categorical = categorical
        self.predictor = predictor
        self.monotone = monotone
        """(feature, +1 or -1) pairs: the forecast never falls as the feature rises (+1) or falls (-1)."""
        self._boosters, self._texts, self._read, self._fast = None, None, None, {}

    @property
    def boosters_(self) -> dict:
        """LightGBM boosters by part (p50, lo, hi); a loaded model builds them only when asked
        (explanations, plots), so forecasting does not pay for importing LightGBM."""
        if self._boosters is None:
            if self._texts is None:
                self._check_fitted()
                raise AttributeError("boosters_: the model has no trees")
            import lightgbm as lgb

            try:
                self._boosters = {name: lgb.Booster(model_str=text) for name, text in self._texts.items()}
            except lgb.basic.LightGBMError as err:
                from boxoffice.errors import ModelStoreError

                raise ModelStoreError(f"LightGBM cannot read the stored trees: {err}",
                                      hint="retrain with `boxoffice train`") from None
        return self._boosters

    @boosters_.setter
    def boosters_(self, boosters: dict) -> None:
        self._boosters, self._texts, self._read, self._fast = boosters, None, None, {}

    @property
    def forest_(self):
        """The boosters as one ``Forest`` once built; False when it cannot be (LightGBM predicts); None before."""
        return self._fast.get("forest")

    def _grow(self, X, y):
        """(boosters, offsets) of the three parts. With ``monotone`` constraints, P10 and P90 are P50
        plus an offset plus trees that minimise the pinball loss of the out-of-fold residuals, as a
        custom objective: LightGBM refuses constraints with its own quantile objective (its leaf refit
        would break them), and a sum of monotone parts is monotone."""
        import lightgbm as lgb
        import numpy as np

        lo = (1 - self.config.interval) / 2
        specs = {"p50": ("regression", None), "lo": ("quantile", lo), "hi": ("quantile", 1 - lo)}
        directions = dict(self.monotone)
        constraints = [int(directions.get(c, 0)) for c in X.columns]
        extra = {"monotone_constraints": constraints} if any(constraints) else {}
        offsets = {}
        try:
            # one binned Dataset serves all three objectives: binning once saves time and memory
            data = lgb.Dataset(X, y, categorical_feature=[c for c in self.categorical if c in X.columns] or "auto",
                               params=_lgb_params(self.config, "regression"), free_raw_data=False).construct()
            boosters, base = {}, None
            for name, (objective, alpha) in specs.items():
                params = _lgb_params(self.config, objective, alpha) | extra
                if extra and objective == "quantile":
                    if base is None:
                        base = self._out_of_fold(X, y, _lgb_params(self.config, "regression") | extra)
                    offsets[name] = float(np.quantile(y - base, alpha))
                    params["objective"] = pinball(alpha, base + offsets[name])
                    del params["alpha"]
                boosters[name] = lgb.train(params, data, num_boost_round=self.config.num_boost_round)
            return boosters, offsets
        except lgb.basic.LightGBMError as err:
            raise _refused_by_lightgbm(err, dict(self.config.params)) from None

    def _out_of_fold(self, X, y, params):
        """P50 of each film by a model that never saw it (two interleaved halves, each forecast by the
        other's trees): the residuals the P10/P90 trees learn are those of films the P50 did not fit."""
        import lightgbm as lgb
        import numpy as np

        out = np.empty(len(y))
        half = np.arange(len(y)) % 2 == 0
        for part in (half, ~half):
            data = lgb.Dataset(X[~part], y[~part], categorical_feature=[c for c in self.categorical if c in X.columns]
                               or "auto", params=params)
            out[part] = lgb.train(params, data, num_boost_round=self.config.num_boost_round).predict(
                X[part], num_threads=self.config.num_threads)
        return out

    def fit(self, X, y, dates=None) -> "RevenueModel":
        """``X`` features, ``y`` log gross, ``dates`` the release dates: the newest films calibrate the
        ranges and risk (None: the rows are already oldest first)."""
        import numpy as np
        import pandas as pd

        from boxoffice.errors import InputError

        self._check_params()
        order = (np.arange(len(X)) if dates is None
                 else np.argsort(pd.to_datetime(pd.Series(dates)).to_numpy(), kind="stable"))
        X, y = X.iloc[order].reset_index(drop=True), np.asarray(y, float)[order]
        n_cal = max(int(len(y) * self.config.calibration_fraction), 30)
        if len(y) < films_needed(self.config):
            raise InputError(f"need at least {films_needed(self.config)} films to train and calibrate, got {len(y)}",
                             hint="add films with a budget and a gross")
        proper, cal = slice(0, len(y) - n_cal), slice(len(y) - n_cal, len(y))
        early, offsets = self._grow(X.iloc[proper], y[proper])
        raw = stacked({k: b.predict(X.iloc[cal]) for k, b in early.items()}, offsets)
        # conformalized quantile regression: how far outside [lo, hi] the newest films fall
        scores = np.maximum(raw["lo"] - y[cal], y[cal] - raw["hi"])
        level = min(1.0, math.ceil((n_cal + 1) * self.config.interval) / n_cal)
        self.interval_correction_ = float(np.quantile(scores, level, method="higher"))
        lo, p50, hi = self._ordered(raw["lo"], raw["p50"], raw["hi"], self.interval_correction_)
        self.risk_calibration_ = fit_risk_calibration(lo, p50, hi, y[cal])
        self.boosters_, self.offsets_ = self._grow(X, y)
        self.feature_names_ = list(X.columns)
        self.n_train_, self.n_calibration_ = int(len(y)), int(n_cal)
        return self

    def _check_params(self) -> None:
        from boxoffice.errors import InputError

        if not isinstance(self.config, ModelConfig):
            raise InputError(f"RevenueModel: config={self.config!r} is not a ModelConfig")
        if self.predictor not in PREDICTORS:
            raise InputError(f"RevenueModel: predictor={self.predictor!r} is not allowed",
                             hint=f"use one of: {', '.join(PREDICTORS)}")

    @staticmethod
    def _ordered(lo, p50, hi, correction):
        import numpy as np

        lo, hi = lo - correction, hi + correction
        return np.minimum(lo, p50), p50, np.maximum(hi, p50)

    def predict(self, X, predictor: str | None = None):
        """Log P10, P50, P90 (natural log of constant-dollar gross), as a dict of arrays.
        ``predictor``: this call's (a Forecaster passes its own); None: the model's."""
        self._check_fitted()
        self._check_params()
        predictor = predictor or self.predictor
        if predictor not in PREDICTORS:
            from boxoffice.errors import InputError

            raise InputError(f"predictor={predictor!r} is not allowed", hint=f"use one of: {', '.join(PREDICTORS)}")
        have = set(X.columns)
        missing = [c for c in self.feature_names_ if c not in have]
        if missing:
            from boxoffice.errors import ModelStoreError

            raise ModelStoreError(f"the stored model expects features this version does not build: {', '.join(missing)}",
                                  hint="retrain with `boxoffice train`")
        if list(X.columns) != self.feature_names_:  # selecting columns costs a single forecast 3 ms
            X = X[self.feature_names_]
        wanted = predictor == "forest" or predictor == "auto" and (
            self._boosters is None or len(X) >= FOREST_MIN_ROWS)
        forest = self._fast_model("forest") if wanted else None
        if forest is not None:
            raw = dict(zip(BOOSTER_PARTS, forest.predict(X.to_numpy(_common_float(X.dtypes))).T))
        else:
            raw = {k: b.predict(X, num_threads=self.config.num_threads) for k, b in self.boosters_.items()}
        raw = stacked(raw, self.offsets_)
        lo, p50, hi = self._ordered(raw["lo"], raw["p50"], raw["hi"], self.interval_correction_)
        return {"p10": lo, "p50": p50, "p90": hi}

    def _fast_model(self, kind: str):
        """The boosters as one ``Forest`` ('forest') or the P50 trees as a ``TreeShap`` ('treeshap'), built on first
        use; None when the models use what it lacks or numba cannot run here (LightGBM answers, same numbers)."""
        if kind not in self._fast:
            try:
                from boxoffice.model.forest import Forest, UnsupportedModel
                from boxoffice.model.treeshap import TreeShap
            except (ImportError, RuntimeError, OSError):  # numba missing, or no writable place for its cache
                self._fast[kind] = False
                return None
            from boxoffice.model.tree_text import read_model

            self._read = self._read or {p: read_model(t) for p, t in self.booster_texts().items()}
            try:
                self._fast[kind] = (Forest.from_models([self._read[part] for part in BOOSTER_PARTS])
                                    if kind == "forest" else TreeShap.from_model(self._read["p50"]))
            except UnsupportedModel:
                self._fast[kind] = False
        return self._fast[kind] or None

    def prob_below(self, log_threshold, log_quantiles):
        """Calibrated probability that log gross ends below ``log_threshold``."""
        self._check_fitted()
        q = log_quantiles
        return risk(self.risk_calibration_, split_normal_z(log_threshold, q["p10"], q["p50"], q["p90"]))

    def contributions(self, X):
        """Per-feature contributions to log P50 as LightGBM's ``pred_contrib`` (the bias last), by ``TreeShap``
        (same numbers, ~30x faster) unless the predictor is 'lightgbm' or the trees use what it lacks."""
        self._check_fitted()
        X = X[self.feature_names_]
        shap = self._fast_model("treeshap") if self.predictor != "lightgbm" else None
        return shap.contributions(X.to_numpy()) if shap else self.boosters_["p50"].predict(X, pred_contrib=True)

    # persistence: boosters as LightGBM text, the rest as JSON
    def get_state(self) -> dict:
        self._check_fitted()
        return {"config": self.config.to_dict(), "categorical": list(self.categorical),
                "interval_correction": self.interval_correction_, "risk_calibration": self.risk_calibration_,
                "feature_names": self.feature_names_, "n_train": self.n_train_, "n_calibration": self.n_calibration_,
                "offsets": self.offsets_, "monotone": [list(pair) for pair in self.monotone]}

    def booster_texts(self) -> dict[str, str]:
        self._check_fitted()
        if self._texts is None:
            self._texts = {name: b.model_to_string() for name, b in self.boosters_.items()}
        return self._texts

    @classmethod
    def from_state(cls, state: dict, texts: dict[str, str], predictor: str = "auto") -> "RevenueModel":
        """Rebuild from ``get_state`` and the boosters' texts, each read and checked whole and tree by
        tree (``ValueError`` names the first damaged part)."""
        from boxoffice.model.tree_text import read_model, safe_model_text

        model = cls(ModelConfig(**state["config"]), tuple(state["categorical"]), predictor,
                    tuple((str(f), int(d)) for f, d in state["monotone"]))
        model.offsets_ = {str(k): float(v) for k, v in state["offsets"].items()}
        model.interval_correction_ = float(state["interval_correction"])
        model.risk_calibration_ = dict(state["risk_calibration"])
        model.n_train_, model.n_calibration_ = state["n_train"], state["n_calibration"]
        if sorted(texts) != sorted(BOOSTER_PARTS):
            raise ValueError(f"expected the parts {', '.join(BOOSTER_PARTS)}, got {', '.join(sorted(texts))}")
        feature_names = list(state["feature_names"])
        model._read, model._texts = {}, {}
        for part, text in texts.items():
            try:
                model._texts[part] = safe_model_text(text)
                model._read[part] = read_model(model._texts[part])
            except ValueError as err:
                raise ValueError(f"{part}: {err}") from None
            if list(model._read[part].feature_names) != feature_names:
                raise ValueError(f"the {part} trees were not grown on the features the metadata lists")
        model.feature_names_ = feature_names
        return model


def _common_float(dtypes):
    """float32 when every feature is, so the forest sees exactly the values LightGBM would."""
    import numpy as np

    return np.float32 if all(d == np.float32 for d in dtypes) else np.float64
