"""The HTML report and its figures: one self-contained file, readable plots."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from boxoffice.evaluation.backtest import BacktestConfig, backtest
from boxoffice.table.io import load_table
from boxoffice.model.forecaster import TrainConfig
from boxoffice.model.revenue import ModelConfig
from boxoffice_cli.main import app


@pytest.fixture(scope="module")
def films(model_home):
    return load_table(model_home.table_path)


@pytest.fixture(scope="module")
def small_backtest(films):
    """Two test years at horizons 0 and 1 with a small single-threaded model: real predictions, fast even on a
    busy machine (three models: one trained before each year from the first year minus one)."""
    config = BacktestConfig(test_years=2, train=TrainConfig(model=ModelConfig(num_boost_round=60, num_threads=1)),
                            horizons=(0, 1))
    return backtest(films, config)


@pytest.fixture(scope="module")
def page(films, small_backtest, forecaster):
    from boxoffice.show.report import build_report

    return build_report(films, small_backtest, forecaster)


def test_report_is_one_self_contained_html_file(page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == 6
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")
    # nothing fetched from elsewhere: no links, scripts or external stylesheets
    assert not re.search(r"(src|href)=['\"](https?:|//|file:)", page)
    assert "<script" not in page and "<link" not in page


def test_report_has_the_key_sections(page):
    for heading in ("How to read this", "Data coverage", "Backtest: model against the baseline", "Per test year",
                    "Predicted vs actual", "reliability", "80% range coverage by year", "Feature importance",
                    "Errors by budget band"):
        assert heading in page, heading
    for metric in ("RMSLE", "R² on log gross", "median |log error|", "80% range coverage", "break-even AUC",
                   "break-even Brier", "Brier of base rate", "Sharda-Delen bingo", "Sharda-Delen 1-away"):
        assert metric in page, metric


def test_every_level_and_horizon_is_shown_beside_full_detail(page, small_backtest):
    section = page[page.index("Every level of detail, every horizon"):]
    for words in ("Horizon 0", "Horizon 1", "no distributor", "genre, budget and date", "baseline",
                  "How far ahead", "80% coverage as trained", "widened"):
        assert words in section, words
    full = small_backtest.level_summary(1)["full"]["model"]
    assert f"{full['rmsle']:.3f}" in section  # the figures are the backtest's own


def test_per_year_table_lists_each_test_year(page, small_backtest):
    for year in small_backtest.predictions["year"].unique():
        assert f"<td>{year}</td>" in page


def _texts(fig):
    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return out


def test_every_plot_has_a_title_labelled_axes_and_readable_money(films, small_backtest, forecaster):
    from boxoffice.show import plots

    pred = small_backtest.predictions
    figures = [plots.data_coverage(films), plots.predicted_vs_actual(pred), plots.reliability(pred),
               plots.coverage_by_year(pred), plots.feature_importance(forecaster), plots.errors_by_budget_band(pred)]
    for fig in figures:
        title = fig.get_suptitle() or fig.axes[0].get_title()
        assert title, fig
        for ax in fig.axes:
            assert ax.get_xlabel(), title
        assert any(ax.get_ylabel() for ax in fig.axes) or "importance" in title.lower(), title
        texts = _texts(fig)
        assert not any(re.search(r"\de[+-]?\d", t) for t in texts), (title, texts)
    money_ticks = [t for t in _texts(figures[1]) if t.startswith("\\$")]
    assert any(t.endswith("M") for t in money_ticks) and any(t.endswith("B") or t.endswith("K") for t in money_ticks)


def test_the_core_does_not_import_matplotlib():
    code = ("import sys, boxoffice.show.report, boxoffice.show.plots, boxoffice.model.explain, boxoffice.model.forecaster; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_report_writes_the_file(model_home, tmp_path, small_backtest, monkeypatch):
    import boxoffice.evaluation.backtest

    calls = []

    def quick_backtest(films, config, progress=None):  # the real one is tested above; this is the CLI's wiring
        calls.append(config.test_years)
        progress(0, 1, "testing")
        return small_backtest

    monkeypatch.setattr(boxoffice.evaluation.backtest, "backtest", quick_backtest)
    target = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(app, ["report", "--out", str(target), "--years", "1", "--home", str(model_home.home)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "data:image/png;base64," in text and "Predicted vs actual" in text
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temp file left behind
    assert calls == [1]


def test_report_under_another_break_even_multiple_says_it_and_computes_with_it(films, small_backtest, forecaster):
    """`boxoffice report --break-even-multiple 3`: the losses, the texts and the scores all use 3x."""
    from boxoffice.show.report import build_report

    config = BacktestConfig(test_years=1, break_even_multiple=3.0,
                            train=TrainConfig(model=ModelConfig(num_boost_round=60, num_threads=1)))
    strict = backtest(films, config)
    page = build_report(films, strict, forecaster)
    assert "a worldwide gross under 3× the budget" in page and "share of test films under 3× budget worldwide" in page
    assert "under 2.5×" not in page
    year = strict.predictions["year"].max()
    usual = small_backtest.predictions[small_backtest.predictions["year"] == year]
    assert strict.predictions["lost_money"].mean() > usual["lost_money"].mean()  # 3x is harder to reach


def test_cli_report_passes_the_break_even_multiple(model_home, tmp_path, small_backtest, monkeypatch):
    import dataclasses

    import boxoffice.evaluation.backtest

    asked = []

    def quick_backtest(films, config, progress=None):
        asked.append(config.break_even_multiple)
        return dataclasses.replace(small_backtest, break_even_multiple=config.break_even_multiple)

    monkeypatch.setattr(boxoffice.evaluation.backtest, "backtest", quick_backtest)
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--out", str(target), "--years", "1", "--break-even-multiple", "3",
                                      "--home", str(model_home.home)])
    assert result.exit_code == 0, result.output
    assert asked == [3.0]
    assert "under 3× the budget" in target.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_report_displays_in_headless_chromium(page, tmp_path):
    """Opens the report the way a person would and checks a real screenshot comes out."""
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,2400",
                    html_file.as_uri()], capture_output=True, timeout=120, check=True)
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 2400)
        colors = image.convert("RGB").resize((64, 120)).getcolors(64 * 120)
    assert colors is not None and len(colors) > 20  # not a blank page
