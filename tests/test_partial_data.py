"""A user's own films often lack columns the public data has (domestic gross, cast, director,
distributor): training still works, and a forecast says what the model cannot tell."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice.table.mapped_csv import DEFAULT_COLUMNS
from boxoffice_cli.main import app

runner = CliRunner()


def _user_csv(film_table, path, *columns):
    """Every fifth film since 1995 (690) as a user's CSV: title, date, genres, budget, worldwide gross, ``columns``."""
    films = film_table[film_table["worldwide_gross_usd"].notna() & (film_table["year"] >= 1995)].iloc[::5]
    frame = {"title": films["title"], "release_date": films["release_date"].dt.date,
             "genres": films["genres"].map(lambda g: "|".join(g) or "Drama"), "budget_usd": films["budget_usd"],
             "worldwide_gross_usd": films["worldwide_gross_usd"]}
    extra = {"domestic_gross_usd": films["domestic_gross_usd"], "cast": films["cast"].map("|".join),
             "directors": films["directors"].map("|".join), "distributor": films["distributor"]}
    frame |= {c: extra[c] for c in columns}
    pd.DataFrame({DEFAULT_COLUMNS[k]: v for k, v in frame.items()}).to_csv(path, index=False)
    return path


def _cli(home, *args):
    return runner.invoke(app, [*args, "--home", str(home)])


@pytest.fixture(scope="module")
def no_domestic_home(film_table, tmp_path_factory):
    """A home with a model 'mine' trained (with its backtest) on films that have no domestic gross."""
    home = tmp_path_factory.mktemp("no-domestic")
    path = _user_csv(film_table, home / "films.csv", "cast")
    result = _cli(home, "train", "--data", str(path), "--name", "mine", "--json")
    return home, result


def test_training_on_films_without_domestic_grosses_works(no_domestic_home):
    home, result = no_domestic_home
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)["films"] == 690


def test_its_forecast_says_domestic_is_unavailable(no_domestic_home):
    home, _ = no_domestic_home
    table = _cli(home, "predict", "-g", "drama", "-b", "20m", "--model", "mine")
    assert table.exit_code == 0, table.output
    assert "domestic" in table.stderr and "unavailable" in table.stderr
    as_json = _cli(home, "predict", "-g", "drama", "-b", "20m", "--model", "mine", "--json")
    assert as_json.exit_code == 0, as_json.output
    out = json.loads(as_json.stdout)  # valid JSON: no NaN
    assert out["worldwide_p50"] > 0 and out["domestic_p50"] is None


@pytest.fixture(scope="module")
def no_people_home(film_table, tmp_path_factory):
    """A home with a model 'bare' trained on films with no cast, director or distributor column."""
    home = tmp_path_factory.mktemp("no-people")
    path = _user_csv(film_table, home / "films.csv", "domestic_gross_usd")
    result = _cli(home, "train", "--data", str(path), "--name", "bare", "--no-evaluate")
    assert result.exit_code == 0, result.output
    return home


@pytest.mark.parametrize("flag, field", [("--cast", "cast"), ("--director", "director"),
                                         ("--distributor", "distributor")])
def test_a_field_the_model_never_learned_is_ignored_with_a_warning(no_people_home, flag, field):
    plain = _cli(no_people_home, "predict", "-g", "drama", "-b", "20m", "--release-date", "2013-06-01",
                 "--model", "bare", "--json")
    given = _cli(no_people_home, "predict", "-g", "drama", "-b", "20m", "--release-date", "2013-06-01",
                 "--model", "bare", "--json", flag, "Tom Hanks")
    assert given.exit_code == 0, given.output
    assert "Traceback" not in given.output
    assert field in given.stderr and "never learned" in given.stderr and "ignored" in given.stderr
    assert "new talent" not in given.stderr  # not an unknown name: a field this model does not use
    assert json.loads(given.stdout)["worldwide_p50"] == pytest.approx(json.loads(plain.stdout)["worldwide_p50"])
    assert np.isfinite(json.loads(given.stdout)["domestic_p50"])


def test_a_slate_with_a_column_the_model_never_learned_warns_once(no_people_home, tmp_path):
    slate = tmp_path / "slate.csv"
    slate.write_text("title,release_date,genres,budget,cast\n"
                     "Heist,2013-07-16,Action,150m,Tom Cruise|Emily Blunt\n"
                     "Small drama,2013-08-01,Drama,5m,\n")
    result = _cli(no_people_home, "predict", "--input", str(slate), "--model", "bare", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("never learned cast") == 1 and "--director" not in result.stderr
    assert all(row["worldwide_p50"] > 0 for row in json.loads(result.stdout))
