"""Why a forecast is what it is: the worldwide P50 split into the levers a producer pulls.

LightGBM's ``pred_contrib`` (TreeSHAP) splits the log-P50 of each film into a
bias (the model's average film, in log constant 2012 USD) plus one additive
term per feature. Features are summed into levers (``features.LEVERS``:
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


def drivers(forecaster, films_frame) -> Drivers:
    """Decompose each film's worldwide P50 into levers, in USD of its release year.

    ``films_frame`` is what ``boxoffice.table.film.films_frame`` (or a film table) gives;
    unsaid fields take the typical value for the budget, as in ``Forecaster.predict``.
    """
    import numpy as np
    import pandas as pd

    from boxoffice.units import release_year_dollars

    model = forecaster.models_["worldwide"]
    X = forecaster.builder_.transform(films_frame, fill_unspecified=True)
    contrib = np.asarray(model.contributions(X), dtype=float)
    bias, per_feature = contrib[:, -1], contrib[:, :-1]
    levers = list(LEVERS)
    if any(lever_of(f) not in LEVERS for f in model.feature_names_):
        levers.append("other")
    index = films_frame.index
    log = pd.DataFrame(0.0, index=index, columns=levers)
    for j, feature in enumerate(model.feature_names_):
        log[lever_of(feature)] += per_feature[:, j]
    years = pd.to_datetime(films_frame["release_date"]).dt.year.to_numpy()
    baseline = release_year_dollars(np.exp(bias), years)
    total = log.sum(axis=1).to_numpy()
    scale = np.where(np.abs(total) < 1e-12, 1.0, np.expm1(total) / np.where(total == 0, 1.0, total))
    usd = log.mul(baseline * scale, axis=0)
    return Drivers(usd=usd, percent=usd.div(baseline, axis=0), log=log,
                   baseline_usd=pd.Series(baseline, index=index, name="baseline_usd"),
                   p50_usd=pd.Series(release_year_dollars(np.exp(bias + total), years), index=index, name="p50_usd"))
