"""Coherent forecasts: a stronger track record, all else equal, never gives less gross (P10, P50, P90),
at any date, with every field given or with fields open (mixed over comparable films)."""
from __future__ import annotations

import numpy as np
import pytest

from boxoffice.model.record_features import monotone_directions
from boxoffice.table.film import films_frame, make_film

QUANTILES = ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p10", "domestic_p50", "domestic_p90")
DATES = ("2005-06-03", "2012-06-01", "2027-06-04")


def _forecasts(forecaster, **given):
    films = [make_film(release_date=date, **given, **cast) for date in DATES
             for cast in ({"cast": "Newcomer Nobody", "director": "Jane Unheard"},
                          {"cast": "Newcomer Nobody", "director": "Steven Spielberg"},
                          {"cast": "Tom Cruise", "director": "Steven Spielberg"},
                          {"cast": "Tom Cruise, Newcomer Nobody", "director": "Steven Spielberg"})]
    return forecaster.predict(films_frame(films))[list(QUANTILES)].to_numpy().reshape(len(DATES), 4, len(QUANTILES))


@pytest.mark.parametrize("given", [
    {"genres": "action", "budget": "150m", "distributor": "Paramount Pictures", "mpaa_rating": "PG-13",
     "runtime_min": 120, "country": "USA", "language": "English", "sequel": False},
    {"genres": "drama", "budget": "15m"},  # distributor, rating, runtime, … open: mixed over comparable films
], ids=["every field", "fields open"])
def test_a_stronger_cast_or_director_never_lowers_any_quantile(forecaster, given):
    """Newcomers, then a director with a record, then a star as well, at dates before, inside and far
    past the data; a newcomer beside the star changes nothing (no record is no record: it lowers no
    statistic of the cast's)."""
    forecasts = _forecasts(forecaster, **given)
    for date, by_strength in zip(DATES, forecasts):
        assert (by_strength[1] >= by_strength[0] * (1 - 1e-9)).all(), (date, by_strength)
        assert (by_strength[2] >= by_strength[1] * (1 - 1e-9)).all(), (date, by_strength)
        np.testing.assert_allclose(by_strength[3], by_strength[2], rtol=1e-9)
    assert (forecasts[:, 2] > forecasts[:, 0]).any()  # and it does matter somewhere


def test_raising_any_record_feature_never_lowers_the_model_s_quantiles(forecaster, film_table):
    """Straight on the trees: every track-record feature moved its stronger way, one at a time."""
    films = film_table[film_table["year"] >= 2010].head(300)
    X = forecaster.builder_.transform(films)
    directions = monotone_directions(X.columns, forecaster.config.features)
    assert {name for name, _ in directions} >= {"cast_best_log_gross", "director_mean_log_gross", "distributor_n",
                                                 "franchise_last_log_gross", "director_years_since_last"}
    for target, model in forecaster.models_.items():
        before = model.predict(X)
        for name, direction in directions:
            stronger = X.copy()
            stronger[name] = (stronger[name] + direction * np.maximum(1.0, np.abs(stronger[name]) * 0.2)).astype(np.float32)
            after = model.predict(stronger)
            for part in ("p10", "p50", "p90"):
                assert (after[part] >= before[part] - 1e-9).all(), (target, name, part)
