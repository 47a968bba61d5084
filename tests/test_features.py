"""Features are pre-release only, and track records never see the film's own or later grosses."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boxoffice.features import FeatureBuilder, lever_of

POST_RELEASE = ("imdb", "score", "vote", "critic", "review", "facebook", "likes", "opening", "rotten", "dvd")


def test_feature_names_are_pre_release_only(film_table):
    names = FeatureBuilder().fit(film_table).feature_names_
    assert not [n for n in names if any(word in n.lower() for word in POST_RELEASE)]
    assert "log_budget" in names and "lead_mean_log_gross" in names


@pytest.mark.parametrize("cutoff", ["2009-12-18", "2005-07-01", "2012-06-01"])
def test_changing_this_or_later_grosses_changes_no_feature(film_table, cutoff):
    """The no-leak proof: scramble the grosses of every film released on or after a date
    (the film itself included); the features of every film up to that date stay the same."""
    cutoff = pd.Timestamp(cutoff)
    scrambled = film_table.copy()
    later = (scrambled["release_date"] >= cutoff).to_numpy()
    rng = np.random.default_rng(0)
    for col in ("worldwide_gross_usd_2012", "domestic_gross_usd_2012", "worldwide_gross_usd", "domestic_gross_usd"):
        scrambled.loc[later, col] = scrambled.loc[later, col] * rng.uniform(0.01, 100, later.sum())
    up_to = (film_table["release_date"] <= cutoff).to_numpy()
    before = FeatureBuilder().fit(film_table).transform(film_table[up_to])
    after = FeatureBuilder().fit(scrambled).transform(scrambled[up_to])
    pd.testing.assert_frame_equal(before, after)
    # and the scrambling did reach the films at the cutoff date and later
    changed = FeatureBuilder().fit(scrambled).transform(scrambled[~up_to])
    assert not changed.equals(FeatureBuilder().fit(film_table).transform(film_table[~up_to]))


def test_track_record_counts_only_earlier_films(film_table):
    builder = FeatureBuilder().fit(film_table)
    avatar = film_table[(film_table["title"] == "Avatar") & (film_table["year"] == 2009)]
    features = builder.transform(avatar).iloc[0]
    cameron = film_table[film_table["directors"].map(lambda d: "James Cameron" in d)
                         & film_table["worldwide_gross_usd"].notna()]
    earlier = cameron[cameron["release_date"] < avatar["release_date"].iloc[0]]
    assert features["director_n"] == len(earlier)
    assert features["director_mean_log_gross"] == pytest.approx(np.log(earlier["worldwide_gross_usd_2012"]).mean())


def test_newcomer_has_no_record_and_a_film_of_one_row_works(film_table):
    builder = FeatureBuilder().fit(film_table)
    film = pd.DataFrame({"release_date": [pd.Timestamp("2027-07-16")], "budget_usd": [150e6], "genres": [["Action"]],
                         "cast": [["Nobody Known At All"]], "directors": [[]], "distributor": [None]})
    row = builder.transform(film).iloc[0]
    assert row["lead_n"] == 0 and np.isnan(row["lead_mean_log_gross"])
    assert row["genre_action"] == 1.0


def test_unsaid_fields_take_typical_values_for_the_budget(film_table):
    builder = FeatureBuilder().fit(film_table)
    film = pd.DataFrame({"release_date": [pd.Timestamp("2027-07-16")], "budget_usd": [150e6], "genres": [["Action"]]})
    raw = builder.transform(film).iloc[0]
    filled = builder.transform(film, fill_unspecified=True).iloc[0]
    assert np.isnan(raw["runtime_min"]) and filled["runtime_min"] > 60
    assert raw["lead_n"] == 0 and filled["lead_n"] > 0


def test_every_feature_belongs_to_a_lever(film_table):
    names = FeatureBuilder().fit(film_table).feature_names_
    assert {n: lever_of(n) for n in names if lever_of(n) == "other"} == {}
