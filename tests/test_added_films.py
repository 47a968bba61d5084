"""Your own films on top of the public table: ``data add / remove / build / summary``, as a user runs them,
then the library beneath (linkage, track records), then the edge cases.

The public files are the small made-up ones of ``samples.py``; the studio's files are written here
in data/mappings/studio-slate.yaml's headers.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from samples import STUDIO_HEADERS, write_csv
from typer.testing import CliRunner

from boxoffice_cli.main import app

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "data" / "mappings" / "studio-slate.yaml"
runner = CliRunner()

STUDIO_ROWS = [
    # The Glass Harbor is a public film (The Numbers: $150m budget, $610m worldwide): the studio's figures win
    {"title": "The Glass Harbor", "release_date": "Jul 16, 2010", "genres": "Action;Sci-Fi", "budget": "$160m",
     "worldwide_gross": "650m", "cast": "Lena Marsh;Tom Reyes"},
    {"title": "Harbor Lights", "release_date": "2014-05-02", "genres": "Drama", "budget": "30m",
     "worldwide_gross": "95m", "cast": "Lena Marsh"},
    {"title": "Zero Night", "release_date": "2015-10-09", "genres": "Horror", "budget": "5m",
     "worldwide_gross": "$0", "cast": "Mae Olsen"},
    {"title": "Blank Night", "release_date": "2015-10-16", "genres": "Horror", "budget": "5m",
     "worldwide_gross": "", "cast": "Mae Olsen"},
    {"title": "Someday", "release_date": "next spring", "genres": "Drama", "budget": "10m",
     "worldwide_gross": "20m", "cast": ""},
    {"title": "Harbor Lights", "release_date": "2014-05-02", "genres": "Drama", "budget": "31m",
     "worldwide_gross": "96m", "cast": ""},
]


def studio_csv(path: Path, rows=STUDIO_ROWS) -> Path:
    return write_csv(path, [STUDIO_HEADERS[k] for k in rows[0]],
                     [{STUDIO_HEADERS[k]: v for k, v in row.items()} for row in rows])


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def added(tmp_path, sources_dir):
    """A home whose film table holds the made-up public films and the studio's, added as 'studio'."""
    home = tmp_path / "home"
    result = run("data", "add", studio_csv(tmp_path / "studio.csv"), "--mapping", MAPPING, "--source", "studio",
                 "--sources", sources_dir, "--home", home, "--json")
    assert result.exit_code == 0, result.output
    return home, json.loads(result.stdout)


def _table(home: Path):
    from boxoffice.table.io import load_table

    return load_table(home / ".boxoffice" / "films.parquet")


def test_added_films_join_the_table_one_film_each_with_the_studios_figures(added):
    home, report = added
    assert (report["matched"], report["new"], report["refused"]) == (1, 3, 2)
    assert report["refused_by"] == {"bad release_date": 1, "the same film as an earlier row": 1}
    table = _table(home)
    harbor = table[table["title"] == "The Glass Harbor"]
    assert len(harbor) == 1  # one film, not two
    film = harbor.iloc[0]
    sources = json.loads(film["field_sources"])
    assert film["budget_usd"] == 160e6 and film["worldwide_gross_usd"] == 650e6
    assert sources["budget_usd"] == sources["worldwide_gross_usd"] == "studio"
    # a field the studio left out keeps its public source
    assert film["domestic_gross_usd"] == 210e6 and sources["domestic_gross_usd"] == "the-numbers"
    assert film["directors"] == ["Ada Quill"] and sources["directors"] == "imdb-5000"
    assert {"Harbor Lights", "Zero Night", "Blank Night"} <= set(table["title"])


