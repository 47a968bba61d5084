"""What a fitted model has seen, and the warnings for a film outside it.

A film is always forecast; these say when the forecast rests on less than it seems: a country,
language or rating the model does not know (it is seen as a blank in the data,
``boxoffice.table.vocabulary``), a distributor with no earlier film (a new one), a genre it has no
feature for, a budget or runtime beyond its training films (trees do not extrapolate: a budget above
the largest seen is forecast as that one), and a release date before its first film or further past
its last than the backtest measures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class Message(str):
    """A warning's text, with the ``brief`` form a slate's per-row ``warning`` cell gives (the run's
    warnings give it whole, once): every row of a 2027 slate carries the horizon warning, and its 300
    characters were half a slate's forecasts CSV."""

    def __new__(cls, text: str, brief: str) -> "Message":
        message = super().__new__(cls, text)
        message.brief = brief
        return message


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


def findings(forecaster, films) -> list[tuple]:
    """What rows of ``films`` (the film table's columns, as ``films_frame`` gives them) have that the
    model has not seen: ``(row positions, message)`` per message, in the order of the checks. Each
    distinct value is judged once: a slate of 100,000 films repeats its countries, genres and years."""
    builder = forecaster.builder_
    seen = seen_ranges(forecaster)
    return [*_value_warnings(builder, films), *_franchise_warnings(builder, films), *_genre_warnings(builder, films),
            *_range_warnings(seen, films), *_horizon_warnings(seen, getattr(forecaster, "widening_", None), films)]


def row_text(found, n: int):
    """Each of ``n`` rows' messages (a ``Message``'s brief form) joined by "; " ("" for none), as a text
    column (a slate's): each distinct run of messages joined once, the rows coded into them."""
    import numpy as np

    from boxoffice.table.text_columns import coded_text

    codes, texts = np.zeros(n, dtype=np.int64), [""]
    for rows, message in found:
        rows, brief = np.asarray(rows, dtype=np.int64), getattr(message, "brief", message)
        before, inverse = np.unique(codes[rows], return_inverse=True)
        codes[rows] = len(texts) + inverse.reshape(-1)
        texts += [f"{texts[code]}; {brief}" if texts[code] else brief for code in before.tolist()]
    return coded_text(codes, texts)


def grouped(found, names, kind: str, most: int = 3) -> list[str]:
    """``findings`` as text, one line per message however many items share it: ``"row 4: message"``,
    ``"rows 2, 3, 4, … (1,200 rows): message"``; ``names[i]`` names row ``i``."""
    out = []
    for rows, message in found:
        where = [str(names[int(i)]) for i in rows[:most]]
        if len(rows) == 1:
            out.append(f"{kind} {where[0]}: {message}")
        elif len(rows) > 1:
            more = f", … ({len(rows):,} {kind}s)" if len(rows) > most else ""
            out.append(f"{kind}s {', '.join(where)}{more}: {message}")
    return out


def unknown_value_warning(field: str, value: str, near) -> str:
    """What a user reads about a value no alias maps and the model never learned."""
    from boxoffice.table.vocabulary import LABELS

    label = LABELS.get(field, field)
    hint = f" (closest known: {', '.join(near)})" if near else ""
    return f"{label} {value!r} is not a {label} the model knows: forecast as unknown, as a blank in its data{hint}"


def new_name_warning(role: str, name: str, near) -> str:
    """What a user reads about a person or distributor with no earlier film: the model treats it as a newcomer."""
    hint = f" (closest known: {', '.join(near)})" if near else ""
    return f"{role} {name!r} has no earlier film in the data: treated as new talent{hint}"


