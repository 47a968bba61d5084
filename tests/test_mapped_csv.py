"""A user's own film CSV: checked row by row, read into the canonical film table."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from samples import write_csv

from boxoffice.errors import DataSourceError, InputError
from boxoffice.names import distributor_aliases
from boxoffice.table.schema import COLUMN_NAMES
from boxoffice.table.mapped_csv import DEFAULT_COLUMNS, ColumnMapping, read_films, validate

EXAMPLE_MAPPING = Path(__file__).resolve().parents[1] / "data" / "mappings" / "studio-slate.yaml"

HEADER = ["title", "release_date", "genres", "budget", "worldwide_gross", "domestic_gross", "cast", "director",
          "mpaa_rating", "runtime_min", "distributor", "sequel"]
GOOD = [
    {"title": "The Glass Harbor", "release_date": "2010-07-16", "genres": "Action|scifi", "budget": "150m",
     "worldwide_gross": "$610,000,000", "domestic_gross": "210m", "cast": "Lena Marsh|Tom Reyes",
     "director": "Ada Quill", "mpaa_rating": "PG-13", "runtime_min": "128", "distributor": "BV", "sequel": "no"},
    {"title": "Paper Moons II", "release_date": "Nov 2, 2001", "genres": "Science Fiction", "budget": "40m",
     "worldwide_gross": "90m", "domestic_gross": "", "cast": "Mae Olsen", "director": "",
     "mpaa_rating": "R", "runtime_min": "", "distributor": "", "sequel": "yes"},
]


def test_a_good_csv_has_no_problems_and_reads_as_a_film_table(tmp_path):
    path = write_csv(tmp_path / "films.csv", HEADER, GOOD)
    assert validate(path) == []
    table = read_films(path)
    assert list(table.columns) == list(COLUMN_NAMES)
    harbor = table.set_index("title").loc["The Glass Harbor"]
    assert harbor["budget_usd"] == 150e6 and harbor["worldwide_gross_usd"] == 610e6
    assert harbor["release_date"] == pd.Timestamp("2010-07-16") and harbor["year"] == 2010
    assert harbor["genres"] == ["Action", "Sci-Fi"]
    assert harbor["cast"] == ["Lena Marsh", "Tom Reyes"] and harbor["directors"] == ["Ada Quill"]
    assert harbor["distributor"] == distributor_aliases().canonical("Walt Disney Pictures")
    assert harbor["runtime_min"] == 128 and harbor["mpaa_rating"] == "PG-13"
    assert harbor["budget_usd_2012"] > harbor["budget_usd"]
    assert set(json.loads(harbor["field_sources"]).values()) == {"user-csv"}
    moons = table.set_index("title").loc["Paper Moons II"]
    assert bool(moons["sequel"]) is True and pd.isna(moons["domestic_gross_usd"])
    assert moons["genres"] == ["Sci-Fi"] and moons["cast"] == ["Mae Olsen"]


def test_validate_lists_every_problem_with_its_row_number(tmp_path):
    rows = [
        GOOD[0],
        dict(GOOD[1], budget="lots", release_date="someday"),  # line 3: two problems
        dict(GOOD[0], title="Third", genres="mumblecore", mpaa_rating="XXX"),  # line 4: two more
        dict(GOOD[1], title=""),  # line 5: a required cell left blank
        dict(GOOD[0], title="Fifth", runtime_min="two hours", sequel="maybe", worldwide_gross="-3m"),  # line 6
    ]
    problems = validate(write_csv(tmp_path / "films.csv", HEADER, rows))
    assert {(p.row, p.column) for p in problems} == {
        (3, "budget"), (3, "release_date"), (4, "genres"), (4, "mpaa_rating"), (5, "title"),
        (6, "runtime_min"), (6, "sequel"), (6, "worldwide_gross"),
    }
    by_place = {(p.row, p.column): str(p) for p in problems}
    assert by_place[(3, "budget")].startswith("row 3, column 'budget':") and "'lots'" in by_place[(3, "budget")]
    assert "mumblecore" in by_place[(4, "genres")]
    assert "blank" in by_place[(5, "title")]


def test_reading_a_csv_with_problems_raises_listing_them(tmp_path):
    path = write_csv(tmp_path / "films.csv", HEADER, [GOOD[0], dict(GOOD[1], budget="lots")])
    with pytest.raises(InputError) as caught:
        read_films(path)
    message = str(caught.value)
    assert "films.csv" in message and "row 3, column 'budget'" in message
    assert "boxoffice data validate" in message


def test_a_slate_to_forecast_needs_no_grosses(tmp_path):
    header = ["title", "genres", "budget"]
    path = write_csv(tmp_path / "slate.csv", header, [{"title": "Next Summer", "genres": "Comedy", "budget": "60m"}])
    assert validate(path, for_training=False) == []
    with pytest.raises(DataSourceError, match="worldwide_gross"):
        validate(path)  # as training data it lacks the gross column


def test_the_example_mapping_reads_a_studio_export(tmp_path):
    mapping = ColumnMapping.load(EXAMPLE_MAPPING)
    assert mapping.list_separator == ";"
    assert set(mapping.columns) <= set(DEFAULT_COLUMNS)
    header = list(mapping.columns.values())
    row = {mapping.columns[c]: "" for c in mapping.columns}
    row.update({
        mapping.columns["title"]: "The Glass Harbor", mapping.columns["release_date"]: "Jul 16, 2010",
        mapping.columns["genres"]: "Action;Science Fiction", mapping.columns["budget_usd"]: "$150,000,000",
        mapping.columns["worldwide_gross_usd"]: "610m", mapping.columns["cast"]: "Lena Marsh;Tom Reyes",
        mapping.columns["distributor"]: "WB (NL)", mapping.columns["sequel"]: "no",
    })
    path = write_csv(tmp_path / "slate-export.csv", header, [row])
    assert validate(path, mapping) == []
    film = read_films(path, mapping).iloc[0]
    assert film["title"] == "The Glass Harbor" and film["budget_usd"] == 150e6
    assert film["genres"] == ["Action", "Sci-Fi"] and film["cast"] == ["Lena Marsh", "Tom Reyes"]
    assert film["distributor"] == "New Line"


def test_a_yaml_mapping_renames_the_users_columns(tmp_path):
    spec = tmp_path / "mine.yaml"
    spec.write_text(
        "list_separator: ','\ncolumns:\n  title: Film\n  release_date: Opens\n  genres: Genres\n"
        "  budget_usd: Cost (USD)\n  worldwide_gross_usd: Global\n", encoding="utf-8")
    path = write_csv(tmp_path / "mine.csv", ["Film", "Opens", "Genres", "Cost (USD)", "Global", "Notes"],
                     [{"Film": "Salt & Pepper", "Opens": "2004-03-05", "Genres": "Comedy,Romance",
                       "Cost (USD)": "20m", "Global": "31m", "Notes": "ignored"}])
    mapping = ColumnMapping.load(spec)
    problems = validate(path, mapping)
    assert problems == []
    film = read_films(path, mapping).iloc[0]
    assert film["genres"] == ["Comedy", "Romance"] and film["worldwide_gross_usd"] == 31e6


def test_a_problem_is_reported_under_the_users_column_name(tmp_path):
    spec = tmp_path / "mine.yaml"
    spec.write_text("columns:\n  title: Film\n  release_date: Opens\n  genres: Genres\n"
                    "  budget_usd: Cost\n  worldwide_gross_usd: Global\n", encoding="utf-8")
    path = write_csv(tmp_path / "mine.csv", ["Film", "Opens", "Genres", "Cost", "Global"],
                     [{"Film": "X", "Opens": "2004-03-05", "Genres": "Comedy", "Cost": "cheap", "Global": "1m"}])
    assert [(p.row, p.column) for p in validate(path, ColumnMapping.load(spec))] == [(2, "Cost")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("list_separator: ';'\n", "columns"),
        ("columns: []\n", "columns"),
        ("columns:\n  title: Film\n  box_office: Gross\n", "box_office"),
        ("columns: [unclosed\n", "cannot read"),
    ],
)
def test_a_bad_mapping_is_an_input_error_naming_the_file(tmp_path, text, problem):
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as caught:
        ColumnMapping.load(spec)
    assert "bad.yaml" in str(caught.value)


def test_a_mapping_without_a_required_column_is_an_input_error_naming_it(tmp_path):
    spec = tmp_path / "short.yaml"
    spec.write_text("columns:\n  title: Film\n  budget_usd: Cost\n  genres: Genres\n", encoding="utf-8")
    path = write_csv(tmp_path / "mine.csv", ["Film", "Cost", "Genres"], [{"Film": "X", "Cost": "1m", "Genres": "Drama"}])
    mapping = ColumnMapping.load(spec)
    assert validate(path, mapping, for_training=False) == []
    with pytest.raises(InputError, match="release_date"):
        validate(path, mapping)


def test_films_to_train_on_need_no_genre(tmp_path):
    """A studio with financials only: title, date, budget and gross; a blank or absent genre is unknown."""
    blank = write_csv(tmp_path / "blank.csv", HEADER, [{**GOOD[0], "genres": ""}, GOOD[1]])
    assert validate(blank) == []
    assert read_films(blank).set_index("title").loc["The Glass Harbor", "genres"] == []
    columns = ["title", "release_date", "budget", "worldwide_gross"]
    bare = write_csv(tmp_path / "bare.csv", columns, [{c: film[c] for c in columns} for film in GOOD])
    assert validate(bare) == [] and read_films(bare)["genres"].map(len).tolist() == [0, 0]


def test_missing_columns_empty_and_header_only_files_are_data_source_errors(tmp_path):
    short = write_csv(tmp_path / "short.csv", ["title", "budget"], [{"title": "X", "budget": "1m"}])
    with pytest.raises(DataSourceError, match="release_date, worldwide_gross"):  # genres are optional
        validate(short)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataSourceError, match="empty"):
        validate(empty)
    header_only = write_csv(tmp_path / "header.csv", HEADER, [])
    with pytest.raises(DataSourceError, match="no rows"):
        validate(header_only)
    latin = write_csv(tmp_path / "latin.csv", HEADER, GOOD)
    latin.write_bytes(latin.read_bytes().replace(b"Ada Quill", "Adá Quill".encode("latin-1")))
    with pytest.raises(DataSourceError, match="UTF-8"):
        validate(latin)


def test_a_repeated_cell_is_parsed_once_and_problems_still_name_every_row(tmp_path):
    """Parsing is per distinct text (big slates repeat dates, genres, cast): rows of one text share
    its parsed value, and problems still name every row."""
    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, parse_rows, read_frame

    rows = [dict(GOOD[0]) for _ in range(3)] + [dict(GOOD[0], budget="lots"), dict(GOOD[0], budget="lots")]
    path = write_csv(tmp_path / "slate.csv", HEADER, rows)
    mapping = ColumnMapping()
    films, problems = parse_rows(read_frame(path, mapping, FORECAST_REQUIRED), mapping, FORECAST_REQUIRED)
    assert films["row"].tolist() == [2, 3, 4]
    assert [(p.row, p.column) for p in problems] == [(5, "budget"), (6, "budget")]
    assert films["cast"].tolist() == [["Lena Marsh", "Tom Reyes"]] * 3



@pytest.mark.parametrize("cores", [1, 2, 3])
def test_columns_parsed_side_by_side_read_as_one_by_one(tmp_path, monkeypatch, cores):
    """A big slate's columns are parsed one per core: the same films and the same problems, in order."""
    from boxoffice.table import column_parsing
    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, parse_rows, read_frame

    bad = [dict(GOOD[0], budget="lots"), dict(GOOD[1], release_date="someday", genres="Klingon"), dict(GOOD[0], budget="")]
    rows = [dict(GOOD[i % 2], title=f"Film {i}") for i in range(40)] + bad + [dict(GOOD[1]) for _ in range(5)]
    path = write_csv(tmp_path / "slate.csv", HEADER, rows)
    mapping = ColumnMapping()
    frame = read_frame(path, mapping, FORECAST_REQUIRED)
    monkeypatch.setattr(column_parsing, "PARALLEL_ROWS", 10 ** 9)
    one_by_one = parse_rows(frame, mapping, FORECAST_REQUIRED)
    monkeypatch.setattr(column_parsing, "PARALLEL_ROWS", 1)
    monkeypatch.setattr("boxoffice.cores.usable_cores", lambda: cores)
    films, problems = parse_rows(frame, mapping, FORECAST_REQUIRED)
    pd.testing.assert_frame_equal(films, one_by_one[0])
    assert [str(p) for p in problems] == [str(p) for p in one_by_one[1]] and len(problems) == 4

