"""Titles, names and franchises read in bulk: a slate of 100,000 films is read column by column, and each
title key, name list and franchise comes out exactly as it would for one film read alone."""
from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from boxoffice import names
from boxoffice.names import (clean_text, clean_texts, person_key, person_keys, split_names, split_names_each,
                             title_key, title_keys)
from boxoffice.table import column_parsing, franchises, mapped_csv
from boxoffice.table.film import MAX_CAST
from boxoffice.table.franchises import franchise_index, franchise_of, registry

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def read(in_bulk: bool):
    """Every list read in bulk however short it is, or every one one by one (as for a single forecast)."""
    limit = 0 if in_bulk else 1 << 62
    with mock.patch.object(names, "BULK", limit), mock.patch.object(column_parsing, "BULK", limit):
        yield


# What makes a title key hard: articles, numerals, markers, "&", a year, punctuation, quotes, every kind of
# space, digits and number words; non-ASCII letters, Unicode digits and spaces, and mojibake.
ASCII_PIECES = ["The", "the", "A", "a", "An", "an", "THE", "I", "i", "II", "iii", "IV", "v", "V", "VI", "vii",
                "VIII", "ix", "X", "xi", "Part", "part", "PT", "Pt.", "pt", "Ep.", "ep", "EP", "Episode", "episode",
                "Chapter", "chapter", "Vol.", "vol", "Volume", "vs.", "Vs", "vs", "v.", "&", "and", "(2010)",
                "(1999)", "(2101)", "(20)", "(", ")", ":", ": ", "-", "--", "'", "\\'", "\\", "\\\\'", '"', ".", ",",
                "!", "?", "_", "/", "2", "3", "0", "1", "007", "12", "13", "2.5", "123456789012345678901234",
                "Two", "two", "twelve", "Eleven", "twenty", "Seventeen", "Iron", "Man", "Star", "Trek", "Rocky",
                "Ocean's", "Toy", "Story", "Godfather", "Wars"]
SPACES = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x00", "\x7f"]
OTHER_PIECES = ["Amélie", "Brüno", "AmÃ©lie", "DÃ©jÃ", "Ã", "â\x80\x99", "’", "—", "–", "\u2212", "ß", "İ",
                "ı", "\u212a", "ſ", "é", "長江", "½", "³", "²", "٣", "Ⅻ", "\xa0", "\u2009", "\x85", "\u2028",
                "\u3000", "ﬁ"]
ascii_titles = st.lists(st.sampled_from(ASCII_PIECES + SPACES), max_size=12).map("".join)
any_titles = st.lists(st.sampled_from(ASCII_PIECES + SPACES + OTHER_PIECES), max_size=12).map("".join)
spaced_titles = st.lists(st.sampled_from(ASCII_PIECES), min_size=1, max_size=7).map(" ".join)
titles = st.one_of(ascii_titles, spaced_titles, any_titles, st.text(max_size=40),
                   st.text(st.characters(max_codepoint=127), max_size=40))


# ---------------------------------------------------------------- title keys


def test_a_slate_of_titles_keys_at_once_as_each_alone():
    slate = ["The Fast & the Furious (2001)", "Star Wars Ep. IV: A New Hope", "Amélie", "Iron Man 3", "The"] * 20
    assert title_keys(slate) == [title_key(t) for t in slate]
    assert title_keys(slate)[:5] == ["fast and furious", "star wars episode 4 new hope", "amelie", "iron man 3", "the"]


@SETTINGS
@given(st.lists(titles, max_size=12))
@example(["Harry Potter Part I", "Rocky V Lives", "A The B", "a the an", "x\x1c(2010)", "\\\\'s", "Ep.\x0bI"])
@example(["Ocean's Twelve", "DÃ©jÃ Vu", "WALL·E", "Alien vs. Predator (2004) ", "Episode I", "The A"])
def test_titles_keyed_in_bulk_are_keyed_as_one_by_one(titles):
    with read(in_bulk=True):
        assert title_keys(titles) == [title_key(t) for t in titles]
        assert clean_texts(titles) == [clean_text(t) for t in titles]


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.floats(), st.integers(), st.binary(max_size=3), titles), max_size=8))
@example(["Rocky II", "\ud800", "Rocky\ud800 II"])
def test_values_that_are_not_text_key_as_one_by_one(values):
    with read(in_bulk=True):
        assert title_keys(values) == [title_key(v) for v in values]
        assert clean_texts(values) == [clean_text(v) for v in values]


@SETTINGS
@given(st.lists(st.one_of(titles, st.none(), st.floats(), st.integers()), max_size=12))
@example(["Tom Cruise", " tom  CRUISE ", "O\\'Brien", "Jean-Luc\tPicard", "José Ferrer", "AmÃ©lie", "\x1cA\x00b"])
def test_names_keyed_in_bulk_are_keyed_as_one_by_one(values):
    with read(in_bulk=True):
        assert person_keys(values) == [person_key(v) for v in values]


def test_every_title_of_the_film_table_keys_alike_in_bulk(film_table):
    titles = film_table["title"].tolist()
    heads = [t.split(":")[0] for t in titles]
    assert title_keys(titles + heads) == [title_key(t) for t in titles + heads]


# ---------------------------------------------------------------- franchises

franchise_titles = st.lists(st.sampled_from(["Iron Man", "Rocky", "Toy Story", "Star Trek", "The", "Ocean's",
                                             "2", "3", "1", "0", "II", "III", "IV", "Part", "Episode", "Ep.",
                                             "Vol.", "Chapter", "Two", "Eleven", "Twelve", ":", "Nemesis", "&",
                                             "(2010)", "12", "99999999999999999999", "Brüno"]),
                            min_size=1, max_size=5).map(" ".join)
