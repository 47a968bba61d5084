"""Drivers without LightGBM: the TreeSHAP kernel gives LightGBM's ``pred_contrib``, on every kind of split."""
import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_forest import _awkward_rows, _mixed_frame, _property_booster, _train

from boxoffice.model import revenue as model_module
from boxoffice.model.forest import UnsupportedModel
from boxoffice.model.tree_text import read_model
from boxoffice.model.treeshap import TreeShap

TOLERANCE = 1e-9


def _assert_same(booster, X):
    got = TreeShap.from_model_text(booster.model_to_string()).contributions(np.asarray(X))
    want = booster.predict(X, pred_contrib=True)
    assert got.shape == want.shape == (len(X), X.shape[1] + 1)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(got.sum(axis=1), booster.predict(X), rtol=0, atol=TOLERANCE)


def _missing_types(booster) -> set[int]:
    return {(d >> 2) & 3 for tree in read_model(booster.model_to_string()).trees for d in tree.decision_type}


def test_numbers_categories_and_missing_values_give_lightgbms_contributions():
    rng = np.random.default_rng(0)
    X, y = _mixed_frame(rng, 3000)
    booster = _train(X, y, ["cat", "small_cat"], bagging_fraction=0.7, bagging_freq=1)  # counts of bagged films
    assert _missing_types(booster) == {0, 2}  # splits with and without NaN handling
    test = _awkward_rows(1500)
    _assert_same(booster, test)
    _assert_same(booster, test.astype(np.float64))
    _assert_same(booster, pd.concat([test.head(20)] * 30, ignore_index=True))  # many rows share each way


def test_leaves_with_more_features_than_are_kept_compute_their_terms_each_time(monkeypatch):
    from boxoffice.model import treeshap

    X, y = _mixed_frame(np.random.default_rng(9), 2000)
    booster = _train(X, y, ["cat", "small_cat"])
    monkeypatch.setattr(treeshap, "CACHED_FEATURES", 2)  # leaves with 3 to 5 features on their path: computed
    assert (TreeShap.from_model_text(booster.model_to_string()).arrays["cache_start"] < 0).any()
    _assert_same(booster, _mixed_frame(np.random.default_rng(10), 500)[0])


def test_missing_values_without_nan_handling_go_as_zero():
    X, y = _mixed_frame(np.random.default_rng(2), 2000)
    booster = _train(X, y, ["cat", "small_cat"], use_missing=False)
    assert _missing_types(booster) == {0}
    test, _ = _mixed_frame(np.random.default_rng(3), 1000)
    _assert_same(booster, test)


def test_deep_trees_that_split_a_feature_again_and_single_leaf_trees():
    X, y = _mixed_frame(np.random.default_rng(4), 4000)
    deep = _train(X, y, ["cat"], num_leaves=65, min_data_in_leaf=2, rounds=10)  # 64 splits on 5 features
    assert max(t.num_leaves for t in read_model(deep.model_to_string()).trees) == 65
    _assert_same(deep, X.head(500))
    stumps = _train(X, np.full(len(y), 3.0), ())  # nothing to learn: one tree of one leaf
    _assert_same(stumps, X.head(50))
    assert (TreeShap.from_model_text(stumps.model_to_string()).contributions(X.head(5))[:, :-1] == 0).all()


