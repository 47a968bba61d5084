"""``boxoffice data …`` as a user runs it: build, summary, validate, and bad input."""
from __future__ import annotations

import json

import pytest
from samples import BOM_HEADER, TN_HEADER, TN_ROWS, write_csv
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()

SUMMARY_KEYS = {"films", "with_budget", "with_worldwide_gross", "with_budget_and_worldwide_gross",
                "trainable_with_cast", "with_cast", "with_distributor", "first_release", "last_release",
                "films_per_source"}


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_clean_error(result, *fragments: str):
    """Exit code 2, one 'error:' message naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.count("error:") == 1, result.stderr
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# ---------------------------------------------------------------- build and summary


def test_build_writes_the_table_and_reports_what_was_dropped(sources_dir, tmp_path):
    out = tmp_path / "tables" / "films.parquet"
    result = run("data", "build", "--sources", sources_dir, "--out", out, "--home", tmp_path / "home")
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "Wrote 4 films" in result.stdout
    assert "Rows dropped or unmatched" in result.stdout and "Rows linked" in result.stdout
    assert not (tmp_path / "home" / ".boxoffice").exists()  # --out wins over the home


def test_build_then_summary_json_for_scripts(sources_dir, tmp_path):
    home = tmp_path / "home"
    built = run("data", "build", "--sources", sources_dir, "--home", home, "--json")
    assert built.exit_code == 0, built.output
    report = json.loads(built.stdout)
    assert report["table"] == str(home / ".boxoffice" / "films.parquet")
    assert report["rows_read"] == {"the-numbers": 3, "vega": 2, "imdb-5000": 2, "box-office-mojo": 2, "wikidata": 3}
    assert report["unmatched"]["box-office-mojo"] == 1

    result = run("data", "summary", "--home", home, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert SUMMARY_KEYS <= set(summary)
    assert summary["films"] == 4
    assert summary["with_budget"] == 4
    assert summary["with_worldwide_gross"] == 3  # "$0" is unknown
    assert summary["with_budget_and_worldwide_gross"] == 3
    assert summary["trainable_with_cast"] == 1
    assert summary["with_cast"] == 2
    assert summary["with_distributor"] == 2
    assert summary["with_credits"] == 2  # Wikidata's full credits, for later films' track records
    assert (summary["first_release"], summary["last_release"]) == ("1946-06-12", "2010-07-16")
    # films with at least one field from each source (Box Office Mojo's one link supplied nothing new)
    assert summary["films_per_source"] == {"imdb-5000": 2, "the-numbers": 3, "vega": 2, "wikidata": 2}


def test_summary_reads_a_table_given_by_path_and_prints_a_table(sources_dir, tmp_path):
    out = tmp_path / "films.parquet"
    assert run("data", "build", "--sources", sources_dir, "--out", out).exit_code == 0
    result = run("data", "summary", "--table", out)
    assert result.exit_code == 0, result.output
    assert "trainable with cast" in result.stdout and "first release" in result.stdout


def test_summary_before_any_build_says_to_build(tmp_path):
    assert_one_clean_error(run("data", "summary", "--home", tmp_path / "fresh"), "boxoffice data build")


def test_the_home_comes_from_the_environment(sources_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("BOXOFFICE_HOME", str(tmp_path / "elsewhere"))
    assert run("data", "build", "--sources", sources_dir).exit_code == 0
    assert (tmp_path / "elsewhere" / ".boxoffice" / "films.parquet").is_file()


# ---------------------------------------------------------------- bad input: exit 2, one message


def test_missing_sources_folder(tmp_path):
    result = run("data", "build", "--sources", tmp_path / "nowhere", "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "not found", "nowhere")


def test_csv_with_missing_columns(sources_dir, tmp_path):
    write_csv(sources_dir / "box-office-mojo-gross.csv", BOM_HEADER[:2], [{"title": "X", "studio": "WB"}])
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "box-office-mojo-gross.csv", "missing column", "domestic_gross", "year")


def test_empty_file(sources_dir, tmp_path):
    (sources_dir / "imdb-5000-movie-metadata.csv").write_bytes(b"")
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "imdb-5000-movie-metadata.csv", "empty")


def test_non_utf8_file(sources_dir, tmp_path):
    path = sources_dir / "the-numbers-budgets.csv"
    path.write_bytes(path.read_bytes().replace(b"Salt & Pepper", "Salt & Poivré".encode("latin-1")))
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "the-numbers-budgets.csv", "UTF-8")


def test_malformed_money_names_file_row_and_column(sources_dir, tmp_path):
    rows = [dict(r) for r in TN_ROWS]
    rows[2]["worldwide_gross"] = "$9O,000,000"
    write_csv(sources_dir / "the-numbers-budgets.csv", TN_HEADER, rows)
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "the-numbers-budgets.csv", "row 4", "worldwide_gross", "$9O,000,000")
    assert not (tmp_path / "f.parquet").exists()


def test_malformed_date_names_file_row_and_column(sources_dir, tmp_path):
    rows = [dict(r) for r in TN_ROWS]
    rows[0]["release_date"] = "16/07/2010"
    write_csv(sources_dir / "the-numbers-budgets.csv", TN_HEADER, rows)
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet")
    assert_one_clean_error(result, "the-numbers-budgets.csv", "row 2", "release_date", "16/07/2010")


def test_a_broken_alias_file(sources_dir, tmp_path):
    aliases = tmp_path / "studios.csv"
    aliases.write_text("only one column\n", encoding="utf-8")
    result = run("data", "build", "--sources", sources_dir, "--out", tmp_path / "f.parquet",
                 "--distributor-aliases", aliases)
    assert_one_clean_error(result, "studios.csv")


# ---------------------------------------------------------------- validate

SLATE_HEADER = ["title", "release_date", "genres", "budget", "worldwide_gross"]


def test_validate_a_good_csv(tmp_path):
    path = write_csv(tmp_path / "films.csv", SLATE_HEADER, [
        {"title": "Harbor Lights", "release_date": "2011-05-06", "genres": "Drama", "budget": "12m",
         "worldwide_gross": "30m"}])
    result = run("data", "validate", path)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stdout


def test_validate_lists_every_problem_and_exits_2(tmp_path):
    path = write_csv(tmp_path / "films.csv", SLATE_HEADER, [
        {"title": "Harbor Lights", "release_date": "2011-05-06", "genres": "Drama", "budget": "12m",
         "worldwide_gross": "30m"},
        {"title": "Paper Moons", "release_date": "soon", "genres": "Drama", "budget": "lots",
         "worldwide_gross": "1m"},
    ])
    result = run("data", "validate", path, "--json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)
    assert {(p["row"], p["column"]) for p in problems} == {(3, "release_date"), (3, "budget")}
    table = run("data", "validate", path)
    assert table.exit_code == 2 and "2 problems in 1 row" in table.stdout and "Traceback" not in table.output


def test_validate_shows_how_to_fix_each_problem(tmp_path):
    path = write_csv(tmp_path / "films.csv", SLATE_HEADER, [
        {"title": "Paper Moons", "release_date": "2011-05-06", "genres": "Drama", "budget": "lots",
         "worldwide_gross": "1m"},
        {"title": "Harbor Lights", "release_date": "2011-05-06", "genres": "Drama", "budget": "",
         "worldwide_gross": "1m"},
        {"title": "Salt & Pepper", "release_date": "2011-05-06", "genres": "Drama", "budget": "3m",
         "worldwide_gross": "1m"},
        {"title": "Salt & Pepper", "release_date": "2011-05-06", "genres": "Drama", "budget": "3m",
         "worldwide_gross": "1m"},
    ])
    problems = {(p["row"], p["column"]): p for p in json.loads(run("data", "validate", path, "--json").stdout)}
    assert set(problems) == {(2, "budget"), (3, "budget"), (5, "title")}
    assert "150m" in problems[(2, "budget")]["hint"]  # the money parser's own hint
    assert problems[(3, "budget")]["hint"] and problems[(5, "title")]["hint"]  # blank, and the same film twice
    table = run("data", "validate", path)
    assert table.exit_code == 2
    assert table.stdout.count("fix:") == 3 and "150m" in table.stdout


def test_summary_warns_about_a_table_from_an_older_build(sources_dir, tmp_path):
    from boxoffice.table.build import BuildConfig, build_film_table

    out = tmp_path / "films.parquet"
    build_film_table(BuildConfig(sources_dir)).table.to_parquet(out, index=False)  # no version stamp
    result = run("data", "summary", "--table", out, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["films"] == 4
    assert "older build" in result.stderr and "boxoffice data build" in result.stderr
    assert run("data", "build", "--sources", sources_dir, "--out", out).exit_code == 0
    assert "warning" not in run("data", "summary", "--table", out).stderr


def test_validate_with_the_example_mapping_and_forecast_only(tmp_path):
    from test_mapped_csv import EXAMPLE_MAPPING

    path = write_csv(tmp_path / "slate.csv", ["Project", "Genre", "Production Budget"],
                     [{"Project": "Next Summer", "Genre": "Comedy;Family", "Production Budget": "$60,000,000"}])
    result = run("data", "validate", path, "--mapping", EXAMPLE_MAPPING, "--forecast-only")
    assert result.exit_code == 0, result.output


def test_validate_a_file_that_is_not_there(tmp_path):
    assert_one_clean_error(run("data", "validate", tmp_path / "nope.csv"), "nope.csv", "not found")


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["build", "summary", "validate"])
def test_every_data_command_explains_itself_with_an_example(command):
    result = run("data", command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"boxoffice data {command}" in result.stdout


def test_the_data_group_help_shows_an_example():
    result = run("data", "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "boxoffice data build" in result.stdout


# ---------------------------------------------------------------- the public data, no flags


@pytest.mark.slow
def test_build_with_no_flags_finds_the_public_data(tmp_path, monkeypatch):
    monkeypatch.delenv("BOXOFFICE_HOME", raising=False)  # the clone's own home: ../shared beside it
    out = tmp_path / "films.parquet"
    result = run("data", "build", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["with_budget_and_worldwide_gross"] >= 4_100
    assert summary["trainable_with_cast"] >= 3_300
    assert summary["last_release"] < "2013-01-01"
    assert set(summary["films_per_source"]) == {"the-numbers", "vega", "imdb-5000", "box-office-mojo", "wikidata"}
