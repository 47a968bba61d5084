"""Where things are: the public data folder, the built film table, the model store.

Resolved once, at the boundary (the CLI or a notebook), from an explicit
argument, then an environment variable, then a default; the library below
only ever receives a ``Workspace``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from boxoffice.errors import DataSourceError

DATA_ENV = "BOXOFFICE_DATA"
HOME_ENV = "BOXOFFICE_HOME"


@dataclass(frozen=True)
class Workspace:
    data_dir: Path
    """Folder with the public source files (``../shared/data`` beside a clone)."""
    home: Path
    """Project folder: the film table goes to ``.boxoffice/``, models to ``models/``."""

    @property
    def table_path(self) -> Path:
        return self.home / ".boxoffice" / "films.parquet"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    def refuse_overwriting(self, outputs: dict, inputs: dict | None = None, *, writes_table: bool = False) -> None:
        """Refuse an output that would replace one of the command's ``inputs`` ({flag: path}), another
        output, the film table (unless the command ``writes_table``), or a file of the public data or
        the model store: checked before any work, so nothing the user has is lost."""
        from boxoffice.atomic import refuse_overwriting

        own = {} if writes_table else {"the film table": self.table_path}
        refuse_overwriting(outputs, (inputs or {}) | own,
                           folders={"the public data folder": self.data_dir, "the model store": self.models_dir})


def _checkout_root() -> Path | None:
    """The clone this package runs from (editable install), if any."""
    root = Path(__file__).resolve().parents[1]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "boxoffice"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def _cwd_checkout(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and 'name = "boxoffice"' in pyproject.read_text(encoding="utf-8"):
            return folder
    return None


def default_home(cwd: Path | None = None) -> Path:
    cwd = cwd or Path.cwd()
    return _checkout_root() or _cwd_checkout(cwd) or Path.home() / ".boxoffice"


def resolve_workspace(
    data_dir: str | Path | None = None,
    home: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    require_data: bool = False,
) -> Workspace:
    """Argument > environment (``BOXOFFICE_DATA``, ``BOXOFFICE_HOME``) > default."""
    env = os.environ if env is None else env
    home_path = Path(home or env.get(HOME_ENV) or default_home()).expanduser()
    if data_dir or env.get(DATA_ENV):
        data_path = Path(data_dir or env[DATA_ENV]).expanduser()
    else:
        candidates = [home_path.parent / "shared" / "data", Path.cwd().parent / "shared" / "data",
                      Path.cwd() / "shared" / "data"]
        data_path = next((c for c in candidates if c.is_dir()), candidates[0])
    if require_data and not data_path.is_dir():
        raise DataSourceError(
            f"public data folder not found: {data_path}",
            hint=f"pass --sources DIR or set {DATA_ENV} to the folder with the-numbers-budgets.csv",
        )
    return Workspace(data_dir=data_path.resolve(), home=home_path.resolve())