# ---------------------------------------------------------------- delimiters, headers, duplicates, lists


def test_two_canonical_columns_on_one_header_is_one_input_error():
    with pytest.raises(InputError) as caught:
        ColumnMapping(dict(DEFAULT_COLUMNS, worldwide_gross_usd="budget"))
    assert all(word in str(caught.value) for word in ("budget_usd", "worldwide_gross_usd", "'budget'"))


def test_a_mapping_reads_headers_as_the_text_written(tmp_path):
    """YAML 1.1 would make NO a boolean and 1984 a number; a header is the text in the file."""
    spec = tmp_path / "m.yaml"
    spec.write_text("columns: {title: 1984, genres: NO, budget_usd: yes, country: 2.5}\n", encoding="utf-8")
    assert ColumnMapping.load(spec).columns == {"title": "1984", "genres": "NO", "budget_usd": "yes", "country": "2.5"}


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_comma_semicolon_and_tab_files_read_alike(tmp_path, sep):
    path = tmp_path / "films.csv"
    path.write_text(sep.join(HEADER) + "\n" + "\n".join(sep.join(f'"{r[c]}"' for c in HEADER) for r in GOOD) + "\n",
                    encoding="utf-8")
    assert validate(path) == []
    expected = read_films(write_csv(tmp_path / "plain.csv", HEADER, GOOD))
    pd.testing.assert_frame_equal(read_films(path).drop(columns="film_id"), expected.drop(columns="film_id"))


