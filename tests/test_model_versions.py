"""The backtest decides what becomes current; ``models use`` pins a version, ``models list`` shows them,
``models prune`` clears old ones. A user's scenario first, then the store beneath, then the edges.

Backtests are replaced by fixed scores here (``_scores``): what is tested is the decision, not the model.
"""
from __future__ import annotations

import json

import pytest
from samples import made_up_films, write_films
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()


class _Backtest:
    """A backtest result that scored only these RMSLEs (no levels, no horizons, nothing to widen)."""

    every = None

    def __init__(self, model: float, baseline: float):
        self.scores_ = {"model": {"rmsle": model}, "baseline": {"rmsle": baseline}}

    def horizon_summary(self):
        return {}

    def summary(self):
        return self.scores_

    def level_summary(self):
        return {}


def _scores(monkeypatch, model: float, baseline: float):
    import boxoffice.training as training

    monkeypatch.setattr(training, "backtest", lambda films, config, progress=None: _Backtest(model, baseline))


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def films_csv(tmp_path_factory):
    return write_films(tmp_path_factory.mktemp("films") / "films.csv", made_up_films())


def test_a_model_that_loses_to_the_baseline_is_stored_but_not_made_current(tmp_path, films_csv, monkeypatch):
    home = tmp_path / "home"
    _scores(monkeypatch, 1.0, 1.2)
    first = run("train", "--data", films_csv, "--name", "mine", "--home", home, "--json")
    assert first.exit_code == 0, first.output
    good = json.loads(first.stdout)
    assert good["current"] and "beats the baseline" in good["reason"]

    _scores(monkeypatch, 2.10, 1.99)
    second = run("train", "--data", films_csv, "--name", "mine", "--home", home)
    assert second.exit_code == 0, second.output
    assert "not made current: it loses to the baseline (backtest RMSLE 2.100 against the baseline's 1.990)" in second.stderr
    good_version = good["model"].rsplit("/", 1)[-1]
    assert f"forecasts keep mine/{good_version}" in second.stderr

    rows = json.loads(run("models", "list", "--home", home, "--json").stdout)
    assert [(r["current"], r["rmsle"], r["baseline_rmsle"]) for r in rows] == [(True, 1.0, 1.2), (False, 2.1, 1.99)]
    assert "loses to the baseline" in rows[1]["note"]
    shown = run("models", "list", "--home", home)
    assert "lost to" in shown.stdout  # the note column (it may wrap)

    forced = run("train", "--data", films_csv, "--name", "mine", "--home", home, "--force", "--json")
    assert json.loads(forced.stdout)["current"] is True
    assert "--force" in json.loads(forced.stdout)["reason"]


def test_models_use_pins_a_version_and_rolls_back(tmp_path, films_csv, monkeypatch):
    home = tmp_path / "home"
    _scores(monkeypatch, 1.0, 1.2)
    versions = [json.loads(run("train", "--data", films_csv, "--name", "mine", "--home", home, "--json").stdout)["model"]
                .rsplit("/", 1)[-1] for _ in range(2)]
    result = run("models", "use", f"mine/{versions[0]}", "--home", home)
    assert result.exit_code == 0, result.output
    assert f"mine now uses {versions[0]} (was {versions[1]})" in result.stdout
    predicted = run("predict", "-g", "drama", "-b", "20m", "--model", "mine", "--home", home, "--json")
    assert json.loads(predicted.stdout)["model"] == f"mine/{versions[0]}"


def test_models_prune_keeps_the_newest_and_never_the_current_one(tmp_path, films_csv, monkeypatch):
    home = tmp_path / "home"
    _scores(monkeypatch, 1.0, 1.2)
    versions = [json.loads(run("train", "--data", films_csv, "--name", "mine", "--home", home, "--json",
                               "--no-evaluate").stdout)["model"].rsplit("/", 1)[-1] for _ in range(4)]
    assert run("models", "use", f"mine/{versions[0]}", "--home", home).exit_code == 0
    dry = run("models", "prune", "--keep", "2", "--dry-run", "--home", home, "--json")
    assert json.loads(dry.stdout) == {"dry_run": True, "removed": {"mine": [versions[1]]}}
    assert len(json.loads(run("models", "list", "--home", home, "--json").stdout)) == 4
    done = run("models", "prune", "--keep", "1", "--home", home)
    assert done.exit_code == 0, done.output
    left = [r["version"] for r in json.loads(run("models", "list", "--home", home, "--json").stdout)]
    assert left == [versions[0], versions[3]]  # the current one, and the newest
    assert not [p for p in (home / "models" / "mine").iterdir() if p.name.startswith(".incomplete")]


def test_a_name_whose_only_version_lost_says_so_when_used(tmp_path, films_csv, monkeypatch):
    home = tmp_path / "home"
    _scores(monkeypatch, 2.1, 1.99)
    trained = run("train", "--data", films_csv, "--name", "mine", "--home", home)
    assert "mine has no current version to forecast with" in trained.stderr
    result = run("predict", "-g", "drama", "-b", "20m", "--model", "mine", "--home", home)
    assert result.exit_code == 2, result.output
    assert "none is current" in result.stderr and "loses to the baseline" in result.stderr
    assert "models use mine/VERSION" in result.stderr


@pytest.mark.parametrize("spec, words", [("mine", ["not NAME/VERSION"]), ("mine/2001", ["has no version", "models list"])])
def test_models_use_refuses_what_is_not_a_stored_version(tmp_path, spec, words):
    result = run("models", "use", spec, "--home", tmp_path / "home")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert all(w in result.stderr for w in words), result.stderr


def test_models_prune_refuses_an_unknown_name(tmp_path):
    result = run("models", "prune", "--keep", "1", "--name", "nope", "--home", tmp_path / "home")
    assert result.exit_code == 2 and "no model named 'nope'" in result.stderr


@pytest.mark.parametrize("metrics, expected", [
    ({}, (True, "without a backtest")),
    ({"model": {"rmsle": 1.5}, "baseline": {"rmsle": 1.7}}, (True, "beats the baseline")),
    ({"model": {"rmsle": 1.7}, "baseline": {"rmsle": 1.7}}, (True, "beats the baseline")),
    ({"model": {"rmsle": 1.8}, "baseline": {"rmsle": 1.7}}, (False, "loses to the baseline")),
])
def test_the_promotion_rule(metrics, expected):
    from boxoffice.training import promotion

    current, reason = promotion(metrics)
    assert current == expected[0] and expected[1] in reason
    assert promotion(metrics, force=True)[0] is True
