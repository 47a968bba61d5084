"""Every example in the READMEs and in each command's ``--help`` runs as written.

Examples are the ``boxoffice …`` lines of the code blocks of README.md, data/README.md and
data/mappings/README.md; the ``boxoffice …`` commands of their tables, read as a synopsis
(``[…]`` optional, ``a|b`` alternatives, CAPITALS a placeholder, a lone ``…`` the film's flags) and run
twice: without the optional parts, and with all of them (first alternatives); and the
``Example(s):`` lines of every command's help. The lines of one code block, table cell or help text
run in order, as a user would type them, through CliRunner: from a folder beside ``../shared/data``
holding the files they name (``_files``, made up here), in a copy of the session's trained home with a
one-trial tuning study. A line that reads data/mappings/studio-slate.yaml finds its CSVs in that
mapping's headers. Long work gets the cheap options of ``CHEAP``; an example that needs a server
it names is skipped, saying why (``SKIP``).
"""
from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from samples import made_up_films, write_films, write_sources
from typer.main import get_command
from typer.testing import CliRunner

from boxoffice_cli.main import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "data/README.md", "data/mappings/README.md")
FILM_FLAGS = ["--genre", "action", "--budget", "150m"]
"""What a lone ``…`` in a synopsis stands for: the film's flags."""

PLACEHOLDERS = {"DIR": "../shared/data", "PATH": "films.parquet", "PATH.png": "plot.png", "FILE": "my_films.csv",
                "FILE.yaml": "data/scenarios/example.yaml", "YAML": "data/mappings/studio-slate.yaml",
                "NAME": "default"}

CHEAP = {
    ("train",): ["--no-evaluate", "--data", "my_films.csv"],
    ("evaluate",): ["--years", "1", "--data", "my_films.csv"],
    ("report",): ["--years", "1", "--data", "my_films.csv"],
    ("tune",): ["--trials", "1", "--years", "1"],
    ("data", "build"): ["--sources", "{small}"],
}
"""Options added after an example's own (the last value of an option wins) to keep CI time down: one
test year, 300 made-up films (``_files``) instead of the public 4,366, made-up public files (samples.py)
to build from. Training and backtesting the public data are tested in test_backtest.py and conftest.py;
tune keeps the public films, as the study it continues was started on them."""

SKIP = {
    "postgresql://user:pw@host/db": "needs the PostgreSQL server it names; tests/test_tuning_postgres.py runs "
                                    "tune against a real one",
}

runner = CliRunner()


@dataclass(frozen=True)
class Script:
    where: str
    """Where the example is written: 'README.md:212', 'boxoffice talent --help'."""
    lines: tuple
    files: str = "default"
    """Which made-up files it reads: "default", or "studio export" (the slate data/mappings/README.md shows)."""


# ---------------------------------------------------------------- finding the examples


def _commands(text: str) -> list[str]:
    """The ``boxoffice …`` commands of a line of shell: after ``&&``, with or without ``.venv/bin/``."""
    found = []
    for part in text.split("&&"):
        part = part.strip()
        if re.match(r"(\S*/)?boxoffice(\s|$)", part):
            found.append(re.sub(r"^\S*/boxoffice", "boxoffice", part))
    return found


def _doc_scripts(doc: str) -> list[Script]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    files = "studio export" if doc == "data/mappings/README.md" else "default"
    scripts = []
    for block in re.finditer(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S):
        start = text[: block.start()].count("\n") + 2
        lines = [c for line in block.group(1).splitlines() for c in _commands(line)]
        if lines:
            scripts.append(Script(f"{doc}:{start}", tuple(lines), files))
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("|"):
            synopses = re.findall(r"`(boxoffice [^`]*)`", line.replace("\\|", "|"))
            for i, synopsis in enumerate(synopses):
                for form, command in _forms(synopsis).items():
                    which = f" #{i + 1}" if len(synopses) > 1 else ""
                    scripts.append(Script(f"{doc}:{number}{which} {form}", (command,), files))
    return scripts


def _forms(synopsis: str) -> dict:
    """A synopsis without its optional parts, and with all of them (first alternatives); one if it has none."""
    bare = re.sub(r"\s*\[[^\]]*\]", "", synopsis)
    full = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0].strip(), synopsis)
    return {"as written": bare} if bare == full else {"bare": bare, "full": full}


def _help_scripts() -> list[Script]:
    scripts = []

    def walk(command, path):
        help_text = command.help or ""
        marker = re.search(r"(Examples?:|Start with:)", help_text)
        if marker:
            lines = [c for line in help_text[marker.end():].splitlines() for c in _commands(line)]
            assert lines, f"{' '.join(path)} --help has an empty {marker.group(1)}"
            scripts.append(Script(f"{' '.join(path)} --help", tuple(lines)))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(get_command(app), ["boxoffice"])
    return scripts


