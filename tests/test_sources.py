"""One adapter per public file, each on small files written here."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from samples import (
    BOM_HEADER,
    BOM_ROWS,
    IMDB_HEADER,
    IMDB_ROWS,
    TN_HEADER,
    TN_ROWS,
    VEGA_ROWS,
    WIKIDATA_HEADER,
    WIKIDATA_ROWS,
    imdb_row,
    wikidata_row,
    write_csv,
    write_sources,
)

from boxoffice.errors import DataSourceError, InputError
from boxoffice.table.build import BuildConfig, build_film_table
from boxoffice.names import distributor_aliases, genre_aliases
from boxoffice.table.sources import box_office_mojo, imdb5000, the_numbers, vega, wikidata
from boxoffice.table.sources.base import RECORD_COLUMNS

POST_RELEASE = ("imdb_score", "num_voted_users", "num_critic_for_reviews", "num_user_for_reviews",
                "director_facebook_likes", "actor_1_facebook_likes", "actor_2_facebook_likes",
                "actor_3_facebook_likes", "cast_total_facebook_likes", "movie_facebook_likes")


def read_tn(tmp_path, rows):
    return the_numbers.read(write_csv(tmp_path / the_numbers.FILE, TN_HEADER, rows))


def read_imdb(tmp_path, rows):
    return imdb5000.read(write_csv(tmp_path / imdb5000.FILE, IMDB_HEADER, rows), genre_aliases())


def read_vega(tmp_path, rows):
    path = tmp_path / vega.FILE
    path.write_text(json.dumps(rows), encoding="utf-8")
    return vega.read(path, distributor_aliases(), genre_aliases())


def read_wikidata(tmp_path, rows):
    return wikidata.read(write_csv(tmp_path / wikidata.FILE, WIKIDATA_HEADER, rows))


def read_bom(tmp_path, rows):
    return box_office_mojo.read(write_csv(tmp_path / box_office_mojo.FILE, BOM_HEADER, rows), distributor_aliases())


# ---------------------------------------------------------------- The Numbers


def test_the_numbers_gives_budget_grosses_and_exact_date(tmp_path):
    recs = read_tn(tmp_path, TN_ROWS)
    assert recs.source == "the-numbers"
    frame = recs.frame.set_index("title")
    harbor = frame.loc["The Glass Harbor"]
    assert harbor["budget_usd"] == 150_000_000
    assert harbor["domestic_gross_usd"] == 210_000_000
    assert harbor["worldwide_gross_usd"] == 610_000_000
    assert harbor["release_date"] == pd.Timestamp("2010-07-16") and harbor["year"] == 2010
    assert harbor["source_row"] == 2  # CSV line: the header is line 1
    assert set(RECORD_COLUMNS) <= set(recs.frame.columns)


def test_the_numbers_zero_gross_is_unknown_not_zero(tmp_path):
    frame = read_tn(tmp_path, TN_ROWS).frame.set_index("title")
    assert math.isnan(frame.loc["Salt & Pepper", "worldwide_gross_usd"])
    assert math.isnan(frame.loc["Salt & Pepper", "domestic_gross_usd"])
    assert frame.loc["Salt & Pepper", "budget_usd"] == 20_000_000


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("production_budget", "$12x,000", "malformed money"),
        ("worldwide_gross", "lots", "malformed money"),
        ("domestic_gross", "-$5,000", "money"),
        ("release_date", "Febtember 3, 2010", "malformed date"),
    ],
)
def test_the_numbers_bad_cell_names_file_row_and_column(tmp_path, column, value, problem):
    rows = [dict(r) for r in TN_ROWS]
    rows[1][column] = value  # the second film: CSV line 3
    with pytest.raises(InputError) as caught:
        read_tn(tmp_path, rows)
    err = caught.value
    assert (err.row, err.column) == (3, column)
    assert err.file.endswith(the_numbers.FILE)
    message = str(err)
    assert problem in message and the_numbers.FILE in message and "row 3" in message and column in message


def test_the_numbers_rows_without_title_are_dropped_and_counted(tmp_path):
    rows = [dict(r) for r in TN_ROWS]
    rows[2]["movie"] = " "
    recs = read_tn(tmp_path, rows)
    assert len(recs.frame) == 2
    assert recs.dropped == {"no title or release date": 1}


# ---------------------------------------------------------------- IMDB 5000


def test_imdb_gives_cast_and_pre_release_facts(tmp_path):
    frame = read_imdb(tmp_path, IMDB_ROWS).frame.set_index("title")
    harbor = frame.loc["The Glass Harbor"]  # the trailing no-break space is gone
    assert harbor["cast"] == ["Lena Marsh", "Tom Reyes", "Ivo Park"]
    assert harbor["directors"] == ["Ada Quill"]
    assert harbor["genres"] == ["Action", "Sci-Fi"]
    assert harbor["mpaa_rating"] == "PG-13" and harbor["runtime_min"] == 128
    assert (harbor["country"], harbor["language"]) == ("USA", "English")
    assert harbor["plot_keywords"] == ["harbor", "glass", "storm"]
    assert harbor["year"] == 2010 and pd.isna(harbor["release_date"])
    assert frame.loc["Salt and Pepper", "cast"] == ["Mae Olsen"]  # blank actors are left out


def test_imdb_post_release_columns_never_leave_the_adapter(tmp_path):
    frame = read_imdb(tmp_path, IMDB_ROWS).frame
    leaked = [c for c in frame.columns
              if c in POST_RELEASE or "facebook" in c or ("imdb" in c and c != "imdb_id") or "vote" in c]
    assert leaked == []
    assert "gross" not in frame.columns and "budget" not in frame.columns  # US-only gross, local-currency budget
    # the tell-tale values of those columns appear nowhere in the output
    cells = {str(v) for row in frame.astype(str).itertuples(index=False) for v in row}
    assert not cells & {"886204", "7.9", "33000", "3054", "723", "999"}


def test_imdb_gives_the_imdb_id_of_its_link(tmp_path):
    frame = read_imdb(tmp_path, IMDB_ROWS).frame.set_index("title")
    assert frame.loc["The Glass Harbor", "imdb_id"] == "tt0900101"
    assert pd.isna(frame.loc["Salt and Pepper", "imdb_id"])  # a link without a tt... id


def test_imdb_duplicates_and_undated_rows_are_dropped_and_counted(tmp_path):
    rows = [IMDB_ROWS[0], IMDB_ROWS[0], IMDB_ROWS[1],
            imdb_row(movie_title="Undated", title_year="", actor_1_name="Someone"),
            dict(IMDB_ROWS[1], duration="97")]  # same film again, a detail differs
    recs = read_imdb(tmp_path, rows)
    assert len(recs.frame) == 2
    assert recs.dropped["duplicate row"] == 1
    assert recs.dropped["no title or year (cannot be linked)"] == 1
    assert recs.dropped["same title and year listed twice"] == 1
    assert sum(recs.dropped.values()) + len(recs.frame) == len(rows)  # nothing silently lost


def test_imdb_bad_year_names_file_row_and_column(tmp_path):
    rows = [IMDB_ROWS[0], dict(IMDB_ROWS[1], title_year="20O3")]
    with pytest.raises(InputError) as caught:
        read_imdb(tmp_path, rows)
    assert (caught.value.row, caught.value.column) == (3, "title_year")


# ---------------------------------------------------------------- vega


def test_vega_gives_distributor_source_material_and_creative_type(tmp_path):
    frame = read_vega(tmp_path, VEGA_ROWS).frame.set_index("title")
    harbor = frame.loc["The Glass Harbor"]
    assert harbor["distributor"] == distributor_aliases().canonical("WB")
    assert harbor["source_material"] == "Original Screenplay"
    assert harbor["creative_type"] == "Science Fiction"
    assert harbor["genres"] == ["Action"] and harbor["directors"] == ["Ada Quill"]
    assert harbor["mpaa_rating"] == "PG-13" and harbor["runtime_min"] == 128
    assert harbor["budget_usd"] == 150_000_000 and harbor["release_date"] == pd.Timestamp("2010-07-16")


def test_vega_century_shifted_date_moves_back_a_century(tmp_path):
    frame = read_vega(tmp_path, VEGA_ROWS).frame.set_index("title")
    assert frame.loc["The Old Mill", "release_date"] == pd.Timestamp("1946-06-12")
    assert frame.loc["The Old Mill", "year"] == 1946


def test_vega_post_release_fields_are_never_read(tmp_path):
    frame = read_vega(tmp_path, VEGA_ROWS).frame
    assert not {"IMDB Rating", "IMDB Votes", "Rotten Tomatoes Rating", "US DVD Sales"} & set(frame.columns)
    cells = {str(v) for row in frame.astype(str).itertuples(index=False) for v in row}
    assert not cells & {"8.8", "1000000", "87", "5000000"}


def test_vega_placeholder_date_is_dropped_and_counted(tmp_path):
    rows = VEGA_ROWS + [dict(VEGA_ROWS[0], Title="Never Dated", **{"Release Date": "Dec 31 1969"})]
    recs = read_vega(tmp_path, rows)
    assert "Never Dated" not in set(recs.frame["title"])
    assert recs.dropped["release date unknown (Dec 31 1969 placeholder)"] == 1


def test_vega_mac_roman_titles_are_repaired(tmp_path):
    rows = [dict(VEGA_ROWS[0], Title="DÈj‡ Vu"), dict(VEGA_ROWS[1], Title="La MÙme")]
    assert sorted(read_vega(tmp_path, rows).frame["title"]) == ["Déjà Vu", "La Môme"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "JSON"),
        (b"[]", "non-empty JSON list"),
        (b'{"Title": "x"}', "non-empty JSON list"),
        (b"[{\"Title\": \"x\",", "not valid JSON"),
        (b'[{"Name": "x", "Release Date": "Jun 12 1998"}]', "Title"),
        ('[{"Title": "Caf\xe9", "Release Date": "Jun 12 1998"}]'.encode("latin-1"), "UTF-8"),
    ],
)
def test_vega_broken_file_is_a_data_source_error(tmp_path, content, problem):
    path = tmp_path / vega.FILE
    path.write_bytes(content)
    with pytest.raises(DataSourceError, match=problem) as caught:
        vega.read(path, distributor_aliases())
    assert vega.FILE in str(caught.value)


def test_vega_malformed_money_names_row_and_column(tmp_path):
    rows = [VEGA_ROWS[0], dict(VEGA_ROWS[1], **{"Production Budget": "about 1m"})]
    with pytest.raises(InputError) as caught:
        read_vega(tmp_path, rows)
    assert (caught.value.row, caught.value.column) == (2, "Production Budget")  # 1-based position in the list


# ---------------------------------------------------------------- Box Office Mojo


def test_box_office_mojo_codes_become_distributor_names(tmp_path):
    frame = read_bom(tmp_path, BOM_ROWS).frame.set_index("title")
    table = distributor_aliases()
    assert frame.loc["The Glass Harbor", "distributor"] == table.canonical("Warner Bros.")
    assert frame.loc["Lantern Street", "distributor"] == "New Line"


def test_box_office_mojo_worldwide_is_domestic_plus_foreign_when_both_known(tmp_path):
    frame = read_bom(tmp_path, BOM_ROWS).frame.set_index("title")
    assert frame.loc["The Glass Harbor", "worldwide_gross_usd"] == 610_000_000  # foreign "400,000,000"
    assert frame.loc["Lantern Street", "domestic_gross_usd"] == 12_000_000
    assert pd.isna(frame.loc["Lantern Street", "worldwide_gross_usd"])
    assert frame.loc["Lantern Street", "year"] == 2011


def test_box_office_mojo_rows_without_year_are_dropped_and_counted(tmp_path):
    recs = read_bom(tmp_path, BOM_ROWS + [dict(BOM_ROWS[1], title="No Year", year="")])
    assert len(recs.frame) == 2 and recs.dropped == {"no title or year": 1}


def test_box_office_mojo_malformed_foreign_gross_names_row_and_column(tmp_path):
    rows = [BOM_ROWS[0], dict(BOM_ROWS[1], foreign_gross="4,1O0")]
    with pytest.raises(InputError) as caught:
        read_bom(tmp_path, rows)
    assert (caught.value.row, caught.value.column) == (3, "foreign_gross")


# ---------------------------------------------------------------- Wikidata


def test_wikidata_gives_full_credits_by_imdb_id(tmp_path):
    frame = read_wikidata(tmp_path, WIKIDATA_ROWS).frame.set_index("imdb_id")
    harbor = frame.loc["tt0900101"]
    # ", Jr." stays with its name; "list of ... characters" is no person
    assert harbor["credited_cast"] == ["Ivo Park", "Lena Marsh", "Ned Oakes, Jr.", "Ruth Vale", "Tom Reyes"]
    assert harbor["credited_directors"] == ["Ada Quill"]
    assert (harbor["title"], harbor["year"]) == ("Glass Harbour", 2010)
    assert harbor["release_date"] == pd.Timestamp("2010-07-16")
    assert pd.isna(frame.loc["tt0900102", "release_date"])  # YYYY-01-01: the year only


def test_wikidata_outcome_and_completeness_never_leave_the_adapter(tmp_path):
    """The box office is an outcome; writers, companies and the rest say how complete the record is."""
    frame = read_wikidata(tmp_path, WIKIDATA_ROWS).frame
    assert set(frame.columns) == {*RECORD_COLUMNS, "imdb_id", "credited_cast", "credited_directors"}
    cells = {str(v) for row in frame.astype(str).itertuples(index=False) for v in row}
    assert not any(tell in cell for cell in cells for tell in ("777777777", "Wren Tallis", "Tellmark", "187.5"))


def test_wikidata_suffixes_and_an_id_listed_twice(tmp_path):
    rows = [wikidata_row(imdb_id="tt0900201", title="Sons", year="1990", cast="Al Brand, Sr., Al Brand, Jr., Bo Cale"),
            wikidata_row(imdb_id="tt0900201", title="Sons Redux", year="2001", cast="Bo Cale"),
            wikidata_row(imdb_id="", title="No Id", year="1990", cast="Bo Cale")]
    recs = read_wikidata(tmp_path, rows)
    assert recs.frame["credited_cast"].tolist() == [["Al Brand, Sr.", "Al Brand, Jr.", "Bo Cale"]]
    assert recs.dropped == {"IMDb id listed twice": 1, "no IMDb id, title or year": 1}


# ---------------------------------------------------------------- every CSV adapter: bad files

CSV_ADAPTERS = [
    pytest.param(lambda p: the_numbers.read(p), the_numbers.FILE, TN_HEADER, TN_ROWS,
                 ("movie", "production_budget"), id="the-numbers"),
    pytest.param(lambda p: imdb5000.read(p), imdb5000.FILE, IMDB_HEADER, IMDB_ROWS,
                 ("genres", "actor_2_name"), id="imdb-5000"),
    pytest.param(lambda p: box_office_mojo.read(p, distributor_aliases()), box_office_mojo.FILE, BOM_HEADER,
                 BOM_ROWS, ("studio", "year"), id="box-office-mojo"),
    pytest.param(lambda p: wikidata.read(p), wikidata.FILE, WIKIDATA_HEADER, WIKIDATA_ROWS,
                 ("imdb_id", "cast"), id="wikidata"),
]
ARGS = ("read", "name", "header", "rows", "missing")


@pytest.mark.parametrize(ARGS, CSV_ADAPTERS)
def test_missing_file_is_a_data_source_error(tmp_path, read, name, header, rows, missing):
    with pytest.raises(DataSourceError, match="not found") as caught:
        read(tmp_path / name)
    assert name in str(caught.value) and "--sources" in str(caught.value)


@pytest.mark.parametrize(ARGS, CSV_ADAPTERS)
def test_missing_columns_are_named(tmp_path, read, name, header, rows, missing):
    kept = [c for c in header if c not in missing]
    path = write_csv(tmp_path / name, kept, [{c: r[c] for c in kept} for r in rows])
    with pytest.raises(DataSourceError) as caught:
        read(path)
    message = str(caught.value)
    assert "missing column" in message and name in message
    assert all(c in message for c in missing)


@pytest.mark.parametrize(ARGS, CSV_ADAPTERS)
def test_empty_file_is_a_data_source_error(tmp_path, read, name, header, rows, missing):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(DataSourceError, match="empty") as caught:
        read(path)
    assert name in str(caught.value)


@pytest.mark.parametrize(ARGS, CSV_ADAPTERS)
def test_header_without_rows_is_a_data_source_error(tmp_path, read, name, header, rows, missing):
    path = write_csv(tmp_path / name, header, [])
    with pytest.raises(DataSourceError, match="no rows"):
        read(path)


@pytest.mark.parametrize(ARGS, CSV_ADAPTERS)
def test_non_utf8_file_is_a_data_source_error(tmp_path, read, name, header, rows, missing):
    path = write_csv(tmp_path / name, header, rows)
    path.write_bytes(path.read_bytes() + "Café\n".encode("latin-1"))
    with pytest.raises(DataSourceError, match="UTF-8") as caught:
        read(path)
    assert name in str(caught.value)


def test_missing_sources_folder_is_a_data_source_error(tmp_path):
    with pytest.raises(DataSourceError, match="sources folder not found") as caught:
        build_film_table(BuildConfig(tmp_path / "nowhere"))
    assert "nowhere" in str(caught.value)


def test_a_source_whose_every_row_is_dropped_is_a_data_source_error(tmp_path):
    folder = write_sources(tmp_path / "src", tn=[dict(r, movie="") for r in TN_ROWS])
    with pytest.raises(DataSourceError, match="no usable rows") as caught:
        build_film_table(BuildConfig(folder))
    assert the_numbers.FILE in str(caught.value)
