"""Fixtures shared by every test file: a model trained once per test session.

The film table comes from ../shared/data (or BOXOFFICE_DATA); everything is
written under a temporary home, never into the repository.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_workspace():
    from boxoffice.errors import DataSourceError
    from boxoffice.workspace import resolve_workspace

    try:
        return resolve_workspace(require_data=True)
    except DataSourceError as err:
        pytest.skip(f"shared public data not found: {err}")


@pytest.fixture(scope="session")
def model_home(tmp_path_factory, shared_workspace):
    """A Workspace whose home holds the built film table and a trained 'default' model (no backtest)."""
    from boxoffice.films import BuildConfig, build_film_table, save_table
    from boxoffice.training import train_and_store
    from boxoffice.workspace import Workspace

    home = tmp_path_factory.mktemp("home")
    ws = Workspace(data_dir=shared_workspace.data_dir, home=home)
    table = build_film_table(BuildConfig(ws.data_dir)).table
    save_table(table, ws.table_path)
    train_and_store(table, ws.models_dir, "default", evaluate=False)
    return ws


@pytest.fixture(scope="session")
def forecaster(model_home):
    from boxoffice import store

    return store.load(model_home.models_dir, "default")