def test_a_gross_of_zero_or_blank_is_unknown_counted_and_kept(added, tmp_path):
    home, report = added
    assert report["unknown"]["worldwide gross"] == 2
    table = _table(home).set_index("title")
    assert table.loc[["Zero Night", "Blank Night"], "worldwide_gross_usd"].isna().all()
    said = run("data", "validate", studio_csv(tmp_path / "zero.csv", STUDIO_ROWS[:3]), "--mapping", MAPPING)
    assert said.exit_code == 0, said.output
    assert "1 film" in said.stderr and "0 or blank" in said.stderr


def test_summary_shows_each_source_with_its_date_range(added):
    home, _ = added
    result = run("data", "summary", "--home", home, "--json")
    assert result.exit_code == 0, result.output
    studio = json.loads(result.stdout)["sources"]["studio"]
    assert studio["films"] == 4
    assert (studio["first_release"], studio["last_release"]) == ("2010-07-16", "2015-10-16")
    assert studio["added"]["rows"] == 4 and studio["added"]["refused"] == 2
    shown = run("data", "summary", "--home", home)
    assert "studio" in shown.stdout and "public data" in shown.stdout


def test_build_keeps_the_added_films_and_remove_takes_them_out(added, sources_dir):
    home, _ = added
    rebuilt = run("data", "build", "--sources", sources_dir, "--home", home)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Harbor Lights" in set(_table(home)["title"])
    gone = run("data", "remove", "--source", "studio", "--sources", sources_dir, "--home", home)
    assert gone.exit_code == 0, gone.output
    table = _table(home)
    assert "Harbor Lights" not in set(table["title"])
    harbor = table[table["title"] == "The Glass Harbor"].iloc[0]
    assert harbor["budget_usd"] == 150e6 and json.loads(harbor["field_sources"])["budget_usd"] == "the-numbers"
    assert not list((home / ".boxoffice" / "added").glob("*.parquet"))


def test_adding_a_source_again_replaces_it(added, tmp_path, sources_dir):
    home, _ = added
    again = run("data", "add", studio_csv(tmp_path / "v2.csv", STUDIO_ROWS[:2]), "--mapping", MAPPING,
                "--source", "studio", "--sources", sources_dir, "--home", home)
    assert again.exit_code == 0, again.output
    assert "replaced the 4 rows" in again.stderr
    assert "Zero Night" not in set(_table(home)["title"])


def test_the_table_is_built_again_when_it_missed_an_added_source(added, sources_dir):
    """A crash between writing the source and the table leaves a table that says which sources it holds."""
    from boxoffice.table.io import load_films, save_table
    from boxoffice.workspace import Workspace

    home, _ = added
    public_only = _table(home)[lambda t: ~t["title"].isin(["Harbor Lights"])]
    save_table(public_only, home / ".boxoffice" / "films.parquet")  # stamped with no added source
    films = load_films(Workspace(Path(sources_dir).resolve(), home.resolve()))
    assert "Harbor Lights" in set(films["title"])


@pytest.mark.parametrize("args, words", [
    (["--source", "the-numbers"], ["taken by the public data"]),
    (["--source", "My Films!"], ["source name", "not allowed"]),
])
def test_a_bad_source_name_is_refused_before_anything_is_written(tmp_path, sources_dir, args, words):
    home = tmp_path / "home"
    result = run("data", "add", studio_csv(tmp_path / "s.csv"), "--mapping", MAPPING, *args,
                 "--sources", sources_dir, "--home", home)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and all(w in result.stderr for w in words)
    assert not (home / ".boxoffice").exists()


def test_a_file_with_no_good_row_changes_nothing(added, tmp_path, sources_dir):
    home, _ = added
    before = _digest(home)
    bad = studio_csv(tmp_path / "bad.csv", [dict(STUDIO_ROWS[0], release_date="soon")])
    result = run("data", "add", bad, "--mapping", MAPPING, "--source", "studio", "--sources", sources_dir, "--home", home)
    assert result.exit_code == 2 and "no film of" in result.stderr and "1 bad release_date" in result.stderr
    assert _digest(home) == before