def test_headers_match_whatever_their_case_and_surrounding_spaces(tmp_path):
    spec = tmp_path / "m.yaml"
    spec.write_text("columns: {title: Film, release_date: Opens, genres: Genres, budget_usd: Cost, "
                    "worldwide_gross_usd: Global}\n", encoding="utf-8")
    path = tmp_path / "films.csv"
    path.write_text(" FILM ,opens,Genres ,COST,global\nX,2004-03-05,Comedy,cheap,1m\n", encoding="utf-8")
    assert [(p.row, p.column) for p in validate(path, ColumnMapping.load(spec))] == [(2, "Cost")]


def test_a_header_given_twice_is_a_data_source_error_naming_it(tmp_path):
    path = tmp_path / "films.csv"
    path.write_text("title,budget,genres, Budget\nX,1m,Drama,2m\n", encoding="utf-8")
    with pytest.raises(DataSourceError, match=r"header 'budget' is given twice \(columns 2 and 4\)"):
        validate(path, for_training=False)
    path.write_text("title,budget,genres,notes,notes\nX,1m,Drama,a,b\n", encoding="utf-8")
    assert validate(path, for_training=False) == []  # columns the mapping does not use are ignored


def test_a_film_given_twice_is_a_problem_of_a_slate_too(tmp_path):
    path = write_csv(tmp_path / "slate.csv", HEADER, [GOOD[0], GOOD[1], dict(GOOD[0], budget="90m")])
    problems = validate(path, for_training=False)
    assert [(p.row, p.column) for p in problems] == [(4, "title")] and "row 2" in problems[0].message


