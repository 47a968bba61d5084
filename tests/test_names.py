"""Normalised names: the same film, studio or genre written differently meets itself."""
from __future__ import annotations

import pytest

from boxoffice.errors import InputError
from boxoffice.names import (
    canonical_genres,
    clean_text,
    distributor_aliases,
    fix_mojibake,
    genre_aliases,
    known_genres,
    person_key,
    split_list,
    title_key,
)

# ---------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fast & Furious", "Fast and Furious"),  # "&" / "and"
        ("Salt&Pepper", "Salt and Pepper"),
        ("The Avengers", "Avengers"),  # leading article
        ("A Knight's Tale", "Knight's Tale"),
        ("Alice in Wonderland (2010)", "Alice in Wonderland"),  # trailing year
        ("Rocky II", "Rocky 2"),  # roman numerals
        ("Star Wars Ep. IV: A New Hope", "Star Wars: Episode 4 - A New Hope"),
        ("Harry Potter and the Deathly Hallows: Part I", "Harry Potter and the Deathly Hallows Pt. 1"),
        ("THE DARK KNIGHT", "the dark knight"),  # case
        ("Avatar\xa0", "Avatar"),  # IMDb's trailing no-break space
        ("Mission: Impossible—Ghost Protocol", "Mission: Impossible - Ghost Protocol"),  # a dash separates words
        ("Alien vs. Predator", "Alien Vs Predator"),
    ],
)
def test_the_same_title_written_two_ways_has_one_key(a, b):
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Scary Movie 2", "Scary Movie"),
        ("Rocky II", "Rocky III"),
        ("The Avengers", "The Avengers 2"),
        ("Alien", "Aliens"),
    ],
)
def test_different_titles_keep_different_keys(a, b):
    assert title_key(a) != title_key(b)


def test_a_title_that_is_only_an_article_keeps_it():
    assert title_key("The") == "the"


def test_title_key_reads_like_the_title():
    assert title_key("The Fast & the Furious (2001)") == "fast and furious"


@pytest.mark.parametrize(
    ("mangled", "proper"),
    [
        ("AmÃ©lie", "Amélie"),  # UTF-8 read as Latin-1, as in The Numbers' file
        ("BrÃ¼no", "Brüno"),
        ("Pirates of the Caribbean: At Worldâ\x80\x99s End", "Pirates of the Caribbean: At World’s End"),
        ("The Naked Gun 2Â½: The Smell of Fear", "The Naked Gun 2½: The Smell of Fear"),
        ("DÃ©jÃ Vu", "Déjà Vu"),  # the no-break space after "Ã" was lost on the way
        ("L'aldilÃ", "L'aldilà"),
        ("é\x95·æ±\x9fä¸\x83è\x99\x9f (CJ7)", "長江七號 (CJ7)"),
    ],
)
def test_mojibake_is_repaired(mangled, proper):
    assert fix_mojibake(mangled) == proper
    assert title_key(mangled) == title_key(proper)


@pytest.mark.parametrize("text", ["Amélie", "Les Misérables", "Æon Flux", "9½ Weeks", "WALL·E", "Alien³", "Plain"])
def test_proper_text_is_left_alone(text):
    assert fix_mojibake(text) == text


def test_accents_fold_for_titles_and_people():
    assert title_key("Brüno") == title_key("Bruno")
    assert person_key("Penélope Cruz") == person_key("penelope  cruz")


def test_clean_text_and_lists():
    assert clean_text("  Avatar\xa0 ") == "Avatar"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""
    assert split_list("Action|Adventure| |") == ["Action", "Adventure"]
    assert split_list(["Lena Marsh", " "]) == ["Lena Marsh"]
    assert split_list(None) == []


# ---------------------------------------------------------------- genres


def test_science_fiction_written_three_ways_is_one_genre():
    assert canonical_genres("Sci-Fi") == canonical_genres("Science Fiction") == canonical_genres("scifi") == ["Sci-Fi"]


def test_genre_lists_are_split_mapped_and_deduplicated():
    assert canonical_genres("Action|science fiction|Sci-Fi") == ["Action", "Sci-Fi"]
    assert canonical_genres("Romantic Comedy") == ["Comedy", "Romance"]


def test_unknown_genre_passes_through_or_is_refused_when_strict():
    assert canonical_genres("mumblecore") == ["Mumblecore"]
    with pytest.raises(InputError) as caught:
        canonical_genres("mumblecore", strict=True)
    assert "Sci-Fi" in str(caught.value)  # the hint lists the known genres
    assert "Sci-Fi" in known_genres()


def test_a_users_genre_aliases_extend_the_table(tmp_path):
    extra = tmp_path / "genres.csv"
    extra.write_text("# alias,genre\nmumblecore,Drama\nspace opera,Sci-Fi|Adventure\n", encoding="utf-8")
    table = genre_aliases(extra)
    assert canonical_genres("Mumblecore", table) == ["Drama"]
    assert canonical_genres("Space Opera", table) == ["Sci-Fi", "Adventure"]
    assert canonical_genres("scifi", table) == ["Sci-Fi"]  # packaged aliases still apply
    assert canonical_genres("mumblecore") == ["Mumblecore"]  # and the packaged table is untouched


# ---------------------------------------------------------------- distributors


def test_disney_written_four_ways_is_one_distributor():
    table = distributor_aliases()
    names = {table.canonical(n) for n in ("BV", "Buena Vista", "Walt Disney Pictures", "Disney")}
    assert len(names) == 1


def test_box_office_mojo_codes_map_to_studios():
    table = distributor_aliases()
    assert table.canonical("WB (NL)") == table.canonical("New Line Cinema") == "New Line"
    assert table.canonical("WB") == table.canonical("Warner Bros.")
    assert table.canonical("Fox") == "20th Century Fox"
    assert table.canonical("LGF") == table.canonical("Lionsgate")


def test_unknown_distributor_passes_through_cleaned_and_blank_is_none():
    table = distributor_aliases()
    assert table.canonical("  Tiny Films\xa0") == "Tiny Films"
    assert table.canonical("") is None and table.canonical(None) is None


def test_a_users_distributor_aliases_extend_the_table(tmp_path):
    extra = tmp_path / "studios.csv"
    extra.write_text("Sony Pictures Releasing,Sony Pictures\nA24 Films,A24\n", encoding="utf-8")
    table = distributor_aliases(extra)
    assert table.canonical("Sony Pictures Releasing") == table.canonical("Columbia") == "Sony Pictures"
    assert table.canonical("a24 films") == "A24"
    assert table.canonical("BV") == distributor_aliases().canonical("Disney")
    assert distributor_aliases().canonical("A24 Films") == "A24 Films"  # packaged table untouched


@pytest.mark.parametrize("content", [b"just one column\n", b"a,b,c\n", b"caf\xe9,Caf\xe9 Films\n"])
def test_a_broken_alias_file_is_an_input_error_naming_it(tmp_path, content):
    extra = tmp_path / "studios.csv"
    extra.write_bytes(content)
    with pytest.raises(InputError, match="studios.csv"):
        distributor_aliases(extra)


def test_a_missing_alias_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="nope.csv"):
        distributor_aliases(tmp_path / "nope.csv")
