"""One film forecast from Python, as `boxoffice predict` gives it: the figures, what they are for, and the
warnings about names the data does not know."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from boxoffice.model.forecaster import Forecaster, model_id
from boxoffice.table.film import default_release_date, make_film
from boxoffice.whatif.slates import forecast_film, talent_warnings
from boxoffice_cli.main import app


def test_a_notebook_gets_what_predict_json_prints(forecaster, model_home):
    film = make_film(genres=["action", "thriller"], budget="150m", cast="Tom Cruise, Emily Blunt",
                     release_date="2027-07-16", title="Heist")
    result = forecast_film(forecaster, film, break_even_multiple=3.0)
    assert result["title"] == "Heist" and result["release_date"] == "2027-07-16" and result["budget_usd"] == 150e6
    assert result["break_even_multiple"] == 3.0 and result["break_even_gross"] > 3.0 * 150e6  # dollars of 2027
    assert result["worldwide_p10"] <= result["worldwide_p50"] <= result["worldwide_p90"]
    cli = CliRunner().invoke(app, ["predict", "-g", "action", "-g", "thriller", "-b", "150m", "--cast",
                                   "Tom Cruise, Emily Blunt", "--release-date", "2027-07-16", "--title", "Heist",
                                   "--break-even-multiple", "3", "--json", "--home", str(model_home.home)])
    from boxoffice.units import money_fields_rounded

    assert json.loads(cli.stdout) == money_fields_rounded(result)  # the JSON rounds money to the cent


def test_a_film_without_a_date_says_which_date_it_was_forecast_for(forecaster):
    result = forecast_film(forecaster, make_film(genres="comedy", budget="20m"))
    assert result["release_date"] == default_release_date().isoformat() and result["title"] == "Untitled"


def test_the_model_is_named_as_stored(forecaster, model_home):
    from boxoffice.store import ModelStore

    assert model_id(forecaster) == f"default/{ModelStore(model_home.models_dir).current('default')}"
    assert model_id(Forecaster()) == "unsaved"


def test_unknown_talent_is_warned_with_the_closest_known_names(forecaster):
    film = make_film(genres="drama", budget="20m", cast="Tom Hankss, Tom Hanks", director="Zqx Vwyb")
    warnings = talent_warnings(forecaster, film)
    assert len(warnings) == 2, warnings
    cast, director = warnings
    assert cast.startswith("cast 'Tom Hankss' has no earlier film") and "closest known: Tom Hanks" in cast
    assert director.startswith("director 'Zqx Vwyb'") and "new talent" in director
    assert talent_warnings(forecaster, make_film(genres="drama", budget="20m", cast="Tom Hanks")) == []
