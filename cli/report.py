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
    and per year, predicted vs actual, the reliability of the break-even risk, 80% range coverage by year,
    feature importance of the stored model, and errors by budget band.

    Examples:
      boxoffice report --out report.html
      boxoffice report --out quick.html --years 2
    """
    from boxoffice.atomic import atomic_path
    from boxoffice.evaluation.backtest import BacktestConfig, backtest
    from boxoffice.show.report import build_report
    from boxoffice.table.io import load_films

    from boxoffice_cli.forecast import _workspace, load_model

    ws = _workspace(sources, home)
    ws.refuse_overwriting({"--out": out}, {"--data": data, "--mapping": mapping})
    films = load_films(ws, data, mapping, on_build=render.info)
    forecaster = load_model(ws, model)
    with render.progress("Backtest") as progress:
        result = backtest(films, BacktestConfig(test_years=years, break_even_multiple=break_even_multiple), progress=progress)
    page = build_report(films, result, forecaster)
    with atomic_path(out, suffix=".html") as tmp:
        tmp.write_text(page, encoding="utf-8")
    if as_json:
        render.emit_json({"report": str(out), "bytes": len(page.encode("utf-8")), "backtest": result.summary()})
        return
    render.info(f"Wrote {out} ({len(page.encode('utf-8')) / 1e6:.1f} MB): open it in a browser.")
