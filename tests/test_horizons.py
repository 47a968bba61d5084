"""Forecasts years ahead: the horizon backtest, ranges that widen with the gap, and the warning beyond it."""
from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice.errors import InputError
from boxoffice.evaluation.horizons import parse_horizons
from boxoffice.model.horizon import Widening, fit_widening, horizons_of, needed_stretch
from boxoffice_cli.main import app

runner = CliRunner()


def test_a_film_next_year_is_at_horizon_zero_and_one_before_the_data_ends_too():
    assert horizons_of([2013, 2014, 2027, 2010], 2012).tolist() == [0, 1, 14, 0]


def test_the_needed_stretch_holds_the_interval_share_of_films():
    rng = np.random.default_rng(0)
    y = rng.normal(0, 2, 5000)  # ranges made for a spread of 1: they need about twice the width
    p50, p10, p90 = np.zeros_like(y), np.full_like(y, -1.2816), np.full_like(y, 1.2816)
    stretch = needed_stretch(y, p10, p50, p90, 0.8)
    assert stretch == pytest.approx(2.0, rel=0.05)
    lo, hi = Widening((stretch,)).apply(p10, p50, p90, np.zeros(len(y), int))
    assert np.mean((y >= lo) & (y <= hi)) == pytest.approx(0.8, abs=0.005)


def test_widening_never_narrows_and_never_shrinks_further_out():
    rng = np.random.default_rng(1)
    spreads = {0: 0.8, 1: 1.5, 2: 1.2, 3: 2.0}  # horizon 0 too wide, 2 less uncertain than 1 (noise)
    horizons = np.repeat(list(spreads), 2000)
    y = rng.normal(0, 1, len(horizons)) * np.array([spreads[h] for h in horizons])
    zero = np.zeros_like(y)
    widening = fit_widening(y, zero - 1.2816, zero, zero + 1.2816, horizons, 0.8)
    assert widening.factors[0] == 1.0 and widening.raw[0] < 1  # calibrated at horizon 0: left as trained
    assert widening.factors[1] == pytest.approx(1.5, rel=0.06)
    assert widening.factors[2] == widening.factors[1]  # never surer further out
    assert widening.factors[3] == pytest.approx(2.0, rel=0.06)
    assert widening.measured == 3 and widening.films == (2000,) * 4
    # beyond the furthest measured horizon the factor is held there
    assert widening.factor([3, 14]).tolist() == [widening.factors[3]] * 2
    assert Widening.from_dict(json.loads(json.dumps(widening.to_dict()))) == widening


@pytest.mark.parametrize("factors", [(), (0.5,), (1.0, float("nan")), (1.0, float("inf"))])
def test_a_tampered_widening_is_refused(factors):
    with pytest.raises(ValueError, match="widening factors"):
        Widening(tuple(factors))


@pytest.mark.parametrize("text, horizons", [("0", (0,)), ("2", (2,)), ("0..3", (0, 1, 2, 3)), ("0,2", (0, 2)),
                                            ("all", (0, 1, 2, 3)), (" ALL ", (0, 1, 2, 3))])
def test_horizons_as_typed(text, horizons):
    assert parse_horizons(text) == horizons


@pytest.mark.parametrize("text", ["", "-1", "x", "3..1", "1,1", "11", "0..99"])
def test_a_bad_horizon_names_what_to_write(text):
    with pytest.raises(InputError, match="--horizon"):
        parse_horizons(text)


def test_evaluate_refuses_a_bad_horizon_with_exit_2(model_home):
    result = runner.invoke(app, ["evaluate", "--horizon", "soon", "--home", str(model_home.home)])
    assert result.exit_code == 2 and "--horizon 0..3" in result.output and "Traceback" not in result.output


def test_the_horizon_split_leaves_the_gap_out_of_training(film_table):
    from boxoffice.evaluation.folds import rolling_years

    for year, history, test in rolling_years(film_table, 2, horizon=2):
        assert history["year"].max() == year - 3 and (test["year"] == year).all()
        # films the data gives no genre are tested too (a blank genres cell is unknown)
    assert (test["genres"].map(len) == 0).any()


