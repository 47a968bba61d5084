"""Scoring films the what-if way: one ``predict`` for a batch of variants, and how rows compare.

Every what-if (scenarios, casting, comps) scores through here, so a figure means the same in each.
Money is USD of the release year.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import boxoffice.break_even as break_even
from boxoffice.errors import InputError
from boxoffice.table.film import Film, make_film

FIGURES = ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p10", "domestic_p50", "domestic_p90",
           "break_even_prob", "break_even_gross", "median_multiple", "expected_return")
"""Per scenario, under the names of ``predict --json``; ``expected_return`` is defined in ``score``."""

CHANGES = ("worldwide_p50_change_pct", "break_even_prob_change")
"""Against the base: P50 change in percent (12.0 = +12%), break-even probability change in points (-0.05)."""


def as_film(base) -> Film:
    """A ``Film`` from a Film or a dict of user fields (``{"genre": "action", "budget": "150m"}``)."""
    if isinstance(base, Film):
        return base
    if not isinstance(base, Mapping):
        raise InputError(f"the base film must be a Film or a dict of fields, not {type(base).__name__}")
    try:
        return make_film(**{str(k): v for k, v in base.items()})
    except InputError as err:
        raise InputError(f"base film: {err.message}", hint=err.hint) from None


def score(films, forecaster, break_even_multiple: float = break_even.MULTIPLE):
    """Forecast films with one ``predict`` call (each distinct film once).

    Adds ``title``, ``release_date`` (ISO), ``budget_usd`` and ``expected_return`` =
    worldwide P50 / break-even gross - 1: how far the median gross lands above (+) or
    below (-) the gross needed to break even, as a share of it (0 = just breaks even).
    """
    return score_and_frame(films, forecaster, break_even_multiple)[0]


def score_and_frame(films, forecaster, break_even_multiple: float = break_even.MULTIPLE):
    """``score`` and the films frame of ``films`` (one row each, in order), which ``variant_warnings``
    can read instead of making it again (0.15 s for 10,000 variants)."""
    from boxoffice.table.film import films_frame

    films = list(films)
    distinct = list(dict.fromkeys(films))
    frame = films_frame(distinct)
    pred = forecaster.predict(frame, break_even_multiple).reset_index(drop=True)
    pred.insert(0, "title", [f.title for f in distinct])
    pred.insert(1, "release_date", frame["release_date"].dt.date.map(dt.date.isoformat).to_numpy())
    pred.insert(2, "budget_usd", [f.budget_usd for f in distinct])
    pred["expected_return"] = pred["worldwide_p50"] / pred["break_even_gross"] - 1
    if len(distinct) == len(films):
        return pred, frame
    at = {film: i for i, film in enumerate(distinct)}
    rows = [at[f] for f in films]
    return pred.iloc[rows].reset_index(drop=True), frame.iloc[rows].reset_index(drop=True)


def variant_warnings(base: Film, variants: Mapping, forecaster, frame=None) -> list[str]:
    """What each variant (``{name: Film}``) has that the model has not seen and its base has not
    (``boxoffice.model.domain.findings``; the base's own: ``boxoffice.whatif.slates.forecast_warnings``),
    one line per message: ``scenario 'elsewhere': country 'Narnia' is not …``. ``frame``: the films
    frame of the base then the variants, if ``score_and_frame`` made it already."""
    from boxoffice.model.domain import findings, grouped
    from boxoffice.table.film import films_frame

    found = findings(forecaster, films_frame([base, *variants.values()]) if frame is None else frame)
    names = ["base", *(repr(str(name)) for name in variants)]
    return grouped([(rows, message) for rows, message in found if 0 not in rows], names, "scenario")


def with_changes(frame, base_row):
    """Add the change of each row against the base (``CHANGES``)."""
    frame["worldwide_p50_change_pct"] = (frame["worldwide_p50"] / base_row["worldwide_p50"] - 1) * 100
    frame["break_even_prob_change"] = frame["break_even_prob"] - base_row["break_even_prob"]
    return frame


def ranked(frame, rank_by: str):
    """Rows best first by ``rank_by`` (lowest first for ``break_even_prob``), with a ``rank`` column."""
    ascending = rank_by == "break_even_prob"
    frame = frame.sort_values(rank_by, ascending=ascending, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def frame_records(frame, **extra) -> list[dict]:
    """A what-if frame as JSON-ready rows (``boxoffice.units.json_ready``), each with ``extra``: what the
    what-if commands' ``--json`` prints and the HTTP API answers."""
    from boxoffice.units import json_ready

    return json_ready([row | extra for row in frame.to_dict("records")])
