"""Titles and franchises: one rule for every film (history, slate, flag, scenario), and the franchise's
record as of the film's date, from earlier films only."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice.model.features import FeatureBuilder
from boxoffice.table.franchises import franchise_of, registry
from boxoffice_cli.main import app

runner = CliRunner()


def _table(*films):
    """(title, release date[, worldwide gross in $M]) -> a small film table of $10M dramas."""
    titles = [f[0] for f in films]
    grosses = [f[2] if len(f) > 2 else 20 for f in films]
    n = len(films)
    return pd.DataFrame({
        "title": titles, "release_date": pd.to_datetime([f[1] for f in films]), "genres": [["Drama"]] * n,
        "budget_usd": 10e6, "budget_usd_2012": 10e6, "worldwide_gross_usd": np.array(grosses, float) * 1e6,
        "worldwide_gross_usd_2012": np.array(grosses, float) * 1e6, "cast": [[]] * n, "directors": [[]] * n,
        "distributor": None, "mpaa_rating": None, "country": None, "language": None, "runtime_min": np.nan,
        "sequel": False})


HISTORY = _table(("Iron Man", "2008-05-02", 585), ("Iron Man 2", "2010-05-07", 624), ("Star Trek", "2009-05-08", 386),
                 ("Apollo 13", "1995-06-30", 355), ("The Godfather", "1972-03-24", 250))


def _judged(*films):
    """{title: (franchise key, sequel)} of films to forecast, judged against HISTORY."""
    frame = pd.DataFrame({"title": [f[0] for f in films], "release_date": pd.to_datetime([f[1] for f in films]),
                          "franchise": [f[2] if len(f) > 2 else None for f in films]})
    keys, sequel = franchise_of(frame, registry(HISTORY))
    return {f[0]: (k, bool(s)) for f, k, s in zip(films, keys, sequel)}


def test_a_numbered_title_after_its_original_is_an_entry_of_its_franchise():
    judged = _judged(("Iron Man 3", "2013-05-03"), ("Star Trek: Into Darkness", "2013-05-17"),
                     ("The Godfather Part II", "2013-01-01"), ("Apollo 18", "2013-09-02"), ("Gravity", "2013-10-04"))
    assert judged == {"Iron Man 3": ("iron man", True), "Star Trek: Into Darkness": ("star trek", True),
                      "The Godfather Part II": ("godfather", True), "Apollo 18": (None, False),
                      "Gravity": (None, False)}


def test_only_films_released_before_count():
    judged = _judged(("Iron Man 3", "2007-01-05"), ("Star Trek: Into Darkness", "2009-05-08"))
    assert judged == {"Iron Man 3": (None, False), "Star Trek: Into Darkness": (None, False)}  # the same day: not before


def test_a_franchise_said_outright_wins_over_the_title():
    judged = _judged(("Untitled", "2013-05-03", "Iron Man"), ("Gravity 2", "2016-01-01", "  "))
    assert judged == {"Untitled": ("iron man", True), "Gravity 2": ("gravity", True)}  # a blank says nothing


def test_a_franchise_record_sees_only_earlier_entries():
    history = _table(("Harbor Lights", "2000-06-02", 100), ("Harbor Lights 2", "2003-06-06", 300),
                     ("Harbor Lights 3", "2006-06-02", 50), ("Harbor Lights 4", "2009-06-05", 80))
    X = FeatureBuilder().fit(history).transform(history).set_axis(history["title"])
    assert X.loc["Harbor Lights", "franchise_n"] == 0 and X.loc["Harbor Lights 2", "franchise_n"] == 1
    third = X.loc["Harbor Lights 3"]
    assert third["franchise_n"] == 2
    assert third["franchise_last_log_gross"] == pytest.approx(np.log(300e6), rel=1e-6)
    assert third["franchise_best_log_gross"] == pytest.approx(np.log(300e6), rel=1e-6)
    assert third["franchise_years_since_last"] == pytest.approx((pd.Timestamp("2006-06-02") - pd.Timestamp("2003-06-06")).days / 365.25)
    assert X.loc["Harbor Lights 4", "franchise_last_log_gross"] == pytest.approx(np.log(50e6), rel=1e-6)
    # scrambling the grosses of a film and of every later one moves nothing of it
    scrambled = history.copy()
    later = scrambled["release_date"] >= "2006-06-02"
    scrambled.loc[later, ["worldwide_gross_usd", "worldwide_gross_usd_2012"]] = 1e9
    again = FeatureBuilder().fit(scrambled).transform(scrambled).set_axis(history["title"])
    pd.testing.assert_series_equal(again.loc["Harbor Lights 3"].filter(like="franchise_"),
                                   third.filter(like="franchise_"))


# ---------------------------------------------------------------- the same forecast however it is said


def run(model_home, *args):
    return runner.invoke(app, [*args, "--home", str(model_home.home)])


FILM = ["--genre", "action", "--budget", "200m", "--release-date", "2013-05-03", "--distributor", "Paramount Pictures",
        "--rating", "PG-13", "--json"]
QUANTILES = ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p10", "domestic_p50", "domestic_p90")


def _forecast(result):
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    return {k: out[k] for k in QUANTILES}


def test_iron_man_3_by_title_flag_slate_or_scenario_is_one_forecast(model_home, tmp_path):
    titled = _forecast(run(model_home, "predict", *FILM, "--title", "Iron Man 3"))
    said = _forecast(run(model_home, "predict", *FILM, "--franchise", "Iron Man"))
    original = _forecast(run(model_home, "predict", *FILM, "--title", "Brand New Idea"))
    assert titled == said
    assert titled != original  # the title made it a sequel, with Iron Man's record
    slate = tmp_path / "slate.csv"
    pd.DataFrame({"title": ["Iron Man 3", "Untitled", "Brand New Idea"], "release_date": "2013-05-03",
                  "genres": "Action", "budget": "200m", "distributor": "Paramount Pictures", "mpaa_rating": "PG-13",
                  "franchise": ["", "Iron Man", ""]}).to_csv(slate, index=False)
    out = tmp_path / "out.csv"
    assert run(model_home, "predict", "--input", str(slate), "--output", str(out)).exit_code == 0
    rows = pd.read_csv(out)
    for col in ("worldwide_p50", "domestic_p90"):
        assert rows.loc[0, col] == pytest.approx(titled[col], rel=1e-6)
        assert rows.loc[1, col] == pytest.approx(titled[col], rel=1e-6)
        assert rows.loc[2, col] == pytest.approx(original[col], rel=1e-6)
    spec = tmp_path / "s.yaml"
    spec.write_text("base:\n  title: Untitled\n  genres: [Action]\n  budget: 200m\n  release_date: 2013-05-03\n"
                    "  distributor: Paramount Pictures\n  mpaa_rating: PG-13\n"
                    "variants:\n  marvel: {franchise: Iron Man}\n  titled: {title: Iron Man 3}\n", encoding="utf-8")
    result = run(model_home, "compare", str(spec), "--json")
    assert result.exit_code == 0, result.output
    by_name = {r["scenario"]: r for r in json.loads(result.stdout)}
    assert by_name["marvel"]["worldwide_p50"] == pytest.approx(titled["worldwide_p50"], rel=1e-6)
    assert by_name["titled"]["worldwide_p50"] == pytest.approx(titled["worldwide_p50"], rel=1e-6)


def test_a_title_that_says_sequel_is_not_mixed_over_comparable_films(forecaster):
    from boxoffice.table.film import films_frame, make_film

    films = films_frame([make_film(title="Iron Man 3", genres="action", budget="200m", release_date="2013-05-03"),
                         make_film(title="Brand New Idea", genres="action", budget="200m", release_date="2013-05-03")])
    mixed = forecaster.predict(films)["mixed_over"].tolist()
    assert "sequel" not in mixed[0] and "sequel" in mixed[1]


def test_a_franchise_the_data_never_saw_is_warned_with_the_closest_known(model_home):
    result = run(model_home, "predict", *FILM, "--franchise", "Iron Mann")
    assert result.exit_code == 0, result.output
    assert "franchise 'Iron Mann' has no earlier film" in result.stderr and "iron man" in result.stderr


def test_a_blank_franchise_cell_of_a_table_says_no_franchise():
    import pandas as pd

    from boxoffice.table.franchises import registered_keys

    assert registered_keys("Avatar", pd.NA) == (("avatar", 0),)  # not a franchise called "NA"
