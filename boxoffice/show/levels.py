"""The report's tables of every level of detail and every horizon: the README's figures come from here.

A level is how fully a film is described (``boxoffice.evaluation.levels``); a horizon how many years
of films lie between the training data's end and the test year (``boxoffice.evaluation.horizons``).
"""
from __future__ import annotations

import html

from boxoffice.show.scores import METRICS, better_side, formatted

LEVEL_METRICS = ("rmsle", "r2_log", "coverage_80", "median_p90_over_p10", "break_even_auc", "brier", "brier_base_rate",
                 "films")


def levels_table(levels: dict) -> str:
    """One column per level of detail and one for the baseline; green where a level beats the baseline."""
    known = {m[0]: m for m in METRICS}
    base = next(iter(levels.values()), {}).get("baseline", {})
    head = "<tr><th>metric</th>" + "".join(f"<th>{html.escape(level)}</th>" for level in levels) + "<th>baseline</th></tr>"
    rows = []
    for key in LEVEL_METRICS:
        _, label, template, better, meaning = known[key]
        cells = []
        for scores in levels.values():
            model = scores.get("model", {}).get(key)
            bar = scores.get("model", {}).get("brier_base_rate") if key == "brier" else base.get(key)
            win = better_side(key, better, model, bar) if key != "brier_base_rate" else None
            cells.append(f"<td class='{'better' if win == 'model' else ''}'>{formatted(template, model)}</td>")
        rows.append(f"<tr><td title='{html.escape(meaning)}'>{html.escape(label)}</td>{''.join(cells)}"
                    f"<td>{'' if key == 'brier_base_rate' else formatted(template, base.get(key))}</td></tr>")
    return f"<div class='wide'><table>{head}{''.join(rows)}</table></div>"


def widening_table(coverage, widening) -> str:
    """Per horizon: 80% coverage as trained, widened by the earlier test years' widening, and the factor."""
    factors = list(widening.factors) if widening is not None else []
    rows = "".join(
        f"<tr><td>{row['horizon']}</td><td>{row['films']:,}</td><td>{row['coverage_80']:.1%}</td>"
        f"<td>{row['widened_coverage_80']:.1%}</td>"
        f"<td>{'×%.2f' % factors[row['horizon']] if row['horizon'] < len(factors) else '–'}</td></tr>"
        for row in coverage.to_dict("records"))
    return ("<table><tr><th>horizon</th><th>films</th><th>80% coverage as trained</th><th>widened</th>"
            f"<th>widening of the log-range</th></tr>{rows}</table>")


def levels_section(result, interval: float = 0.8) -> str:
    """The report's section: a levels table per horizon, then how the ranges widen further ahead."""
    from boxoffice.evaluation.horizons import widened_coverage, widening_of

    parts = ["<h2>Every level of detail, every horizon</h2>",
             "<p>The same test films, described as fully as the data describes them, without their distributor, "
             "and by genre, budget and date only (every other field not decided yet, so mixed over the 25 most "
             "comparable earlier films). A film the data gives no genre keeps a blank genre (unknown) at every "
             "level: for it the last level is budget and date only. Horizon H: the model is trained on films "
             "released before year Y−H and tested on year Y, as a film green-lit H years before its release is "
             "forecast. Green: better than budget alone (for the Brier score: better than quoting the base rate).</p>"]
    for horizon, levels in result.horizon_summary().items():
        parts += [f"<h3>Horizon {html.escape(horizon)}</h3>", levels_table(levels)]
    coverage = widened_coverage(result, interval)
    if len(coverage):
        parts += ["<h3>How far ahead: ranges widen with the gap</h3>",
                  "<p>The 80% ranges are calibrated on the newest training films, which is horizon 0; further "
                  "out they must widen. 'Widened': each test year's ranges stretched by the widening measured on the "
                  "earlier test years only. The last column is the factor measured on every test year, which "
                  "<code>boxoffice train</code> stores in the model and applies to a film released that far past "
                  "the data (held at the furthest horizon measured beyond it, with a warning).</p>",
                  widening_table(coverage, widening_of(result, interval))]
    return "\n".join(parts)
