""".ci/run leaves the machine as it found it: the PostgreSQL it started is stopped, pass or fail.

``.ci/run`` runs here in a copy of ``.ci`` whose pip and pytest are stubs (pytest exits with a chosen
code), with the real ``.ci/postgres.sh`` in a throwaway state folder of its own.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                                reason="PostgreSQL is not installed (.ci/postgres.sh would install it)")


@pytest.fixture
def ci(tmp_path):
    """A clone-like folder: the real .ci/run and .ci/postgres.sh, stub pip, pytest and report check."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    for name in ("run", "postgres.sh"):
        shutil.copy(ROOT / ".ci" / name, repo / ".ci" / name)
    stubs = {".ci/report_check.sh": "exit 0", ".venv/bin/python": "exit 0", ".venv/bin/pip": "exit 0",
             ".venv/bin/pytest": 'echo "$BOXOFFICE_TEST_PG_URL" > "$(dirname "$0")/url-seen"; exit "$PYTEST_EXIT"'}
    for name, body in stubs.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/usr/bin/env bash\n{body}\n")
        path.chmod(0o755)
    # Beside /tmp, not under pytest's 0700 folder: as root the server runs as the postgres user.
    state = Path(tempfile.mkdtemp(prefix="boxoffice-pg-ci-test-", dir="/tmp"))
    env = os.environ | {"BOXOFFICE_PG_DIR": str(state)}
    yield repo, state, env
    subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop"], env=env, capture_output=True, timeout=120)
    shutil.rmtree(state, ignore_errors=True)


def _answers(state: Path) -> bool:
    if not (state / "port").is_file():
        return False
    isready = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_isready"))[-1]
    port = (state / "port").read_text().strip()
    return subprocess.run([isready, "-q", "-h", "127.0.0.1", "-p", port]).returncode == 0


@pytest.mark.parametrize("tests_exit", [0, 3])
def test_ci_stops_the_postgresql_it_started_and_keeps_the_tests_exit_code(ci, tests_exit):
    repo, state, env = ci
    done = subprocess.run(["bash", str(repo / ".ci" / "run")], env=env | {"PYTEST_EXIT": str(tests_exit)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == tests_exit, done.stderr
    assert (repo / ".venv" / "bin" / "url-seen").read_text().startswith("postgresql://")  # the tests had it
    assert not _answers(state) and not (state / "data").exists(), done.stderr


def test_ci_leaves_a_server_it_did_not_start_running(ci):
    repo, state, env = ci
    started = subprocess.run(["bash", str(repo / ".ci" / "postgres.sh")], env=env, capture_output=True, text=True,
                             timeout=300)
    assert started.returncode == 0 and _answers(state), started.stderr
    done = subprocess.run(["bash", str(repo / ".ci" / "run")], env=env | {"PYTEST_EXIT": "1"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert _answers(state)  # somebody else's: still there (the fixture stops it)
