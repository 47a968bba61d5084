"""Distributed tuning: two `boxoffice tune` workers share one study on a real PostgreSQL server.

`.ci/run` starts the server (`.ci/postgres.sh`) and exports BOXOFFICE_TEST_PG_URL. Elsewhere the test
is skipped when that variable is unset; under CI it fails instead, so a broken setup cannot hide.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest


def _pg_url() -> str:
    url = os.environ.get("BOXOFFICE_TEST_PG_URL")
    if url:
        return url
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail("BOXOFFICE_TEST_PG_URL is unset under CI: .ci/run must source .ci/postgres.sh")
    pytest.skip("no PostgreSQL for the tests: run `. .ci/postgres.sh` to start one")


def test_two_workers_share_one_study(film_table, tmp_path):
    import optuna

    from boxoffice.table.io import save_table
    from boxoffice.workspace import Workspace

    url = _pg_url()
    study = f"ci-{uuid.uuid4().hex[:12]}"
    home = Workspace(data_dir=tmp_path / "no-data", home=tmp_path / "home").home
    save_table(film_table, home / ".boxoffice" / "films.parquet")
    command = [sys.executable, "-m", "boxoffice_cli.main", "tune", "--storage", url, "--study", study,
               "--trials", "2", "--years", "2", "--home", str(home), "--json"]
    env = os.environ | {"BOXOFFICE_HOME": str(home)}
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for _ in range(2)]
    outputs = [w.communicate(timeout=600) for w in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert json.loads(out)["n_new_trials"] == 2

    trials = optuna.load_study(study_name=study, storage=url).trials
    assert len(trials) == 4
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert len({t.user_attrs["worker"] for t in trials}) == 2  # both workers' trials, one study
    assert sorted(str(w.pid) for w in workers) == sorted({t.user_attrs["worker"].rsplit(":", 1)[1] for t in trials})
