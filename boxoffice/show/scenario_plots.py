"""Figures for what-if scenarios: range bars per scenario, a sweep curve, release windows through the year.

Matplotlib's object API with the Agg canvas, imported here only, so the core never
loads matplotlib and no global backend is switched. Each function returns the
``Figure`` and, given ``path``, writes a PNG atomically. Money is USD of the release year.
"""
from __future__ import annotations

from pathlib import Path


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _money_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    from boxoffice.units import format_money

    axis.set_major_formatter(FuncFormatter(lambda value, _: format_money(value)))


def save(fig, path: Path) -> Path:
    """Write ``fig`` as a PNG atomically (a crash leaves no half-written image)."""
    from boxoffice.atomic import atomic_path

    path = Path(path)
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png")
    return path


def scenario_ranges(frame, path: Path | None = None, title: str = "Worldwide gross by scenario"):
    """Horizontal P10–P90 bars with the P50 marked, one per scenario (``compare``/``grid`` frames);
    each scenario's break-even gross is a red tick on its bar."""
    import numpy as np

    rows = frame[frame["worldwide_p50"].notna()].reset_index(drop=True)
    labels = rows["scenario"].astype(str).tolist()
    fig = _figure(9, 1.8 + 0.45 * len(rows))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    ax.barh(y, rows["worldwide_p90"] - rows["worldwide_p10"], left=rows["worldwide_p10"], height=0.5,
            color="#9ecae1", label="P10–P90 range (80%)")
    ax.scatter(rows["worldwide_p50"], y, color="#08519c", zorder=3, label="P50 (median)")
    ax.scatter(rows["break_even_gross"], y, marker="|", s=400, color="#cb181d", zorder=4,
               label="break-even gross")
    for yi, prob in zip(y, rows["break_even_prob"]):
        ax.annotate(f"{prob:.0%} lose money", (1.0, yi), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8, color="#cb181d", annotation_clip=False)
    ax.set_yticks(y, labels)
    ax.set_xlabel("Worldwide gross (USD of the release year)")
    ax.set_xlim(left=0)
    _money_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    if path is not None:
        save(fig, path)
    return fig


def sweep_curve(frame, field: str | None = None, path: Path | None = None, title: str | None = None):
    """P50 against the swept lever with the P10–P90 band, the break-even gross dashed, and the
    break-even probability on a second axis (``sweep`` frames: a ``value`` column)."""
    import pandas as pd

    field = field or frame.attrs.get("field", "value")
    x = frame["value"]
    is_date = field == "release_date"
    if is_date:
        x = pd.to_datetime(x)
    fig = _figure(9, 5)
    ax = fig.add_subplot()
    ax.fill_between(x, frame["worldwide_p10"], frame["worldwide_p90"], color="#9ecae1", alpha=0.6,
                    label="P10–P90 range (80%)")
    ax.plot(x, frame["worldwide_p50"], color="#08519c", marker="o", markersize=3, label="P50 (median)")
    ax.plot(x, frame["break_even_gross"], color="#cb181d", linestyle="--", label="break-even gross")
    ax.set_ylabel("Worldwide gross (USD of the release year)")
    ax.set_ylim(bottom=0)
    _money_axis(ax.yaxis)
    risk = ax.twinx()
    risk.plot(x, frame["break_even_prob"], color="#ef6548", linewidth=1.2, label="chance of losing money")
    risk.set_ylim(0, 1)
    risk.set_ylabel("Chance of losing money")
    from matplotlib.ticker import PercentFormatter

    risk.yaxis.set_major_formatter(PercentFormatter(1.0))
    names = {"budget_usd": "Production budget (USD)", "release_date": "Release date",
             "runtime_min": "Running time (minutes)"}
    ax.set_xlabel(names.get(field, field.replace("_", " ")))
    if field == "budget_usd":
        _money_axis(ax.xaxis)
    if is_date:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    handles = ax.get_legend_handles_labels()
    more = risk.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left", fontsize=8)
    ax.set_title(title or f"Forecast as {names.get(field, field).split(' (')[0].lower()} changes")
    if path is not None:
        save(fig, path)
    return fig


def window_curve(frame, path: Path | None = None, title: str | None = None):
    """``sweep_curve`` through the year for a ``release_windows`` frame: each week at its Friday,
    each month at its first day (its figures are the mean of its Fridays)."""
    import pandas as pd

    by = frame.attrs.get("by", "week")
    when = frame["release_date"] if by == "week" else frame["window"] + "-01"
    curve = frame.assign(value=pd.to_datetime(when)).sort_values("value")
    return sweep_curve(curve, "release_date", path, title or f"Forecast by release {by}")
