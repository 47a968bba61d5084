"""One self-contained HTML file a producer can open: the data, the backtest, the model.

``build_report(films, backtest_result, forecaster)`` returns the HTML as a
string: inline CSS, figures embedded as base64 PNG, no script and no external
resource, so it opens offline in any browser and can be mailed as one file.
"""
from __future__ import annotations

import datetime as dt
import html

import boxoffice.break_even as break_even
from boxoffice.show.scores import METRICS, better_side, formatted

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0;background:#f6f6f4}
main{max-width:1080px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid #1f5f9f;padding-bottom:4px}
p,li{line-height:1.5;font-size:14px}.meta{color:#666;font-size:13px;margin:0 0 12px}
figure{margin:12px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:13px;color:#555;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:right}
th{background:#f0f3f7;font-weight:600}td:first-child,th:first-child{text-align:left}
td.better{color:#176b2c;font-weight:600}tr.baseline td{color:#666}tr.year-start td{border-top:2px solid #ccc}
.wide{overflow-x:auto}.howto{background:#f3f7fb;border-left:4px solid #1f5f9f;padding:8px 16px;margin:12px 0}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.kpi{background:#f0f3f7;padding:8px 14px;border-radius:4px}
.kpi b{display:block;font-size:20px}.kpi span{font-size:12px;color:#555}
"""

HOW_TO_READ = """
<ul>
<li><b>P50</b> is the forecast's middle: an even chance the film grosses more or less. <b>P10–P90</b> is the
80% range: one film in ten should fall below P10 and one in ten above P90.</li>
<li>Every score comes from a <b>rolling backtest</b>: for each test year, the model is trained only on films
released before that year and then forecasts that year's films, as it would have before their release.</li>
<li>The <b>baseline</b> is a straight line of log gross on log budget. The model is worth using where it beats
it: <span style="color:#176b2c;font-weight:600">green</span> marks the better of the two.</li>
<li><b>Losing money</b> means a worldwide gross under {multiple} the budget ({why}). A well-calibrated risk of
30% means about 30 films in 100 given that risk lost money.</li>
<li>Money in the backtest figures is in constant 2012 US dollars, so years compare fairly.</li>
</ul>
"""


WHY = "the studio keeps about half of ticket sales, and marketing costs about half the budget again"


def how_to_read(multiple: float = break_even.MULTIPLE) -> str:
    """The reading guide for a backtest whose films lost money under ``multiple`` × budget."""
    why = WHY if multiple == break_even.MULTIPLE else (
        f"as asked with --break-even-multiple; the rule of thumb is {break_even.multiple_text()}: {WHY}")
    return HOW_TO_READ.format(multiple=break_even.multiple_text(multiple), why=why)


def _metric_columns(scores, multiple: float = break_even.MULTIPLE) -> list[tuple]:
    """Known metrics in order, then any other numeric column ``score`` may add later."""
    text = break_even.multiple_text(multiple)
    known = [(*m[:4], m[4].format(multiple=text)) for m in METRICS if m[0] in scores.columns]
    extra = [(c, c.replace("_", " "), "{:.3g}", None, "") for c in scores.columns
             if c not in {m[0] for m in METRICS} | {"who", "year"}]
    return known + extra


def pooled_table(scores, break_even_multiple: float = break_even.MULTIPLE) -> str:
    """Metric rows; model, baseline and their difference as columns (all test years pooled)."""
    pooled = scores[scores["year"] == "all"].set_index("who")
    rows = []
    for key, label, template, better, meaning in _metric_columns(scores, break_even_multiple):
        m = pooled.loc["model", key] if "model" in pooled.index else None
        b = pooled.loc["baseline", key] if "baseline" in pooled.index else None
        win = better_side(key, better, m, b)
        rows.append(f"<tr><td title='{html.escape(meaning)}'>{html.escape(label)}</td>"
                    f"<td class='{'better' if win == 'model' else ''}'>{formatted(template, m)}</td>"
                    f"<td class='{'better' if win == 'baseline' else ''}'>{formatted(template, b)}</td>"
                    f"<td style='text-align:left;color:#555'>{html.escape(meaning)}</td></tr>")
    return ("<table><tr><th>metric</th><th>model</th><th>baseline</th><th style='text-align:left'>what it means</th></tr>"
            + "".join(rows) + "</table>")


def per_year_table(scores) -> str:
    """One row per (test year, model or baseline), every metric as a column."""
    columns = _metric_columns(scores)
    head = "<tr><th>year</th><th>who</th>" + "".join(f"<th>{html.escape(c[1])}</th>" for c in columns) + "</tr>"
    rows = []
    years = [y for y in scores["year"].unique() if y != "all"] + ["all"]
    for year in years:
        part = scores[scores["year"] == year].set_index("who")
        for i, who in enumerate(w for w in ("model", "baseline") if w in part.index):
            other = part.loc["baseline" if who == "model" else "model"] if len(part) == 2 else None
            cells = []
            for key, _, template, better, _ in columns:
                value = part.loc[who, key]
                win = None if other is None else better_side(key, better, part.loc["model", key], part.loc["baseline", key])
                cells.append(f"<td class='{'better' if win == who else ''}'>{formatted(template, value)}</td>")
            label = "all years" if year == "all" else str(year)
            klass = ("year-start " if i == 0 else "") + ("baseline" if who == "baseline" else "")
            rows.append(f"<tr class='{klass.strip()}'><td>{label if i == 0 else ''}</td><td>{who}</td>{''.join(cells)}</tr>")
    return f"<div class='wide'><table>{head}{''.join(rows)}</table></div>"


def _figure(fig, alt: str, caption: str) -> str:
    import base64

    from boxoffice.show.plots import to_png

    data = base64.b64encode(to_png(fig)).decode("ascii")
    return (f"<figure><img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _kpis(films, predictions, scores, forecaster) -> str:
    from boxoffice.model.forecaster import trainable

    pooled = scores[scores["year"] == "all"].set_index("who")
    items = [(f"{len(films):,}", "films in the table"),
             (f"{len(trainable(films, 0)):,}", "with budget and worldwide gross"),
             (f"{len(predictions):,}", f"test films, {predictions['year'].min()}–{predictions['year'].max()}")]
    if "model" in pooled.index and "baseline" in pooled.index:
        items.append((f"{pooled.loc['model', 'rmsle']:.3f} vs {pooled.loc['baseline', 'rmsle']:.3f}", "RMSLE, model vs baseline"))
        items.append((f"{pooled.loc['model', 'coverage_80']:.0%}", "of films inside the model's 80% range"))
    return "<div class='kpis'>" + "".join(f"<div class='kpi'><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>"
                                          for v, k in items) + "</div>"


def build_report(films, backtest_result, forecaster, title: str = "boxoffice: model report") -> str:
    """The whole report as one HTML string (see the module docstring)."""
    from boxoffice.model.forecaster import model_id
    from boxoffice.show import plots
    from boxoffice.show.levels import levels_section

    pred, scores = backtest_result.predictions, backtest_result.scores
    multiple = backtest_result.break_even_multiple
    meta = getattr(forecaster, "metadata_", {}) or {}
    model_name = model_id(forecaster)
    period = getattr(forecaster, "period_", None) or tuple(meta.get("period", ()) or ())
    period_text = f"trained on films released {period[0]} to {period[1]}" if len(period) == 2 else ""
    years = sorted(pred["year"].unique())
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>Model {html.escape(model_name)} {html.escape(period_text)} · backtest "
        f"{years[0]}–{years[-1]} ({len(years)} test years) · generated {generated}</p>",
        _kpis(films, pred, scores, forecaster),
        "<h2>How to read this</h2>", f"<div class='howto'>{how_to_read(multiple)}</div>",
        "<h2>Data coverage</h2>",
        _figure(plots.data_coverage(films), "films per release year",
                "Blue films have both a budget and a worldwide gross: only those are trained on and tested. "
                "Grey films add cast and director track records."),
        "<h2>Backtest: model against the baseline</h2>",
        "<p>All test years pooled. Hover a metric for its meaning.</p>", pooled_table(scores, multiple),
        "<h3>Per test year</h3>", per_year_table(scores),
        levels_section(backtest_result, forecaster.config.model.interval if hasattr(forecaster, "config") else 0.8),
        "<h2>Predicted vs actual</h2>",
        _figure(plots.predicted_vs_actual(pred), "forecast P50 against actual gross",
                "Each dot is a test film. On the black line the forecast was exact; between the dashed lines it was "
                "within a factor of 2. Tighter around the line is better."),
        "<h2>Break-even risk: reliability</h2>",
        _figure(plots.reliability(pred), "reliability diagram",
                "Films grouped by their forecast chance of losing money. A calibrated forecast lies on the dotted "
                "diagonal: of the films given 40%, about 40% lost money."),
        "<h2>80% range coverage by year</h2>",
        _figure(plots.coverage_by_year(pred), "coverage of the P10-P90 range per year",
                "Share of films whose actual gross fell inside P10–P90. Close to the 80% line is right; far above "
                "means ranges too wide, below means too narrow."),
        "<h2>Feature importance</h2>",
        _figure(plots.feature_importance(forecaster), "feature importance by gain",
                "How much each feature (left) and each producer lever (right) reduces the error of the worldwide P50 "
                "model during training. Importance is not direction: 'boxoffice predict --explain' shows what drives one film's forecast."),
        "<h2>Errors by budget band</h2>",
        _figure(plots.errors_by_budget_band(pred), "error by budget band",
                "Median error factor per budget band: ×1.5 means half the films were within 1.5× of the P50. "
                "Small films are harder to forecast."),
    ]
    body = "\n".join(sections)
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>\n{body}\n</main></body></html>\n")
