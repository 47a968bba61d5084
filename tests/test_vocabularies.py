"""Country, language, distributor, rating and genre as people write them, and films outside what the
model has seen: any spelling of a value means the same film; an unknown value, a real genre the model
never learned, a budget, date or runtime beyond its data are forecast, and said, never silently."""
from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()
FILM = ["--genre", "action", "--budget", "150m", "--release-date", "2013-07-12"]
"""A film inside everything the model has seen (its data ends in 2012; the backtest measures the year after)."""


def run(model_home, *args):
    return runner.invoke(app, [*args, "--home", str(model_home.home)])


def p50(result) -> float:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["worldwide_p50"]


# ---------------------------------------------------------------- as a user types them


@pytest.mark.parametrize("flag, canonical, spellings", [
    ("--country", "USA", ["usa", "United States", "US", "U.S.A.", "united states of america"]),
    ("--country", "UK", ["United Kingdom", "england", "Great Britain"]),
    ("--language", "English", ["english", "EN", "American English"]),
    ("--distributor", "Warner Bros.", ["warner bros", "WB", "Warner Brothers"]),
    ("--rating", "PG-13", ["pg 13", "PG13", "Rated PG-13", "pg-13"]),
    ("--rating", "R", ["Rated R", "r"]),
])
def test_any_case_and_the_usual_synonyms_give_the_same_forecast(model_home, flag, canonical, spellings):
    expected = run(model_home, "predict", *FILM, flag, canonical, "--json")
    assert "warning" not in expected.stderr
    for spelling in spellings:
        result = run(model_home, "predict", *FILM, flag, spelling, "--json")
        assert p50(result) == p50(expected), spelling
        assert "warning" not in result.stderr, spelling


@pytest.mark.parametrize("flag, value, said, near", [
    ("--country", "Frnace", "country 'Frnace'", "France"),
    ("--country", "Narnia", "country 'Narnia'", None),
    ("--language", "Englsh", "language 'Englsh'", "English"),
    ("--language", "Klingon", "language 'Klingon'", None),
    ("--rating", "PG-15", "rating 'PG-15'", "PG-13"),
])
def test_an_unknown_value_is_forecast_with_a_warning_naming_field_value_and_closest(model_home, flag, value, said, near):
    result = run(model_home, "predict", *FILM, flag, value, "--json")
    assert p50(result) > 0
    assert said in result.stderr and "unknown" in result.stderr
    if near:
        assert near in result.stderr


def test_a_distributor_with_no_earlier_film_is_new_and_said_once(model_home):
    result = run(model_home, "predict", *FILM, "--distributor", "Warner Bross", "--json")
    assert p50(result) > 0
    assert "distributor 'Warner Bross' has no earlier film" in result.stderr and "Warner Bros." in result.stderr
    assert result.stderr.count("'Warner Bross'") == 1  # one warning, not one per check


def test_an_unknown_value_moves_the_forecast_as_a_blank_in_the_data_does(forecaster):
    """Unknown is not 'typical' (a field left unsaid) and not 'some rare value' (the model's pooled 'other')."""
    from boxoffice.table.film import films_frame, make_film

    builder = forecaster.builder_
    films = films_frame([make_film(genres="action", budget="150m", release_date="2013-07-12", country=c, language=lang,
                                   mpaa_rating=rating, distributor=dist)
                         for c, lang, rating, dist in (("Narnia", "Klingon", "PG-15", "Narnia Pictures"),
                                                       ("Aruba", "Zulu", "pg 13", "Strand"),
                                                       ("usa", "english", None, "wb"), (None, None, None, None))])
    X = builder.transform(films, fill_unspecified=True)
    for field in ("country", "language", "mpaa_rating"):
        assert math.isnan(X[field][0]), field  # unknown: as blanks in history
    assert X["country"][1] == len(builder.categories_["country"])  # a real country seen too rarely: 'other'
    assert X["language"][1] == len(builder.categories_["language"])
    assert X["country"][2] == builder.categories_["country"].index("USA")
    assert X["distributor"][2] == builder.categories_["distributor"].index("Warner Bros.")
    other = len(builder.categories_["distributor"])
    assert X["distributor"][0] == X["distributor"][1] == other  # a new distributor is one of the rare ones
    assert X["distributor_n"][0] == 0  # with no track record, as a newcomer
    assert not math.isnan(X["country"][3])  # left unsaid: a typical value, as before


def test_a_real_genre_the_model_has_not_learned_is_a_warning_not_a_refusal(model_home):
    for genre in ("news", "Reality TV", "game-show"):
        result = run(model_home, "predict", "--genre", genre, "--genre", "drama", "--budget", "5m",
                     "--release-date", "2013-03-01", "--json")
        assert p50(result) > 0, genre
        assert "genre '" in result.stderr and "not learned" in result.stderr, genre