def test_models_it_lacks_are_refused_not_misexplained():
    X, y = _mixed_frame(np.random.default_rng(5), 2000)
    with pytest.raises(UnsupportedModel, match="64"):
        TreeShap.from_model_text(_train(X, y, num_leaves=100, min_data_in_leaf=2, rounds=3).model_to_string())
    with pytest.raises(UnsupportedModel, match="zero"):
        TreeShap.from_model_text(_train(X.fillna(0), y, zero_as_missing=True, rounds=3).model_to_string())
    model = read_model(_train(X, y, rounds=1).model_to_string())
    tree = model.trees[0]
    empty_leaf = dataclasses.replace(tree, leaf_count=(0,) + tree.leaf_count[1:])
    with pytest.raises(UnsupportedModel, match="no training films"):  # LightGBM would divide by zero
        TreeShap.from_model(dataclasses.replace(model, trees=(empty_leaf,)))
    with pytest.raises(UnsupportedModel, match="multi-class"):
        TreeShap.from_model_text(_train(X, (y > 0) + (y > 2), objective="multiclass", num_class=3,
                                        rounds=3).model_to_string())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.none()),
                          st.floats(-5, 5, width=32), st.integers(-2, 45)), min_size=1, max_size=40))
def test_any_input_is_explained_as_lightgbm_explains_it(rows):
    X = pd.DataFrame([[np.nan if a is None else a, b, 1.0, float(c), float(c % 7)] for a, b, c in rows],
                     columns=["a", "b", "flag", "cat", "small_cat"]).astype(np.float32)
    _assert_same(_property_booster(), X)


def test_drivers_of_real_films_and_their_open_field_copies_are_lightgbms(forecaster, film_table):
    """The default model on real films, some with fields left open (each scored with its comparable copies):
    the contributions the drivers use are LightGBM's, and each row adds up to its raw log P50."""
    from boxoffice.table.film import OPEN_COLUMN

    films = film_table[film_table["year"] >= 2010].sample(24, random_state=0).reset_index(drop=True)
    films[OPEN_COLUMN] = [(), ("distributor", "runtime_min"), ("cast", "directors"), ("country", "language", "sequel")] * 6
    model = forecaster.models_["worldwide"]
    X = forecaster.features(forecaster.expand(films))
    assert len(X) > 400  # the films and their copies
    got = model.contributions(X)
    assert model._fast["treeshap"]  # the kernel answered, not LightGBM
    want = model.boosters_["p50"].predict(X[model.feature_names_], pred_contrib=True)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(got.sum(axis=1), model.predict(X)["p50"], rtol=0, atol=TOLERANCE)


def test_a_model_the_kernel_lacks_is_explained_by_lightgbm():
    from boxoffice.model.revenue import ModelConfig, RevenueModel

    X, y = _mixed_frame(np.random.default_rng(7), 1500)
    X = X.drop(columns=["cat", "small_cat"])
    config = ModelConfig(params=dict(model_module.DEFAULT_PARAMS, num_leaves=100, min_data_in_leaf=2), num_boost_round=5)
    fitted = RevenueModel(config).fit(X, y, pd.date_range("2000-01-01", periods=len(y), freq="D"))
    got = fitted.contributions(X)
    assert fitted._fast["treeshap"] is False
    np.testing.assert_array_equal(got, fitted.boosters_["p50"].predict(X, pred_contrib=True))


def test_tree_counts_are_read_and_a_damaged_count_is_refused():
    X, y = _mixed_frame(np.random.default_rng(8), 500)
    text = _train(X, y, rounds=2).model_to_string()
    tree = read_model(text).trees[0]
    assert tree.internal_count[0] == sum(tree.leaf_count) == 500
    stump = read_model(_train(X, np.full(len(y), 1.0), rounds=1).model_to_string()).trees[0]
    assert stump.num_leaves == 1 and stump.leaf_count == (500,) and stump.internal_count == ()
    for edit, words in [(lambda t: re.sub(r"\ninternal_count=\d+", "\ninternal_count=499", t, count=1), "add up"),
                        (lambda t: re.sub(r"\nleaf_count=\d+", "\nleaf_count=-3", t, count=1), "negative"),
                        (lambda t: re.sub(r"\nleaf_count=\d+ ", "\nleaf_count=", t, count=1), "leaf_count has"),
                        (lambda t: t.replace("\ninternal_count=", "\ninternal_counts=", 1), "no internal_count")]:
        with pytest.raises(ValueError, match=words):
            read_model(edit(text))
