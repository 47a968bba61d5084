"""The estimators keep scikit-learn's contract: clone, Pipeline, get/set_params, a clear error before
fit; and every config checks its values when it is made, naming the bad one."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from boxoffice.errors import InputError, NotFittedError
from boxoffice.evaluation.backtest import BacktestConfig
from boxoffice.evaluation.tuning import TuneConfig
from boxoffice.model.features import FeatureBuilder, FeatureConfig
from boxoffice.model.forecaster import Forecaster, TrainConfig, trainable
from boxoffice.model.revenue import ModelConfig, RevenueModel
from boxoffice.table.build import BuildConfig
from boxoffice.table.film import films_frame, make_film
from boxoffice.table.linkage import LinkageConfig
from boxoffice.whatif.comps import CompsConfig

QUICK = ModelConfig(num_boost_round=20)


def test_the_feature_builder_and_revenue_model_drop_into_a_pipeline(film_table):
    films = trainable(film_table[film_table["year"] >= 2000])
    pipe = Pipeline([("features", FeatureBuilder()), ("model", RevenueModel(QUICK))])
    pipe.fit(films, np.log(films["worldwide_gross_usd_2012"].to_numpy()), model__dates=films["release_date"])
    q = pipe.predict(films.head(5))
    assert (q["p10"] <= q["p50"]).all() and (q["p50"] <= q["p90"]).all()
    again = clone(pipe)
    assert again.get_params()["model__config"] == QUICK and not hasattr(again.named_steps["model"], "feature_names_")


@pytest.mark.parametrize("estimator", [FeatureBuilder(FeatureConfig(budget_bands=5)),
                                       RevenueModel(QUICK, ("distributor",), predictor="forest"),
                                       Forecaster(TrainConfig(model=QUICK), predictor="lightgbm")],
                         ids=["FeatureBuilder", "RevenueModel", "Forecaster"])
def test_clone_gives_an_unfitted_twin_with_the_same_parameters(estimator):
    twin = clone(estimator)
    assert type(twin) is type(estimator) and twin is not estimator
    assert twin.get_params() == estimator.get_params()
    assert repr(twin) == repr(estimator) and "=" in repr(twin)


def test_clone_of_a_fitted_forecaster_is_unfitted(forecaster):
    twin = clone(forecaster)
    assert not hasattr(twin, "models_") and twin.get_params() == forecaster.get_params()
    with pytest.raises(NotFittedError):
        twin.predict(films_frame([make_film(genres="action", budget="150m")]))


def test_set_params_changes_a_parameter_and_refuses_an_unknown_one():
    model = RevenueModel().set_params(predictor="lightgbm")
    assert model.predictor == "lightgbm"
    with pytest.raises(ValueError, match="no parameter 'bogus'"):
        model.set_params(bogus=1)


@pytest.mark.parametrize("call", [
    lambda: FeatureBuilder().transform(films_frame([make_film(genres="action", budget="150m")])),
    lambda: RevenueModel().predict(None),
    lambda: Forecaster().predict(films_frame([make_film(genres="action", budget="150m")])),
    lambda: Forecaster().get_state(),
], ids=["FeatureBuilder.transform", "RevenueModel.predict", "Forecaster.predict", "Forecaster.get_state"])
def test_an_unfitted_estimator_says_so(call):
    with pytest.raises(NotFittedError, match="not fitted") as err:
        call()
    assert isinstance(err.value, AttributeError) and isinstance(err.value, ValueError)  # as sklearn's own


def test_sklearn_sees_whether_it_is_fitted(forecaster):
    from sklearn.exceptions import NotFittedError as SklearnNotFitted
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(forecaster)
    check_is_fitted(forecaster.builder_)
    with pytest.raises(SklearnNotFitted):
        check_is_fitted(Forecaster())


@pytest.mark.parametrize("make, field, value", [
    (ModelConfig, "interval", 1.5),
    (ModelConfig, "interval", 0),
    (ModelConfig, "calibration_fraction", 1.0),
    (ModelConfig, "num_boost_round", 0),
    (ModelConfig, "num_boost_round", 2.5),
    (ModelConfig, "num_threads", -1),
    (ModelConfig, "seed", "42"),
    (ModelConfig, "params", {"num_leaves": [1, 2]}),
    (ModelConfig, "params", "num_leaves=7"),
    (FeatureConfig, "min_category_films", 0),
    (FeatureConfig, "budget_bands", True),
    (FeatureConfig, "story_fields", "yes"),
    (FeatureConfig, "distributor_recent_years", 0),
    (TrainConfig, "min_year", "1980"),
    (TrainConfig, "model", {"interval": 0.8}),
    (BacktestConfig, "test_years", 0),
    (BacktestConfig, "break_even_multiple", -2.5),
    (TuneConfig, "trials", 0),
    (TuneConfig, "seed", 1.5),
    (LinkageConfig, "fuzzy_min_score", 120),
    (LinkageConfig, "year_tolerance", -1),
    (CompsConfig, "weights", {"log_budget": -1.0}),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_a_bad_config_value_is_an_input_error_naming_it(make, field, value):
    with pytest.raises(InputError) as err:
        make(**{field: value})
    assert f"{field}={value!r}" in str(err.value) and make.__name__ in str(err.value)


def test_build_config_needs_a_folder_path():
    with pytest.raises(InputError, match="sources_dir"):
        BuildConfig(None)


def test_model_config_is_frozen_through_and_through():
    config = ModelConfig(params={"num_leaves": 7, "learning_rate": 0.1})
    assert dict(config.params) == {"learning_rate": 0.1, "num_leaves": 7}
    assert hash(config) == hash(ModelConfig(params=[("num_leaves", 7), ("learning_rate", 0.1)]))
    assert ModelConfig(**json.loads(json.dumps(config.to_dict()))) == config  # JSON and back, as the store does
    assert json.loads(json.dumps(config.to_dict()))["params"] == {"learning_rate": 0.1, "num_leaves": 7}
    with pytest.raises(TypeError):
        CompsConfig().weights["log_budget"] = 0.0


def test_numpy_numbers_become_plain_ones_so_the_config_stays_json_able():
    config = ModelConfig(num_boost_round=np.int64(30), interval=np.float32(0.8))
    assert type(config.num_boost_round) is int and type(config.interval) is float
    json.dumps(config.to_dict())
