"""The batch scorer gives LightGBM's numbers exactly, on every kind of split the toolkit trains."""
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boxoffice.model import revenue as model_module
from boxoffice.model.forest import Forest, UnsupportedModel
from boxoffice.model.tree_text import read_model


def _train(X, y, categorical=(), rounds=30, **params):
    base = {"objective": "regression", "num_leaves": 15, "min_data_in_leaf": 5, "verbose": -1, "seed": 1,
            "deterministic": True, "num_threads": 1, "min_data_per_group": 5, "cat_smooth": 1.0}
    data = lgb.Dataset(X, y, categorical_feature=list(categorical) or "auto", free_raw_data=False)
    return lgb.train(base | params, data, num_boost_round=rounds)


def _mixed_frame(rng, n, n_categories=40):
    """Numbers with NaNs, a 0/1 flag, and a categorical with more than 32 codes (several bitset words)."""
    X = pd.DataFrame({
        "a": rng.normal(size=n), "b": rng.exponential(size=n), "flag": rng.integers(0, 2, n).astype(float),
        "cat": rng.integers(0, n_categories, n).astype(float), "small_cat": rng.integers(0, 5, n).astype(float),
    }).astype(np.float32)
    X.loc[rng.random(n) < 0.15, "a"] = np.nan
    X.loc[rng.random(n) < 0.1, "cat"] = np.nan
    y = (X["a"].fillna(2).to_numpy() * 2 + np.sin(X["cat"].fillna(-1).to_numpy()) * 3 + X["small_cat"].to_numpy()
         + X["flag"].to_numpy() + rng.normal(size=n) * 0.3)
    return X, y


def _assert_same(boosters, X):
    forest = Forest.from_model_texts([b.model_to_string() for b in boosters])
    got = forest.predict(np.asarray(X))
    want = np.column_stack([b.predict(X) for b in boosters])
    np.testing.assert_array_equal(got, want)


def _awkward_rows(n: int):
    """Test rows with what a model never saw: category codes past training, negative and fractional codes,
    infinities, a code beyond any category set."""
    test, _ = _mixed_frame(np.random.default_rng(1), n, n_categories=60)  # codes never seen in training
    test.loc[:50, "cat"] = -3.0  # negative codes go right
    test.loc[51:100, "cat"] = -0.5  # truncates to 0, as in LightGBM
    test.loc[101:150, "small_cat"] = 2.7  # truncates to 2
    test.loc[151:200, "a"] = np.inf
    test.loc[201:250, "b"] = -np.inf
    test.loc[251:300, "cat"] = 1e12  # beyond any category set
    return test


def test_regression_and_quantile_models_with_nan_and_wide_categoricals():
    rng = np.random.default_rng(0)
    X, y = _mixed_frame(rng, 3000)
    boosters = [_train(X, y, ["cat", "small_cat"]),
                _train(X, y, ["cat", "small_cat"], objective="quantile", alpha=0.1),
                _train(X, y, ["cat", "small_cat"], objective="quantile", alpha=0.9)]
    test = _awkward_rows(2000)
    _assert_same(boosters, test)
    _assert_same(boosters, test.astype(np.float64))  # float64 input uses the float64 thresholds


def test_missing_values_without_nan_handling_go_as_zero():
    rng = np.random.default_rng(2)
    X, y = _mixed_frame(rng, 2000)
    booster = _train(X, y, ["cat", "small_cat"], use_missing=False)
    test, _ = _mixed_frame(np.random.default_rng(3), 1000)
    _assert_same([booster], test)


def test_32_leaf_trees_reach_their_last_leaf():
    """32 leaves fill the 32-bit mask: the last leaf's bit is the sign bit of the float32 whose
    exponent names the leaf (the narrow path's lookup)."""
    rng = np.random.default_rng(5)
    X, y = _mixed_frame(rng, 5000)
    full = _train(X, y, ["cat", "small_cat"], num_leaves=32, min_data_in_leaf=2)
    trees = full.dump_model()["tree_info"]
    assert max(t["num_leaves"] for t in trees) == 32
    landed = full.predict(X, pred_leaf=True)
    model = read_model(full.model_to_string())
    last = [(i, tree.leaf_order()[0][-1]) for i, tree in enumerate(model.trees) if tree.num_leaves == 32]
    assert any((landed[:, i] == leaf).any() for i, leaf in last)  # some film lands on a tree's bit-31 leaf
    _assert_same([full], X)
    _assert_same([full], _awkward_rows(2000))


def test_64_leaf_trees_and_single_leaf_trees():
    rng = np.random.default_rng(4)
    X, y = _mixed_frame(rng, 5000)
    wide = _train(X, y, ["cat"], num_leaves=64, min_data_in_leaf=2)
    assert max(t["num_leaves"] for t in wide.dump_model()["tree_info"]) > 32  # the 64-bit mask path
    stumps = _train(X, np.full(len(y), 3.0), ())  # nothing to learn: every tree is one leaf
    _assert_same([wide, stumps], X)