days = st.integers(0, 40).map(lambda k: pd.Timestamp("2000-01-01") + pd.Timedelta(days=365 * k))
history = st.lists(st.tuples(franchise_titles, days), min_size=1, max_size=12)
slate = st.lists(st.tuples(st.one_of(franchise_titles, titles, st.none()), st.one_of(days, st.none()),
                           st.one_of(st.none(), st.sampled_from(["", " ", "Iron Man", "the rocky", "Brüno"]))),
                 min_size=1, max_size=10)


def _films(rows):
    return pd.DataFrame({"title": pd.Series([r[0] for r in rows], dtype=object),
                         "release_date": pd.to_datetime(pd.Series([r[1] for r in rows], dtype=object)),
                         "franchise": pd.Series([r[2] if len(r) > 2 else None for r in rows], dtype=object)})


def _judged(films, known, *, in_bulk: bool):
    with read(in_bulk):
        keys, sequel = franchise_of(films, known)
    return keys.tolist(), sequel.tolist()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, slate)
def test_franchises_judged_in_bulk_are_judged_as_one_film_at_a_time(earlier, later):
    known = registry(_films(earlier))
    films = _films(later)
    alone = [_judged(films.iloc[[i]], known, in_bulk=False) for i in range(len(films))]
    one_by_one = _judged(films, known, in_bulk=False)
    assert one_by_one == ([keys[0] for keys, _ in alone], [sequel[0] for _, sequel in alone])
    assert _judged(films, known, in_bulk=True) == one_by_one
    assert _judged(films, franchise_index(known), in_bulk=True) == one_by_one


def test_the_film_tables_franchises_judged_in_bulk_are_judged_one_by_one(film_table):
    known = registry(film_table)
    assert _judged(film_table, known, in_bulk=True) == _judged(film_table, known, in_bulk=False)
    # as a slate after every film of the table, numbered like a new entry, some with a franchise said
    titles = film_table["title"].astype(object)
    numbered = [f"{t} {n % 5}" for n, t in enumerate(titles)]
    for title in (titles.tolist(), numbered):
        said = [t[:7] if n % 9 == 0 else None for n, t in enumerate(title)]
        later = _films([(t, pd.Timestamp("2030-01-01"), s) for t, s in zip(title, said)])
        assert _judged(later, known, in_bulk=True) == _judged(later, known, in_bulk=False)


def test_each_title_of_the_film_table_is_planned_alike_in_bulk(film_table):
    entries = franchise_index(registry(film_table))
    texts = sorted({clean_text(t) for t in film_table["title"]} - {""})
    texts += [f"{t} {n}" for n, t in enumerate(texts[::3])]
    alone = [franchises._plan(franchises._title(t), None, entries) for t in texts]
    assert [part.tolist() for part in franchises._bulk_plans(texts, entries)] == [list(p) for p in zip(*alone)]
    with read(in_bulk=False):
        numbered = franchises._maybe_numbered(texts)
    with read(in_bulk=True):
        assert franchises._maybe_numbered(texts) == numbered


# ---------------------------------------------------------------- names in a cell

NAME_PIECES = ["Tom Cruise", "Emily Blunt", "Penélope Cruz", "O\\'Brien", "O'Neil", "\\", "\\\\'", "|", ",", ";",
               " | ", "||", ", ,", "/", ".", "ab", "a", "b", "-", "Jr.", "ß", "AmÃ©lie", "\xa0", "\u2009", "\x85",
               "é", *SPACES]
cells = st.one_of(st.lists(st.sampled_from(NAME_PIECES), max_size=10).map("".join), st.text(max_size=30),
                  st.text(st.characters(max_codepoint=127), max_size=30))
separators = st.sampled_from(["|", ",", ";", "/", ".", "\\", "ab", "a|", "|,", ";;", "é", "é;", "*", "+", "(", "["])


@SETTINGS
@given(st.lists(st.one_of(cells, st.none()), max_size=12), separators)
@example(["a|b, c;d", "O\\\\'Brien |  Tom\tCruise", "", " | ", "Penélope Cruz|x"], ";")
def test_cells_split_in_bulk_split_as_one_by_one(cells, sep):
    with read(in_bulk=True):
        assert split_names_each(cells, sep) == [split_names(c, sep) for c in cells]


def test_every_cast_of_the_film_table_splits_alike_in_bulk(film_table):
    cells = ["|".join(cast) for cast in film_table["cast"]] + [", ".join(cast) for cast in film_table["directors"]]
    assert split_names_each(cells) == [split_names(c) for c in cells]


many_names = st.integers(0, MAX_CAST + 3).map(lambda n: "|".join(f"Name {i}" for i in range(n)))
ROW = st.fixed_dictionaries({"title": st.one_of(titles, cells), "budget_usd": st.sampled_from(["10m", "", "x"]),
                             "cast": st.one_of(cells, many_names), "directors": st.one_of(cells, many_names),
                             "franchise": st.one_of(titles, cells)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=8), st.sampled_from(["|", ";", "ab", "é"]))
def test_a_slate_read_in_bulk_reads_as_one_cell_at_a_time(rows, sep):
    frame = pd.DataFrame(rows, index=range(2, len(rows) + 2))
    mapping = mapped_csv.ColumnMapping(list_separator=sep)
    with read(in_bulk=False):
        one_by_one = mapped_csv.parse_rows(frame, mapping, mapped_csv.FORECAST_REQUIRED)
    with read(in_bulk=True):
        films, problems = mapped_csv.parse_rows(frame, mapping, mapped_csv.FORECAST_REQUIRED)
    pd.testing.assert_frame_equal(films, one_by_one[0])
    assert problems == one_by_one[1]
