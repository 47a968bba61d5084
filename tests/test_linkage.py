"""Record linkage: rows of two sources that are the same film, and only those."""
from __future__ import annotations

import pandas as pd
import pytest

from boxoffice.names import title_key
from boxoffice.sources.linkage import LinkageConfig, link


def films(*rows: tuple[str, int]) -> pd.DataFrame:
    """A source's rows as linkage sees them: title, its key, year."""
    return pd.DataFrame({
        "title": [t for t, _ in rows],
        "title_key": [title_key(t) for t, _ in rows],
        "year": [y for _, y in rows],
    })


def linked_titles(left: pd.DataFrame, right: pd.DataFrame, config: LinkageConfig = LinkageConfig()):
    """{(left title, left year): (right title, right year)} for every pair ``link`` returns."""
    pairs = link(left, right, config)
    return {
        (left.loc[p.left, "title"], left.loc[p.left, "year"]): (right.loc[p.right, "title"], right.loc[p.right, "year"])
        for p in pairs.itertuples(index=False)
    }


def test_the_same_film_in_two_sources_links():
    left = films(("Avatar", 2009), ("The Dark Knight", 2008))
    right = films(("Avatar\xa0", 2009), ("The Dark Knight", 2008))
    pairs = link(left, right)
    assert sorted(zip(pairs["left"], pairs["right"])) == [(0, 0), (1, 1)]
    assert set(pairs["method"]) == {"exact"}
    assert list(pairs.columns) == ["left", "right", "method"]


def test_remakes_with_the_same_title_never_merge():
    left = films(("Total Recall", 1990), ("Total Recall", 2012))
    right = films(("Total Recall", 2012), ("Total Recall", 1990))
    assert linked_titles(left, right) == {
        ("Total Recall", 1990): ("Total Recall", 1990),
        ("Total Recall", 2012): ("Total Recall", 2012),
    }


def test_a_remake_missing_from_one_source_does_not_take_the_original():
    left = films(("Clash of the Titans", 2010))
    right = films(("Clash of the Titans", 1981))
    assert link(left, right).empty


def test_year_off_by_one_links():
    # IMDb's title_year is sometimes the production year, a year before release
    assert linked_titles(films(("Harbor Lights", 2004)), films(("Harbor Lights", 2003))) == {
        ("Harbor Lights", 2004): ("Harbor Lights", 2003)
    }


def test_year_off_by_two_does_not_link():
    assert link(films(("Harbor Lights", 2004)), films(("Harbor Lights", 2002))).empty


def test_the_year_tolerance_is_configurable():
    strict = LinkageConfig(year_tolerance=0)
    assert link(films(("Harbor Lights", 2004)), films(("Harbor Lights", 2003)), strict).empty


def test_the_closest_year_wins_when_two_candidates_fit():
    left = films(("Crash", 2005))
    right = films(("Crash", 2004), ("Crash", 2005))
    assert linked_titles(left, right) == {("Crash", 2005): ("Crash", 2005)}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fast & Furious", "Fast and Furious"),
        ("The Avengers", "Avengers"),
        ("Alice in Wonderland (2010)", "Alice in Wonderland"),
        ("Rocky II", "Rocky 2"),
    ],
)
def test_titles_written_differently_link(a, b):
    assert len(link(films((a, 2010)), films((b, 2010)))) == 1


def test_numbered_sequels_never_link_to_the_original():
    left = films(("Scary Movie", 2000), ("Scary Movie 2", 2001))
    right = films(("Scary Movie 2", 2001))
    assert linked_titles(left, right) == {("Scary Movie 2", 2001): ("Scary Movie 2", 2001)}
    assert link(films(("Scary Movie", 2001)), films(("Scary Movie 2", 2001))).empty
    assert link(films(("Scary Movie 2", 2001)), films(("Scary Movie", 2001))).empty


def test_a_possessive_added_on_one_side_links_by_the_fuzzy_pass():
    pairs = link(films(("Tyler Perry's Madea Goes to Jail", 2009)), films(("Madea Goes to Jail", 2009)))
    assert list(pairs["method"]) == ["fuzzy"]


def test_the_fuzzy_pass_keeps_to_the_same_year_for_added_words():
    assert link(films(("Tyler Perry's Madea Goes to Jail", 2009)), films(("Madea Goes to Jail", 2010))).empty


def test_a_one_word_title_is_not_found_inside_a_longer_one():
    # "Avengers" is in "Marvel's The Avengers", but one word is too little evidence
    assert link(films(("Marvel's The Avengers", 2012)), films(("The Avengers", 2012))).empty


def test_each_row_is_used_at_most_once():
    left = films(("Harbor Lights", 2004), ("Harbor Lights", 2004), ("Salt and Pepper", 2004))
    right = films(("Harbor Lights", 2004), ("Salt & Pepper", 2004), ("Salt & Pepper", 2005))
    pairs = link(left, right)
    assert not pairs["left"].duplicated().any()
    assert not pairs["right"].duplicated().any()
    assert len(pairs) == 2


def test_nothing_in_common_gives_no_pairs():
    pairs = link(films(("Harbor Lights", 2004)), films(("Paper Moons", 2004)))
    assert pairs.empty and list(pairs.columns) == ["left", "right", "method"]
