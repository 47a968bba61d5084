"""Every parser of user input, fed anything: it returns a valid value or raises ``InputError``, nothing else.

``parse_money`` on arbitrary text is covered in ``test_units.py``; here: money from non-text values,
thousands separators, scientific notation and decimal commas,
dates, every ``make_film`` field, strict genres, the cells of a user's CSV (one by one and whole
rows), the public sources' cells, scenario files, column mappings and sweep ranges.
"""
from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from boxoffice.errors import InputError
from boxoffice.table.film import FIELD_NAMES, MAX_CAST, MAX_GENRES, Film, make_film
from boxoffice.names import canonical_genres, known_genres, other_genres
from boxoffice.table.schema import MPAA_RATINGS, canonical_rating
from boxoffice.units import MAX_MONEY_USD, parse_date, parse_money

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like what users type, mixed with anything at all.
words = st.sampled_from(["action", "Sci-Fi", "comedy", "150m", "$1,000", "2027-07-16", "Jul 16, 2027", "PG-13",
                         "yes", "no", "0", "-5m", "1e400", "nan", "inf", "", " ", "|", ",", ";", "..", "[/]",
                         "Tom Cruise", "Emily Blunt", "WB", "\x00", "é", "\u2014", "\n"])
user_text = st.one_of(st.text(max_size=60), st.lists(words, max_size=6).map("".join),
                      st.lists(words, max_size=6).map(" ".join))
anything = st.one_of(user_text, st.none(), st.booleans(), st.integers(), st.floats(),
                     st.lists(user_text, max_size=5), st.dates(), st.datetimes())


def outcome(parse, value):
    """The parser's result, or None if it raised ``InputError``; any other exception fails the test."""
    try:
        return parse(value)
    except InputError as err:
        assert str(err)  # a message to show
        return None


# ---------------------------------------------------------------- units


@SETTINGS
@given(anything, st.booleans())
@example(10**400, False)
@example(float("nan"), False)
@example(-1, True)
def test_money_from_any_value_is_sane_or_an_input_error(value, allow_zero):
    usd = outcome(lambda v: parse_money(v, allow_zero=allow_zero), value)
    if usd is not None:
        assert isinstance(usd, float) and math.isfinite(usd)
        assert (0 <= usd if allow_zero else 0 < usd) and usd <= MAX_MONEY_USD


amounts = st.integers(min_value=1, max_value=int(MAX_MONEY_USD))


@SETTINGS
@given(amounts, st.sampled_from(["", "$"]))
def test_thousands_separators_never_change_an_amount(usd, dollar):
    assert parse_money(f"{dollar}{usd:,}") == parse_money(str(usd)) == float(usd)


@SETTINGS
@given(st.floats(min_value=1e-2, max_value=MAX_MONEY_USD), st.sampled_from(["e", "E"]), st.integers(0, 6))
def test_scientific_notation_is_the_amount_it_spells(usd, e, digits):
    text = f"{usd:.{digits}{e}}"
    assert parse_money(text) == float(text)


@SETTINGS
@given(st.integers(0, 999), st.from_regex(r"\A(\d{1,2}|\d{4,6})\Z"), st.sampled_from(["", "k", "m", "b", " million"]))
def test_a_decimal_comma_is_refused_with_a_hint_never_misread(whole, decimals, unit):
    text = f"{whole},{decimals}{unit}"
    with pytest.raises(InputError, match="decimal comma") as caught:
        parse_money(text)
    assert f"write {whole}.{decimals}{unit}" in str(caught.value)


@SETTINGS
@given(st.one_of(anything, st.from_regex(r"\A\d{1,5}-\d{1,3}-\d{1,3}\Z"),
                 st.from_regex(r"\A[A-Za-z]{3,9} \d{1,2},? \d{1,5}\Z")))
@example("2027-13-45")
@example("2027-02-29")
@example("yesterday")
@example("0000-01-01")
def test_dates_are_dates_or_an_input_error(value):
    date = outcome(parse_date, value)
    if date is not None:
        assert isinstance(date, dt.date)


@SETTINGS
@given(st.one_of(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(str),
                 st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"), st.from_regex(r"\A[0-9-]{10}\Z")))
@example("2027-02-29")
@example("0000-01-01")
def test_iso_dates_read_as_strptime_reads_them(text):
    """YYYY-MM-DD is read without ``strptime``, with its answer: the same date, or the same refusal."""
    try:
        expected = dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        expected = None
    date = outcome(parse_date, text)
    assert date == expected or (expected is None and date is None)


# ---------------------------------------------------------------- a film, field by field

VALID = {"genres": "action", "budget": "150m"}


@SETTINGS
@given(st.sampled_from(FIELD_NAMES + ("budget", "genre", "director", "rating", "runtime", "release-date", "lead")),
       anything)
def test_any_value_in_any_film_field_gives_a_valid_film_or_an_input_error(field, value):
    film = outcome(lambda v: make_film(**(VALID | {field: v})), value)
    if film is not None:
        _assert_valid_film(film)


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELD_NAMES + ("budget", "genre", "rating", "colour")), anything, max_size=8))
def test_any_combination_of_fields_gives_a_valid_film_or_an_input_error(values):
    film = outcome(lambda v: make_film(**v), values)
    if film is not None:
        _assert_valid_film(film)


