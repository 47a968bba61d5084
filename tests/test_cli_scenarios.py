"""`boxoffice compare | whatif | sweep | release-window | cast | comps` as a user runs them."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()
FILM = ["--genre", "action", "--genre", "thriller", "--budget", "150m", "--release-date", "2027-07-16"]
SCENARIOS = """\
base:
  title: Untitled heist thriller
  genres: [Action, Thriller]
  budget: 150m
  release_date: 2027-07-16
  cast: [Tom Cruise, Emily Blunt]
  director: Christopher McQuarrie
  mpaa_rating: PG-13
variants:
  leaner: {budget: 90m}
  holiday: {release_date: 2027-12-17}
  new-lead: {cast: [Keanu Reeves, Emily Blunt]}
"""
PNG = b"\x89PNG\r\n\x1a\n"


def run(model_home, *args):
    return runner.invoke(app, [*args, "--home", str(model_home.home)])


def test_compare_a_scenario_file_to_json_csv_and_png(model_home, tmp_path):
    spec = tmp_path / "scenarios.yaml"
    spec.write_text(SCENARIOS, encoding="utf-8")
    csv, png = tmp_path / "out" / "scenarios.csv", tmp_path / "scenarios.png"
    result = run(model_home, "compare", str(spec), "--json", "--csv", str(csv), "--plot", str(png))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["scenario"] for r in rows] == ["base", "leaner", "holiday", "new-lead"]
    for key in ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p50", "break_even_prob",
                "break_even_gross", "median_multiple", "budget_usd", "release_date", "worldwide_p50_change_pct"):
        assert all(key in r for r in rows), key
    assert rows[1]["worldwide_p50"] < rows[0]["worldwide_p50"] and rows[1]["budget_usd"] == 90e6
    table = pd.read_csv(csv)
    assert table["scenario"].tolist() == ["base", "leaner", "holiday", "new-lead"]
    assert png.read_bytes()[:8] == PNG


def test_compare_renders_a_table(model_home, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(SCENARIOS, encoding="utf-8")
    result = run(model_home, "compare", str(spec))
    assert result.exit_code == 0, result.output
    assert "leaner" in result.output and "P50" in result.output and "lose $" in result.output


@pytest.mark.parametrize("text, words", [
    ("base: [\n", "invalid YAML at line"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: }\n", "variant 'a' overrides nothing"),
    ("base: {genres: action, budget: 1m}\nscenarios: {}\n", "unknown key(s) 'scenarios'"),
])
def test_a_bad_scenario_file_is_one_clear_message_and_exit_2(model_home, tmp_path, text, words):
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run(model_home, "compare", str(spec))
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def test_a_missing_scenario_file_is_exit_2(model_home, tmp_path):
    result = run(model_home, "compare", str(tmp_path / "nosuch.yaml"))
    assert result.exit_code == 2 and "no scenario file" in result.output


def test_a_bad_variant_is_warned_by_name_the_rest_still_print(model_home, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(SCENARIOS + "  typo: {budget: lots}\n", encoding="utf-8")
    result = run(model_home, "compare", str(spec), "--json")
    assert result.exit_code == 2
    assert "scenario 'typo', field 'budget'" in result.output
    rows = json.loads(result.stdout)
    assert rows[-1]["scenario"] == "typo" and rows[-1]["worldwide_p50"] is None and rows[-1]["problem"]
    assert rows[1]["worldwide_p50"] > 0


def test_whatif_grid(model_home):
    result = run(model_home, "whatif", *FILM, "--vary", "budget=90m,150m,250m",
                 "--vary", "release-date=2027-07-16,2027-12-17", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 6 and [r["rank"] for r in rows] == list(range(1, 7))
    table = run(model_home, "whatif", *FILM, "--vary", "cast=Tom Cruise, Emily Blunt; Keanu Reeves")
    assert table.exit_code == 0, table.output
    assert "Keanu Reeves" in table.output
    bad = run(model_home, "whatif", *FILM, "--vary", "budget")
    assert bad.exit_code == 2 and "FIELD=VALUE" in bad.output


def test_sweep_budget_with_a_plot(model_home, tmp_path):
    png = tmp_path / "sweep.png"
    result = run(model_home, "sweep", "budget", "20m..300m", "--genre", "action", "--steps", "6",
                 "--plot", str(png), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["value"] for r in rows] == [20e6, 76e6, 132e6, 188e6, 244e6, 300e6]
    assert rows[-1]["worldwide_p50"] > rows[0]["worldwide_p50"]
    assert png.read_bytes()[:8] == PNG


def test_sweep_release_date_over_a_year(model_home):
    result = run(model_home, "sweep", "release-date", "2027-01-01..2027-12-31", *FILM[:6], "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 53 and rows[0]["value"] == "2027-01-01"
    bad = run(model_home, "sweep", "cast", "a..b", *FILM)
    assert bad.exit_code == 2 and "cannot sweep" in bad.output


def test_release_window(model_home):
    result = run(model_home, "release-window", *FILM, "--year", "2027", "--by", "month", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 12 and rows[0]["rank"] == 1
    assert rows[0]["worldwide_p50"] >= rows[-1]["worldwide_p50"]
    table = run(model_home, "release-window", *FILM, "--between", "2027-05-01..2027-08-31", "--top", "3")
    assert table.exit_code == 0, table.output
    assert "2027-W" in table.output


def test_cast_candidates_and_top(model_home):
    result = run(model_home, "cast", *FILM, "--candidates", "Tom Hanks, Keanu Reeves, Tom Hanx", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["name"] for r in rows} == {"Tom Hanks", "Keanu Reeves", "Tom Hanx"}
    assert "Tom Hanx" in result.output and "closest known" in result.output  # the warning, on stderr
    top = run(model_home, "cast", *FILM, "--cast", "Tom Cruise, Emily Blunt", "--role", "second", "--top", "4")
    assert top.exit_code == 0, top.output
    assert "talent" in top.output
    bad = run(model_home, "cast", *FILM, "--role", "grip", "--candidates", "A")
    assert bad.exit_code == 2 and "billing slot" in bad.output


def test_cast_a_name_already_billed_is_scored_in_that_slot_beside_the_rest_of_the_cast(model_home):
    billed = [*FILM, "--cast", "Tom Cruise, Emily Blunt", "--role", "second"]
    result = run(model_home, "cast", *billed, "--candidates", "Tom Cruise, Zed Nobody", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}

    def p50(cast):
        return json.loads(run(model_home, "predict", *FILM, "--cast", cast, "--json").stdout)["worldwide_p50"]

    assert rows["Tom Cruise"]["worldwide_p50"] == pytest.approx(p50("Emily Blunt, Tom Cruise"))
    assert rows["Zed Nobody"]["worldwide_p50"] == pytest.approx(p50("Tom Cruise, Zed Nobody"))
    assert "Zed Nobody" in result.stderr  # unknown: warned, scored as a newcomer


def test_comps(model_home):
    result = run(model_home, "comps", *FILM, "-k", "5", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and all(r["budget_usd"] > 0 and r["worldwide_gross_usd"] > 0 for r in rows)
    table = run(model_home, "comps", *FILM)
    assert table.exit_code == 0 and "comparable films" in table.output


def test_every_whatif_command_help_has_an_example():
    for command in ("compare", "whatif", "sweep", "release-window", "cast", "comps"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command
