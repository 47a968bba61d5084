"""Drivers of a forecast: the P50 split into levers, in dollars that add up."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from boxoffice.model.explain import drivers
from boxoffice.model.features import LEVERS
from boxoffice.table.film import films_frame, make_film
from boxoffice_cli.main import app


def test_drivers_add_up_to_the_p50_of_predict(forecaster):
    films = [make_film(genres="action", budget="150m", cast="Tom Cruise", release_date="2027-07-16"),
             make_film(genres="comedy, romance", budget="8m", rating="R", release_date="2013-02-14"),
             make_film(genres="drama", budget="40m")]
    frame = films_frame(films)
    found = drivers(forecaster, frame)
    p50 = forecaster.predict(frame)["worldwide_p50"].to_numpy()
    np.testing.assert_allclose(found.p50_usd.to_numpy(), p50, rtol=1e-9)
    np.testing.assert_allclose(found.baseline_usd.to_numpy() + found.usd.sum(axis=1).to_numpy(), p50, rtol=1e-9)
    np.testing.assert_allclose(found.percent.sum(axis=1).to_numpy(), p50 / found.baseline_usd.to_numpy() - 1, rtol=1e-9)
    assert list(found.usd.columns)[: len(LEVERS)] == list(LEVERS)
    # every lever keeps the sign of its log contribution
    assert (np.sign(found.usd.to_numpy()) == np.sign(found.log.to_numpy())).all()


def test_budget_lever_grows_with_budget(forecaster):
    base = make_film(genres="action", budget="10m", release_date="2027-07-16")
    frame = films_frame([dataclasses.replace(base, budget_usd=b) for b in (5e6, 30e6, 100e6, 250e6)])
    budget = drivers(forecaster, frame).usd["budget"].to_numpy()
    assert budget[0] < 0 < budget[-1]
    assert budget[-1] > budget[1] > budget[0]


def test_one_film_reads_largest_first(forecaster):
    found = drivers(forecaster, films_frame([make_film(genres="action", budget="200m", release_date="2027-07-16")]))
    table = found.for_film(0)
    assert list(table["usd"].abs()) == sorted(table["usd"].abs(), reverse=True)
    assert table.loc[0, "lever"] == "budget"
    assert set(found.as_dict(0)) == set(found.usd.columns)


@pytest.fixture
def run(model_home):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [*args, "--home", str(model_home.home)])


def test_predict_explain_shows_a_drivers_table(run):
    result = run("predict", "--genre", "action", "--budget", "150m", "--release-date", "2027-07-16", "--explain")
    assert result.exit_code == 0, result.output
    assert "What drives the worldwide P50" in result.output
    assert "budget" in result.output and "average film" in result.output


def test_lever_keys_are_column_safe_and_labels_read_as_words():
    from boxoffice.model.features import lever_label

    assert all(key.isidentifier() and key.islower() for key in LEVERS)
    assert lever_label("release_timing") == "release timing" and lever_label("budget") == "budget"


def test_predict_explain_json_has_drivers_that_add_up(run):
    result = run("predict", "--genre", "action", "--budget", "150m", "--cast", "Tom Cruise",
                 "--release-date", "2027-07-16", "--explain", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(LEVERS) <= set(out["drivers"])
    assert out["drivers"]["budget"] > 0
    total = sum(out["drivers"].values())
    assert 0 < total < out["worldwide_p50"]  # the rest is the average film


def test_predict_json_without_explain_has_no_drivers(run):
    result = run("predict", "--genre", "action", "--budget", "150m", "--json")
    assert result.exit_code == 0, result.output
    assert "drivers" not in json.loads(result.stdout)
