"""How the report writes a score: each metric's label, format and which way is better, defined once
for the report's tables (``boxoffice.show.report``, ``boxoffice.show.levels``)."""
from __future__ import annotations

METRICS = (
    # key, label, format, better: "lower" / "higher" / None, what it means
    ("films", "test films", "{:,.0f}", None, "films scored"),
    ("rmsle", "RMSLE", "{:.3f}", "lower", "root mean squared log error of the P50; 0.69 ≈ typically off by 2×"),
    ("r2_log", "R² on log gross", "{:.3f}", "higher", "share of the spread in log gross the P50 explains"),
    ("median_abs_log_error", "median |log error|", "{:.3f}", "lower", "half the films are off by less than e^this"),
    ("coverage_80", "80% range coverage", "{:.1%}", "target", "share of films inside P10–P90; 80% is right"),
    ("median_p90_over_p10", "median P90 / P10", "{:.1f}×", "lower", "how wide the range is (narrower is better at the right coverage)"),
    ("break_even_auc", "break-even AUC", "{:.3f}", "higher", "how well the risk ranks losers above winners (0.5 = chance)"),
    ("brier", "break-even Brier", "{:.3f}", "lower", "mean squared error of the chance of losing money"),
    ("brier_base_rate", "Brier of base rate", "{:.3f}", None, "Brier of always saying the training films' loss rate: the bar to beat"),
    ("loss_rate", "films that lost money", "{:.1%}", None, "share of test films under {multiple} budget worldwide"),
    ("bingo", "Sharda-Delen bingo", "{:.1%}", "higher", "domestic P50 in the right one of 9 gross classes"),
    ("one_away", "Sharda-Delen 1-away", "{:.1%}", "higher", "domestic P50 within one class"),
)


def formatted(template: str, value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return template.format(value)


def better_side(key: str, better, model, base) -> str | None:
    """'model' / 'baseline' for the better value, None if not comparable."""
    if better is None or model is None or base is None or model != model or base != base:
        return None
    if better == "target":
        model, base, better = abs(model - 0.8), abs(base - 0.8), "lower"
    if model == base:
        return None
    return ("model" if model < base else "baseline") if better == "lower" else ("model" if model > base else "baseline")