def _value_warnings(builder, films):
    import numpy as np

    from boxoffice.closest import closest_names
    from boxoffice.table.distinct import factorize
    from boxoffice.table.vocabulary import FIELDS, UNKNOWN_IS_BLANK, real_values

    for field in FIELDS:
        if field not in films or field not in builder.categorical_features_ or field in builder.unlearned_fields_:
            continue  # a field the model never learned is said once, as ignored (``model_warnings``)
        codes, distinct = factorize(films[field].to_numpy(object))  # blanks (None, NaN, NA) are -1
        distinct = np.asarray(distinct, dtype=object)
        given = np.array([str(v).strip() != "" for v in distinct], dtype=bool)
        if field in UNKNOWN_IS_BLANK:
            unknown = np.flatnonzero(given & ~builder.knows(field, distinct))
            known = [*builder.categories_.get(field, []), *real_values(field)]
        else:  # a distributor: new when it has no earlier film
            recorded = builder.talent_.key_ids(np.full(len(distinct), field, dtype=object), distinct) >= 0
            unknown = np.flatnonzero(given & ~recorded)
            known = builder.talent_.known_names(field) if len(unknown) else []
        known = sorted(set(known))
        for code in unknown:
            value = str(distinct[code])
            near = closest_names(value, known)
            message = (unknown_value_warning(field, value, near) if field in UNKNOWN_IS_BLANK
                       else new_name_warning(field, value, near))
            yield np.flatnonzero(codes == code), message


def _franchise_warnings(builder, films):
    """A franchise said for a film that no training film belongs to: an entry of a new franchise."""
    import numpy as np
    import pandas as pd

    from boxoffice.closest import closest_names
    from boxoffice.names import clean_text
    from boxoffice.table.franchises import franchise_key

    if "franchise" not in films:
        return
    codes, distinct = pd.factorize(pd.Series(films["franchise"]).reset_index(drop=True))
    for code, name in enumerate(distinct):
        key = franchise_key(name)
        if key and builder.talent_.key_ids(np.array(["franchise"], dtype=object), np.array([key], dtype=object))[0] < 0:
            near = closest_names(clean_text(name), builder.talent_.known_names("franchise"))
            yield np.flatnonzero(codes == code), new_name_warning("franchise", clean_text(name), near).replace(
                "treated as new talent", "an entry of a new franchise, with no record")


def _genre_warnings(builder, films):
    import numpy as np

    from boxoffice.table.distinct import distinct_objects

    if "genres" not in films:
        return
    values = films["genres"].to_numpy(object)
    # each distinct list object once (a slate's rows share its parsed cells' lists): pandas' explode and
    # isin cost a forecast 2 ms, a loop over every row of a slate 70 ms
    codes, first = distinct_objects(values)
    learned, found = set(builder.genres_), {}
    for code, row in enumerate(first.tolist()):
        value = values[row]
        for genre in (value if isinstance(value, (list, tuple, np.ndarray)) else [value]):
            if isinstance(genre, str) and genre not in learned:
                found.setdefault(genre, []).append(code)
    for genre, found_codes in found.items():
        rows = np.flatnonzero(np.isin(codes, found_codes))
        yield rows, (f"genre {genre!r} is a real genre the model has not learned (too few "
                     "films in its data): it counts only toward the film's number of genres")


def _range_warnings(seen: SeenRanges, films):
    import numpy as np
    import pandas as pd

    from boxoffice.model.features import log_budget_2012
    from boxoffice.units import format_money, release_year_dollars

    dates = pd.to_datetime(films["release_date"]).reset_index(drop=True)
    years = dates.dt.year.to_numpy()
    if "budget_usd" in films:
        log_budget = np.asarray(log_budget_2012(films, years), dtype=float)
        budgets = films["budget_usd"].to_numpy(float)
        (smallest, largest), tolerance = seen.budget_usd_2012, 1e-6  # float32 features: the edges themselves are seen
        for side, word, edge, rows in (("above", "largest", largest, np.flatnonzero(log_budget > np.log(largest) + tolerance)),
                                       ("below", "smallest", smallest, np.flatnonzero(log_budget < np.log(smallest) - tolerance))):
            for (budget, year), at in _groups(rows, budgets, years):
                said = format_money(float(release_year_dollars(edge, int(year))))
                yield at, (f"budget {format_money(budget)} is {side} every budget the model has seen "
                           f"(the {word}: {said} in dollars of {int(year)}): it forecasts it as it would that one")
    if "runtime_min" in films and seen.runtime_min is not None:
        runtime = pd.to_numeric(films["runtime_min"], errors="coerce").to_numpy(float)
        lo, hi = seen.runtime_min
        for side, word, edge, rows in (("above", "longest", hi, np.flatnonzero(runtime > hi)),
                                       ("below", "shortest", lo, np.flatnonzero(runtime < lo))):
            for minutes, at in _groups(rows, runtime):
                yield at, (f"runtime {minutes:g} minutes is {side} every runtime the model has seen "
                           f"(the {word}: {edge:g} minutes): it forecasts it as it would that one")
    known = dates.notna().to_numpy()
    early = np.flatnonzero(known & (dates < pd.Timestamp(seen.first_release)).to_numpy())
    for year, at in _groups(early, years):
        yield at, (f"the model has seen films from {seen.first_release} on; this forecast ({int(year)}) is "
                   "before its data")


