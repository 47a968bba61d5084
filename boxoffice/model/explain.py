"""Why a forecast is what it is: the worldwide P50 split into the levers a producer pulls.

LightGBM's ``pred_contrib`` (TreeSHAP; computed by ``boxoffice.model.treeshap``,
same numbers) splits the log-P50 of each film into a bias (the model's average
film, in log constant 2012 USD) plus one additive term per feature. Features are summed into levers (``features.LEVERS``:
budget, genre, cast, director, …) and turned into dollars of the release year
so that, per film, exactly::

    baseline_usd + sum(usd over levers) == worldwide P50

where ``baseline_usd = exp(bias)`` in dollars of the release year: what the
model forecasts for its average film before it knows anything about this one.

Dollars from log terms: a lever with log contribution ``L_k`` gets its share
``L_k / S`` of the total change ``P50 - baseline`` (``S = sum L_k``), i.e.
``usd_k = baseline * (e^S - 1) / S * L_k``. The factor ``(e^S - 1) / S`` is the
logarithmic mean of baseline and P50 divided by the baseline; it is 1 when S is
0, so the split never divides by zero, keeps the sign of every lever and adds
up exactly. ``percent`` is ``usd_k / baseline``: how much the lever moves the
forecast against the average film (+85% = 85% of the average film's gross added).
"""
from __future__ import annotations

from dataclasses import dataclass

from boxoffice.model.features import LEVERS, lever_of
from boxoffice.table.film import OPEN_FIELDS


@dataclass(frozen=True)
class Drivers:
    """Per film (rows, the input's index) and lever (columns, ``LEVERS`` order)."""

    usd: "object"
    """Contribution of each lever to the worldwide P50, USD of the release year."""
    percent: "object"
    """``usd`` as a share of ``baseline_usd`` (0.85 = +85% of the average film's gross)."""
    log: "object"
    """Raw contributions to the natural log of P50 (sum of the lever's features' ``pred_contrib``)."""
    baseline_usd: "object"
    """Series: the model's average film, ``exp(bias)``, in USD of each film's release year."""
    p50_usd: "object"
    """Series: the worldwide P50, USD of the release year (same as ``Forecaster.predict``)."""

    def for_film(self, row=0):
        """One film's drivers, largest first: lever, usd, percent, log (``row`` is a position)."""
        import pandas as pd

        table = pd.DataFrame({"lever": self.usd.columns, "usd": self.usd.iloc[row].to_numpy(),
                              "percent": self.percent.iloc[row].to_numpy(), "log": self.log.iloc[row].to_numpy()})
        order = table["usd"].abs().sort_values(ascending=False, kind="stable").index
        return table.loc[order].reset_index(drop=True)

    def as_dict(self, row=0) -> dict[str, float]:
        """{lever: USD contribution to the P50, to the cent} for one film (``row`` is a position), for JSON."""
        from boxoffice.units import round_money

        return {lever: round_money(float(v)) for lever, v in self.usd.iloc[row].items()}


def drivers(forecaster, films_frame, logs: dict | None = None) -> Drivers:
    """Decompose each film's worldwide P50 into levers, in USD of its release year.

    ``films_frame`` is what ``boxoffice.table.film.films_frame`` (or a film table) gives. A film with
    open fields is explained by the mean of its comparable copies' log contributions
    (``Forecaster.expand``); what mixing adds beyond that mean goes to the levers of the open fields,
    in proportion to their size, so the drivers still add up to the forecast's P50. ``logs``: the films'
    ``Forecaster.predict_logs`` when the caller already has it (a forecast with its drivers scores once).
    """
    import numpy as np
    import pandas as pd

    from boxoffice.units import release_year_dollars

    model = forecaster.models_["worldwide"]
    if logs is None:
        logs = forecaster.predict_logs(films_frame)
    expanded, X = logs["expanded"], logs["features"]  # the rows the forecast scored, not built again
    owner, k, mask = expanded.owner, expanded.k, expanded.mask
    n = len(films_frame)
    contrib = np.asarray(model.contributions(X), dtype=float)
    levers = list(LEVERS)
    if any(lever_of(f) not in LEVERS for f in model.feature_names_):
        levers.append("other")
    at = {lever: i for i, lever in enumerate(levers)}
    by_lever = np.zeros((expanded.n_rows, len(levers)))
    for j, feature in enumerate(model.feature_names_):
        by_lever[:, at[lever_of(feature)]] += contrib[:, j]
    bias, log = contrib[:n, -1].copy(), by_lever[:n].copy()
    if len(owner):
        mixed = owner[::k]
        log[mixed] = by_lever[n:].reshape(-1, k, len(levers)).mean(axis=1)
        p50 = logs["worldwide_p50"]
        residual = p50[mixed] - bias[mixed] - log[mixed].sum(axis=1)
        open_levers = np.zeros((len(mixed), len(levers)))
        for j, lever in enumerate(levers):
            fields = OPEN_FIELD_LEVERS.get(lever, ())
            open_levers[:, j] = mask[mixed][:, [OPEN_FIELDS.index(f) for f in fields]].any(axis=1) if fields else False
        weight = np.abs(log[mixed]) * open_levers
        weight = np.where(weight.sum(axis=1, keepdims=True) > 0, weight, open_levers)
        weight = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
        log[mixed] += residual[:, None] * weight
    index = films_frame.index
    log = pd.DataFrame(log, index=index, columns=levers)
    years = pd.to_datetime(films_frame["release_date"]).dt.year.to_numpy()
    baseline = release_year_dollars(np.exp(bias), years)
    total = log.sum(axis=1).to_numpy()
    scale = np.where(np.abs(total) < 1e-12, 1.0, np.expm1(total) / np.where(total == 0, 1.0, total))
    usd = log.mul(baseline * scale, axis=0)
    return Drivers(usd=usd, percent=usd.div(baseline, axis=0), log=log,
                   baseline_usd=pd.Series(baseline, index=index, name="baseline_usd"),
                   p50_usd=pd.Series(release_year_dollars(np.exp(bias + total), years), index=index, name="p50_usd"))


OPEN_FIELD_LEVERS = {"genre": ("genres",), "cast": ("cast",), "director": ("directors",), "distributor": ("distributor",),
                     "rating": ("mpaa_rating",), "runtime": ("runtime_min",), "origin": ("country", "language"),
                     "story": ("sequel",)}
"""The open fields behind each lever (``boxoffice.table.film.OPEN_FIELDS``)."""
