"""The film table: five small files linked into one row per film, then the whole public data."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from samples import IMDB_ROWS, TN_ROWS, VEGA_ROWS, imdb_row, write_sources

from boxoffice.errors import DataSourceError
from boxoffice.table.build import FIELD_PRIORITY, TABLE_VERSION, BuildConfig, build_film_table, sequel_flags
from boxoffice.table.io import load_table, save_table, summarize, table_is_stale, table_version
from boxoffice.table.schema import COLUMN_NAMES, empty_table

# ---------------------------------------------------------------- small files, end to end


def test_five_small_files_make_one_row_per_film(sources_dir):
    result = build_film_table(BuildConfig(sources_dir))
    table = result.table.set_index("title")
    assert list(result.table.columns) == list(COLUMN_NAMES)
    # The Numbers' three films and the vega film it lacks; BOM's "Lantern Street" has no film to attach to
    assert sorted(table.index) == ["Paper Moons II", "Salt & Pepper", "The Glass Harbor", "The Old Mill"]

    harbor = table.loc["The Glass Harbor"]
    assert harbor["budget_usd"] == 150_000_000 and harbor["worldwide_gross_usd"] == 610_000_000
    assert harbor["cast"] == ["Lena Marsh", "Tom Reyes", "Ivo Park"]
    assert harbor["distributor"] == "Warner Bros."
    assert harbor["genres"] == ["Action", "Sci-Fi"]  # IMDB 5000 before vega's one Major Genre
    assert harbor["film_id"] == "glass-harbor-2010"
    assert json.loads(harbor["field_sources"]) == {
        "title": "the-numbers", "release_date": "the-numbers", "budget_usd": "the-numbers",
        "domestic_gross_usd": "the-numbers", "worldwide_gross_usd": "the-numbers", "genres": "imdb-5000",
        "cast": "imdb-5000", "directors": "imdb-5000", "distributor": "vega", "mpaa_rating": "imdb-5000",
        "runtime_min": "imdb-5000", "country": "imdb-5000", "language": "imdb-5000",
        "plot_keywords": "imdb-5000", "source_material": "vega", "creative_type": "vega",
        "imdb_id": "imdb-5000", "credited_cast": "wikidata", "credited_directors": "wikidata",
    }


def test_wikidata_credits_join_by_imdb_id_else_by_title(sources_dir):
    table = build_film_table(BuildConfig(sources_dir)).table.set_index("title")
    harbor = table.loc["The Glass Harbor"]  # "Glass Harbour" in Wikidata: the IMDb id links it
    assert harbor["imdb_id"] == "tt0900101"
    assert harbor["credited_cast"] == ["Ivo Park", "Lena Marsh", "Ned Oakes, Jr.", "Ruth Vale", "Tom Reyes"]
    assert harbor["cast"] == ["Lena Marsh", "Tom Reyes", "Ivo Park"]  # the film's own cast stays IMDB 5000's
    moons = table.loc["Paper Moons II"]  # no IMDB 5000 row: linked by title and year
    assert (moons["imdb_id"], moons["credited_directors"]) == ("tt0900102", ["Cy Dunmore"])
    assert moons["cast"] == [] and moons["directors"] == []  # Wikidata never describes the film itself
    assert table.loc["Salt & Pepper", "credited_cast"] == []


def test_small_build_links_across_and_and_ampersand_and_a_year_apart(sources_dir):
    table = build_film_table(BuildConfig(sources_dir)).table.set_index("title")
    salt = table.loc["Salt & Pepper"]  # IMDB lists it as "Salt and Pepper" in 2003, released 2004
    assert salt["cast"] == ["Mae Olsen"] and salt["year"] == 2004
    assert pd.isna(salt["worldwide_gross_usd"])  # "$0" in The Numbers is unknown


def test_small_build_counts_every_row_read(sources_dir):
    report = build_film_table(BuildConfig(sources_dir)).report
    assert report.rows_read == {"the-numbers": 3, "vega": 2, "imdb-5000": 2, "box-office-mojo": 2, "wikidata": 3}
    assert report.unmatched == {"box-office-mojo": 1, "imdb-5000": 0, "wikidata": 1}
    assert report.linked[("wikidata", "imdb id")] == 1 and report.linked[("wikidata", "exact")] == 1
    assert report.linked[("vega", "added as a film The Numbers lacks")] == 1


def test_a_vega_film_missing_from_the_numbers_joins_with_vega_as_its_source(sources_dir):
    old_mill = build_film_table(BuildConfig(sources_dir)).table.set_index("title").loc["The Old Mill"]
    assert old_mill["year"] == 1946
    assert set(json.loads(old_mill["field_sources"]).values()) == {"vega"}


def test_constant_dollars_and_sequel_flag_are_filled(sources_dir):
    table = build_film_table(BuildConfig(sources_dir)).table.set_index("title")
    harbor = table.loc["The Glass Harbor"]
    assert harbor["budget_usd_2012"] > harbor["budget_usd"]  # 2010 dollars are worth more in 2012
    assert bool(table.loc["Paper Moons II", "sequel"]) is True
    assert bool(harbor["sequel"]) is False


def test_users_alias_files_reach_the_build(sources_dir, tmp_path):
    extra = tmp_path / "studios.csv"
    extra.write_text("Warner Bros.,Warner Bros. Pictures\n", encoding="utf-8")
    table = build_film_table(BuildConfig(sources_dir, distributor_aliases=extra)).table.set_index("title")
    assert table.loc["The Glass Harbor", "distributor"] == "Warner Bros. Pictures"


def test_a_vega_film_under_another_title_joins_the_numbers_film_by_its_figures(tmp_path):
    tn = TN_ROWS + [{"id": "4", "release_date": "Dec 29, 1995", "movie": "12 Lanterns",
                     "production_budget": "$29,000,000", "domestic_gross": "$57,141,459",
                     "worldwide_gross": "$168,841,459"}]
    lanterns = dict(VEGA_ROWS[1], **{"Title": "Twelve Lanterns", "Release Date": "Dec 29 1995",
                                     "Production Budget": 29000000, "US Gross": 57141459,
                                     "Worldwide Gross": 168841459, "Distributor": "Universal"})
    imdb = IMDB_ROWS + [imdb_row(movie_title="Twelve Lanterns\xa0", title_year="1995", director_name="Bo Linden",
                                 actor_1_name="Mae Olsen", genres="Mystery")]
    folder = write_sources(tmp_path / "src", tn=tn, vega=VEGA_ROWS + [lanterns], imdb=imdb)
    result = build_film_table(BuildConfig(folder))
    table = result.table.set_index("title")
    assert "Twelve Lanterns" not in table.index  # one film, not two
    film = table.loc["12 Lanterns"]
    assert film["distributor"] == "Universal"  # from vega
    assert film["cast"] == ["Mae Olsen"]  # IMDB 5000 knows it by vega's title
    assert result.report.linked[("vega", "figures")] == 1
    assert result.report.linked[("imdb-5000", "exact by vega title")] == 1
    assert result.report.linked_by_figures == [("12 Lanterns", 1995, "Twelve Lanterns", 1995)]


def sequels(*titles: str) -> dict[str, bool]:
    """The sequel flag of each title, released in the order given, a year apart."""
    table = pd.DataFrame({"title": list(titles),
                          "release_date": pd.date_range("1990-06-01", periods=len(titles), freq="366D")})
    return dict(zip(titles, sequel_flags(table)))


def test_a_number_in_a_title_alone_is_not_a_sequel():
    for title in ("Apollo 13", "District 9", "Malcolm X", "Henry V", "12 Angry Men", "Se7en", "Ocean's Eleven",
                  "History of the World: Part I"):
        assert sequels(title) == {title: False}


def test_a_numbered_title_after_its_original_is_a_sequel():
    assert sequels("Toy Story", "Toy Story 2", "Toy Story 3") == {"Toy Story": False, "Toy Story 2": True,
                                                                  "Toy Story 3": True}
    assert sequels("Rocky", "Rocky III") == {"Rocky": False, "Rocky III": True}
    assert sequels("The Ring", "The Ring Two")["The Ring Two"] is True


def test_ocean_s_eleven_is_no_sequel_ocean_s_twelve_and_thirteen_are():
    assert sequels("Ocean's Eleven", "Ocean's Twelve", "Ocean's Thirteen") == {
        "Ocean's Eleven": False, "Ocean's Twelve": True, "Ocean's Thirteen": True}
    assert sequels("Ocean's 11", "Ocean's Eleven")["Ocean's Eleven"] is False  # a remake, the same number


def test_the_earlier_film_must_come_first_and_number_one_lower():
    assert sequels("Rocky III", "Rocky")["Rocky III"] is False
    assert sequels("Apollo 13", "Apollo 18")["Apollo 18"] is False


def test_part_two_and_a_closing_two_say_sequel_on_their_own():
    assert sequels("Back to the Future Part II")["Back to the Future Part II"] is True
    assert sequels("Shrek 2")["Shrek 2"] is True
    assert sequels("Hellboy II: The Golden Army")["Hellboy II: The Golden Army"] is True
    assert sequels("Cradle 2 the Grave")["Cradle 2 the Grave"] is False


def test_an_episode_or_a_subtitle_after_an_earlier_film_of_the_stem():
    flags = sequels("Star Wars Ep. IV: A New Hope", "Star Wars Ep. I: The Phantom Menace", "Star Trek",
                    "Star Trek: Nemesis")
    assert flags == {"Star Wars Ep. IV: A New Hope": False, "Star Wars Ep. I: The Phantom Menace": True,
                     "Star Trek": False, "Star Trek: Nemesis": True}


def test_the_build_flags_sequels_by_the_same_rules(tmp_path):
    tn = [{"id": str(i), "release_date": f"Jun 1, {1990 + i}", "movie": title, "production_budget": "$10,000,000",
           "domestic_gross": "$1", "worldwide_gross": "$2"}
          for i, title in enumerate(["Apollo 13", "Harbor Lights", "Harbor Lights 3"])]
    folder = write_sources(tmp_path / "src", tn=tn, vega=[VEGA_ROWS[1]])
    table = build_film_table(BuildConfig(folder)).table.set_index("title")
    assert table["sequel"].to_dict() == {"The Old Mill": False, "Apollo 13": False, "Harbor Lights": False,
                                         "Harbor Lights 3": True}


# ---------------------------------------------------------------- save and load


def test_save_and_load_round_trip(sources_dir, tmp_path):
    table = build_film_table(BuildConfig(sources_dir)).table
    path = save_table(table, tmp_path / "out" / "films.parquet")
    loaded = load_table(path)
    assert list(loaded.columns) == list(COLUMN_NAMES)
    pd.testing.assert_frame_equal(loaded, table, check_dtype=False)
    assert isinstance(loaded.loc[0, "cast"], list)
    assert sorted(p.name for p in path.parent.iterdir()) == ["films.parquet"]  # no temp file left


def test_a_failed_save_leaves_the_old_table_and_no_temp_file(sources_dir, tmp_path, monkeypatch):
    table = build_film_table(BuildConfig(sources_dir)).table
    path = save_table(table, tmp_path / "out" / "films.parquet")
    before = path.read_bytes()

    def broken(self, *args, **kwargs):
        with open(args[0], "wb") as handle:
            handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError):
        save_table(table.head(1), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["films.parquet"]


def test_loading_a_missing_or_damaged_table_says_to_build(tmp_path):
    with pytest.raises(DataSourceError, match="data build"):
        load_table(tmp_path / "none.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(DataSourceError, match="data build"):
        load_table(bad)


def test_a_saved_table_carries_the_build_version(sources_dir, tmp_path):
    path = save_table(build_film_table(BuildConfig(sources_dir)).table, tmp_path / "films.parquet")
    assert table_version(path) == TABLE_VERSION and not table_is_stale(path)
    assert load_table(path).attrs == {}  # the stamp is the file's, not the data's


def old_table(sources_dir, path):
    """A table as an older build saved it: plain Parquet, no version stamp."""
    table = build_film_table(BuildConfig(sources_dir)).table.head(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path, index=False)
    return path


def test_a_table_from_an_older_build_is_stale(sources_dir, tmp_path):
    path = old_table(sources_dir, tmp_path / "films.parquet")
    assert table_version(path) == 1 and table_is_stale(path)
    assert len(load_table(path)) == 2  # still readable as it is
    assert table_version(tmp_path / "none.parquet") is None


def test_training_rebuilds_a_cached_table_from_an_older_build(sources_dir, tmp_path):
    from boxoffice.table.io import load_films
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=sources_dir, home=tmp_path / "home")
    old_table(sources_dir, ws.table_path)
    said = []
    films = load_films(ws, on_build=said.append)
    assert len(films) == 4 and said and "older build" in said[0]
    assert table_version(ws.table_path) == TABLE_VERSION
    said.clear()
    assert len(load_films(ws, on_build=said.append)) == 4 and said == []  # current now: loaded, not built


def test_an_older_table_without_the_public_data_is_used_as_it_is(sources_dir, tmp_path):
    from boxoffice.table.io import load_films
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=tmp_path / "no-data", home=tmp_path / "home")
    old_table(sources_dir, ws.table_path)
    assert len(load_films(ws)) == 2


def test_an_empty_table_summarizes_to_zeros(tmp_path):
    summary = summarize(load_table(save_table(empty_table(), tmp_path / "empty.parquet")))
    assert summary["films"] == 0 and summary["first_release"] is None


# ---------------------------------------------------------------- the public data


@pytest.mark.slow
def test_public_data_gives_enough_films_to_train_on(film_table):
    summary = summarize(film_table)
    assert summary["with_budget_and_worldwide_gross"] >= 4_100
    assert summary["trainable_with_cast"] >= 3_300  # the record linkage's quality
    assert summary["films"] == len(film_table) and film_table["film_id"].is_unique


@pytest.mark.slow
def test_public_data_has_no_release_in_2013_or_later(film_table):
    assert film_table["release_date"].max() < pd.Timestamp("2013-01-01")
    assert film_table["year"].max() <= 2012
    assert film_table["release_date"].notna().all()


@pytest.mark.slow
def test_avatar_is_right(film_table):
    avatar = film_table[(film_table["title"] == "Avatar") & (film_table["year"] == 2009)]
    assert len(avatar) == 1
    avatar = avatar.iloc[0]
    assert avatar["budget_usd"] == 425_000_000
    assert avatar["worldwide_gross_usd"] == 2_776_345_279
    assert avatar["release_date"] == pd.Timestamp("2009-12-18")
    assert avatar["directors"] == ["James Cameron"]
    assert avatar["distributor"] == "20th Century Fox"
    assert len(avatar["cast"]) >= 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("title", "year", "column", "value"),
    [
        ("The Dark Knight", 2008, "directors", ["Christopher Nolan"]),
        ("Titanic", 1997, "distributor", "Paramount Pictures"),
        ("Toy Story 3", 2010, "distributor", "Walt Disney Pictures"),
        ("Toy Story 3", 2010, "sequel", True),
        ("Déjà Vu", 2006, "directors", ["Tony Scott"]),  # mojibake in The Numbers, repaired and linked
    ],
)
def test_known_films(film_table, title, year, column, value):
    rows = film_table[(film_table["title"] == title) & (film_table["year"] == year)]
    assert len(rows) == 1, f"{title} ({year}) should be in the table once"
    got = rows.iloc[0][column]
    assert (list(got) if isinstance(value, list) else got) == value


@pytest.mark.slow
def test_every_row_read_is_kept_linked_or_counted(film_build):
    report, table = film_build.report, film_build.table
    assert set(report.rows_read) == {"the-numbers", "vega", "imdb-5000", "box-office-mojo", "wikidata"}
    dropped = {source: sum(n for (s, _), n in report.dropped.items() if s == source) for source in report.rows_read}
    linked = {source: sum(n for (s, _), n in report.linked.items() if s == source) for source in report.rows_read}
    spine = sum(json.loads(text).get("title") == "the-numbers" for text in table["field_sources"])
    assert report.rows_read["the-numbers"] == dropped["the-numbers"] + spine
    for source in ("vega", "imdb-5000", "box-office-mojo", "wikidata"):
        assert report.rows_read[source] == dropped[source] + linked[source] + report.unmatched[source], source
    assert all(n > 0 for n in report.dropped.values())  # each reason counted is a real count


@pytest.mark.slow
def test_every_film_says_where_its_fields_came_from(film_table):
    # (not Series.map: on a pyarrow string column it would turn the dicts into one struct type)
    origins = [json.loads(text) for text in film_table["field_sources"]]
    assert all(origins)
    for origin in origins:
        for column, source in origin.items():
            assert source in FIELD_PRIORITY[column]
    assert sum(o.get("budget_usd") == "the-numbers" for o in origins) >= 4_300
    assert {o["cast"] for o in origins if "cast" in o} == {"imdb-5000"}


@pytest.mark.slow
def test_money_columns_are_positive_and_constant_dollars_follow(film_table):
    for column in ("budget_usd", "domestic_gross_usd", "worldwide_gross_usd"):
        values = film_table[column].dropna()
        assert (values > 0).all(), column
        assert film_table[f"{column}_2012"].notna().sum() == len(values)
    both = film_table.dropna(subset=["domestic_gross_usd", "worldwide_gross_usd"])
    assert (both["worldwide_gross_usd"] >= both["domestic_gross_usd"] * 0.99).mean() > 0.99