def _assert_valid_film(film: Film) -> None:
    # no genre: not decided yet (mixed over comparable films)
    assert len(film.genres) <= MAX_GENRES and set(film.genres) <= set(known_genres() + other_genres().values())
    assert math.isfinite(film.budget_usd) and 0 < film.budget_usd <= MAX_MONEY_USD
    assert film.release_date is None or (isinstance(film.release_date, dt.date) and 1900 <= film.release_date.year <= 2100)
    assert isinstance(film.title, str) and film.title
    for names in (film.cast, film.directors):
        assert isinstance(names, tuple) and len(names) <= MAX_CAST and all(isinstance(n, str) and n for n in names)
    # a rating no alias maps is kept as written (the forecast warns): real ones are canonical
    assert film.mpaa_rating is None or film.mpaa_rating in MPAA_RATINGS or canonical_rating(film.mpaa_rating) is None
    assert film.runtime_min is None or 1 <= film.runtime_min <= 1000
    assert film.sequel is None or isinstance(film.sequel, bool)
    for text in (film.distributor, film.country, film.language, film.source_material, film.creative_type):
        assert text is None or isinstance(text, str)


@SETTINGS
@given(st.one_of(user_text, st.lists(user_text, max_size=12).map("|".join)))
@example("cowboy-opera")
@example("")
@example("action|" * 50)
def test_strict_genres_are_known_or_real_genres_or_an_input_error(text):
    genres = outcome(lambda t: canonical_genres(t, strict=True), text)
    if genres is not None:
        assert set(genres) <= set(known_genres() + other_genres().values()) and len(genres) == len(set(genres))


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(["action", "Sci-Fi", "science fiction", "comedy", "Romantic Comedy", "News",
                                          "Reality-TV", "Klingon", "drama", " ", ""]), max_size=5)
                .map("|".join), min_size=1, max_size=8))
def test_a_slates_genre_cells_read_in_bulk_as_one_by_one(texts):
    """Each distinct genre name is mapped once for a column of many genre cells: the same genres, the
    same first unknown one refused."""
    from boxoffice.table import mapped_csv

    def one(text):
        try:
            return canonical_genres("|".join(mapped_csv.split_names(text, "|")), strict=True)
        except InputError as err:
            return str(err)

    bulk = [str(v) if isinstance(v, InputError) else v for v in mapped_csv._genres_each(texts, "|")]
    assert bulk == [one(text) for text in texts]


# ---------------------------------------------------------------- a user's CSV: each cell, and whole rows

from boxoffice.table import mapped_csv  # noqa: E402
from boxoffice.table.sources.base import date_cell, money_cell, number_cell  # noqa: E402

CELL_PARSERS = {
    "rating": (mapped_csv._rating, lambda v: v in MPAA_RATINGS),
    "runtime": (mapped_csv._runtime, lambda v: 1 <= v <= 1000),
    "sequel": (mapped_csv._flag, lambda v: isinstance(v, bool)),
    "cast": (lambda t: mapped_csv._names(t, "|", "cast"), lambda v: len(v) <= MAX_CAST and all(v)),
}


@SETTINGS
@given(st.sampled_from(sorted(CELL_PARSERS)), user_text)
@example("runtime", "1e400")
@example("runtime", "nan")
@example("cast", "|".join(["A"] * 10_000))
def test_mapped_csv_cells_are_valid_or_an_input_error(column, text):
    parse, valid = CELL_PARSERS[column]
    value = outcome(parse, text)
    if value is not None:
        assert valid(value)


@SETTINGS
@given(st.sampled_from(["money", "date", "number"]), user_text)
@example("money", "1" * 400)
@example("number", "inf")
@example("number", "1e999")
@example("money", "-$5")
def test_public_source_cells_are_valid_or_an_input_error(kind, text):
    parse = {"money": money_cell, "date": date_cell, "number": number_cell}[kind]
    value = outcome(lambda t: parse(t, file="f.csv", row=2, column="c"), text)
    if value is None:
        return
    if kind == "date":
        assert isinstance(value, dt.date)
    else:
        assert isinstance(value, float) and math.isfinite(value) and (kind == "number" or value > 0)