def test_a_misspelt_genre_is_refused_with_did_you_mean(model_home):
    result = run(model_home, "predict", "--genre", "acton", "--budget", "150m")
    assert result.exit_code == 2
    assert "unknown genre 'acton'" in result.output and "did you mean Action" in result.output


def test_a_genre_neither_known_nor_real_is_refused_listing_the_known_ones(model_home):
    result = run(model_home, "predict", "--genre", "cowboy-opera", "--budget", "150m")
    assert result.exit_code == 2
    assert "unknown genre 'cowboy-opera'" in result.output and "Western" in result.output


SLATE = ("title,release_date,genres,budget,country,language,mpaa_rating,distributor\n"
         "Spelt,2013-07-12,Action,150m,usa,english,pg 13,warner bros\n"
         "Canonical,2013-07-12,Action,150m,USA,English,PG-13,Warner Bros.\n"
         "Unknown,2013-07-12,Action,150m,Narnia,Klingon,PG-15,\n"
         "Newsreel,2013-07-12,News|Drama,5m,United States,EN,Rated R,\n")


def test_a_slate_forecasts_every_row_and_warns_row_by_row(model_home, tmp_path):
    slate, out = tmp_path / "slate.csv", tmp_path / "forecasts.csv"
    slate.write_text(SLATE, encoding="utf-8")
    result = run(model_home, "predict", "--input", str(slate), "--output", str(out))
    assert result.exit_code == 0, result.output
    forecasts = pd.read_csv(out, keep_default_na=False)
    assert forecasts["worldwide_p50"].map(lambda v: float(v) > 0).all()
    assert forecasts["worldwide_p50"][0] == forecasts["worldwide_p50"][1]
    assert "row 2" not in result.stderr and "row 3" not in result.stderr
    for said in ("country 'Narnia'", "language 'Klingon'", "rating 'PG-15'"):
        assert f"row 4: {said}" in result.stderr
    assert "row 5: genre 'News'" in result.stderr
    assert forecasts["warning"].tolist()[:2] == ["", ""] and "Narnia" in forecasts["warning"][2]


def test_a_slate_returns_its_warnings_from_python(forecaster, tmp_path):
    from boxoffice.table.mapped_csv import validate
    from boxoffice.whatif.slates import predict_slate

    slate = tmp_path / "slate.csv"
    slate.write_text(SLATE, encoding="utf-8")
    result = predict_slate(forecaster, slate)
    assert result.n_ok == 4 and not result.problems
    assert any(w.startswith("row 4: country 'Narnia'") for w in result.warnings)
    assert validate(slate, for_training=False) == []  # the values are not problems of the file


