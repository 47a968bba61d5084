"""``boxoffice report``: the backtest, the data and the model as one HTML file."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import BREAK_EVEN, DATA, HOME, JSON, MAPPING, MODEL, SOURCES


def report(
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="Where to write the HTML file."),
    years: int = typer.Option(5, "--years", min=1, max=20, help="How many of the newest years the backtest tests on, one at a time."),
    horizon: str = typer.Option("all", "--horizon", metavar="H", help="Horizons to backtest, as `boxoffice evaluate --horizon` takes them: train on films before year Y−H, test on year Y. Default: all (0..3); 0 is quickest."),
    data: Optional[Path] = DATA,
    mapping: Optional[Path] = MAPPING,
    break_even_multiple: float = BREAK_EVEN,
    model: str = MODEL,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Write one self-contained HTML report (images embedded, opens offline in any browser).

    It runs a fresh rolling backtest (model against the baseline) and shows data coverage, the scores pooled
    and per year, every level of detail (full, no distributor, genre-budget-date) at every horizon and
    how the ranges widen further ahead, predicted vs actual, the reliability of the break-even risk, 80% range coverage by year,
    feature importance of the stored model, and errors by budget band.

    Examples:
      boxoffice report --out report.html
      boxoffice report --out quick.html --years 2 --horizon 0
    """
    from boxoffice.atomic import atomic_path
    from boxoffice.evaluation.backtest import BacktestConfig, backtest
    from boxoffice.evaluation.horizons import parse_horizons
    from boxoffice.show.report import build_report
    from boxoffice.table.io import load_films

    from boxoffice_cli.forecast import _workspace, load_model

    horizons = parse_horizons(horizon)
    ws = _workspace(sources, home)
    ws.refuse_overwriting({"--out": out}, {"--data": data, "--mapping": mapping})
    films = load_films(ws, data, mapping, on_build=render.info)
    forecaster = load_model(ws, model)
    with render.progress("Backtest") as progress:
        result = backtest(films, BacktestConfig(test_years=years, break_even_multiple=break_even_multiple,
                                                  horizons=horizons), progress=progress)
    page = build_report(films, result, forecaster)
    with atomic_path(out, suffix=".html") as tmp:
        tmp.write_text(page, encoding="utf-8")
    if as_json:
        render.emit_json({"report": str(out), "bytes": len(page.encode("utf-8")), "backtest": result.summary()})
        return
    render.info(f"Wrote {out} ({len(page.encode('utf-8')) / 1e6:.1f} MB): open it in a browser.")
