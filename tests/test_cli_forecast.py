"""`boxoffice train | predict | evaluate | models` as a user runs them."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()


def run(model_home, *args):
    return runner.invoke(app, [*args, "--home", str(model_home.home)])


def test_predict_with_just_genre_and_budget(model_home):
    result = run(model_home, "predict", "--genre", "action", "--budget", "150m")
    assert result.exit_code == 0, result.output
    assert "worldwide gross" in result.output and "P50" in result.output
    assert "losing money" in result.output


def test_predict_json_has_the_documented_keys(model_home):
    result = run(model_home, "predict", "-g", "action", "-g", "thriller", "-b", "$150,000,000", "--json",
                 "--cast", "Tom Cruise, Emily Blunt", "--release-date", "2027-07-16", "--rating", "PG-13")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p50", "break_even_prob"):
        assert key in out
    assert out["worldwide_p10"] <= out["worldwide_p50"] <= out["worldwide_p90"]
    assert out["release_date"] == "2027-07-16"


@pytest.mark.parametrize("budget", ["150m", "150M", "$150,000,000", "0.15b", "150000k"])
def test_money_spellings_give_the_same_forecast(model_home, budget):
    result = run(model_home, "predict", "--genre", "action", "--budget", budget, "--release-date", "2027-07-16", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["budget_usd"] == 150e6


@pytest.mark.parametrize("args, words", [
    (["--genre", "action", "--budget", "abc"], "not an amount"),
    (["--genre", "action", "--budget", "-5m"], "budget"),
    (["--genre", "cowboy-opera", "--budget", "150m"], "unknown genre"),
    (["--genre", "action"], "budget is required"),
    (["--genre", "action", "--budget", "150m", "--release-date", "2027-13-45"], "not a date"),
])
def test_bad_input_is_one_clear_message_and_exit_2(model_home, args, words):
    result = run(model_home, "predict", *args)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_no_genre_is_not_decided_yet_and_the_forecast_says_what_it_mixed_over(model_home):
    result = run(model_home, "predict", "--budget", "150m", "--release-date", "2013-07-12", "--json")
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.stdout)
    assert forecast["mixed_over"].split(", ")[0] == "genres" and forecast["comparable_films"] > 0
    table = run(model_home, "predict", "--budget", "150m", "--release-date", "2013-07-12")
    assert "comparable films (similar budget and years): genres, cast" in " ".join(table.output.split())


def test_a_slate_row_with_a_blank_genre_is_forecast_as_unknown(model_home, tmp_path):
    slate = tmp_path / "slate.csv"
    slate.write_text("title,release_date,genres,budget\nNo genre,2013-07-12,,20m\nDrama,2013-07-12,Drama,20m\n")
    result = run(model_home, "predict", "--input", str(slate), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(r["worldwide_p50"] > 0 for r in rows) and "genres" not in rows[0]["mixed_over"]
    no_column = tmp_path / "no-genres.csv"
    no_column.write_text("title,release_date,budget\nOpen,2013-07-12,20m\n")
    rows = json.loads(run(model_home, "predict", "--input", str(no_column), "--json").stdout)
    assert rows[0]["mixed_over"].startswith("genres")


def test_unknown_cast_warns_with_closest_names_and_still_forecasts(model_home):
    result = run(model_home, "predict", "--genre", "drama", "--budget", "20m", "--cast", "Tom Hankss", "--json")
    assert result.exit_code == 0
    assert "Tom Hanks" in result.stderr and "new talent" in result.stderr
    assert json.loads(result.stdout)["worldwide_p50"] > 0


def test_batch_slate_reports_bad_rows_and_forecasts_good_ones(model_home, tmp_path):
    slate = tmp_path / "slate.csv"
    slate.write_text(
        "title,release_date,genres,budget,cast,director,mpaa_rating,runtime_min,country,language,distributor\n"
        "Heist,2027-07-16,Action|Thriller,150m,Tom Cruise|Emily Blunt,,PG-13,120,USA,English,Paramount\n"
        "Broken,2027-08-01,Action,abc,,,,,,,\n"
        "Small drama,,Drama,5m,,,R,,,,\n"
    )
    out = tmp_path / "forecasts.csv"
    result = run(model_home, "predict", "--input", str(slate), "--output", str(out))
    assert result.exit_code == 2  # a row had a problem; the good rows are still written
    assert "row 3" in result.stderr and "budget" in result.stderr
    forecasts = pd.read_csv(out)
    assert list(forecasts.columns[:2]) == ["title", "release_date"]
    for col in ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p50", "break_even_prob"):
        assert col in forecasts.columns
    assert forecasts["worldwide_p50"].notna().tolist() == [True, False, True]


def test_a_slates_money_is_to_the_cent_as_json_gives_it(model_home, tmp_path):
    """Money shown or emitted is rounded to the cent (``boxoffice.units``): in the slate's CSV as in
    `predict --json`; a probability and a multiple are not money."""
    slate, out = tmp_path / "slate.csv", tmp_path / "forecasts.csv"
    slate.write_text("title,release_date,genres,budget,cast\nHeist,2027-07-16,Action|Thriller,150m,Tom Cruise\n")
    assert run(model_home, "predict", "--input", str(slate), "--output", str(out), "--explain").exit_code == 0
    cells = pd.read_csv(out, dtype=str).iloc[0]
    money = [c for c in cells.index if c.startswith(("worldwide_", "domestic_", "driver_")) or c == "break_even_gross"]
    assert len(money) > 8 and all(len(cells[c].partition(".")[2]) <= 2 for c in money)
    assert len(cells["break_even_prob"].partition(".")[2]) > 2
    result = run(model_home, "predict", "--genre", "action", "--genre", "thriller", "--budget", "150m",
                 "--cast", "Tom Cruise", "--release-date", "2027-07-16", "--title", "Heist", "--json")
    said = json.loads(result.stdout)
    for column in ("worldwide_p10", "worldwide_p50", "domestic_p90", "break_even_gross"):
        assert float(cells[column]) == pytest.approx(said[column], abs=0.011)


def test_a_slate_row_without_a_date_opens_when_a_film_without_one_does(forecaster, tmp_path):
    """No date: a year from today, for a slate row, a film, a what-if and comps alike."""
    import datetime as dt

    from boxoffice.table.film import default_release_date, films_frame, make_film, release_dates_or_default
    from boxoffice.whatif.slates import predict_slate

    film = make_film(genres="drama", budget="5m")
    assert film.release_date_or_default(dt.date(2026, 3, 1)) == dt.date(2027, 3, 1) == default_release_date(dt.date(2026, 3, 1))
    assert films_frame([film], today=dt.date(2026, 3, 1))["release_date"].iloc[0] == pd.Timestamp("2027-03-01")
    filled = release_dates_or_default([None, "", pd.NaT, dt.date(2027, 7, 16)], today=dt.date(2026, 3, 1))
    assert filled.tolist() == [pd.Timestamp("2027-03-01")] * 3 + [pd.Timestamp("2027-07-16")]
    slate = tmp_path / "slate.csv"
    slate.write_text("title,release_date,genres,budget\nSmall drama,,Drama,5m\n")
    row = predict_slate(forecaster, slate).forecasts.iloc[0]
    alone = forecaster.predict(films_frame([film])).iloc[0]
    assert row["worldwide_p50"] == pytest.approx(alone["worldwide_p50"], abs=0.005)  # a slate's money is to the cent
    assert row["break_even_gross"] == pytest.approx(alone["break_even_gross"], abs=0.005)


def test_batch_explain_adds_each_films_drivers_that_sum_to_its_p50(model_home, tmp_path):
    slate = tmp_path / "slate.csv"
    slate.write_text("title,release_date,genres,budget,cast\n"
                     "Heist,2027-07-16,Action|Thriller,150m,Tom Cruise|Emily Blunt\n"
                     "Small drama,2027-03-05,Drama,5m,\n")
    result = run(model_home, "predict", "--input", str(slate), "--explain", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    for row in rows:
        drivers = {k: v for k, v in row.items() if k.startswith("driver_")}
        assert {"driver_budget_usd", "driver_cast_usd"} <= set(drivers)
        assert sum(drivers.values()) == pytest.approx(row["worldwide_p50"], rel=1e-6)
    assert rows[0]["driver_budget_usd"] > rows[1]["driver_budget_usd"]  # $150M does more than $5M


def test_film_flags_with_an_input_file_are_refused_not_ignored(model_home, tmp_path):
    slate = tmp_path / "slate.csv"
    slate.write_text("title,genres,budget\nHeist,Action,150m\n")
    result = run(model_home, "predict", "--input", str(slate), "--budget", "100m", "--genre", "drama")
    assert result.exit_code == 2
    assert "--genre, --budget" in result.stderr and "Traceback" not in result.output


def test_models_list_and_show(model_home):
    listed = run(model_home, "models", "list", "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert [r["current"] for r in rows if r["name"] == "default"].count(True) == 1
    shown = run(model_home, "models", "show", "default", "--json")
    assert json.loads(shown.stdout)["schema_version"] >= 1


@pytest.mark.parametrize("tamper", [lambda m: m.pop("period"), lambda m: m.pop("n_films"),
                                    lambda m: m.update(period={"first_release": 1}), lambda m: m.pop("created")])
def test_models_list_shows_a_tampered_version_as_damaged(home_copy, tamper):
    """It makes the checks `load` makes: the damaged version is listed with the reason, no traceback."""
    folder = home_copy / "models" / "default"
    version = (folder / "CURRENT").read_text().strip()
    meta = json.loads((folder / version / "metadata.json").read_text())
    tamper(meta)
    (folder / version / "metadata.json").write_text(json.dumps(meta))
    for args in (["--json"], []):
        result = runner.invoke(app, ["models", "list", *args, "--home", str(home_copy)])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
    rows = json.loads(runner.invoke(app, ["models", "list", "--json", "--home", str(home_copy)]).stdout)
    (row,) = [r for r in rows if r["version"] == version]
    assert row["current"] and "metadata.json" in row["error"]
    shown = runner.invoke(app, ["models", "show", "default", "--home", str(home_copy)])
    assert shown.exit_code == 2 and "Traceback" not in shown.output and "retrain" in shown.output


def test_predict_says_when_no_model_can_be_found(tmp_path):
    result = runner.invoke(app, ["predict", "--genre", "action", "--budget", "150m", "--model", "nosuch",
                                 "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "no trained model named 'nosuch'" in result.output


def test_every_command_help_has_an_example():
    for command in (["train"], ["predict"], ["evaluate"], ["models", "list"], ["models", "show"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command


def test_every_film_command_lists_the_film_flags_with_their_help():
    flags = ("--genre", "--budget", "--cast", "--director", "--release-date", "--rating", "--runtime",
             "--distributor", "--country", "--language", "--sequel", "--original", "--title")
    for command in ("predict", "whatif", "sweep", "release-window", "cast", "comps"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, command
        assert all(flag in result.output for flag in flags), command
        assert "Production budget: 150m" in result.output and "Billed cast, lead first" in result.output, command


def test_ctrl_c_while_the_cli_loads_ends_without_a_traceback(monkeypatch, capsys):
    import sys
    import types

    from boxoffice_cli import entry

    class Interrupted(types.ModuleType):
        def __getattr__(self, name):
            if name == "run":  # as if Ctrl-C came while the command's modules were loading
                raise KeyboardInterrupt
            raise AttributeError(name)

    monkeypatch.setitem(sys.modules, "boxoffice_cli.main", Interrupted("boxoffice_cli.main"))
    with pytest.raises(SystemExit) as stop:
        entry.main()
    assert stop.value.code == 130
    assert "interrupted" in capsys.readouterr().err


def test_release_window_year_zero_is_refused(model_home):
    result = run(model_home, "release-window", "--genre", "action", "--budget", "50m", "--year", "0")
    assert result.exit_code == 2 and "outside 1900-2100" in result.output
