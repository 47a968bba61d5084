"""Figures for the report and for notebooks: data, backtest and model, one function each.

Each function takes data (the film table, ``BacktestResult.predictions``, a
``Forecaster``) and returns a matplotlib ``Figure`` drawn on the Agg canvas:
no pyplot, no global backend switch, nothing shown on screen, so it works
headless and inside a notebook alike. matplotlib is imported here only,
inside the functions. Money is in constant 2012 USD (what the backtest
records) and written like $150M.
"""
from __future__ import annotations

MODEL_COLOR = "#1f5f9f"
BASELINE_COLOR = "#a0a0a0"
ACCENT = "#d9822b"
BUDGET_BANDS_USD_2012 = (10e6, 30e6, 60e6, 100e6, 150e6)
"""Edges of the budget bands of ``errors_by_budget_band`` (constant 2012 USD)."""


def new_figure(width: float = 8.0, height: float = 4.5, **subplots):
    """A Figure on its own Agg canvas and its axes (``subplots`` as for ``Figure.subplots``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(**subplots)


def money(usd) -> str:
    """``format_money`` for matplotlib text: '$' escaped, else two of them start math mode."""
    from boxoffice.units import format_money

    return format_money(usd).replace("$", r"\$")


def money_axis(axis, log: bool = True) -> None:
    """Ticks like $1M, $10M, $100M, $1B on a (log) axis: ``ax.xaxis`` or ``ax.yaxis``."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    if log:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0,)))
        axis.set_minor_formatter(NullFormatter())
    axis.set_major_formatter(FuncFormatter(lambda v, _: money(v)))