def test_a_scenario_file_warns_by_variant(model_home, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("base: {genres: [Action], budget: 150m, release_date: 2013-07-12, country: United States}\n"
                    "variants:\n  elsewhere: {country: Narnia}\n  british: {country: england}\n", encoding="utf-8")
    result = run(model_home, "compare", str(spec), "--json")
    assert result.exit_code == 0, result.output
    assert "country 'Narnia'" in result.stderr and "'elsewhere'" in result.stderr
    assert "british" not in result.stderr and "United States" not in result.stderr
    rows = {r["scenario"]: r for r in json.loads(result.stdout)}
    assert rows["british"]["changes"] == "country=UK"


def test_whatif_vary_warns_about_an_unknown_value(model_home):
    result = run(model_home, "whatif", *FILM, "--vary", "country=usa,Narnia", "--json")
    assert result.exit_code == 0, result.output
    assert "country 'Narnia'" in result.stderr and "unknown" in result.stderr
    assert {r["country"] for r in json.loads(result.stdout)} == {"USA", "Narnia"}


def test_cast_warns_about_the_films_unknown_values(model_home):
    result = run(model_home, "cast", *FILM, "--country", "Narnia", "--candidates", "Tom Cruise", "--json")
    assert result.exit_code == 0, result.output
    assert "country 'Narnia'" in result.stderr


# ---------------------------------------------------------------- beyond the model's data


@pytest.mark.parametrize("args, words", [
    (["--budget", "2b"], "budget $2B is above every budget the model has seen"),
    (["--budget", "1000"], "budget $1K is below every budget the model has seen"),
    (["--budget", "150m", "--runtime", "400"], "runtime 400 minutes is above every runtime the model has seen"),
    (["--budget", "150m", "--release-date", "1950-06-01"], "the model has seen films from 1980"),
    (["--budget", "150m", "--release-date", "2027-07-16"], "the model has seen films up to 2012-12-31; a 2027 "
                                                           "release is 15 years past its data"),
])
def test_beyond_what_the_model_has_seen_is_forecast_with_a_warning(model_home, args, words):
    with_date = [*args, "--release-date", "2013-07-12"] if "--release-date" not in args else args
    result = run(model_home, "predict", "--genre", "action", *with_date, "--json")
    assert p50(result) > 0
    assert words in result.stderr


def test_a_film_without_a_date_is_told_how_far_past_the_data_it_is(model_home):
    result = run(model_home, "predict", "--genre", "action", "--budget", "150m")
    assert result.exit_code == 0, result.output
    year = (dt.date.today() + dt.timedelta(days=365)).year
    assert f"a {year} release is {year - 2012} years past its data" in result.stderr


def test_inside_what_the_model_has_seen_there_is_no_warning(model_home):
    result = run(model_home, "predict", *FILM, "--runtime", "120", "--country", "USA", "--json")
    assert p50(result) > 0 and "warning" not in result.stderr


def test_a_budget_sweep_beyond_the_data_says_which_values(model_home):
    result = run(model_home, "sweep", "budget", "100m..3b", "--steps", "3", "--genre", "action",
                 "--release-date", "2013-07-12", "--json")
    assert result.exit_code == 0, result.output
    assert "budget $3B is above every budget" in result.stderr and "$100M" not in result.stderr


def test_the_model_reports_the_ranges_of_its_training_films(forecaster, film_table):
    from boxoffice.model.domain import seen_ranges
    from boxoffice.model.forecaster import trainable

    seen, train = seen_ranges(forecaster), trainable(film_table)
    assert seen.first_release == train["release_date"].min().date()
    assert seen.last_release == train["release_date"].max().date()
    assert seen.budget_usd_2012 == pytest.approx((train["budget_usd_2012"].min(), train["budget_usd_2012"].max()), rel=1e-5)
    assert seen.runtime_min == pytest.approx((train["runtime_min"].min(), train["runtime_min"].max()))


def test_forecast_warnings_from_python(forecaster):
    from boxoffice.table.film import make_film
    from boxoffice.whatif.slates import forecast_warnings

    inside = make_film(genres="action", budget="150m", release_date="2013-07-12", country="usa")
    assert forecast_warnings(forecaster, inside) == []
    outside = make_film(genres=["news", "drama"], budget="2b", release_date="2013-07-12", country="Narnia",
                        cast="Tom Hankss")
    found = forecast_warnings(forecaster, outside)
    assert any(w.startswith("country 'Narnia'") for w in found)
    assert any(w.startswith("genre 'News'") for w in found)
    assert any(w.startswith("budget $2B") for w in found)
    assert any("Tom Hanks" in w for w in found)  # unknown talent, as talent_warnings says


# ---------------------------------------------------------------- the tables behind it


@pytest.mark.parametrize("field, spellings, canonical", [
    ("country", ["USA", "usa", "US", "U.S.", "U.S.A.", "United States", "United States of America", "America"], "USA"),
    ("country", ["UK", "United Kingdom", "Great Britain", "England", "GB"], "UK"),
    ("country", ["People's Republic of China", "china", "PRC"], "China"),
    ("country", ["South Korea", "Republic of Korea", "korea"], "South Korea"),
    ("language", ["English", "english", "EN", "eng", "American English"], "English"),
    ("language", ["Mandarin", "Standard Chinese", "Putonghua", "zh"], "Mandarin"),
    ("language", ["Cantonese", "Yue Chinese"], "Cantonese"),
    ("distributor", ["Warner Bros.", "warner bros", "WB", "Warner Brothers"], "Warner Bros."),
    ("mpaa_rating", ["PG-13", "pg 13", "PG13", "Rated PG-13", " pg-13 ", "TV-14"], "PG-13"),
    ("mpaa_rating", ["R", "r", "Rated R", "TV-MA"], "R"),
    ("mpaa_rating", ["NC-17", "nc17", "NC 17", "X"], "NC-17"),
    ("mpaa_rating", ["Not Rated", "not rated", "Unrated", "NR"], "Not Rated"),
    ("mpaa_rating", ["M/PG", "GP", "pg"], "PG"),
])
def test_every_spelling_has_one_canonical_value(field, spellings, canonical):
    from boxoffice.table.vocabulary import canonical_value

    for spelling in spellings:
        assert canonical_value(field, spelling) == canonical, spelling


def test_a_value_no_alias_maps_is_kept_as_written():
    from boxoffice.table.schema import canonical_rating
    from boxoffice.table.vocabulary import canonical_value, is_real

    assert canonical_value("country", " Narnia ") == "Narnia" and not is_real("country", "Narnia")
    assert is_real("country", "aruba") and is_real("language", "zulu") and is_real("mpaa_rating", "pg 13")
    assert canonical_rating("XXX") is None and canonical_value("mpaa_rating", "XXX") == "XXX"
    assert canonical_value("country", "") is None


def test_every_country_and_language_of_the_public_data_is_known(shared_data_dir):
    """IMDB 5000's spelling is the table's; Wikidata's ("United States", "Standard Chinese") maps onto it."""
    from boxoffice.names import split_list
    from boxoffice.table.vocabulary import canonical_value, is_real

    imdb = pd.read_csv(shared_data_dir / "imdb-5000-movie-metadata.csv", dtype=str, keep_default_na=False)
    for field in ("country", "language"):
        values = set(imdb[field]) - {"", "New Line", "Official site"}  # two cells hold no country
        assert {v for v in values if canonical_value(field, v) != v or not is_real(field, v)} == set(), field
    wikidata = pd.read_csv(shared_data_dir / "wikidata-films.csv", dtype=str, keep_default_na=False)
    first = {f: wikidata[f].map(lambda v: (split_list(v, sep=",") or [""])[0]) for f in ("country", "language")}
    for field, values in first.items():
        counts = values[values != ""].value_counts()
        unknown = [v for v in counts.index if not is_real(field, v)]
        assert counts[unknown].sum() <= 0.002 * counts.sum(), (field, unknown[:20])
    assert canonical_value("country", "United States") == "USA"
    assert canonical_value("country", "United Kingdom") == "UK"


def test_the_imdb_adapter_and_a_slate_spell_values_as_the_table_does(tmp_path):
    from samples import IMDB_HEADER, IMDB_ROWS, write_csv

    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, ColumnMapping, parse_rows, read_frame
    from boxoffice.table.sources import imdb5000

    rows = [dict(IMDB_ROWS[0], country="United States", language="english", content_rating="pg 13")]
    read = imdb5000.read(write_csv(tmp_path / imdb5000.FILE, IMDB_HEADER, rows)).frame.iloc[0]
    assert (read["country"], read["language"], read["mpaa_rating"]) == ("USA", "English", "PG-13")
    slate = tmp_path / "slate.csv"
    slate.write_text("genres,budget,country,language,mpaa_rating\nAction,150m,u.s.a.,EN,Rated R\n", encoding="utf-8")
    films, problems = parse_rows(read_frame(slate, ColumnMapping(), FORECAST_REQUIRED), ColumnMapping(), FORECAST_REQUIRED)
    film = films.iloc[0]
    assert not problems and (film["country"], film["language"], film["mpaa_rating"]) == ("USA", "English", "R")


def test_range_warnings_group_rows_as_pandas_groupby_does():
    """The warnings' own grouping (no pandas fixed cost per forecast) gives groupby's groups: in key
    order, a key with a NaN left out."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.domain import _groups

    rows = np.array([0, 2, 3, 5, 6])
    budgets = np.array([5.0, 9.0, 3.0, 3.0, 1.0, np.nan, 3.0])
    years = np.array([2027.0, 0, 2026.0, 2026.0, 0, 2020.0, np.nan])
    ours = [(key, at.tolist()) for key, at in _groups(rows, budgets, years)]
    theirs = [(key, at.tolist()) for key, at in pd.Series(rows).groupby([budgets[rows], years[rows]])]
    assert ours == theirs == [((3.0, 2026.0), [2, 3]), ((5.0, 2027.0), [0])]
    single = [(key, at.tolist()) for key, at in _groups(rows, years)]
    assert single == [(key, at.tolist()) for key, at in pd.Series(rows).groupby(years[rows])]
    assert list(_groups(np.array([], dtype=np.int64), years)) == []
    rng = np.random.default_rng(7)  # a slate's size: many rows, few keys, NaN among them
    budgets, years = rng.choice([1.0, 2.0, np.nan], 5_000), rng.choice([2026, 2027, 2030], 5_000)
    rows = np.flatnonzero(rng.random(5_000) < 0.7)
    ours = [(key, at.tolist()) for key, at in _groups(rows, budgets, years)]
    assert ours == [(key, at.tolist()) for key, at in pd.Series(rows).groupby([budgets[rows], years[rows]])]


def test_an_unlearned_genre_is_found_on_every_row_whether_rows_share_their_list_or_not(forecaster):
    """A slate's rows share the list their cell parsed to; films made one by one each have their own."""
    import numpy as np

    from boxoffice.model.domain import findings
    from boxoffice.table.film import films_frame, make_film

    shared = ["News", "Drama"]
    frame = films_frame([make_film(genres="drama", budget="5m", release_date="2013-07-12")] * 5)
    frame["genres"] = np.array([shared, ["Drama"], shared, ["News"], ["Drama", "Reality-TV"]], dtype=object)
    found = {message.split(" is ")[0]: rows.tolist() for rows, message in findings(forecaster, frame)
             if message.startswith("genre")}
    assert found == {"genre 'News'": [0, 2, 3], "genre 'Reality-TV'": [4]}
