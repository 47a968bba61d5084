"""A person's track record as of a date, the model's value of them, and rankings."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice.errors import InputError
from boxoffice.table.io import load_table
from boxoffice.whatif.casting import NEWCOMER, rank_cast
from boxoffice.whatif.talent import rank_talent, talent_profile
from boxoffice_cli.main import app


@pytest.fixture(scope="module")
def films(model_home):
    return load_table(model_home.table_path)


@pytest.fixture
def run(model_home):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [*args, "--home", str(model_home.home)])


def test_tom_hanks_as_of_2012_has_films_and_a_record(forecaster, films):
    profile = talent_profile(forecaster, films, "tom hanks", as_of="2012-12-31")
    assert profile.name == "Tom Hanks" and profile.role == "cast"
    assert len(profile.films) >= 10
    assert "Toy Story 3" in set(profile.films["title"])
    t = profile.totals
    assert t["films"] == len(profile.films)
    assert t["total_worldwide_gross_usd"] > 1e9
    assert t["return_on_budget"] > 1
    assert 0 <= t["hit_rate"] <= 1
    assert profile.films["release_date"].is_monotonic_decreasing
    value = profile.value
    assert value.release_date.isoformat() == "2013-01-01"
    assert value.usd == pytest.approx(value.p50_with_usd - value.p50_newcomer_usd)
    assert value.usd > 0  # a star with a long record of hits is worth more than a newcomer


def test_as_of_date_excludes_later_films(forecaster, films):
    early = talent_profile(forecaster, films, "Tom Hanks", as_of="1999-12-31")
    late = talent_profile(forecaster, films, "Tom Hanks", as_of="2012-12-31")
    assert (early.films["release_date"] <= pd.Timestamp("1999-12-31")).all()
    assert "Toy Story 3" not in set(early.films["title"])
    assert early.totals["films"] < late.totals["films"]
    assert early.totals["last_year"] <= 1999


def test_value_is_the_difference_of_two_predicts(forecaster, films):
    from boxoffice.table.film import films_frame, make_film

    profile = talent_profile(forecaster, films, "Tom Hanks", as_of="2005-06-30")
    v = profile.value
    pair = films_frame([make_film(genres=v.genre, budget=v.budget_usd, release_date=v.release_date, cast=c)
                        for c in ("Tom Hanks", NEWCOMER)])
    p50 = forecaster.predict(pair)["worldwide_p50"].to_numpy()
    assert v.p50_with_usd == pytest.approx(p50[0], rel=1e-9)
    assert v.p50_newcomer_usd == pytest.approx(p50[1], rel=1e-9)


def test_cast_and_talent_value_a_name_against_the_same_newcomer(forecaster, films):
    """`boxoffice cast` on talent's reference film gives the name the value `boxoffice talent` gives."""
    from boxoffice.table.film import make_film

    for name, role, slot in (("Tom Hanks", "cast", "lead"), ("Steven Spielberg", "director", "director")):
        v = talent_profile(forecaster, films, name, role, as_of="2005-06-30").value
        base = make_film(genres=v.genre, budget=v.budget_usd, release_date=v.release_date)
        row = rank_cast(base, forecaster, slot, [name]).iloc[0]
        assert row["worldwide_p50"] == pytest.approx(v.p50_with_usd, rel=1e-9)
        assert row["talent_value_pct"] == pytest.approx(v.percent * 100, rel=1e-9)


def test_the_break_even_multiple_decides_which_films_broke_even(forecaster, films):
    usual = talent_profile(forecaster, films, "Tom Hanks", as_of="2012-12-31")
    strict = talent_profile(forecaster, films, "Tom Hanks", as_of="2012-12-31", break_even_multiple=3)
    known = usual.films.dropna(subset=["return_on_budget"])
    assert ((known["return_on_budget"] >= 2.5) & (known["return_on_budget"] < 3)).any()  # films the rule decides
    assert strict.films["broke_even"].dropna().tolist() == (known["return_on_budget"] >= 3).tolist()
    assert strict.totals["hit_rate"] < usual.totals["hit_rate"]
    assert strict.value == usual.value  # the model's value does not depend on the rule