def test_removing_a_source_never_added_names_the_ones_that_were(added, sources_dir):
    home, _ = added
    result = run("data", "remove", "--source", "other", "--sources", sources_dir, "--home", home)
    assert result.exit_code == 2 and "added: studio" in result.stderr and "Traceback" not in result.output


def test_adding_never_writes_the_users_file(tmp_path, sources_dir):
    path = studio_csv(tmp_path / "studio.csv")
    before = path.read_bytes()
    result = run("data", "add", path, "--mapping", MAPPING, "--sources", sources_dir, "--home", tmp_path / "home")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    assert (tmp_path / "home" / ".boxoffice" / "added" / "studio.parquet").is_file()  # named after the file


# ---------------------------------------------------------------- the library: linkage and track records


def test_in_python_the_same_in_a_few_lines(tmp_path, sources_dir):
    from boxoffice.table import workspace_table as table
    from boxoffice.workspace import Workspace

    ws = Workspace(Path(sources_dir).resolve(), (tmp_path / "home").resolve())
    result = table.add(ws, studio_csv(tmp_path / "studio.csv"), mapping=MAPPING, source="studio")
    assert (sum(result.link.matched.values()), result.link.new) == (1, 3)
    assert result.source.refused["bad release_date"] == 1
    assert table.sources(ws)[0]["source"] == "studio"
    assert len(table.remove(ws, "studio").table) == len(result.table) - 3


def test_a_stars_added_hit_counts_in_her_later_films_track_record(tmp_path, sources_dir):
    """Track records run through the added films: Lena Marsh's 2014 film counts for a film of 2016."""
    import pandas as pd

    from boxoffice.model.track_records import TalentIndex, key_for
    from boxoffice.table import workspace_table as table
    from boxoffice.table.added import build_with_added
    from boxoffice.workspace import Workspace

    ws = Workspace(Path(sources_dir).resolve(), (tmp_path / "home").resolve())
    public = build_with_added(ws).table
    films = table.add(ws, studio_csv(tmp_path / "studio.csv"), mapping=MAPPING, source="studio").table
    when = [pd.Timestamp("2016-01-01")]
    before = TalentIndex.from_films(public).records_as_of([key_for("cast", "Lena Marsh")], when)["n"].iloc[0]
    after = TalentIndex.from_films(films).records_as_of([key_for("cast", "Lena Marsh")], when)["n"].iloc[0]
    assert (before, after) == (1, 2)  # The Glass Harbor, then Harbor Lights (2014) from the studio


# ---------------------------------------------------------------- the claim: newer films of one's own beat the public-only model


def _world(seed: int = 3):
    """Made-up films whose gross rides on the lead's star power: public ones of 2000-2009 with one set
    of stars, a studio's of 2010-2011 and 2012 with another set the public files never saw."""
    import math
    import random

    rng = random.Random(seed)
    power = {f"Star {k}": rng.gauss(0, 1) for k in range(30)}
    genres = ["Action", "Comedy", "Drama", "Thriller"]

    def film(i, year, stars):
        lead = rng.choice(stars)
        budget = math.exp(rng.uniform(math.log(5e6), math.log(150e6)))
        gross = budget * math.exp(0.3 + 1.2 * power[lead] + rng.gauss(0, 0.25))
        return {"title": f"Picture {i}", "date": f"{year}-{1 + i % 12:02d}-{1 + i % 27:02d}", "budget": budget,
                "gross": gross, "cast": [lead, f"Extra {rng.randrange(200)}"], "genre": rng.choice(genres),
                "director": f"Director {rng.randrange(60)}"}

    old, new = [f"Star {k}" for k in range(15)], [f"Star {k}" for k in range(15, 30)]
    public = [film(i, 2000 + i % 10, old) for i in range(300)]
    studio = [film(1000 + i, 2010 + i % 2, new) for i in range(120)]
    later = [film(2000 + i, 2012, new) for i in range(60)]
    return public, studio, later