def test_unsupported_models_are_refused_not_mispredicted():
    rng = np.random.default_rng(5)
    X, y = _mixed_frame(rng, 2000)
    with pytest.raises(UnsupportedModel, match="leaves"):
        Forest.from_model_texts([_train(X, y, num_leaves=100, min_data_in_leaf=2).model_to_string()])
    with pytest.raises(UnsupportedModel, match="link"):
        Forest.from_model_texts([_train(X, (y > 0).astype(float), objective="binary").model_to_string()])
    with pytest.raises(UnsupportedModel, match="zero"):
        Forest.from_model_texts([_train(X.fillna(0), y, zero_as_missing=True).model_to_string()])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.none()),
                          st.floats(-5, 5, width=32), st.integers(-2, 45)), min_size=1, max_size=40))
def test_any_input_scores_like_lightgbm(rows):
    booster = _property_booster()
    X = pd.DataFrame([[np.nan if a is None else a, b, 1.0, float(c), float(c % 7)] for a, b, c in rows],
                     columns=["a", "b", "flag", "cat", "small_cat"]).astype(np.float32)
    _assert_same([booster], X)


_BOOSTER = {}


def _property_booster():
    if "b" not in _BOOSTER:
        X, y = _mixed_frame(np.random.default_rng(6), 2000)
        _BOOSTER["b"] = _train(X, y, ["cat", "small_cat"])
    return _BOOSTER["b"]


def test_forecaster_batches_match_lightgbm_exactly(forecaster, model_home, film_table):
    """The forecaster scores with the forest; the numbers are LightGBM's own (``predictor="lightgbm"``)."""
    from boxoffice.store import ModelStore

    films = film_table.sample(6000, replace=True, random_state=0).reset_index(drop=True)
    fast = forecaster.predict(films)
    assert all(m.forest_ for m in forecaster.models_.values())  # the forest path really ran
    other = ModelStore(model_home.models_dir).load().set_params(predictor="lightgbm")
    slow = other.predict(films)
    assert all(m.forest_ is None for m in other.models_.values())  # and this one did not
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_revenue_model_falls_back_to_lightgbm_for_models_the_forest_lacks(monkeypatch):
    from boxoffice.model.revenue import ModelConfig, RevenueModel

    rng = np.random.default_rng(7)
    X, y = _mixed_frame(rng, 1500)
    X = X.drop(columns=["cat", "small_cat"])
    config = ModelConfig(params=dict(model_module.DEFAULT_PARAMS, num_leaves=100, min_data_in_leaf=2),
                         num_boost_round=20)
    fitted = RevenueModel(config).fit(X, y, pd.date_range("2000-01-01", periods=len(y), freq="D"))
    monkeypatch.setattr(model_module, "FOREST_MIN_ROWS", 10)
    out = fitted.predict(X)
    assert fitted.forest_ is False and np.isfinite(out["p50"]).all()


def test_forecasts_still_come_when_the_forest_cannot_load(model_home, film_table, monkeypatch):
    """numba missing, or unable to cache its kernel: LightGBM answers instead, with the same numbers."""
    import sys

    from boxoffice.store import ModelStore

    films = film_table.head(50)
    want = ModelStore(model_home.models_dir).load().predict(films)
    monkeypatch.setitem(sys.modules, "boxoffice.model.forest", None)  # any import of it now fails
    loaded = ModelStore(model_home.models_dir).load()
    got = loaded.predict(films)
    assert all(m.forest_ is False for m in loaded.models_.values())
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_a_just_trained_model_scores_small_batches_with_its_boosters(forecaster, film_table):
    """Backtests and tuning predict a few hundred films per fold: no forest is built for them."""
    from boxoffice.model.forecaster import Forecaster, TrainConfig
    from boxoffice.model.revenue import ModelConfig

    history = film_table[film_table["year"] < 2005]
    fitted = Forecaster(TrainConfig(model=ModelConfig(num_boost_round=20))).fit(history)
    small = film_table[film_table["year"] == 2005]
    assert len(small) < model_module.FOREST_MIN_ROWS
    fitted.predict(small)
    assert all(m.forest_ is None for m in fitted.models_.values())


def test_a_batch_split_over_cores_scores_bit_for_bit_as_on_one(monkeypatch):
    from boxoffice import compiled

    X, _ = _mixed_frame(np.random.default_rng(3), 9000)
    forest = Forest.from_model_texts([_property_booster().model_to_string()])
    monkeypatch.setattr(compiled, "row_parts", lambda n, *_: [slice(0, n)])
    one = forest.predict(X)
    monkeypatch.setattr(compiled, "row_parts", lambda n, *_: [slice(0, 4096), slice(4096, 8192), slice(8192, n)])
    assert np.array_equal(forest.predict(X), one)
