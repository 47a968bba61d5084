"""The command line, fed generated slates, scenario files and flag values.

Whatever it is given, a command ends with exit code 0 or 2 (never a traceback, never an exception
other than SystemExit), leaves the user's input file as it was, and, when it fails, the model store
and film table as they were. The parsers alone are fuzzed in test_parsers_property.py; here the
whole path: reading, checks, forecasts, rendering and writing. About 60 s of CI in all.
"""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from samples import digest
from typer.testing import CliRunner

from boxoffice_cli.main import app

runner = CliRunner()


def fuzz(examples: int):
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def home(model_home, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("fuzz") / "home"
    shutil.copytree(model_home.home, copy)
    return copy


def run_checked(home: Path | None, args: list, inputs: tuple = ()) -> None:
    """Run ``args`` (with ``--home``, if given); exit 0 or 2, no traceback, inputs unchanged, the store
    unchanged on failure."""
    before = digest(home) if home else None
    kept = {path: path.read_bytes() for path in inputs}
    result = runner.invoke(app, [str(a) for a in args] + (["--home", str(home)] if home else []))
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {args}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for path, content in kept.items():
        assert path.read_bytes() == content, f"{path.name} changed"
    if home and result.exit_code != 0:
        assert digest(home) == before, f"a failed {args[0]} changed the model store"


# ---------------------------------------------------------------- what users type, and anything at all

junk = st.one_of(st.text(max_size=20), st.sampled_from([
    "", " ", "nan", "inf", "-5", "0", "1e400", "|", ",", ";", "..", "[/]", "\x00", "é", "\u2014", "\n", '"', "'", "#",
    "- ", ": ", "{", "[", "&a", "*a", "!!python/object", "%", "NULL", "N/A"]))

GOOD = {
    "title": ["Heist", "1984", "Amélie", "[/]", "NO", ""],
    "genres": ["Action", "comedy", "Sci-Fi|Drama", "Action, Thriller", "science fiction", "cowboy-opera", ""],
    "budget": ["150m", "$90,000,000", "1.2b", "800k", "1.5E+08", "35000000", "1,5m", "-5m", "0", "tbd"],
    "release_date": ["2027-07-16", "Jul 16, 2027", "2026-12-25", "2010-05-07", "2027-02-30", "1899-01-01", ""],
    "cast": ["Tom Cruise", "Tom Cruise|Emily Blunt", "Tom Cruise, Emily Blunt", "Nobody Atall", " , ", ""],
    "director": ["Christopher Nolan", "Ada Quill", "Nobody Atall", ""],
    "mpaa_rating": ["PG-13", "R", "G", "Not Rated", "XXX", ""],
    "runtime_min": ["120", "95.5", "-5", "5000", ""],
    "country": ["USA", "UK", "NO", "Norway", ""],
    "language": ["English", "French", "Klingon", ""],
    "distributor": ["Warner Bros.", "WB", "Universal", "Nobody Pictures", ""],
    "sequel": ["yes", "no", "maybe", ""],
    "worldwide_gross": ["600m", "0", "", "abc"],
    "domestic_gross": ["200m", "", "-1"],
}
"""Per column: what people write there, good and bad."""


def cell(column: str):
    """Mostly what people write in that column, now and then anything at all."""
    good = st.sampled_from(GOOD.get(column, [""]))
    return st.one_of(good, good, good, junk)


REQUIRED, OPTIONAL = ["genres", "budget"], [c for c in GOOD if c not in ("genres", "budget")]


@st.composite
def slates(draw) -> bytes:
    """A slate CSV: the columns a slate has (in any order and case, some left out, an odd one added), any
    delimiter, cells people write, and raw bytes now and then."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    columns = draw(st.lists(st.sampled_from(REQUIRED + OPTIONAL), unique=True, max_size=6))
    columns = draw(st.permutations(list(dict.fromkeys(REQUIRED + columns)))) if draw(st.integers(0, 5)) else columns
    if draw(st.integers(0, 4)) == 0:
        columns = columns + [draw(st.sampled_from(["colour", "Budget", "", "genres"]))]
    header = [draw(st.sampled_from([c, c.upper(), f" {c} ", c.replace("_", " ")])) for c in columns]
    rows = [[draw(cell(c)) for c in columns] for _ in range(draw(st.integers(0, 5)))]
    if rows and draw(st.integers(0, 5)) == 0:
        rows[-1] = rows[-1] + [draw(junk)]  # one field too many
    sep = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    return out.getvalue().encode("utf-8", "surrogatepass")


SCENARIO_FIELDS = {"genres": "genres", "budget": "budget", "release_date": "release_date", "cast": "cast",
                   "lead": "cast", "director": "director", "mpaa_rating": "mpaa_rating", "runtime": "runtime_min",
                   "distributor": "distributor", "country": "country", "language": "language", "sequel": "sequel",
                   "title": "title", "colour": "title"}


def film_fields(min_size: int):
    return st.dictionaries(st.sampled_from(list(SCENARIO_FIELDS)), st.just(None), min_size=min_size, max_size=4)


@st.composite
def scenario_files(draw) -> bytes:
    """A scenario YAML: a base film and named variants with known fields (and an unknown one now and then),
    as YAML writes them or as a person might (flow style, unquoted); or any text at all."""
    import yaml

    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")

    def film(fields):
        return {k: draw(st.one_of(cell(SCENARIO_FIELDS[k]), st.lists(cell(SCENARIO_FIELDS[k]), max_size=3)))
                for k in fields}

    base = film(draw(film_fields(0)))
    if draw(st.integers(0, 3)):
        base |= {"genres": ["Action"], "budget": "150m"}
    names = draw(st.lists(st.one_of(st.sampled_from(["leaner", "no", "yes", "on", "1984", "null", "~", " "]), junk),
                          min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=3))
    spec = {"base": base, "variants": {name: film(draw(film_fields(1))) for name in names}}
    if draw(st.integers(0, 3)) == 0:
        spec["break_even_multiple"] = draw(st.sampled_from(["2.5", "3", "0", "x", "1e9"]))
    if draw(st.booleans()):
        return yaml.safe_dump(spec, allow_unicode=True).encode("utf-8", "surrogatepass")
    flow = lambda d: "{" + ", ".join(f"{k}: {v if isinstance(v, str) else '[' + ', '.join(v) + ']'}"
                                     for k, v in d.items()) + "}"
    body = f"base: {flow(spec['base'])}\nvariants:\n" + "".join(
        f"  {n}: {flow(v)}\n" for n, v in spec["variants"].items())
    return body.encode("utf-8", "surrogatepass")


FLAGS = {"--genre": "genres", "--budget": "budget", "--cast": "cast", "--director": "director",
         "--release-date": "release_date", "--rating": "mpaa_rating", "--runtime": "runtime_min",
         "--distributor": "distributor", "--country": "country", "--language": "language", "--title": "title"}

film_flags = st.lists(st.sampled_from(list(FLAGS)).flatmap(lambda f: st.tuples(st.just(f), cell(FLAGS[f]))),
                      max_size=4).map(lambda pairs: [w for pair in pairs for w in pair])

LEVERS = {"budget": "budget", "release-date": "release_date", "runtime": "runtime_min", "cast": "cast",
          "genre": "genres", "colour": "title"}


@st.composite
def command_args(draw) -> list:
    """A film command with its own arguments: levers to vary, a range to sweep, windows, candidates."""
    kind = draw(st.sampled_from(["predict", "whatif", "sweep", "release-window", "cast", "comps"]))
    if kind == "predict":
        return ["predict", *draw(st.sampled_from([[], ["--json"], ["--explain"]]))]
    if kind == "whatif":
        lever = draw(st.sampled_from(list(LEVERS)))
        values = draw(st.lists(cell(LEVERS[lever]), min_size=1, max_size=3))
        return ["whatif", "--vary", f"{lever}={','.join(values)}", "--top", "3"]
    if kind == "sweep":
        field, span = draw(st.sampled_from([("budget", "20m..300m"), ("budget", "5m..-5m"), ("runtime", "90..150"),
                                            ("release-date", "2027-01-01..2027-03-31"), ("colour", "1..2"),
                                            ("runtime", "150..90")]))
        return ["sweep", field, draw(st.one_of(st.just(span), junk.map(lambda j: f"{j}..{span}"))), "--steps", "3"]
    if kind == "release-window":
        return ["release-window", "--between", draw(st.sampled_from(["2027-05-01..2027-06-30", "2027-06-30..2027-05-01",
                                                                      "2027-05-01..", "x..y"]))]
    if kind == "cast":
        names = draw(st.lists(cell("cast"), min_size=1, max_size=3))
        return ["cast", "--candidates", ", ".join(names), "--role", draw(st.sampled_from(["lead", "second", "director", "7"]))]
    return ["comps", "-k", str(draw(st.integers(1, 5)))]


# ---------------------------------------------------------------- the commands


def _file(content: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / name
    path.write_bytes(content)
    return path


@fuzz(25)
@given(slates(), st.booleans())
@example(b"title,genres,budget\nA,Action,150m\nB,Action,150m\n", True)
@example(b"title;genres;budget\nA;Action;1,5m\n", False)
@example(b"\r\x00", False)  # a lone \r ends the header, and a NUL follows it (found by CI)
@example(b"title,genres,budget\rA,Action,150m\r", False)  # old Mac line endings
def test_predict_and_validate_any_slate(home, content, explain):
    path = _file(content, "slate.csv")
    try:
        run_checked(home, ["predict", "--input", path, "--output", path.with_name("out.csv"),
                           *(["--explain"] if explain else [])], inputs=(path,))
        run_checked(home, ["predict", "--input", path, "--output", path], inputs=(path,))  # refused, file kept
        run_checked(None, ["data", "validate", path, *(["--forecast-only"] if explain else [])], inputs=(path,))
    finally:
        shutil.rmtree(path.parent)


@fuzz(25)
@given(scenario_files())
@example(b"base: {genres: [Action], budget: 150m}\nvariants: {no: {country: NO}}\n")
def test_compare_any_scenario_file(home, content):
    path = _file(content, "scenarios.yaml")
    try:
        run_checked(home, ["compare", path, "--csv", path.with_name("out.csv")], inputs=(path,))
    finally:
        shutil.rmtree(path.parent)


@fuzz(30)
@given(command_args(), film_flags)
@example(["whatif", "--vary", "budget=90m,150m", "--top", "3"], [])
def test_film_commands_with_any_flag_values(home, command, flags):
    run_checked(home, [*command, "--genre", "action", "--budget", "150m", *flags])
