"""Record linkage: rows of two sources that are the same film, and only those."""
from __future__ import annotations

import pandas as pd
import pytest

from boxoffice.names import title_key
from boxoffice.table.linkage import LinkageConfig, link


def films(*rows: tuple[str, int]) -> pd.DataFrame:
    """A source's rows as linkage sees them: title, its key, year."""
    return pd.DataFrame({
        "title": [t for t, _ in rows],
        "title_key": [title_key(t) for t, _ in rows],
        "year": [y for _, y in rows],
    })


def linked_titles(left: pd.DataFrame, right: pd.DataFrame, config: LinkageConfig = LinkageConfig(), **options):
    """{(left title, left year): (right title, right year)} for every pair ``link`` returns."""
    pairs = link(left, right, config, **options)
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


# ---------------------------------------------------------------- the figures pass: another title, the same figures


def figured(*rows: tuple) -> pd.DataFrame:
    """Rows of (title, year, budget, domestic gross, worldwide gross), USD; None for a figure not given."""
    frame = films(*[(t, y) for t, y, *_ in rows])
    for i, column in enumerate(("budget_usd", "domestic_gross_usd", "worldwide_gross_usd"), start=2):
        frame[column] = [float("nan") if r[i] is None else float(r[i]) for r in rows]
    return frame


HARBOR = ("Harbor Lights", 2004, 29_000_000, 57_141_459, 168_841_459)


def test_a_film_under_another_title_links_by_its_figures():
    left = figured(HARBOR, ("Paper Moons", 2004, 12_000_000, 3_456_789, 9_876_543))
    right = figured(("Lights Over the Harbour", 2004, 29_000_000, 57_141_459, 168_841_459))
    assert linked_titles(left, right, by_figures=True) == {("Harbor Lights", 2004): ("Lights Over the Harbour", 2004)}
    assert list(link(left, right, by_figures=True)["method"]) == ["figures"]


def test_the_figures_pass_is_asked_for():
    right = figured(("Lights Over the Harbour", 2004, 29_000_000, 57_141_459, 168_841_459))
    assert link(figured(HARBOR), right).empty


def test_one_gross_to_the_dollar_and_the_budget_are_enough():
    # a year apart, worldwide gross revised in one source, the budget rounded differently
    right = figured(("Lights Over the Harbour", 2005, 28_000_000, 57_141_459, 190_000_001))
    assert len(link(figured(HARBOR), right, by_figures=True)) == 1


def test_different_budgets_do_not_link_even_with_the_same_grosses():
    right = figured(("Lights Over the Harbour", 2004, 45_000_000, 57_141_459, 168_841_459))
    assert link(figured(HARBOR), right, by_figures=True).empty


def test_grosses_only_close_are_no_evidence():
    # two different films: the same round budget, grosses a fraction of a percent apart
    left = figured(("Harbor Lights", 2001, 60_000_000, 93_375_151, 200_700_000))
    right = figured(("Paper Moons", 2002, 60_000_000, 93_354_918, 199_043_309))
    assert link(left, right, by_figures=True).empty


def test_a_round_gross_is_no_evidence():
    left = figured(("Harbor Lights", 1984, 2_000_000, 5_000_000, None))
    right = figured(("Paper Moons", 1984, 2_000_000, 5_000_000, None))
    assert link(left, right, by_figures=True).empty


def test_figures_two_years_apart_do_not_link():
    right = figured(("Lights Over the Harbour", 2006, 29_000_000, 57_141_459, 168_841_459))
    assert link(figured(HARBOR), right, by_figures=True).empty


def test_without_a_budget_or_a_gross_nothing_links():
    no_budget = figured(("Lights Over the Harbour", 2004, None, 57_141_459, 168_841_459))
    no_gross = figured(("Lights Over the Harbour", 2004, 29_000_000, None, None))
    assert link(figured(HARBOR), no_budget, by_figures=True).empty
    assert link(figured(HARBOR), no_gross, by_figures=True).empty


def test_one_to_many_by_figures_links_none():
    twins = figured(HARBOR, ("Harbor Lights Redux", 2005, 29_500_000, 57_141_459, None))
    one = figured(("Lights Over the Harbour", 2004, 29_000_000, 57_141_459, 168_841_459))
    assert link(twins, one, by_figures=True).empty  # two candidates on the left
    assert link(one, twins, by_figures=True).empty  # two candidates on the right


def test_the_figures_pass_only_sees_rows_the_title_passes_left():
    left = figured(HARBOR)
    right = figured(HARBOR, ("Lights Over the Harbour", 2004, 29_000_000, 57_141_459, 168_841_459))
    pairs = link(left, right, by_figures=True)
    assert list(zip(pairs["left"], pairs["right"], pairs["method"])) == [(0, 0, "exact")]