def _groups(rows, *keys):
    """(key, rows) for each distinct key of ``rows`` (a tuple of ``keys``' values, or the one value), in
    key order, a key with a NaN left out: what pandas' groupby gives, without its fixed cost on every
    forecast (mostly no row is out of range) nor a Python step per row (a slate of 2027 films is all late)."""
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    columns = [np.asarray(column)[rows] for column in keys]
    kept = np.ones(len(rows), dtype=bool)
    for column in columns:
        kept &= column == column  # NaN
    order = np.lexsort([column[kept] for column in reversed(columns)])  # stable: rows keep their order
    rows, columns = rows[kept][order], [column[kept][order] for column in columns]
    starts = np.zeros(len(rows), dtype=bool)
    starts[:1] = True
    for column in columns:
        starts[1:] |= column[1:] != column[:-1]
    bounds = [*np.flatnonzero(starts).tolist(), len(rows)]
    for start, end in zip(bounds, bounds[1:]):
        key = tuple(column[start].item() for column in columns)
        yield (key if len(keys) > 1 else key[0]), rows[start:end]


def _horizon_warnings(seen: SeenRanges, widening, films):
    """A release further past the data than the horizon backtests measured (``boxoffice.model.horizon``):
    its ranges are widened as at the furthest measured horizon, which likely is not enough."""
    import numpy as np
    import pandas as pd

    dates = pd.to_datetime(films["release_date"]).reset_index(drop=True)
    years = dates.dt.year.to_numpy()
    measured = widening.measured if widening is not None else 0
    late = np.flatnonzero(dates.notna().to_numpy() & (years - seen.last_release.year - 1 > measured))
    for year, at in _groups(late, years):
        ahead = int(year) - seen.last_release.year
        said = (f"the model has seen films up to {seen.last_release}; a {year} release is {ahead} years past its data "
                f"(horizon {ahead - 1} of `boxoffice evaluate --horizon`)")
        brief = f"{ahead} years past the model's data (films up to {seen.last_release}): "
        if widening is None:
            yield at, Message(f"{said}, and this model was stored without its horizon backtests, so its ranges "
                              "are not widened for the gap (retrain with `boxoffice train`)",
                              f"{brief}ranges not widened for the gap (a model stored without horizon backtests)")
        elif widening.factors[-1] > 1:
            yield at, Message(f"{said}, but its backtest measures forecasts up to horizon {measured}: its ranges "
                              f"are widened as measured there (log-width ×{widening.factors[-1]:.2f}) and held "
                              "from there on, so they are likely too narrow",
                              f"{brief}ranges widened as at horizon {measured}, its furthest measured, likely too narrow")
        else:
            yield at, Message(f"{said}, but its backtest measures forecasts up to horizon {measured}: its ranges "
                              f"needed no widening up to there (they held {widening.interval:.0%} of the films) "
                              "and are not widened beyond it, so they may be too narrow",
                              f"{brief}ranges not widened beyond horizon {measured}, its furthest measured, may be too narrow")