def _widened(forecaster, factors):
    widened = copy.copy(forecaster)  # the session's model stays as it is
    widened.widening_ = Widening(tuple(factors))
    return widened


def _film(date):
    from boxoffice.table.film import films_frame, make_film

    return films_frame([make_film(genres="action", budget="150m", release_date=date, distributor="Warner Bros.",
                                  cast="Tom Cruise", director="Steven Spielberg", rating="PG-13", runtime=120,
                                  country="USA", language="English", sequel=False)])


def test_ranges_widen_with_the_gap_past_the_data_and_the_median_stays(forecaster):
    widened = _widened(forecaster, (1.0, 1.2, 1.5, 2.0))
    for date, factor in (("2013-07-12", 1.0), ("2015-07-10", 1.5), ("2027-07-16", 2.0)):
        before, after = forecaster.predict(_film(date)).iloc[0], widened.predict(_film(date)).iloc[0]
        assert after["worldwide_p50"] == before["worldwide_p50"]
        assert after["break_even_prob"] == before["break_even_prob"]  # the risk keeps its own calibration
        for side in ("p10", "p90"):
            log_gap = np.log(after[f"worldwide_{side}"] / after["worldwide_p50"])
            assert log_gap == pytest.approx(factor * np.log(before[f"worldwide_{side}"] / before["worldwide_p50"]))
        assert after["domestic_p90"] <= after["worldwide_p90"]


def test_the_widening_is_stored_with_the_model_and_older_models_still_load(forecaster, tmp_path):
    from boxoffice.store import ModelStore

    store = ModelStore(tmp_path / "models")
    store.save(_widened(forecaster, (1.0, 1.3)), "wide")
    assert store.load("wide").widening_ == Widening((1.0, 1.3))
    store.save(forecaster, "plain")  # as stored before horizons were measured
    assert store.load("plain").widening_ is None


def test_a_forecast_beyond_the_measured_horizon_says_so(forecaster):
    from boxoffice.table.film import make_film
    from boxoffice.whatif.slates import forecast_warnings

    widened = _widened(forecaster, (1.0, 1.2, 1.4, 1.6))
    film = make_film(genres="action", budget="150m", release_date="2027-07-16")
    said = " ".join(forecast_warnings(widened, film))
    assert "a 2027 release is 15 years past its data (horizon 14" in said
    assert "up to horizon 3" in said and "×1.60" in said
    near = make_film(genres="action", budget="150m", release_date="2015-07-10")
    assert not any("past its data" in w for w in forecast_warnings(widened, near))
    unwidened = " ".join(forecast_warnings(_widened(forecaster, (1.0, 1.0)), film))
    assert "up to horizon 1" in unwidened and "needed no widening" in unwidened
    assert any("not widened" in w for w in forecast_warnings(forecaster, near))  # a model without horizon backtests


def test_a_slate_beyond_the_measured_horizon_warns_once_for_its_rows(forecaster):
    from boxoffice.table.slate import slate_text
    from boxoffice.whatif.slates import forecast_slate

    films = pd.DataFrame({"title": ["Near", "Far", "Farther"], "genres": [["Action"]] * 3,
                          "budget_usd": [150e6] * 3, "release_date": pd.to_datetime(["2014-07-11", "2020-07-10", "2020-08-07"])})
    result = forecast_slate(_widened(forecaster, (1.0, 1.2, 1.4, 1.6)), slate_text(films, ("title", "release_date", "genres", "budget_usd")))
    late = [w for w in result.warnings if "past its data" in w]
    assert len(late) == 1 and late[0].startswith("rows 3, 4:")
    # each row's cell says it briefly (the run's warnings, once, say it whole): a 2027 slate's every row has it
    cells = result.forecasts["warning"].tolist()
    assert cells[0] == "" and cells[1] == cells[2] == ("8 years past the model's data (films up to 2012-12-31): "
                                                       "ranges widened as at horizon 3, its furthest measured, likely too narrow")
    assert len(cells[1]) < len(late[0]) / 2