def test_cli_talent_says_and_uses_the_break_even_multiple(run):
    result = run("talent", "Tom Hanks", "--as-of", "2012-12-31", "--break-even-multiple", "3")
    assert result.exit_code == 0, result.output
    assert "gross ≥ 3× budget" in result.output and "2.5×" not in result.output
    out = json.loads(run("talent", "Tom Hanks", "--as-of", "2012-12-31", "--break-even-multiple", "3", "--json").stdout)
    usual = json.loads(run("talent", "Tom Hanks", "--as-of", "2012-12-31", "--json").stdout)
    assert out["break_even_multiple"] == 3 and usual["break_even_multiple"] == 2.5
    assert out["totals"]["hit_rate"] < usual["totals"]["hit_rate"]
    assert "gross ≥ 2.5× budget" in run("talent", "Tom Hanks", "--as-of", "2012-12-31").output


def test_directors_are_found_by_role(forecaster, films):
    profile = talent_profile(forecaster, films, "Steven Spielberg")
    assert profile.role == "director"
    assert profile.totals["films"] >= 10


def test_unknown_name_is_an_input_error_with_suggestions(forecaster, films):
    with pytest.raises(InputError) as err:
        talent_profile(forecaster, films, "Tom Hanx")
    assert "Tom Hanks" in str(err.value)


def test_ranking_by_value_is_sorted_and_respects_as_of(forecaster, films):
    ranking = rank_talent(forecaster, films, role="cast", top=10, as_of="2005-12-31")
    assert len(ranking) == 10
    assert list(ranking["rank"]) == list(range(1, 11))
    assert ranking["value_usd"].is_monotonic_decreasing
    assert (ranking["films"] >= 3).all()
    by_record = rank_talent(forecaster, films, role="director", top=5, by="record")
    assert by_record["total_worldwide_gross_usd_2012"].is_monotonic_decreasing


def test_ranking_in_a_genre_values_a_film_of_that_genre(forecaster, films):
    ranking = rank_talent(forecaster, films, top=5, genre="action")
    assert (ranking["reference_genre"] == "Action").all()
    with pytest.raises(InputError):
        rank_talent(forecaster, films, genre="cowboy-opera")


def test_cli_talent_profile_table_and_json(run):
    result = run("talent", "Tom Hanks", "--as-of", "2012-12-31")
    assert result.exit_code == 0, result.output
    assert "Tom Hanks" in result.output and "model value" in result.output and "Cloud Atlas" in result.output
    result = run("talent", "Tom Hanks", "--as-of", "2012-12-31", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["totals"]["films"] == len(out["films"]) > 0
    assert {"usd", "percent", "reference_genre"} <= set(out["model_value"])


def test_cli_unknown_person_exits_2_with_closest_names(run):
    result = run("talent", "Tom Hanx")
    assert result.exit_code == 2
    assert "Tom Hanks" in result.output
    assert "Traceback" not in result.output


def test_cli_top_ranking(run):
    result = run("talent", "--top", "5", "--genre", "action", "--as-of", "2012-12-31", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and rows[0]["rank"] == 1
    assert rows[0]["value_usd"] >= rows[-1]["value_usd"]
    table = run("talent", "--top", "3", "--role", "director")
    assert table.exit_code == 0, table.output
    assert "Top 3 director" in table.output


def test_cli_name_and_top_together_is_bad_input(run):
    result = run("talent", "Tom Hanks", "--top", "5")
    assert result.exit_code == 2


def test_cli_talent_reads_records_from_your_own_films(run, tmp_path):
    slate = tmp_path / "my_films.csv"
    slate.write_text("title,release_date,genres,budget,worldwide_gross,cast\n"
                     "Harbor Lights,2009-05-06,Drama,12m,30m,Ada Lovelace|Tom Hanks\n"
                     "Paper Moons,2010-09-10,Drama,20m,90m,Ada Lovelace\n"
                     "Salt Flats,2011-03-04,Thriller,8m,5m,Grace Hopper\n")
    result = run("talent", "Ada Lovelace", "--data", str(slate), "--as-of", "2012-12-31", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [f["title"] for f in out["films"]] == ["Paper Moons", "Harbor Lights"]
    missing = run("talent", "Ada Lovelace")  # the public data has never heard of her
    assert missing.exit_code == 2 and "Traceback" not in missing.output