def _once(scripts: list[Script]) -> list[Script]:
    """A command written in several places runs once, named by its first place."""
    seen, kept = set(), []
    for script in scripts:
        if (script.lines, script.files) not in seen:
            seen.add((script.lines, script.files))
            kept.append(script)
    return kept


WRITTEN = [s for doc in DOCS for s in _doc_scripts(doc)] + _help_scripts()
SCRIPTS = _once(WRITTEN)


def _skip_reason(line: str) -> str | None:
    return next((reason for text, reason in SKIP.items() if text in line), None)


RUN = [s for s in SCRIPTS if any(_skip_reason(line) is None for line in s.lines)]
SKIPPED = [(s.where, line) for s in SCRIPTS for line in s.lines if _skip_reason(line)]


def test_every_help_and_every_readme_has_examples():
    helped = {s.where for s in WRITTEN if s.where.endswith("--help")}
    commands = {f"boxoffice {name}" for name in get_command(app).commands}
    for group in ("data", "models"):
        commands |= {f"boxoffice {group} {name}" for name in get_command(app).commands[group].commands}
    assert {c + " --help" for c in commands} <= helped, "a command's help has no Example"
    assert {s.where.split(":")[0] for s in WRITTEN} >= set(DOCS)


# ---------------------------------------------------------------- the files the examples name


def _files(folder: Path, kind: str, studio: bool) -> None:
    """The files an example names, in its folder: a slate, training films, parameters, alias lists."""
    films = made_up_films()
    write_films(folder / "my_films.csv", films, studio)
    slate = [dict(f, title=f"Next {i}", release_date=f"2027-0{1 + i}-16", worldwide_gross="", domestic_gross="")
             for i, f in enumerate(films[:3])]
    if kind == "studio export":  # the export data/mappings/README.md shows, as it shows it
        text = (ROOT / "data" / "mappings" / "README.md").read_text(encoding="utf-8")
        (folder / "slate.csv").write_text(re.search(r"```\n(Project,.*?)```", text, flags=re.S).group(1),
                                          encoding="utf-8")
    else:
        write_films(folder / "slate.csv", slate, studio)
    (folder / "params.json").write_text('{"params": {"num_leaves": 15}, "num_boost_round": 60}', encoding="utf-8")
    (folder / "my-studios.csv").write_text("Sony Pictures Releasing,Sony Pictures\nA24 Films,A24\n", encoding="utf-8")
    (folder / "my-genres.csv").write_text("superhero,Action|Sci-Fi\nspace opera,Sci-Fi|Adventure\n", encoding="utf-8")


# ---------------------------------------------------------------- running them


@pytest.fixture(scope="module")
def tuned_home(model_home, tmp_path_factory) -> Path:
    """The session's trained home with a one-trial study, for ``train --params best``."""
    home = tmp_path_factory.mktemp("examples") / "home"
    shutil.copytree(model_home.home, home)
    result = runner.invoke(app, ["tune", "--trials", "1", "--years", "1", "--home", str(home)])
    assert result.exit_code == 0, result.output
    return home


def _args(line: str, small: Path) -> list[str]:
    words = shlex.split(line, comments=True)[1:]
    filled = []
    for word in words:
        filled += FILM_FLAGS if word == "…" else [PLACEHOLDERS.get(word, word)]
    for command, extra in CHEAP.items():
        if tuple(filled[: len(command)]) == command and "--help" not in filled:
            filled += [e.format(small=small) for e in extra]
    return filled


@pytest.mark.parametrize("script", RUN, ids=[s.where for s in RUN])
def test_the_example_runs(script, tuned_home, tmp_path, monkeypatch, shared_data_dir):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(shared_data_dir)
    clone = tmp_path / "clone"  # the examples' folder: ../shared/data beside it, like a clone's
    shutil.copytree(ROOT / "data", clone / "data")
    home = tmp_path / "home"
    shutil.copytree(tuned_home, home)
    small = write_sources(tmp_path / "small-sources")
    monkeypatch.chdir(clone)
    monkeypatch.setenv("BOXOFFICE_HOME", str(home))
    monkeypatch.delenv("BOXOFFICE_DATA", raising=False)
    for line in script.lines:
        if _skip_reason(line):
            continue
        args = _args(line, small)
        _files(clone, script.files, studio="data/mappings/studio-slate.yaml" in args)
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{script.where}: {line}\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output


@pytest.mark.parametrize("where, line", SKIPPED, ids=[f"{w} {l}" for w, l in SKIPPED])
def test_the_examples_that_need_a_server(where, line):
    pytest.skip(f"{where}: `{line}` {_skip_reason(line)}")
