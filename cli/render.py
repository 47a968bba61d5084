"""Turning results into what a person reads (rich tables, progress) or a script reads (JSON)."""
from __future__ import annotations

import contextlib
import json
import numbers
import sys
import time

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


@contextlib.contextmanager
def progress(title: str):
    """The ``progress(step, total, label)`` callback long library work reports to, shown where the user looks.

    In a terminal: a rich bar that goes away when done. Elsewhere (CI logs, notebooks, pipes): one plain
    line on stderr per new step, with the seconds so far, and a last line when done. Nothing shows until
    the work first reports (a model that loads without training shows no bar).
    """
    started, shown, said, bar = time.monotonic(), [], set(), None
    if err.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                       transient=True)
        task = bar.add_task(title, total=None)

    def report(step, total, label):
        if not shown:
            shown.append(True)
            bar.start() if bar is not None else err.print(f"{title}…")
        if bar is not None:
            bar.update(task, completed=step, total=total, description=f"{title}: {label}")
        elif (step, label) not in said:  # a step reported twice is said once
            said.add((step, label))
            err.print(f"{title} [{step}/{total}] {label} ({time.monotonic() - started:.0f} s)")

    try:
        yield report
    finally:
        if bar is not None and shown:
            bar.stop()
    if shown and bar is None:
        err.print(f"{title}: done in {time.monotonic() - started:.0f} s")


def counted(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``: counts said as a person says them, never ``row(s)``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


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


SCORES = ("rmsle", "r2_log", "median_abs_log_error", "break_even_auc", "brier", "brier_base_rate",
          "calibration_error")
"""Scores of a backtest, shown to three decimals."""
RATES = ("coverage_80", "bingo", "one_away", "loss_rate", "hit_rate")
"""Shares of films, shown as percentages to one decimal."""
COUNTS = ("films", "films_before", "fridays", "rank")


def cell(column: str, value) -> str:
    """One rule for every table: a value shown as what its column holds, known by the column's name.

    Money (``_usd``, ``gross``, ``budget``, ``p10``/``p50``/``p90``) as money, ratios (``multiple``,
    ``_over_``: median P90 over P10) as "22.4×", probabilities and shares as %, scores to 3 decimals.
    """
    from boxoffice.units import format_money

    if value is None or (isinstance(value, numbers.Real) and value != value):
        return "–"
    if isinstance(value, bool) or getattr(value, "dtype", None) == bool:
        return "yes" if value else "no"
    if not isinstance(value, numbers.Real):
        return str(value)
    if column.endswith("_prob_change"):
        return f"{value * 100:+.0f}pt"
    if column.endswith("_prob"):
        return f"{value:.0%}"
    if column in RATES:
        return f"{value:.1%}"
    if column.endswith("_pct"):
        return f"{value:+.1f}%" if abs(value) < 10 else f"{value:+.0f}%"
    if column == "expected_return":
        return f"{value:+.0%}"
    if "multiple" in column or "_over_" in column or column == "return_on_budget":
        return f"{value:.2f}×" if abs(value) < 10 else f"{value:.1f}×" if abs(value) < 100 else f"{value:,.0f}×"
    if column in SCORES:
        return f"{value:.3f}"
    if column in ("year", "row"):
        return f"{int(value)}"
    if column in COUNTS:
        return f"{int(value):,}"
    if column in ("distance", "years_since_last", "value"):
        return f"{value:.1f}"
    if any(part in column for part in ("_p10", "_p50", "_p90", "gross", "budget", "_usd")) \
            or column.startswith(("p10", "p50", "p90")):
        return format_money(value)
    return f"{value:,}" if isinstance(value, numbers.Integral) else f"{value:.3g}"


BACKTEST_ROWS = (
    ("rmsle", "RMSLE (lower is better)"),
    ("r2_log", "R² on log gross"),
    ("median_abs_log_error", "median |log error|"),
    ("coverage_80", "80% range coverage"),
    ("median_p90_over_p10", "median P90 / P10"),
    ("break_even_auc", "break-even AUC"),
    ("brier", "break-even Brier"),
    ("brier_base_rate", "Brier of base rate"),
    ("calibration_error", "break-even calibration error"),
    ("bingo", "Sharda-Delen bingo"),
    ("one_away", "Sharda-Delen 1-away"),
    ("films", "test films"),
)


def backtest_table(summary: dict, title: str) -> Table:
    """Model beside baseline, with the model's change against the baseline."""
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("model", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("model vs baseline", justify="right")
    model, base = summary.get("model", {}), summary.get("baseline", {})
    for key, label in BACKTEST_ROWS:
        m, b = model.get(key), base.get(key)
        change = ""
        if key in ("rmsle", "median_abs_log_error", "brier") and m is not None and b:
            change = f"{(m - b) / b:+.1%}"
        elif key in ("r2_log", "break_even_auc") and m is not None and b is not None:
            change = f"{m - b:+.3f}"
        table.add_row(label, cell(key, m), cell(key, b), change)
    return table


def per_year_table(scores, who: str, title: str) -> Table:
    """One backtest metric per row and one test year per column (then all years pooled), for 'model' or
    'baseline': 15 metrics side by side would not fit a terminal."""
    rows = scores[scores["who"] == who]
    rows = rows.iloc[sorted(range(len(rows)), key=lambda i: rows["year"].iloc[i] == "all")]  # pooled last
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    for year in rows["year"]:
        table.add_column("all years" if year == "all" else str(year), justify="right")
    for key, label in BACKTEST_ROWS:
        if key in rows.columns and rows[key].notna().any():
            table.add_row(label, *(cell(key, value) for value in rows[key]))
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
    """Any DataFrame as a table, each column shown by what it holds (``cell``)."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fiu" else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(cell(str(col), value) for col, value in zip(frame.columns, row)))
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
