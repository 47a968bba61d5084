"""Typical feature values per budget band: what ``FeatureBuilder.transform(fill_unspecified=True)``
puts where a film leaves a field unsaid. Forecasts no longer use it (an open field is mixed over
comparable films, ``boxoffice.model.mixture``: one plugged-in value made ranges too narrow); it is
kept for the stored models that carry it and for a notebook user who asks for it.
"""
from __future__ import annotations

from boxoffice.model.columns import LIST_FIELDS, blank_column, column_values, list_lengths

UNSPECIFIED_FIELDS = {
    "cast": ("cast_",),
    "directors": ("director_",),
    "distributor": ("distributor",),
    "runtime_min": ("runtime_min",),
    "mpaa_rating": ("mpaa_rating",),
    "country": ("country",),
    "language": ("language",),
    "source_material": ("source_material",),
    "creative_type": ("creative_type",),
    "sequel": ("sequel", "franchise_"),
}
"""Film field -> feature prefixes that take typical values when the user leaves the field unsaid."""


def typical_by_budget(X, bands: int, blank_codes: dict) -> dict:
    """Per budget band, the typical value of each feature among films that have it: the most common
    code of a categorical column (``blank_codes``: column -> its blank's code, not a value) and of the
    sequel flag, the median of the rest."""
    import numpy as np

    edges = np.unique(np.nanquantile(X["log_budget"], np.linspace(0, 1, bands + 1)[1:-1]))
    band = np.searchsorted(edges, X["log_budget"].to_numpy())
    typical = []
    for b in range(len(edges) + 1):
        part = X[band == b]
        values = {}
        for col in X.columns:
            present = _present(part[col], blank_codes.get(col))
            if present.empty:
                present = _present(X[col], blank_codes.get(col))
            if present.empty:
                values[col] = None
            elif col in blank_codes or col == "sequel":
                values[col] = float(present.mode().iloc[0])
            else:
                values[col] = float(present.median())
        typical.append(values)
    return {"edges": edges.tolist(), "values": typical, "features": list(X.columns)}


def fill_unspecified(typical: dict, films, features: dict) -> None:
    """Fill the unsaid fields of ``films`` in ``features`` (name -> float32 array) from ``typical``
    (``typical_by_budget``), in place."""
    import numpy as np

    band = np.searchsorted(np.asarray(typical["edges"]), features["log_budget"])
    n = len(features["log_budget"])
    for field, columns in UNSPECIFIED_FIELDS.items():
        unsaid = (list_lengths(column_values(films, field, n)) == 0) if field in LIST_FIELDS else blank_column(films, field, n)
        if not unsaid.any():
            continue
        # a model stored before a feature existed has no typical value for it, and does not use it
        known = typical["values"][0].keys()
        for c in (c for c in features if c in known and any(c == p or c.startswith(p) for p in columns)):
            values = np.array([np.nan if v[c] is None else v[c] for v in typical["values"]], dtype=np.float32)
            features[c][unsaid] = values[band[unsaid]]


def _present(values, blank_code):
    """``values`` without NaN, nor the blank code of a categorical: typical among films that have it."""
    return values[values.notna() & (values != blank_code)] if blank_code is not None else values.dropna()
