"""Tuning with Optuna: a small study on the public data, resuming it, bad storage, tuned training.

Studies here are tiny (two test years, a few trials) so the file runs in well under a minute;
every study lives in a SQLite file under tmp_path.
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from boxoffice.errors import InputError
from boxoffice.evaluation.studies import open_storage
from boxoffice.evaluation.tuning import TuneConfig, tune


def _sqlite(tmp_path, name="study.sqlite3") -> str:
    return f"sqlite:///{tmp_path / name}"


def _quiet():
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def _home(tmp_path, film_table):
    """A project folder holding the film table, so CLI runs need not build it."""
    from boxoffice.table.io import save_table
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=tmp_path / "no-data", home=tmp_path / "home")
    save_table(film_table, ws.table_path)
    return ws


def _cli(args):
    from boxoffice_cli.main import app

    return CliRunner().invoke(app, args)


# ---------------------------------------------------------------- a user's study


def test_small_study_starts_from_the_defaults_and_compares_with_baseline(film_table, tmp_path):
    _quiet()
    seen = []
    config = TuneConfig(trials=3, test_years=2, storage=_sqlite(tmp_path))
    result = tune(film_table, config, progress=lambda step, total, label: seen.append(label))

    assert result.n_trials == 3 and result.n_new_trials == 3
    table = result.comparison.set_index("year")
    last = int(film_table["year"].max())
    assert list(table.index) == [str(last - 1), str(last), "all"]  # the test years, then pooled
    # the default parameters are trial 0, so the best can only match or beat them
    assert result.best_value <= table.loc["all", "default"]
    assert result.best_value == pytest.approx(table.loc["all", "tuned"])
    assert table.loc["all", "tuned"] < table.loc["all", "baseline"]  # the model beats log-budget regression
    assert {"learning_rate", "num_leaves", "max_depth", "min_data_in_leaf", "lambda_l1", "lambda_l2",
            "feature_fraction", "bagging_fraction"} <= set(result.best_params)
    assert result.num_boost_round >= 1
    assert any("best rmsle" in label for label in seen)


def test_fast_objective_scores_like_the_backtest(film_table):
    """The per-trial objective is the `boxoffice evaluate` backtest, only faster: same films, same score."""
    from boxoffice.evaluation.backtest import BacktestConfig, backtest
    from boxoffice.model.forecaster import TrainConfig
    from boxoffice.model.revenue import ModelConfig
    from boxoffice.evaluation.folds import prepare_folds, score_params

    model = ModelConfig(num_threads=1)
    folds = prepare_folds(film_table, test_years=1)
    value, per_fold = score_params(folds, "rmsle", model)
    full = backtest(film_table, BacktestConfig(test_years=1, train=TrainConfig(model=model))).summary()
    assert value == pytest.approx(full["model"]["rmsle"], rel=1e-9)
    assert per_fold == [pytest.approx(value)]


def test_same_seed_same_trials(film_table):
    _quiet()
    runs = [tune(film_table, TuneConfig(trials=3, test_years=1, seed=7)) for _ in range(2)]
    assert runs[0].best_params == runs[1].best_params
    assert runs[0].comparison.equals(runs[1].comparison)


def test_running_again_continues_the_study(film_table, tmp_path):
    import optuna

    _quiet()
    config = TuneConfig(trials=2, test_years=1, storage=_sqlite(tmp_path))
    first = tune(film_table, config)
    second = tune(film_table, config)
    assert (first.n_trials, second.n_trials, second.n_new_trials) == (2, 4, 2)
    trials = optuna.load_study(study_name=config.study_name, storage=config.storage).trials
    assert sum(bool(t.user_attrs.get("default")) for t in trials) == 1  # defaults are tried once
    points = [tuple(sorted(t.params.items())) for t in trials]
    assert len(set(points)) == len(points)  # the resumed run draws new points, not the first run's again


def test_a_study_keeps_its_metric(film_table, tmp_path):
    _quiet()
    tune(film_table, TuneConfig(trials=1, test_years=1, storage=_sqlite(tmp_path), study="s"))
    with pytest.raises(InputError, match="tunes rmsle, not pinball"):
        tune(film_table, TuneConfig(trials=1, test_years=1, storage=_sqlite(tmp_path), study="s", metric="pinball"))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("url, message", [
    ("not a url", "not a storage URL"),
    ("nosuchdb://host/db", "no database driver"),
    ("sqlite:////no/such/folder/tuning.sqlite3", "cannot open the tuning storage"),
    ("postgresql://user:secret@127.0.0.1:1/db", "cannot open the tuning storage"),
])
def test_bad_storage_is_one_input_error(url, message):
    with pytest.raises(InputError, match=message) as caught:
        open_storage(url)
    assert "secret" not in str(caught.value)


def test_folds_lose_money_under_the_break_even_multiple_asked(film_table):
    """`boxoffice tune --metric brier --break-even-multiple 3`: the loss label and the baseline follow 3x."""
    import numpy as np

    from boxoffice.evaluation.folds import prepare_folds

    usual = prepare_folds(film_table, "brier", test_years=1)[0]
    strict = prepare_folds(film_table, "brier", test_years=1, break_even_multiple=3.0)[0]
    assert strict.lost.sum() > usual.lost.sum()
    assert (strict.lost | ~usual.lost).all()  # every film that lost money under 2.5x also did under 3x
    assert not np.allclose(strict.baseline, usual.baseline)


def test_a_brier_study_keeps_its_break_even_multiple(film_table, tmp_path):
    _quiet()
    ws = _home(tmp_path, film_table)
    storage = _sqlite(tmp_path)
    result = _cli(["tune", "--metric", "brier", "--trials", "1", "--years", "1", "--break-even-multiple", "3",
                   "--storage", storage, "--study", "b", "--home", str(ws.home), "--json"])
    assert result.exit_code == 0, result.output
    import optuna

    assert optuna.load_study(study_name="b", storage=storage).user_attrs["break_even_multiple"] == 3.0
    with pytest.raises(InputError, match="breaks even at 3×, not 2.5×"):
        tune(film_table, TuneConfig(trials=1, test_years=1, metric="brier", storage=storage, study="b"))


@pytest.mark.parametrize("kwargs", [{"metric": "mae"}, {"trials": 0}, {"trials": None, "timeout": None},
                                    {"timeout": -1}, {"study": " "}, {"break_even_multiple": 0.5},
                                    {"break_even_multiple": 25}])
def test_bad_config_is_an_input_error(kwargs):
    with pytest.raises(InputError):
        TuneConfig(**kwargs)


def test_cli_bad_storage_exits_2(film_table, tmp_path):
    ws = _home(tmp_path, film_table)
    result = _cli(["tune", "--trials", "1", "--storage", "postgresql://u:pw@127.0.0.1:1/db", "--home", str(ws.home)])
    assert result.exit_code == 2
    assert "cannot open the tuning storage" in result.output and "Traceback" not in result.output


def test_cli_unknown_metric_exits_2(film_table, tmp_path):
    result = _cli(["tune", "--metric", "mae", "--home", str(_home(tmp_path, film_table).home)])
    assert result.exit_code == 2 and "unknown metric" in result.output


def test_train_params_best_without_a_study_exits_2(film_table, tmp_path):
    result = _cli(["train", "--params", "best", "--no-evaluate", "--home", str(_home(tmp_path, film_table).home)])
    assert result.exit_code == 2 and "no tuning study yet" in result.output


def test_train_params_from_a_missing_or_bad_file_exits_2(film_table, tmp_path):
    home = str(_home(tmp_path, film_table).home)
    (tmp_path / "bad.json").write_text('{"num_boost_round": 0}')
    for spec, message in ((str(tmp_path / "missing.json"), "cannot read"), (str(tmp_path / "bad.json"), "num_boost_round")):
        result = _cli(["train", "--params", spec, "--no-evaluate", "--home", home])
        assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("params, words", [
    ({"num_leaves": "many"}, "num_leaves 'many' must be a whole number"),
    ({"num_leaves": 1}, "num_leaves 1 must be"),
    ({"learning_rate": "fast"}, "learning_rate 'fast' must be a number"),
    ({"bagging_fraction": 0}, "bagging_fraction 0 must be"),
    ({"lambda_l2": float("nan")}, "lambda_l2 nan must be"),
    ({"max_depth": 1e300}, "max_depth 1e+300"),
])
def test_a_params_file_with_a_bad_value_names_the_parameter_and_the_value(tmp_path, params, words):
    from boxoffice.evaluation.studies import load_params_file

    path = tmp_path / "params.json"
    path.write_text(json.dumps(params))
    with pytest.raises(InputError, match=words.replace("+", "\\+")) as caught:
        load_params_file(path)
    assert "params.json" in str(caught.value)


def test_params_file_accepts_whole_floats_and_unknown_parameters(tmp_path):
    from boxoffice.evaluation.studies import load_params_file

    path = tmp_path / "params.json"
    path.write_text(json.dumps({"num_leaves": 31.0, "max_depth": -1, "min_data_in_leaf": 0, "extra_trees": True}))
    assert load_params_file(path)["params"] == {"num_leaves": 31, "max_depth": -1, "min_data_in_leaf": 0,
                                                "extra_trees": True}


def test_a_parameter_lightgbm_refuses_while_training_is_an_input_error_naming_it(film_table):
    from dataclasses import replace

    from boxoffice.model.forecaster import Forecaster, TrainConfig
    from boxoffice.model.revenue import ModelConfig

    films = film_table[(film_table["year"] >= 1990) & film_table["budget_usd"].notna()
                       & film_table["worldwide_gross_usd"].notna()].head(400)
    config = replace(TrainConfig(), model=replace(ModelConfig(), params={"boosting": "nonsense"}, num_boost_round=5))
    with pytest.raises(InputError, match="LightGBM refuses parameter 'boosting' = 'nonsense'"):
        Forecaster(config).fit(films)


def test_params_file_becomes_the_training_config(tmp_path):
    from boxoffice.evaluation.studies import load_params_file, train_config

    path = tmp_path / "params.json"
    path.write_text(json.dumps({"learning_rate": 0.1, "num_leaves": 7, "num_boost_round": 120}))
    config = train_config(load_params_file(path))
    assert config.model.num_boost_round == 120
    params = dict(config.model.params)
    assert params["learning_rate"] == 0.1 and params["num_leaves"] == 7
    assert "lambda_l2" in params  # untuned parameters keep their defaults


# ---------------------------------------------------------------- tuned training


def test_tune_then_train_params_best_records_the_tuning(film_table, tmp_path):
    import optuna

    from boxoffice.evaluation.studies import default_storage
    from boxoffice.store import ModelStore

    ws = _home(tmp_path, film_table)
    tuned = _cli(["tune", "--trials", "1", "--years", "1", "--study", "quick", "--home", str(ws.home), "--json"])
    assert tuned.exit_code == 0, tuned.output
    assert json.loads(tuned.stdout)["n_trials"] == 1
    assert (ws.models_dir / "tuning.sqlite3").is_file()  # the default storage sits next to the models
    # a better (made-up) trial with few rounds, so training stays quick: `best` must pick it
    study = optuna.load_study(study_name="quick", storage=default_storage(ws.models_dir))
    first = study.trials[0]
    params = first.params | {"learning_rate": 0.2, "num_leaves": 7, "num_boost_round": 5}
    distributions = first.distributions | {"num_boost_round": optuna.distributions.IntDistribution(1, 400, log=True)}
    study.add_trial(optuna.trial.create_trial(params=params, distributions=distributions,
                                              value=first.value - 0.1, user_attrs={"folds": [first.value - 0.1]}))

    trained = _cli(["train", "--params", "best", "--study", "quick", "--name", "tuned", "--no-evaluate",
                    "--home", str(ws.home)])
    assert trained.exit_code == 0, trained.output
    meta = ModelStore(ws.models_dir).read_metadata("tuned")
    assert meta["tuning"]["study"] == "quick" and meta["tuning"]["trial"] == 1
    assert meta["tuning"]["params"]["num_leaves"] == 7 and meta["tuning"]["num_boost_round"] == 5
    assert meta["train_config"]["model"]["num_boost_round"] == 5
    assert meta["train_config"]["model"]["params"]["learning_rate"] == 0.2
