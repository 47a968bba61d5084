"""The model store: ``models/<name>/<version>/`` of plain files, and a CURRENT pointer.

A version holds LightGBM's native text models, the track-record table
(Parquet) and ``metadata.json`` (features, parameters, period, metrics,
library versions, a SHA-256 of every file). A version is written in a
temporary folder and renamed into place; CURRENT is switched by an atomic
rename too, so an interrupted run never leaves a half-written model or
touches the current one. No pickle: loading reads data, never code.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from boxoffice.errors import ModelStoreError

MODEL_SCHEMA_VERSION = 1
DEFAULT_NAME = "default"
POINTER = "CURRENT"
METADATA = "metadata.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_fingerprint(films) -> str:
    """SHA-256 over the training films' ids, dates, budgets and grosses."""
    import pandas as pd

    cols = ["film_id", "release_date", "budget_usd", "worldwide_gross_usd", "domestic_gross_usd"]
    hashed = pd.util.hash_pandas_object(films[cols].astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("boxoffice", "lightgbm", "pandas", "numpy", "scikit-learn", "pyarrow"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


@contextlib.contextmanager
def store_lock(folder: Path, wait_seconds: float = 0.0, on_wait=None):
    """One writer per model name at a time; a second waits up to ``wait_seconds``, then gives up."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / ".lock").open("a+")
    deadline = time.monotonic() + wait_seconds
    told = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ModelStoreError(f"another run is writing models in {folder}",
                                          hint="wait for it to finish, or pass a longer --wait") from None
                if on_wait and not told:
                    on_wait(f"another run is writing models in {folder}; waiting up to {wait_seconds:.0f}s")
                    told = True
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def save(forecaster, models_dir: Path, name: str = DEFAULT_NAME, *, films=None, metrics: dict | None = None,
         make_current: bool = True, extra: dict | None = None) -> Path:
    """Write a new version of model ``name``; switch CURRENT to it if ``make_current``."""
    folder = Path(models_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    version = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    tmp = Path(tempfile.mkdtemp(prefix=".incomplete-", dir=folder))
    try:
        files = {}
        for target, model in forecaster.models_.items():
            for part, text in model.booster_texts().items():
                files[f"{target}_{part}.txt"] = text
        for filename, text in files.items():
            (tmp / filename).write_text(text, encoding="utf-8")
        forecaster.builder_.talent_.table.to_parquet(tmp / "talent.parquet", index=False)
        checksums = {p.name: _sha256(p) for p in sorted(tmp.iterdir())}
        meta = {
            "schema_version": MODEL_SCHEMA_VERSION,
            "name": name, "version": version,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "train_config": {"min_year": forecaster.config.min_year, "features": asdict(forecaster.config.features),
                             "model": asdict(forecaster.config.model)},
            "features": forecaster.builder_.get_state(),
            "models": {t: m.get_state() for t, m in forecaster.models_.items()},
            "period": {"first_release": forecaster.period_[0], "last_release": forecaster.period_[1]},
            "n_films": forecaster.n_films_,
            "data_fingerprint": data_fingerprint(films) if films is not None else None,
            "metrics": metrics or {},
            "libraries": library_versions(),
            "checksums": checksums,
        } | (extra or {})
        _fsync_write(tmp / METADATA, json.dumps(meta, indent=2, sort_keys=True))
        final = folder / version
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if make_current:
        set_current(models_dir, name, version)
    return final


def _fsync_write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def set_current(models_dir: Path, name: str, version: str) -> None:
    folder = Path(models_dir) / name
    if not (folder / version / METADATA).is_file():
        raise ModelStoreError(f"model {name} has no version {version}", hint="see `boxoffice models list`")
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=folder)
    with os.fdopen(fd, "w") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / POINTER)


def current_version(models_dir: Path, name: str = DEFAULT_NAME) -> str:
    pointer = Path(models_dir) / name / POINTER
    if not pointer.is_file():
        raise ModelStoreError(f"no trained model named '{name}' in {models_dir}",
                              hint="train one with `boxoffice train`")
    version = pointer.read_text(encoding="utf-8").strip()
    if not version or not (pointer.parent / version).is_dir():
        raise ModelStoreError(f"model '{name}' points to a missing version {version!r}",
                              hint="retrain with `boxoffice train`, or pick a version from `boxoffice models list`")
    return version


def read_metadata(models_dir: Path, name: str = DEFAULT_NAME, version: str | None = None) -> dict:
    version = version or current_version(models_dir, name)
    path = Path(models_dir) / name / version / METADATA
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelStoreError(f"model {name}/{version} has no {METADATA}", hint="retrain with `boxoffice train`") from None
    except (ValueError, UnicodeDecodeError):
        raise ModelStoreError(f"model {name}/{version}: {METADATA} is corrupt (not valid JSON)",
                              hint="retrain with `boxoffice train`") from None
    if not isinstance(meta, dict) or "schema_version" not in meta:
        raise ModelStoreError(f"model {name}/{version}: {METADATA} is not a boxoffice model",
                              hint="retrain with `boxoffice train`")
    found = meta["schema_version"]
    if found != MODEL_SCHEMA_VERSION:
        newer = isinstance(found, int) and found > MODEL_SCHEMA_VERSION
        raise ModelStoreError(
            f"model {name}/{version} has schema version {found}; this boxoffice reads version {MODEL_SCHEMA_VERSION}",
            hint="upgrade boxoffice" if newer else "retrain with `boxoffice train`")
    return meta


def load(models_dir: Path, name: str = DEFAULT_NAME, version: str | None = None):
    """Load a stored Forecaster after checking schema version and every file's checksum."""
    import pandas as pd

    from boxoffice.features import FeatureBuilder, FeatureConfig
    from boxoffice.forecaster import Forecaster, TrainConfig
    from boxoffice.model import ModelConfig, RevenueModel

    meta = read_metadata(models_dir, name, version)
    folder = Path(models_dir) / name / meta["version"]
    for filename, expected in meta["checksums"].items():
        path = folder / filename
        if not path.is_file():
            raise ModelStoreError(f"model {name}/{meta['version']} is missing {filename}", hint="retrain with `boxoffice train`")
        if _sha256(path) != expected:
            raise ModelStoreError(f"model {name}/{meta['version']}: {filename} fails its checksum (changed or truncated)",
                                  hint="retrain with `boxoffice train`")
    try:
        cfg = meta["train_config"]
        forecaster = Forecaster(TrainConfig(FeatureConfig(**cfg["features"]), ModelConfig(**cfg["model"]), cfg["min_year"]))
        forecaster.builder_ = FeatureBuilder.from_state(meta["features"], pd.read_parquet(folder / "talent.parquet"))
        forecaster.models_ = {}
        for target, state in meta["models"].items():
            texts = {part: (folder / f"{target}_{part}.txt").read_text(encoding="utf-8") for part in ("p50", "lo", "hi")}
            forecaster.models_[target] = RevenueModel.from_state(state, texts)
        forecaster.period_ = (meta["period"]["first_release"], meta["period"]["last_release"])
        forecaster.n_films_ = meta["n_films"]
    except (KeyError, TypeError, ValueError) as err:
        raise ModelStoreError(f"model {name}/{meta['version']} cannot be read: {err}",
                              hint="retrain with `boxoffice train`") from None
    forecaster.metadata_ = meta
    return forecaster


def list_models(models_dir: Path) -> list[dict]:
    """Every stored version: name, version, created, films, whether current, headline metrics."""
    out = []
    root = Path(models_dir)
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        pointer = folder / POINTER
        current = pointer.read_text().strip() if pointer.is_file() else None
        for version in sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                meta = read_metadata(models_dir, folder.name, version)
            except ModelStoreError as err:
                out.append({"name": folder.name, "version": version, "current": version == current, "error": err.message})
                continue
            model = meta.get("metrics", {}).get("model", {})
            out.append({"name": folder.name, "version": version, "current": version == current,
                        "created": meta["created"], "films": meta["n_films"],
                        "period": f"{meta['period']['first_release']}..{meta['period']['last_release']}",
                        "rmsle": model.get("rmsle"), "break_even_auc": model.get("break_even_auc")})
    return out
