"""Track-record features: what the cast, the director, the distributor and the franchise had done
before each film's date (``boxoffice.model.track_records``), and which way a stronger record points.
"""
from __future__ import annotations

from boxoffice.model.columns import blank_column, column_values, explode
from boxoffice.table.distinct import distinct_objects, factorize, first_positions
from boxoffice.model.track_records import FRANCHISE_STATS, STATS

RECORDS = ("cast_", "director_", "distributor_", "franchise_")
"""Prefixes of the track-record features (the distributor's recent releases included)."""

STRONGER = {"_n": 1, "_known": 1, "_total_films": 1, "_mean_log_gross": 1, "_best_log_gross": 1,
            "_last_log_gross": 1, "_mean_log_roi": 1, "_years_since_last": -1}
"""Track-record statistic -> the direction of a stronger record: more earlier films, better grosses and
returns, a more recent last film. With ``FeatureConfig.monotone_records`` the forecast never falls as a
record grows stronger (``RevenueModel.monotone``)."""

NO_RECORD = {1: -30.0, -1: 100.0}
"""What a monotone gross, return or years feature holds for no record (a newcomer, an original): the
weakest value, below every real log gross and return, above every real gap in years, so that a
newcomer is never forecast above a name with a record (NaN would go wherever a tree sent it)."""


ROLES = ("cast", "director", "distributor")
"""The people whose records are features (``cast_*``, ``director_*``, ``distributor_*``)."""


def track_records(talent, films, dates, recent_years: float, roles=ROLES) -> dict:
    """Features of the cast, the director and the distributor (or of ``roles`` only): their records as
    of each film's date. Each distinct (cast, directors, distributor, date) is looked up once: a film's
    copies in a mixture, its variants and a slate's repeated films repeat them (rows share a list
    object: ``boxoffice.table.distinct``)."""
    import numpy as np
    import pandas as pd

    n = len(films)
    nobody = np.full(n, None, dtype=object)  # a role not asked for: no names, no lookups
    casts = column_values(films, "cast", n) if "cast" in roles else nobody
    directors = column_values(films, "directors", n) if "director" in roles else nobody
    distributors = column_values(films, "distributor", n) if "distributor" in roles else nobody
    blank = blank_column(films, "distributor", n) if "distributor" in roles else np.ones(n, dtype=bool)
    # past the data's end every date reads the same records (``TalentIndex.end_day``): a slate of films
    # released after it is looked up once per distinct (cast, directors, distributor), not per date
    days = np.minimum(np.asarray(dates.to_numpy(), dtype="datetime64[D]").view(np.int64), talent.end_day)
    parts = [pd.factorize(days)[0]]
    parts += [distinct_objects(casts)[0]] if "cast" in roles else []
    parts += [distinct_objects(directors)[0]] if "director" in roles else []
    parts += [factorize(np.where(blank, "", distributors))[0]] if "distributor" in roles else []
    codes = parts[0]
    for part in parts[1:]:
        codes = pd.factorize(codes.astype(np.int64) * (int(part.max(initial=0)) + 2) + (part + 1))[0]  # -1: NA
    first = first_positions(codes)
    every = len(first) == n
    if not every:
        casts, directors, distributors, blank = casts[first], directors[first], distributors[first], blank[first]
        dates = dates.iloc[first].reset_index(drop=True)
    found = _records(talent, casts, directors, distributors, blank, dates, recent_years)
    wanted = tuple(f"{role}_" for role in roles)
    return {name: values if every else values[codes] for name, values in found.items() if name.startswith(wanted)}


def _records(talent, casts, directors, distributors, blank, dates, recent_years: float) -> dict:
    import numpy as np

    n = len(casts)
    cast_rows, cast_pos, cast_names = explode(casts)
    dir_rows, dir_pos, dir_names = explode(directors)
    first = dir_pos == 0
    dist_rows = np.flatnonzero(~blank)
    rows = np.concatenate([cast_rows, dir_rows[first], dist_rows])
    billing = np.concatenate([cast_pos, np.full(first.sum(), -1), np.full(len(dist_rows), -2)]).astype(int)
    ids = np.concatenate([talent.key_ids("cast", cast_names), talent.key_ids("director", dir_names[first]),
                          talent.key_ids("distributor", distributors[dist_rows])])
    row_dates = dates.to_numpy()[rows] if len(rows) else []
    stats = talent.records_of_ids(ids, row_dates)
    # rows are scattered back with numpy: one film has one director and one distributor, and its cast
    # names are summed up with no regard to their order (IMDB 5000's is by Facebook likes in 2016)
    out = {}

    def scatter(prefix, mask, names, source=None):
        """Columns ``prefix_stat`` from the rows of ``mask`` (or from ``source``, one row per masked row)."""
        for stat in names:
            column = np.full(n, 0.0 if stat == "n" else np.nan)
            column[rows[mask]] = stats[stat][mask] if source is None else source[stat]
            out[f"{prefix}_{stat}"] = column

    scatter("director", billing == -1, STATS)
    cast = billing >= 0
    out.update(_cast_records(rows[cast], {stat: values[cast] for stat, values in stats.items()}, n))
    scatter("distributor", billing == -2, ("n", "mean_log_gross", "mean_log_roi"))
    recent = talent.recent_of_ids(ids[billing == -2], dates.to_numpy()[dist_rows],
                                        recent_years)
    scatter("distributor_recent", billing == -2, ("n", "mean_log_gross"), source=recent)
    return out


def franchise_record(talent, keys, dates) -> dict:
    """``franchise_*`` features: each film's franchise (key, None for an original) as of its date."""
    import numpy as np

    ids = talent.key_ids("franchise", np.where(keys == None, "", keys))  # noqa: E711
    ids[keys == None] = -1  # noqa: E711 - an original: no franchise
    stats = talent.records_of_ids(ids, dates.to_numpy())
    return {f"franchise_{stat}": stats[stat] for stat in FRANCHISE_STATS}


def monotone_directions(feature_names, config) -> tuple:
    """(feature, +1 or -1) of each track-record feature a stronger record raises (+1) or lowers (-1);
    () with ``monotone_records`` off."""
    if not config.monotone_records:
        return ()
    out = []
    for name in feature_names:
        if name.startswith(RECORDS):
            direction = next((d for suffix, d in STRONGER.items() if name.endswith(suffix)), 0)
            if direction:
                out.append((name, direction))
    return tuple(out)


def _cast_records(rows, stats, n: int) -> dict:
    """Per film, from its cast names' records (one row per name), in no order of the names: how many
    have an earlier film, their films in all, the mean of their mean log gross and the best log gross
    of any of them. Not how many names are listed: in history that says how complete IMDB 5000's record
    of the film is (0-3), for a user how many names they typed."""
    import numpy as np

    films = stats["n"]
    known = films > 0
    count = np.bincount(rows[known], minlength=n).astype(float)
    best = np.full(n, -np.inf)
    np.fmax.at(best, rows, stats["best_log_gross"])
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN where no name has a record
        mean = np.bincount(rows[known], weights=stats["mean_log_gross"][known], minlength=n) / count
    return {"cast_known": count, "cast_total_films": np.bincount(rows, weights=films, minlength=n),
            "cast_mean_log_gross": mean, "cast_best_log_gross": np.where(np.isinf(best), np.nan, best)}
