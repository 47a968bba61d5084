"""What a fitted model has seen, and the warnings for a film outside it.

A film is always forecast; these say when the forecast rests on less than it seems: a country,
language, distributor or rating the model does not know (it is seen as a blank in the data,
``boxoffice.table.vocabulary``), a genre it has no feature for, a budget or runtime beyond its
training films (trees do not extrapolate: a budget above the largest seen is forecast as that one),
and a release date before its first film or further past its last than the backtest measures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MEASURED_HORIZON_YEARS = 1
"""The backtest tests each year on a model trained on the years before it: forecasts for the year
after the data's last are what it measures; later ones get a warning saying how far out they are."""


@dataclass(frozen=True)
class SeenRanges:
    """The training films' ranges: budget in constant 2012 USD, runtime in minutes, release dates."""

    budget_usd_2012: tuple[float, float]
    runtime_min: tuple[float, float] | None
    first_release: dt.date
    last_release: dt.date


def seen_ranges(forecaster) -> SeenRanges:
    """The ranges of the films ``forecaster`` was trained on, from what a model already keeps: the
    worldwide P50 trees' own record of each feature's range (LightGBM's ``feature_infos``) and the
    training period."""
    import math

    from boxoffice.model.tree_text import feature_ranges

    ranges = feature_ranges(forecaster.models_["worldwide"].booster_texts()["p50"])
    lo, hi = ranges["log_budget"]
    first, last = (dt.date.fromisoformat(str(d)[:10]) for d in forecaster.period_)
    return SeenRanges((math.exp(lo), math.exp(hi)), ranges.get("runtime_min"), first, last)


def film_warnings(forecaster, films) -> list[list[str]]:
    """Per row of ``films`` (the film table's columns, as ``films_frame`` gives them), what it has that
    the model has not seen. Each distinct value is judged once: a slate repeats its countries and years."""
    import numpy as np

    n = len(films)
    found: list[list[str]] = [[] for _ in range(n)]
    for rows, message in (*_value_warnings(forecaster.builder_, films), *_genre_warnings(forecaster.builder_, films),
                          *_range_warnings(seen_ranges(forecaster), films)):
        for i in np.atleast_1d(rows):
            found[int(i)].append(message)
    return found


def grouped(per_item: list[list[str]], names: list[str], kind: str, most: int = 3) -> list[str]:
    """``"row 4: message"`` per warning, one line per message however many items share it
    (``"rows 2, 3, 4, … (1,200 rows): message"``), in the order first met."""
    at: dict[str, list[str]] = {}
    for name, messages in zip(names, per_item):
        for message in messages:
            at.setdefault(message, []).append(name)
    out = []
    for message, where in at.items():
        if len(where) == 1:
            out.append(f"{kind} {where[0]}: {message}")
        else:
            listed = ", ".join(where[:most]) + (f", … ({len(where):,} {kind}s)" if len(where) > most else "")
            out.append(f"{kind}s {listed}: {message}")
    return out


def unknown_value_warning(field: str, value: str, near) -> str:
    """What a user reads about a value no alias maps and the model never learned."""
    from boxoffice.table.vocabulary import LABELS

    label = LABELS.get(field, field)
    hint = f" (closest known: {', '.join(near)})" if near else ""
    return f"{label} {value!r} is not a {label} the model knows: forecast as unknown, as a blank in its data{hint}"


def _value_warnings(builder, films):
    import numpy as np
    import pandas as pd

    from boxoffice.names import closest_names
    from boxoffice.table.vocabulary import FIELDS, real_values

    for field in FIELDS:
        if field not in films or field not in builder.categorical_features_:
            continue
        values = pd.Series(films[field].to_numpy(object))
        given = values.notna().to_numpy() & (values.astype(str).str.strip() != "").to_numpy()
        rows = np.flatnonzero(given)
        unknown = rows[~builder.knows(field, values.to_numpy(object)[rows])]
        if not len(unknown):
            continue
        known = sorted({*builder.categories_.get(field, []), *real_values(field),
                        *(builder.talent_.known_names(field) if field == "distributor" else [])})
        for value, at in pd.Series(unknown).groupby(values.iloc[unknown].to_numpy()):
            yield at.to_numpy(), unknown_value_warning(field, str(value), closest_names(str(value), known))


def _genre_warnings(builder, films):
    if "genres" not in films:
        return
    learned = set(builder.genres_)
    rows: dict[str, list[int]] = {}
    for i, genres in enumerate(films["genres"]):
        for genre in genres if isinstance(genres, (list, tuple)) or hasattr(genres, "tolist") else ():
            if genre not in learned:
                rows.setdefault(genre, []).append(i)
    for genre, at in rows.items():
        yield at, (f"genre {genre!r} is a real genre the model has not learned (too few films in its data): "
                   "it counts only toward the film's number of genres")


def _range_warnings(seen: SeenRanges, films):
    import numpy as np
    import pandas as pd

    from boxoffice.model.features import log_budget_2012
    from boxoffice.units import format_money, release_year_dollars

    dates = pd.to_datetime(films["release_date"]).reset_index(drop=True)
    years = dates.dt.year.to_numpy()
    if "budget_usd" in films:
        log_budget = np.asarray(log_budget_2012(films, years), dtype=float)
        lo, hi = np.log(seen.budget_usd_2012)
        for side, rows in (("above", np.flatnonzero(log_budget > hi + 1e-6)), ("below", np.flatnonzero(log_budget < lo - 1e-6))):
            edge, word = (seen.budget_usd_2012[1], "largest") if side == "above" else (seen.budget_usd_2012[0], "smallest")
            for (budget, year), at in pd.Series(rows).groupby([films["budget_usd"].to_numpy(float)[rows], years[rows]]):
                yield at.to_numpy(), (f"budget {format_money(budget)} is {side} every budget the model has seen (the {word}: "
                                      f"{format_money(float(release_year_dollars(edge, int(year))))} in dollars of {year}): "
                                      "it forecasts it as it would that one")
    if "runtime_min" in films and seen.runtime_min is not None:
        runtime = pd.to_numeric(pd.Series(films["runtime_min"].to_numpy(object)), errors="coerce").to_numpy(float)
        lo, hi = seen.runtime_min
        for side, word, edge, rows in (("above", "longest", hi, np.flatnonzero(runtime > hi)),
                                       ("below", "shortest", lo, np.flatnonzero(runtime < lo))):
            for minutes, at in pd.Series(rows).groupby(runtime[rows]):
                yield at.to_numpy(), (f"runtime {minutes:g} minutes is {side} every runtime the model has seen "
                                      f"(the {word}: {edge:g} minutes): it forecasts it as it would that one")
    known = dates.notna().to_numpy()
    late = np.flatnonzero(known & (years > seen.last_release.year + MEASURED_HORIZON_YEARS))
    for year, at in pd.Series(late).groupby(years[late]):
        yield at.to_numpy(), (f"the model has seen films up to {seen.last_release}; this forecast is "
                              f"{int(year) - seen.last_release.year} years past its data (its backtest measures "
                              f"forecasts {MEASURED_HORIZON_YEARS} year ahead)")
    early = np.flatnonzero(known & (dates < pd.Timestamp(seen.first_release)).to_numpy())
    for year, at in pd.Series(early).groupby(years[early]):
        yield at.to_numpy(), (f"the model has seen films from {seen.first_release} on; this forecast ({year}) is "
                              "before its data")
