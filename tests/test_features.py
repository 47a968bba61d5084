"""Features are pre-release only, and track records never see the film's own or later grosses."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boxoffice.model.features import FeatureBuilder, lever_of
from boxoffice.model.record_features import NO_RECORD
from boxoffice.model.forecaster import trainable

POST_RELEASE = ("imdb", "score", "vote", "critic", "review", "facebook", "likes", "opening", "rotten", "dvd")


def test_feature_names_are_pre_release_only(film_table):
    names = FeatureBuilder().fit(film_table).feature_names_
    assert not [n for n in names if any(word in n.lower() for word in POST_RELEASE)]
    assert "log_budget" in names and "cast_best_log_gross" in names


def test_no_feature_reads_the_order_of_the_cast(film_table):
    """IMDB 5000's actor_1..3 are sorted by Facebook likes in 2016, not billed: no feature may tell
    a "lead" from the others, and none counts the names listed (how complete the film's record is)."""
    names = FeatureBuilder().fit(film_table).feature_names_
    assert not [n for n in names if n.startswith("lead_") or n == "cast_listed"]
    reversed_cast = film_table.assign(cast=film_table["cast"].map(lambda c: list(c)[::-1]))
    pd.testing.assert_frame_equal(FeatureBuilder().fit(film_table).transform(film_table),
                                  FeatureBuilder().fit(reversed_cast).transform(reversed_cast))


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
    assert {"cast_best_log_gross", "distributor_mean_log_gross", "distributor_recent_mean_log_gross"} <= set(before)
    pd.testing.assert_frame_equal(before, after)
    # and the scrambling did reach the films at the cutoff date and later
    changed = FeatureBuilder().fit(scrambled).transform(scrambled[~up_to])
    assert not changed.equals(FeatureBuilder().fit(film_table).transform(film_table[~up_to]))


@pytest.mark.parametrize("cutoff", ["2005-07-01", "2011-01-01"])
def test_later_films_change_no_track_record(film_table, cutoff):
    """Counts leak through which films exist, not their grosses: drop every film released on or
    after a date and no track record of a film before it changes (recent windows included)."""
    earlier = film_table[(film_table["release_date"] < pd.Timestamp(cutoff)).to_numpy()]
    films = trainable(earlier)
    records = [c for c in FeatureBuilder().fit(film_table).feature_names_
               if c.startswith(("director_", "cast_", "distributor_")) and c != "distributor"]
    assert {"distributor_recent_n", "distributor_recent_mean_log_gross"} <= set(records)
    pd.testing.assert_frame_equal(FeatureBuilder().fit(film_table).transform(films)[records],
                                  FeatureBuilder().fit(earlier).transform(films)[records])


def _films(*rows, cast=None, credited=None):
    """A small film table: one (title, release date, distributor, worldwide gross in $M) per film,
    each a $10M drama with no director; ``cast`` and ``credited`` (Wikidata's credits) map a title to names."""
    titles, dates, distributors, grosses = zip(*rows)
    n = len(rows)
    return pd.DataFrame({
        "title": list(titles), "release_date": pd.to_datetime(list(dates)), "genres": [["Drama"]] * n,
        "budget_usd": 10e6, "budget_usd_2012": 10e6, "worldwide_gross_usd": np.array(grosses) * 1e6,
        "worldwide_gross_usd_2012": np.array(grosses) * 1e6,
        "cast": [list((cast or {}).get(t, [])) for t in titles], "directors": [[]] * n,
        "credited_cast": [list((credited or {}).get(t, [])) for t in titles], "credited_directors": [[]] * n,
        "distributor": list(distributors), "mpaa_rating": None, "country": None, "language": None,
        "runtime_min": np.nan, "sequel": False})


def test_distributor_recent_record_sees_only_its_last_years():
    history = _films(("Old", "2000-01-07", "Alpha", 10), ("Mid", "2003-06-06", "Alpha", 20),
                     ("Twin A", "2005-01-07", "Alpha", 40), ("Twin B", "2005-01-07", "Alpha", 80),
                     ("Rival", "2004-05-05", "Beta", 30))
    builder = FeatureBuilder().fit(history)
    X = builder.transform(history).set_axis(history["title"])
    # a twin sees 'Mid' (within 3 years), not 'Old' (too early), its same-day twin or Beta's film
    assert X.loc["Twin A", "distributor_recent_n"] == X.loc["Twin B", "distributor_recent_n"] == 1
    assert X.loc["Twin A", "distributor_recent_mean_log_gross"] == pytest.approx(np.log(20e6))
    assert X.loc["Twin A", "distributor_n"] == 2  # the all-time record still counts 'Old'
    assert X.loc["Old", "distributor_recent_n"] == 0 and X.loc["Old", "distributor_recent_mean_log_gross"] == NO_RECORD[1]
    assert X.loc["Rival", "distributor_recent_n"] == 0

    later = builder.transform(_films(("Next", "2006-03-01", "Alpha", 1))).iloc[0]
    assert later["distributor_recent_n"] == 3
    assert later["distributor_recent_mean_log_gross"] == pytest.approx(np.log([20e6, 40e6, 80e6]).mean())


def test_a_film_years_after_the_data_sees_the_distributors_latest_years():
    """For a film forecast beyond the data, the window ends with the data, not empty before its date."""
    history = _films(("Old", "2000-01-07", "Alpha", 10), ("Mid", "2003-06-06", "Alpha", 20),
                     ("New", "2005-01-07", "Alpha", 40))
    builder = FeatureBuilder().fit(history)
    far = builder.transform(_films(("Sequel", "2030-07-16", "Alpha", 1), ("Debut", "2030-07-16", "Gamma", 1)))
    assert far["distributor_recent_n"].tolist() == [2, 0]
    assert far.loc[0, "distributor_n"] == 3


def test_a_career_does_not_fade_because_the_data_stops():
    """Years since a distributor's (or a person's) last film stop growing at the data's end: a film
    forecast for 2030 sees the same record as one released the day after the last film."""
    history = _films(("Old", "2000-01-07", "Alpha", 10), ("New", "2005-01-07", "Alpha", 40))
    builder = FeatureBuilder().fit(history)
    soon, far = builder.transform(_films(("Soon", "2005-01-08", "Alpha", 1), ("Far", "2030-07-16", "Alpha", 1))).to_dict("records")
    assert far["distributor_n"] == soon["distributor_n"] == 2
    records = builder.talent_.records_as_of(["distributor:alpha"] * 2, ["2005-01-08", "2030-07-16"])
    assert records["years_since_last"].tolist() == pytest.approx([1 / 365.25, 1 / 365.25])
    within = builder.talent_.records_as_of(["distributor:alpha"], ["2004-01-07"])  # inside the data: as before
    assert within["years_since_last"].iloc[0] == pytest.approx((pd.Timestamp("2004-01-07") - pd.Timestamp("2000-01-07")).days / 365.25)


def test_a_described_film_gets_its_distributors_recent_record(film_table):
    from boxoffice.table.film import films_frame, make_film

    builder = FeatureBuilder().fit(film_table)
    busy, unknown, unsaid = (make_film(genres="action", budget="150m", release_date="2027-07-16", **extra)
                             for extra in ({"distributor": "Warner Bros."}, {"distributor": "Tiny Unknown Pictures"}, {}))
    X = builder.transform(films_frame([busy, unknown, unsaid]), fill_unspecified=True)
    assert X.loc[0, "distributor_recent_n"] > 10
    assert X.loc[1, "distributor_recent_n"] == 0 and X.loc[1, "distributor_recent_mean_log_gross"] == NO_RECORD[1]
    assert X.loc[2, "distributor_recent_n"] > 0  # unsaid: a typical distributor for the budget


def test_rows_sharing_one_list_get_the_features_of_rows_with_their_own(film_table):
    """Lists shared between rows (a slate's repeated cell, a film's copies) are read once: the
    features are those of the same rows each holding a copy of its own."""
    import copy

    builder = FeatureBuilder().fit(film_table)
    sample = film_table.sample(300, random_state=4).reset_index(drop=True)
    shared = pd.concat([sample] * 3, ignore_index=True)  # each list object three times
    shared["release_date"] = pd.Timestamp("2027-01-01") + pd.to_timedelta(np.arange(900) % 7, unit="D")
    own = shared.copy()
    for column in ("genres", "cast", "directors"):
        own[column] = [copy.copy(v) for v in own[column]]
    pd.testing.assert_frame_equal(builder.transform(shared), builder.transform(own))


def test_films_after_the_data_read_their_records_once_and_get_each_dates_own(film_table):
    """Every date past the data's end reads the same records, so a slate's repeated films are looked up
    once for all such dates: the features are those each film gets alone, on either side of the end."""
    builder = FeatureBuilder().fit(film_table)
    end = film_table["release_date"].max()
    sample = pd.concat([film_table.sample(20, random_state=5)] * 4, ignore_index=True)
    offsets = np.array([-400, 0, 1, 2, 30, 4000, -1, 9000] * 10)
    sample["release_date"] = end + pd.to_timedelta(offsets, unit="D")
    together = builder.transform(sample)
    alone = pd.concat([builder.transform(sample.iloc[[i]].reset_index(drop=True)) for i in range(len(sample))],
                      ignore_index=True)
    records = [c for c in together.columns if c.startswith(("cast_", "director_", "distributor_"))]
    pd.testing.assert_frame_equal(together[records], alone[records])


def test_names_looked_up_in_bulk_get_the_ids_of_one_by_one(film_table, monkeypatch):
    """Many names are looked up in the index by pandas' hash table, a few by the dict: the same records."""
    from boxoffice.model import track_records

    builder = FeatureBuilder().fit(film_table)
    sample = film_table.sample(400, random_state=6).reset_index(drop=True)
    monkeypatch.setattr(track_records, "BULK", 10 ** 9)
    by_dict = builder.transform(sample)
    monkeypatch.setattr(track_records, "BULK", 0)
    builder.talent_._id_index = None
    pd.testing.assert_frame_equal(builder.transform(sample), by_dict)


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
    assert row["cast_known"] == 0 and row["cast_best_log_gross"] == NO_RECORD[1]  # no record: the weakest
    assert row["genre_action"] == 1.0


def test_unsaid_fields_take_typical_values_for_the_budget(film_table):
    builder = FeatureBuilder().fit(film_table)
    film = pd.DataFrame({"release_date": [pd.Timestamp("2027-07-16")], "budget_usd": [150e6], "genres": [["Action"]]})
    raw = builder.transform(film).iloc[0]
    filled = builder.transform(film, fill_unspecified=True).iloc[0]
    assert np.isnan(raw["runtime_min"]) and filled["runtime_min"] > 60
    assert raw["cast_known"] == 0 and filled["cast_known"] > 0


def test_every_feature_belongs_to_a_lever(film_table):
    names = FeatureBuilder().fit(film_table).feature_names_
    assert {n: lever_of(n) for n in names if lever_of(n) == "other"} == {}


# ---------------------------------------------------------------- Wikidata's credits: later films only


def test_wikidata_credits_count_for_later_films_never_for_the_film_itself():
    """How complete a film's Wikidata record is reflects how famous it became: adding or removing its
    credits changes none of its own features, only those of its people's later films."""
    rows = [("Early Hit", "2001-05-04", "Alpha", 300), ("Big Film", "2004-06-04", "Alpha", 100),
            ("Later Film", "2008-03-07", "Alpha", 20)]
    cast = {"Big Film": ["Ann Lead"], "Later Film": ["Bo Extra", "Cy Bit"]}
    full = {"Early Hit": ["Ann Lead", "Cy Bit"], "Big Film": ["Ann Lead", "Bo Extra", "Cy Bit", "Di Walkon"]}
    variants = {"full": full, "none": full | {"Big Film": []},  # only Big Film's own record varies
                "padded": full | {"Big Film": full["Big Film"] + [f"Extra {i}" for i in range(40)]}}
    X = {name: FeatureBuilder().fit(_films(*rows, cast=cast, credited=c)).transform(_films(*rows, cast=cast, credited=c))
         .set_axis(["Early Hit", "Big Film", "Later Film"]) for name, c in variants.items()}
    for name in ("none", "padded"):
        pd.testing.assert_series_equal(X["full"].loc["Big Film"], X[name].loc["Big Film"], check_names=False)
    # Bo Extra and Cy Bit appear in Big Film's credits only (and Cy Bit in Early Hit's): Later Film sees them
    assert X["full"].loc["Later Film", "cast_known"] == 2 and X["full"].loc["Later Film", "cast_total_films"] == 3
    assert X["none"].loc["Later Film", "cast_known"] == 1 and X["none"].loc["Later Film", "cast_total_films"] == 1
    # and a credit counts once even when both sources name the person (Ann Lead in Big Film)
    assert FeatureBuilder().fit(_films(*rows, cast=cast, credited=full)).talent_.records_as_of(
        ["cast:ann lead"], [np.datetime64("2009-01-01")])["n"].iloc[0] == 2


@pytest.mark.parametrize("cutoff", ["2005-07-01", "2011-01-01"])
def test_credits_of_films_from_a_date_on_change_no_feature_up_to_it(film_table, cutoff):
    """On the public data: strip or pad the Wikidata credits of every film released on or after a
    date (the films of that date included); no feature of any film up to that date moves."""
    cutoff = pd.Timestamp(cutoff)
    later = (film_table["release_date"] >= cutoff).to_numpy()
    up_to = (film_table["release_date"] <= cutoff).to_numpy()
    assert (film_table.loc[later, "credited_cast"].map(len) > 0).sum() > 300
    stripped, padded = film_table.copy(), film_table.copy()
    for column in ("credited_cast", "credited_directors"):
        stripped.loc[later, column] = pd.Series([[]] * later.sum(), index=stripped.index[later])
        padded.loc[later, column] = film_table.loc[later, column].map(lambda names: list(names) + ["Tom Hanks", "Pad Name"])
    base = FeatureBuilder().fit(film_table).transform(film_table[up_to])
    for changed in (stripped, padded):
        pd.testing.assert_frame_equal(base, FeatureBuilder().fit(changed).transform(changed[up_to]))
    # the change does reach later films
    assert not FeatureBuilder().fit(stripped).transform(stripped[~up_to]).equals(
        FeatureBuilder().fit(film_table).transform(film_table[~up_to]))


# ---------------------------------------------------------------- a blank distributor


def test_a_blank_distributor_is_a_value_of_its_own():
    """No source names a distributor mostly for small releases: the model sees blank as its own value,
    neither 'unknown' (NaN) nor pooled with rare distributors ('other'); a blank slate cell is that
    value, and a distributor the model never saw is pooled with the rare ones."""
    from boxoffice.model.features import FeatureConfig

    rows = [(f"Wide {i}", f"2005-{1 + i % 12:02d}-07", "Alpha", 200) for i in range(20)]
    rows += [(f"Small {i}", f"2006-{1 + i % 12:02d}-07", None, 1) for i in range(20)]
    rows += [("Rare", "2007-01-05", "Tiny Pictures", 5)]
    history = _films(*rows)
    off = FeatureBuilder(FeatureConfig(blank_distributor=False)).fit(history)
    assert np.isnan(off.transform(history)["distributor"].iloc[-2])  # switched off: unknown
    builder = FeatureBuilder().fit(history)
    X = builder.transform(history).set_axis(history["title"])
    alpha, blank, rare = X.loc["Wide 0", "distributor"], X.loc["Small 0", "distributor"], X.loc["Rare", "distributor"]
    assert not np.isnan(blank) and len({alpha, blank, rare}) == 3
    new = _films(("Slate blank", "2010-01-08", None, 1), ("Slate rare", "2010-01-08", "Tiny Pictures", 1),
                 ("Slate blank text", "2010-01-08", "", 1), ("Slate new", "2010-01-08", "Never Heard Of Co", 1))
    coded = builder.transform(new)["distributor"].tolist()
    assert coded == [blank, rare, blank, rare]  # a distributor never seen: a newcomer, pooled with the rare ones
    # a distributor left unsaid still takes a typical distributor, not 'blank'
    unsaid = builder.transform(new.drop(columns=["distributor"]), fill_unspecified=True)
    assert unsaid["distributor"].tolist() == [alpha] * 4


def test_one_factorization_codes_and_blanks_as_the_two_rules_do():
    """``codes_and_blanks`` is ``codes_in`` and ``blank_mask`` of the same values, on every kind of cell."""
    from boxoffice.model.columns import blank_mask, codes_and_blanks, codes_in

    cells = ["Warner Bros.", "", None, float("nan"), pd.NA, " ", "Paramount", 5.0, np.str_(""), "warner bros."]
    values = np.array([cells[i] for i in np.random.default_rng(0).integers(0, len(cells), 500)], dtype=object)
    code_of = {"Warner Bros.": 0, "Paramount": 1}
    coded, blank = codes_and_blanks(values, code_of)
    assert coded.tolist() == codes_in(values, code_of).tolist()
    assert coded.tolist() == [-1 if pd.isna(v) else code_of.get(v, -1) for v in values]  # one value at a time
    assert blank.tolist() == blank_mask(values).tolist()
