"""Shared fixtures: small source files written in code, and the real film table built once.

Small files are made up in ``samples.py`` (fictional films), never extracts of the public data.
The real table is built from the shared public data once per session
(``film_build`` / ``film_table``); it is found as a user would find it:
``BOXOFFICE_DATA`` if set, else ``../shared/data`` beside the clone.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from samples import write_sources

# CI draws the same generated cases every run, so a landing is judged on the code, not on the draw;
# at a desk each run draws new ones (and Hypothesis keeps the failures it finds, to replay first).
settings.register_profile("ci", derandomize=True)
settings.register_profile("desk", derandomize=False)
settings.load_profile("ci" if os.environ.get("CI") else "desk")


@pytest.fixture
def sources_dir(tmp_path) -> Path:
    """A folder holding the five source files, small and made up."""
    return write_sources(tmp_path / "sources")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test writes into the clone's .boxoffice/ or models/: the home is a temp folder."""
    monkeypatch.setenv("BOXOFFICE_HOME", str(tmp_path / "home"))


# ---------------------------------------------------------------- the real public data


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The public data folder: BOXOFFICE_DATA if set, else ../shared/data beside the clone."""
    from boxoffice.workspace import resolve_workspace

    return resolve_workspace(require_data=True).data_dir


@pytest.fixture(scope="session")
def film_build(shared_data_dir):
    """The film table and build report from the public data, built once per test session."""
    from boxoffice.table.build import BuildConfig, build_film_table

    return build_film_table(BuildConfig(shared_data_dir))


@pytest.fixture(scope="session")
def film_table(film_build):
    """The canonical film table built from the public data (a pandas DataFrame). Do not mutate it."""
    return film_build.table


@pytest.fixture(scope="session")
def model_home(tmp_path_factory, shared_data_dir, film_table):
    """A Workspace whose home holds the film table and a trained 'default' model (no backtest).

    Trained once per session; pass ``--home str(model_home.home)`` to CLI tests.
    """
    from boxoffice.store import ModelStore
    from boxoffice.table.io import save_table
    from boxoffice.training import train_and_store
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=shared_data_dir, home=tmp_path_factory.mktemp("model-home"))
    save_table(film_table, ws.table_path)
    train_and_store(film_table, ModelStore(ws.models_dir), "default", evaluate=False)
    return ws


@pytest.fixture(scope="session")
def forecaster(model_home):
    """The trained default model of ``model_home``, loaded from the store. Do not mutate it."""
    from boxoffice.store import ModelStore

    return ModelStore(model_home.models_dir).load("default")


@pytest.fixture
def home_copy(model_home, tmp_path):
    """A copy of ``model_home``'s folder (film table and default model) that one test may damage or crash into."""
    import shutil

    copy = tmp_path / "home-copy"
    shutil.copytree(model_home.home, copy)
    return copy