def test_names_in_a_cell_split_like_the_cast_flag(tmp_path):
    """"Tom Cruise, Emily Blunt" in a cast cell names two people, as it does after --cast."""
    from boxoffice.table.film import make_film
    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, parse_rows, read_frame

    cells = ["Tom Cruise, Emily Blunt", "Tom Cruise|Emily Blunt", "Tom Cruise | Emily Blunt,"]
    rows = [dict(GOOD[0], title=f"T{i}", cast=cell, director=cell) for i, cell in enumerate(cells)]
    path = write_csv(tmp_path / "slate.csv", HEADER, rows)
    mapping = ColumnMapping()
    films, problems = parse_rows(read_frame(path, mapping, FORECAST_REQUIRED), mapping, FORECAST_REQUIRED)
    assert problems == []
    for cell, record in zip(cells, films.to_dict("records")):
        flag = make_film(genres="action", budget="1m", cast=cell)
        assert record["cast"] == list(flag.cast) == ["Tom Cruise", "Emily Blunt"]
        assert record["directors"] == ["Tom Cruise", "Emily Blunt"]
    semicolons = ColumnMapping(list_separator=";")
    path = write_csv(tmp_path / "semi.csv", HEADER, [dict(GOOD[0], cast="Tom Cruise; Emily Blunt, Ben Whishaw")])
    films, _ = parse_rows(read_frame(path, semicolons, FORECAST_REQUIRED), semicolons, FORECAST_REQUIRED)
    assert films["cast"][0] == ["Tom Cruise", "Emily Blunt", "Ben Whishaw"]