def _public_files(folder: Path, films) -> Path:
    import datetime as dt

    from samples import IMDB_HEADER, TN_HEADER, imdb_row, write_sources

    tn = [{"id": str(i), "release_date": dt.date.fromisoformat(f["date"]).strftime("%b %d, %Y"), "movie": f["title"],
           "production_budget": f"${f['budget']:,.0f}", "domestic_gross": f"${0.4 * f['gross']:,.0f}",
           "worldwide_gross": f"${f['gross']:,.0f}"} for i, f in enumerate(films)]
    imdb = [imdb_row(movie_title=f["title"] + "\xa0", title_year=f["date"][:4], director_name=f["director"],
                     actor_1_name=f["cast"][1], actor_2_name=f["cast"][0], genres=f["genre"], country="USA",
                     language="English", content_rating="PG-13", duration="110") for f in films]
    assert TN_HEADER and IMDB_HEADER
    return write_sources(folder, tn=tn, imdb=imdb)


def _studio_export(path: Path, films, with_gross: bool = True) -> Path:
    rows = [{"title": f["title"], "release_date": f["date"], "genres": f["genre"], "budget": f"{f['budget'] / 1e6:.2f}m",
             "worldwide_gross": f"{f['gross'] / 1e6:.2f}m" if with_gross else "", "cast": ";".join(f["cast"]),
             "director": f["director"]} for f in films]
    return studio_csv(path, rows)


def test_added_newer_films_beat_the_public_only_model_on_later_films(tmp_path):
    """A studio's 2010-2011 films, added with its own headers, improve the forecasts of its 2012 films
    (through ``predict --input --mapping``), because their stars' records now count."""
    import numpy as np
    import pandas as pd

    from boxoffice.evaluation.metrics import rmsle

    public, studio, later = _world()
    sources = _public_files(tmp_path / "public", public)
    studio[0] = dict(studio[0], gross=0.0)  # a $0 gross: unknown, kept, not trained on
    export = _studio_export(tmp_path / "export.csv", studio)
    slate = _studio_export(tmp_path / "slate-2012.csv", later, with_gross=False)
    scores = {}
    for label in ("public only", "with the studio's films"):
        home = tmp_path / label.replace(" ", "-")
        assert run("data", "build", "--sources", sources, "--home", home).exit_code == 0
        if label != "public only":
            result = run("data", "add", export, "--mapping", MAPPING, "--source", "studio", "--sources", sources,
                         "--home", home, "--json")
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["new"] == 120
        trained = run("train", "--no-evaluate", "--sources", sources, "--home", home, "--json")
        assert trained.exit_code == 0, trained.output
        if label != "public only":
            assert json.loads(trained.stdout)["not_trained_on"]["no worldwide gross (0 or blank: unknown)"] == 1
            assert "1 film with no worldwide gross" in trained.stderr
        out = tmp_path / f"{home.name}.csv"
        predicted = run("predict", "--input", slate, "--mapping", MAPPING, "--output", out, "--sources", sources,
                        "--home", home)
        assert predicted.exit_code == 0, predicted.output
        forecasts = pd.read_csv(out)
        assert list(forecasts["title"]) == [f["title"] for f in later]
        scores[label] = rmsle(np.array([f["gross"] for f in later]), forecasts["worldwide_p50"].to_numpy())
    assert scores["with the studio's films"] < 0.8 * scores["public only"], scores


def test_predict_mapping_needs_an_input(tmp_path):
    result = run("predict", "-g", "drama", "-b", "20m", "--mapping", MAPPING, "--home", tmp_path / "home")
    assert result.exit_code == 2 and "--mapping" in result.stderr and "--input" in result.stderr


def test_adding_the_film_table_itself_is_refused_and_changes_nothing(added, sources_dir):
    home, _ = added
    before = _digest(home)
    table = home / ".boxoffice" / "films.parquet"
    result = run("data", "add", table, "--sources", sources_dir, "--home", home)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "the same file as FILE" in result.stderr
    assert _digest(home) == before