def percent_axis(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def to_png(fig) -> bytes:
    """PNG bytes of a figure (for embedding in HTML)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def data_coverage(films):
    """Films per release year: every film in the table, and those a model can learn from."""
    import numpy as np

    from boxoffice.model.forecaster import trainable

    years = films["year"].dropna().astype(int)
    usable = trainable(films, min_year=0)["year"].dropna().astype(int)
    span = np.arange(int(years.min()), int(years.max()) + 1)
    all_counts = years.value_counts().reindex(span, fill_value=0)
    usable_counts = usable.value_counts().reindex(span, fill_value=0)
    fig, ax = new_figure(8, 3.8)
    ax.bar(span, all_counts.to_numpy(), color=BASELINE_COLOR, width=0.9, label="all films in the table")
    ax.bar(span, usable_counts.to_numpy(), color=MODEL_COLOR, width=0.9, label="with budget and worldwide gross")
    ax.set_title("Data coverage: films by release year")
    ax.set_xlabel("release year")
    ax.set_ylabel("films (count)")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def predicted_vs_actual(predictions):
    """Forecast P50 against actual worldwide gross, model beside baseline, log-log."""
    import numpy as np

    fig, axes = new_figure(10, 4.8, ncols=2, sharex=True, sharey=True)
    actual = predictions["actual"].to_numpy(float)
    lo = np.nanmin([actual.min(), predictions["model_p50"].min(), predictions["baseline_p50"].min()]) / 1.5
    hi = np.nanmax([actual.max(), predictions["model_p50"].max(), predictions["baseline_p50"].max()]) * 1.5
    for ax, who, color in ((axes[0], "model", MODEL_COLOR), (axes[1], "baseline", BASELINE_COLOR)):
        p50 = predictions[f"{who}_p50"].to_numpy(float)
        ax.scatter(p50, actual, s=9, alpha=0.45, color=color, edgecolors="none")
        ax.plot([lo, hi], [lo, hi], color="black", lw=1, label="perfect forecast")
        ax.plot([lo, hi], [lo * 2, hi * 2], color=ACCENT, lw=0.8, ls="--", label="off by 2×")
        ax.plot([lo, hi], [lo / 2, hi / 2], color=ACCENT, lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        money_axis(ax.xaxis)
        money_axis(ax.yaxis)
        ax.set_xlabel("forecast P50, worldwide (2012 USD)")
        ax.set_title(f"{who} ({len(p50):,} test films)")
        ax.grid(alpha=0.25, which="major")
    axes[0].set_ylabel("actual worldwide gross (2012 USD)")
    axes[0].legend(loc="upper left", frameon=False)
    fig.suptitle("Predicted vs actual worldwide gross (backtest)")
    return fig


def reliability(predictions, bins: int = 10, min_films: int = 10):
    """Reliability diagram of the break-even risk: forecast probability of losing money vs how often films did."""
    import numpy as np

    fig, ax = new_figure(6.5, 5.2)
    edges = np.linspace(0, 1, bins + 1)
    lost = predictions["lost_money"].to_numpy(float)
    for who, color, marker in (("model", MODEL_COLOR, "o"), ("baseline", BASELINE_COLOR, "s")):
        prob = predictions[f"{who}_break_even_prob"].to_numpy(float)
        which = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
        xs, ys, ns = [], [], []
        for b in range(bins):
            mask = which == b
            if mask.sum() >= min_films:
                xs.append(prob[mask].mean()), ys.append(lost[mask].mean()), ns.append(mask.sum())
        ns = np.asarray(ns, float)
        ax.plot(xs, ys, color=color, lw=1.5, label=who)
        ax.scatter(xs, ys, s=15 + 200 * ns / max(ns.max(initial=1), 1), color=color, marker=marker, alpha=0.8, zorder=3)
    ax.plot([0, 1], [0, 1], color="black", lw=1, ls=":", label="perfectly calibrated")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    percent_axis(ax.xaxis)
    percent_axis(ax.yaxis)
    ax.set_xlabel("forecast chance of losing money")
    ax.set_ylabel("share of films that lost money (actual)")
    ax.set_title("Break-even risk: reliability (marker size = films)")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(alpha=0.25)
    return fig


def coverage_by_year(predictions, interval: float = 0.8):
    """Share of test films whose actual gross fell inside the P10-P90 range, per test year."""
    import numpy as np

    years = sorted(predictions["year"].unique())
    fig, ax = new_figure(8, 3.8)
    width = 0.38
    x = np.arange(len(years))
    for shift, who, color in ((-width / 2, "model", MODEL_COLOR), (width / 2, "baseline", BASELINE_COLOR)):
        share = [float(((part["actual"] >= part[f"{who}_p10"]) & (part["actual"] <= part[f"{who}_p90"])).mean())
                 for _, part in predictions.groupby("year")]
        bars = ax.bar(x + shift, share, width, color=color, label=who)
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in share], fontsize=8, padding=2)
    ax.axhline(interval, color=ACCENT, ls="--", lw=1.2, label=f"target {interval:.0%}")
    ax.set_xticks(x, [str(y) for y in years])
    ax.set_ylim(0, 1.22)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    percent_axis(ax.yaxis)
    ax.set_xlabel("test year")
    ax.set_ylabel("actual inside P10–P90 (% of films)")
    ax.set_title(f"{interval:.0%} range coverage by year")
    ax.legend(loc="upper center", frameon=False, ncols=3)
    ax.grid(axis="y", alpha=0.3)
    return fig


def feature_importance(forecaster, top: int = 15):
    """Share of the worldwide P50 model's total split gain, per feature (top) and per lever."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.features import lever_of

    model = forecaster.models_["worldwide"]
    gain = pd.Series(model.boosters_["p50"].feature_importance("gain"), index=model.feature_names_, dtype=float)
    share = gain / gain.sum() if gain.sum() > 0 else gain
    by_lever = share.groupby(share.index.map(lever_of)).sum().sort_values()
    features = share.sort_values().tail(top)
    fig, (left, right) = new_figure(11, 5.2, ncols=2, width_ratios=[1.25, 1])
    left.barh(np.arange(len(features)), features.to_numpy(), color=MODEL_COLOR)
    left.set_yticks(np.arange(len(features)), [f.replace("_", " ") for f in features.index], fontsize=8)
    left.set_title(f"Top {len(features)} features")
    right.barh(np.arange(len(by_lever)), by_lever.to_numpy(), color=ACCENT)
    right.set_yticks(np.arange(len(by_lever)), list(by_lever.index), fontsize=9)
    right.set_title("Grouped by lever")
    for ax in (left, right):
        percent_axis(ax.xaxis)
        ax.set_xlabel("share of total gain (%)")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Feature importance: what the worldwide P50 model splits on (gain)")
    return fig


def budget_band_labels(edges=BUDGET_BANDS_USD_2012) -> list[str]:
    """'under $10M', '$10M–$30M', …, '$150M+' (escaped for matplotlib)."""
    labels = [f"under {money(edges[0])}"]
    labels += [f"{money(a)}–{money(b)}" for a, b in zip(edges[:-1], edges[1:])]
    return labels + [f"{money(edges[-1])}+"]


def errors_by_budget_band(predictions, edges=BUDGET_BANDS_USD_2012):
    """Typical error factor (exp of the median |log error|) per budget band, model beside baseline."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    band = np.searchsorted(np.asarray(edges), predictions["budget"].to_numpy(float), side="right")
    labels = budget_band_labels(edges)
    x = np.arange(len(labels))
    width = 0.38
    fig, ax = new_figure(9, 4.2)
    actual = np.log(predictions["actual"].to_numpy(float))
    counts = np.bincount(band, minlength=len(labels))
    top = 1.0
    for shift, who, color in ((-width / 2, "model", MODEL_COLOR), (width / 2, "baseline", BASELINE_COLOR)):
        error = np.abs(actual - np.log(predictions[f"{who}_p50"].to_numpy(float)))
        factor = np.array([np.exp(np.median(error[band == b])) if counts[b] else np.nan for b in range(len(labels))])
        bars = ax.bar(x + shift, factor - 1, width, bottom=1, color=color, label=who)
        ax.bar_label(bars, labels=["" if f != f else f"×{f:.1f}" for f in factor], fontsize=8, padding=2)
        top = max(top, np.nanmax(factor))
    ax.set_xticks(x, [f"{label}\n({n:,} films)" for label, n in zip(labels, counts)], fontsize=8)
    ax.set_ylim(1, top * 1.12)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"×{v:.1f}"))
    ax.set_xlabel("production budget (2012 USD)")
    ax.set_ylabel("typical error: forecast off by (×)")
    ax.set_title("Errors by budget band (median over test films; lower is better)")
    ax.legend(loc="upper right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