ROW = st.fixed_dictionaries({canon: st.one_of(user_text, words) for canon in mapped_csv.DEFAULT_COLUMNS})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=5), st.sampled_from(["forecast", "train"]))
def test_any_csv_rows_parse_to_valid_records_or_row_problems(rows, purpose):
    import pandas as pd

    required = mapped_csv.FORECAST_REQUIRED if purpose == "forecast" else mapped_csv.TRAIN_REQUIRED
    frame = pd.DataFrame(rows, index=range(2, len(rows) + 2))
    films, problems = mapped_csv.parse_rows(frame, mapped_csv.ColumnMapping(), required)
    assert len(films) + len({p.row for p in problems}) == len(rows)
    for problem in problems:
        assert 2 <= problem.row < len(rows) + 2 and problem.message
    for rec in films.astype(object).where(films.notna(), None).to_dict("records"):
        assert set(rec["genres"]) <= set(known_genres() + other_genres().values())  # a blank genre: unknown
        assert math.isfinite(rec["budget_usd"]) and 0 < rec["budget_usd"] <= MAX_MONEY_USD
        assert rec["release_date"] is None or isinstance(rec["release_date"], dt.datetime)
        for col in ("worldwide_gross_usd", "domestic_gross_usd"):
            assert rec[col] is None or (math.isfinite(rec[col]) and 0 < rec[col] <= MAX_MONEY_USD)
        assert len(rec["cast"]) <= MAX_CAST and len(rec["directors"]) <= MAX_CAST
        assert rec["mpaa_rating"] is None or rec["mpaa_rating"] in MPAA_RATINGS


# ---------------------------------------------------------------- files a user writes: scenarios and mappings

from boxoffice.whatif.scenario_file import ScenarioFile, parse_scenarios  # noqa: E402

yaml_scalar = st.one_of(st.sampled_from(["150m", "action", "2027-07-16", "2027-13-45", "yes", "~", "[]", "{}",
                                         "[a, b]", "{a: 1}", "&x a", "*x", "!!python/name:os.system", "'", '"']),
                        st.text(max_size=12))
yaml_like = st.recursive(
    yaml_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["base", "variants", "genres", "budget", "release_date", "a", "a",
                                            "break_even_multiple", "? [k]", "<<"]), inner), max_size=4)
        .map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
    ),
    max_leaves=12,
)


@SETTINGS
@given(st.one_of(st.text(max_size=200), yaml_like))
@example("? [a, b]\n: 1\n")
@example("[" * 5000 + "]" * 5000)
@example("base: {genres: [Action], budget: 150m, release_date: 2027-13-45}\nvariants: {a: {budget: 1m}}\n")
@example("base: &b {genres: [Action], budget: 150m}\nvariants: {a: {<<: *b, budget: 1m}}\n")
def test_any_scenario_text_is_a_scenario_file_or_an_input_error(text):
    spec = outcome(parse_scenarios, text)
    if spec is not None:
        assert isinstance(spec, ScenarioFile) and isinstance(spec.base, dict) and spec.base
        assert spec.variants and all(isinstance(v, dict) and v for v in spec.variants.values())


@SETTINGS
@given(st.one_of(st.text(max_size=200), yaml_like.map(lambda y: "columns: " + y),
                 st.sampled_from(["columns: {title: Project}\nlist_separator: ''\n",
                                  "columns: {title: Project}\nlist_separator: [1]\n",
                                  "columns: {colour: Colour}\n", "columns: []\n"])))
def test_any_column_mapping_text_is_a_mapping_or_an_input_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("mapping") / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    mapping = outcome(mapped_csv.ColumnMapping.load, path)
    if mapping is not None:
        assert set(mapping.columns) <= set(mapped_csv.DEFAULT_COLUMNS)
        assert isinstance(mapping.list_separator, str) and mapping.list_separator.strip()


# ---------------------------------------------------------------- ranges of a sweep


@SETTINGS
@given(st.sampled_from(["budget", "runtime", "release-date", "genres", "colour"]),
       st.one_of(user_text, st.tuples(user_text, user_text).map("..".join),
                 st.tuples(st.dates(), st.dates()).map(lambda d: f"{d[0]}..{d[1]}")),
       st.one_of(st.none(), st.integers(-5, 300)))
@example("release-date", "2027-01-01..9999-12-31", None)
@example("budget", "1..1e400", None)
def test_sweep_ranges_are_lists_of_values_or_an_input_error(field, span, steps):
    from boxoffice.whatif.scenarios import MAX_VARIANTS, sweep_values

    values = outcome(lambda s: sweep_values(field, s, steps), span)
    if values is not None:
        assert 1 <= len(values) <= MAX_VARIANTS
        if field == "release-date":
            assert all(isinstance(v, dt.date) and 1900 <= v.year <= 2100 for v in values)
