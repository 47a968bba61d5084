"""Turning results into what a person reads (rich tables) or a script reads (JSON)."""
from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# markup off: titles, names and paths are user text, and "[/]" in one must print, not crash
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def error(problem) -> None:
    err.print(f"[bold red]error:[/] {escape(str(problem))}", markup=True, highlight=False)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(str(message))}", markup=True)


def warn_all(messages) -> None:
    """The warnings a library function returned, one line each."""
    for message in messages:
        warn(message)


def info(message: str) -> None:
    err.print(message)


def emit_json(obj) -> None:
    """Valid JSON for scripts: money to the cent, a missing number (NaN) null."""
    from boxoffice.units import money_fields_rounded

    sys.stdout.write(json.dumps(_null_nan(money_fields_rounded(obj)), indent=2, default=str) + "\n")


def _null_nan(obj):
    if isinstance(obj, float):
        return None if obj != obj else obj
    if isinstance(obj, dict):
        return {k: _null_nan(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_null_nan(v) for v in obj]
    return obj


def key_value_table(title: str, rows: dict) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key, value in rows.items():
        table.add_row(str(key).replace("_", " "), f"{value:,}" if isinstance(value, int) else str(value))
    return table


def counts_table(title: str, columns: tuple[str, ...], rows) -> Table:
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        table.add_column(name, justify="right" if i == len(columns) - 1 else "left")
    for row in rows:
        table.add_row(*[f"{v:,}" if isinstance(v, int) else str(v) for v in row])
    return table


BACKTEST_ROWS = (
    ("rmsle", "RMSLE (lower is better)", "{:.3f}"),
    ("r2_log", "R² on log gross", "{:.3f}"),
    ("median_abs_log_error", "median |log error|", "{:.3f}"),
    ("coverage_80", "80% range coverage", "{:.1%}"),
    ("median_p90_over_p10", "median P90 / P10", "{:.1f}×"),
    ("break_even_auc", "break-even AUC", "{:.3f}"),
    ("brier", "break-even Brier", "{:.3f}"),
    ("brier_base_rate", "Brier of base rate", "{:.3f}"),
    ("calibration_error", "break-even calibration error", "{:.3f}"),
    ("bingo", "Sharda-Delen bingo", "{:.1%}"),
    ("one_away", "Sharda-Delen 1-away", "{:.1%}"),
    ("films", "test films", "{:,}"),
)


def _fmt(template: str, value) -> str:
    return "–" if value is None else template.format(value)


def backtest_table(summary: dict, title: str) -> Table:
    """Model beside baseline, with the model's change against the baseline."""
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("model", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("model vs baseline", justify="right")
    model, base = summary.get("model", {}), summary.get("baseline", {})
    for key, label, template in BACKTEST_ROWS:
        m, b = model.get(key), base.get(key)
        change = ""
        if key in ("rmsle", "median_abs_log_error", "brier") and m is not None and b:
            change = f"{(m - b) / b:+.1%}"
        elif key in ("r2_log", "break_even_auc") and m is not None and b is not None:
            change = f"{m - b:+.3f}"
        table.add_row(label, _fmt(template, m), _fmt(template, b), change)
    return table


def forecast_table(result: dict, assumed_date: bool = False) -> Table:
    from boxoffice.break_even import multiple_text
    from boxoffice.units import format_money

    title = f"{result['title']} — budget {format_money(result['budget_usd'])}, release {result['release_date']}"
    if assumed_date:
        title += " (assumed: pass --release-date)"
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for head in ("P10", "P50", "P90"):
        table.add_column(head, justify="right")
    for target in ("worldwide", "domestic"):
        values = [result[f"{target}_{q}"] for q in ("p10", "p50", "p90")]
        missing = all(v is None or v != v for v in values)  # a model trained without this gross
        table.add_row(f"{target} gross" + (" (unavailable)" if missing else ""), *map(format_money, values))
    table.caption = (
        f"Chance of losing money (worldwide gross under {multiple_text(result['break_even_multiple'])} budget = "
        f"{format_money(result['break_even_gross'])}): {result['break_even_prob']:.0%}.  "
        f"Median worldwide gross / budget: {result['median_multiple']:.2f}×.  Model {result['model']}."
    )
    if result.get("mixed_over"):
        table.caption += (f"\nNot given, so mixed over {result['comparable_films']} comparable films (similar budget, "
                          f"genres and years): {result['mixed_over']}.")
    table.caption_justify = "left"
    return table


def frame_table(frame, title: str) -> Table:
    """Any DataFrame as a table; money columns readable, probabilities as percentages."""
    from boxoffice.units import format_money

    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fi" else "left")
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row):
            if isinstance(value, float) and ("p10" in col or "p50" in col or "p90" in col or "gross" in col or "budget" in col):
                cells.append(format_money(value))
            elif isinstance(value, float) and "prob" in col:
                cells.append("–" if value != value else f"{value:.0%}")
            elif isinstance(value, float):
                cells.append("–" if value != value else f"{value:.3g}")
            else:
                cells.append(str(value))
        table.add_row(*cells)
    return table


def drivers_table(found, row: int = 0) -> Table:
    """A film's P50 as the model's average film plus one line per lever (``boxoffice.model.explain``)."""
    from boxoffice.model.features import lever_label
    from boxoffice.units import format_money

    table = Table(title="What drives the worldwide P50", title_justify="left")
    table.add_column("")
    table.add_column("USD", justify="right")
    table.add_column("vs average film", justify="right")
    table.add_row("average film (model baseline)", format_money(found.baseline_usd.iloc[row]), "")
    for item in found.for_film(row).itertuples(index=False):
        sign = "+" if item.usd >= 0 else ""
        table.add_row(lever_label(item.lever), sign + format_money(item.usd), f"{item.percent:+.0%}")
    table.add_row("= P50", format_money(found.p50_usd.iloc[row]), "", style="bold")
    table.caption = ("From LightGBM's per-feature contributions to log P50, grouped by lever and split in dollars "
                     "in proportion to them; they add up exactly to the P50 (dollars of the release year).")
    table.caption_justify = "left"
    return table