def test_a_franchise_said_in_ones_own_films_is_kept_and_counts_in_its_record(tmp_path, sources_dir):
    """A studio's film whose title does not say its franchise: the table keeps the column, the film is an
    entry, and the franchise's record of a later film counts it (from strictly earlier films only)."""
    import pandas as pd

    from boxoffice.model.track_records import TalentIndex, key_for
    from boxoffice.table import workspace_table as table
    from boxoffice.table.io import load_table
    from boxoffice.workspace import Workspace

    rows = [{"title": "Harbor Lights", "release_date": "2014-05-02", "genres": "Drama", "budget": "30m",
             "worldwide_gross": "95m", "franchise": "The Glass Harbor"},
            {"title": "Quiet Water", "release_date": "2015-05-01", "genres": "Drama", "budget": "20m",
             "worldwide_gross": "40m", "franchise": ""}]
    path = write_csv(tmp_path / "own.csv", list(rows[0]), rows)
    ws = Workspace(Path(sources_dir).resolve(), (tmp_path / "home").resolve())
    films = table.add(ws, path, source="own").table
    saved = load_table(ws.table_path).set_index("title")
    assert saved.loc["Harbor Lights", "franchise"] == "The Glass Harbor" and bool(saved.loc["Harbor Lights", "sequel"])
    assert pd.isna(saved.loc["Quiet Water", "franchise"]) and not bool(saved.loc["Quiet Water", "sequel"])
    records = TalentIndex.from_films(films).records_as_of([key_for("franchise", "glass harbor")] * 2,
                                                           [pd.Timestamp("2014-05-02"), pd.Timestamp("2016-01-01")])
    assert records["n"].tolist() == [1, 2]  # the public film (2010) alone on the day itself, then both


def test_a_table_saved_before_the_franchise_column_reads_back_with_it_blank(tmp_path):
    from boxoffice.table.io import load_table
    from boxoffice.table.schema import empty_table

    old = empty_table().drop(columns="franchise")
    old.to_parquet(tmp_path / "films.parquet")
    assert list(load_table(tmp_path / "films.parquet").columns) == list(empty_table().columns)


def test_a_second_change_of_the_table_waits_for_the_first_and_loses_none_of_its_films(tmp_path, sources_dir,
                                                                                      monkeypatch):
    """Two `data add` at once: the second waits on the table's lock, then links both sources."""
    import threading

    from boxoffice.atomic import exclusive
    from boxoffice.table import workspace_table as table
    from boxoffice.workspace import Workspace

    ws = Workspace(Path(sources_dir).resolve(), (tmp_path / "home").resolve())
    first = table.add(ws, studio_csv(tmp_path / "studio.csv"), mapping=MAPPING, source="studio")
    told, done = [], {}
    with exclusive(ws.added_dir / ".lock"):  # as another process in the middle of its change holds it
        worker = threading.Thread(target=lambda: done.update(result=table.add(
            ws, studio_csv(tmp_path / "other.csv", STUDIO_ROWS[1:2]), mapping=MAPPING, source="other",
            on_wait=told.append)))
        worker.start()
        worker.join(1.0)
        assert worker.is_alive() and told and "another command is changing the film table" in told[0]
    worker.join(60)
    assert [s["source"] for s in table.sources(ws)] == ["studio", "other"]
    assert len(done["result"].table) == len(first.table)  # "Harbor Lights" again: matched, not a new film

    monkeypatch.setattr(table, "TABLE_WAIT_SECONDS", 0.0)
    with exclusive(ws.added_dir / ".lock"):
        result = run("data", "remove", "--source", "other", "--sources", sources_dir, "--home", ws.home)
    assert result.exit_code == 2 and "another command is changing the film table" in result.output
    assert [s["source"] for s in table.sources(ws)] == ["studio", "other"]
