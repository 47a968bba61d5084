"""The model store: ``models/<name>/<version>/`` of plain files, and a CURRENT pointer.

A version holds LightGBM's native text models, the track-record table
(Parquet) and ``metadata.json`` (features, parameters, period, metrics,
library versions, a SHA-256 of every file). A version is written in a
temporary folder and renamed into place; CURRENT is switched by an atomic
rename too, so an interrupted run never leaves a half-written model or
touches the current one. Nothing is unpickled: loading reads data, never code.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from boxoffice.errors import InputError, ModelStoreError

MODEL_SCHEMA_VERSION = 2
"""Bumped when a stored model's features change meaning; an older model is refused with "retrain".
2: order-free cast features (no lead_*, no cast_listed), Wikidata credits, a blank distributor as a value."""
DEFAULT_NAME = "default"
POINTER = "CURRENT"
METADATA = "metadata.json"
STALE_SECONDS = 3600
"""Temp files of a save older than this were left by a killed run; the next save removes them."""
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_name(name: str) -> str:
    """A model name is one plain folder name: letters, digits, '.', '_', '-' (never a path)."""
    if not isinstance(name, str) or not _PLAIN_NAME.match(name) or ".." in name:
        raise InputError(f"model name {name!r} is not allowed",
                         hint="use letters, digits, '-', '_' and '.', e.g. --name studio-2027")
    return name


def _check_version(version, name: str) -> str:
    if not isinstance(version, str) or not _PLAIN_NAME.match(version) or ".." in version:
        raise ModelStoreError(f"model '{name}' has no version {version!r}", hint="see `boxoffice models list`")
    return version


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
    folder = Path(models_dir) / check_name(name)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
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


def _remove_stale(folder: Path, older_than: float = STALE_SECONDS) -> None:
    """Delete the temp folders and pointer files that killed runs left (never a version, never CURRENT)."""
    now = time.time()
    for path in folder.glob(".incomplete-*"):
        try:
            if now - path.stat().st_mtime > older_than:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
        except OSError:
            continue
    for path in folder.glob(".current-*"):
        try:
            if now - path.stat().st_mtime > older_than:
                path.unlink()
        except OSError:
            continue


def _fsync_write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def set_current(models_dir: Path, name: str, version: str) -> None:
    folder = Path(models_dir) / check_name(name)
    _check_version(version, name)
    if not (folder / version / METADATA).is_file():
        raise ModelStoreError(f"model {name} has no version {version}", hint="see `boxoffice models list`")
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=folder)
    with os.fdopen(fd, "w") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / POINTER)


def current_version(models_dir: Path, name: str = DEFAULT_NAME) -> str:
    pointer = Path(models_dir) / check_name(name) / POINTER
    if not pointer.is_file():
        if pointer.parent.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in pointer.parent.iterdir()):
            raise ModelStoreError(f"model '{name}' has versions but no {POINTER} pointer to the one in use",
                                  hint="retrain with `boxoffice train`, or pick a version from `boxoffice models list`")
        raise ModelStoreError(f"no trained model named '{name}' in {models_dir}",
                              hint="train one with `boxoffice train`")
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        version = None
    if version is None:
        raise ModelStoreError(f"model '{name}': its {POINTER} pointer is unreadable",
                              hint="retrain with `boxoffice train`, or pick a version from `boxoffice models list`")
    if not version or not _PLAIN_NAME.match(version) or not (pointer.parent / version).is_dir():
        raise ModelStoreError(f"model '{name}' points to a missing version {version!r}",
                              hint="retrain with `boxoffice train`, or pick a version from `boxoffice models list`")
    return version


def read_metadata(models_dir: Path, name: str = DEFAULT_NAME, version: str | None = None) -> dict:
    version = _check_version(version, name) if version is not None else current_version(models_dir, name)
    path = Path(models_dir) / check_name(name) / version / METADATA
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
    if found != MODEL_SCHEMA_VERSION or isinstance(found, bool) or not isinstance(found, int):
        newer = isinstance(found, int) and found > MODEL_SCHEMA_VERSION
        raise ModelStoreError(
            f"model {name}/{version} has schema version {found!r}; this boxoffice reads version {MODEL_SCHEMA_VERSION}",
            hint="upgrade boxoffice" if newer else "retrain with `boxoffice train`")
    if meta.get("version") != version:
        raise ModelStoreError(f"model {name}/{version}: {METADATA} names version {meta.get('version')!r}",
                              hint="retrain with `boxoffice train`; do not copy files between versions")
    return meta


def load(models_dir: Path, name: str = DEFAULT_NAME, version: str | None = None):
    """Load a stored Forecaster after checking schema version and every file's checksum."""
    import pandas as pd

    from boxoffice.model.features import FeatureBuilder, FeatureConfig
    from boxoffice.model.forecaster import Forecaster, TrainConfig
    from boxoffice.model.revenue import BOOSTER_PARTS, ModelConfig, RevenueModel

    meta = read_metadata(models_dir, name, version)
    where = f"model {name}/{meta['version']}"
    folder = Path(models_dir) / name / meta["version"]
    _check_shape(meta, where)
    needed = {"talent.parquet"} | {f"{target}_{part}.txt" for target in meta["models"] for part in BOOSTER_PARTS}
    unlisted = sorted(needed - set(meta["checksums"]))
    if unlisted:
        raise ModelStoreError(f"{where}: {METADATA} has no checksum for {', '.join(unlisted)}",
                              hint="retrain with `boxoffice train`")
    for filename, expected in meta["checksums"].items():
        path = folder / filename
        if not path.is_file():
            raise ModelStoreError(f"{where} is missing {filename}", hint="retrain with `boxoffice train`")
        if _sha256(path) != expected:
            raise ModelStoreError(f"{where}: {filename} fails its checksum (changed or truncated)",
                                  hint="retrain with `boxoffice train`")
    try:
        cfg = meta["train_config"]
        forecaster = Forecaster(TrainConfig(FeatureConfig(**cfg["features"]), ModelConfig(**cfg["model"]), cfg["min_year"]))
        forecaster.builder_ = FeatureBuilder.from_state(meta["features"], pd.read_parquet(folder / "talent.parquet"))
        forecaster.models_ = {}
        for target, state in meta["models"].items():
            texts = {part: _booster_text((folder / f"{target}_{part}.txt").read_text(encoding="utf-8"),
                                         f"{where}: {target}_{part}.txt") for part in BOOSTER_PARTS}
            try:
                forecaster.models_[target] = RevenueModel.from_state(state, texts)
            except ValueError as err:
                raise ModelStoreError(f"{where} cannot be read: {target} model, {err}",
                                      hint="retrain with `boxoffice train`") from None
        forecaster.period_ = (meta["period"]["first_release"], meta["period"]["last_release"])
        forecaster.n_films_ = meta["n_films"]
    except ModelStoreError:
        raise
    except Exception as err:  # noqa: BLE001 - any failure to rebuild from the files means the model is unreadable
        raise ModelStoreError(f"{where} cannot be read: {type(err).__name__}: {err}",
                              hint="retrain with `boxoffice train`") from None
    forecaster.metadata_ = meta
    return forecaster


_NUM = (int, float)
_SHAPE = {
    "checksums": {str: str},
    "train_config": {"min_year": int, "features": dict, "model": dict},
    "features": {"config": dict, "genres": [str], "categories": {str: [str]}, "feature_names": [str],
                 "typical": {"edges": [_NUM], "features": [str], "values": [{str: (*_NUM, type(None))}]}},
    "models": {str: {"config": {"params": dict}, "categorical": [str], "interval_correction": _NUM,
                     "risk_calibration": {"slope": _NUM, "intercept": _NUM}, "feature_names": [str],
                     "n_train": int, "n_calibration": int}},
    "period": {"first_release": str, "last_release": str},
    "n_films": int,
}
"""The types of everything ``load`` reads from metadata.json: a tampered file fails here, not mid-forecast.
``{str: X}`` is a mapping of any names to X; ``[X]`` a list of X; other keys may be present."""


def _shape_error(value, shape, path: str) -> str | None:
    """Where ``value`` first differs from ``shape`` (see ``_SHAPE``), or None."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{path} is not a list"
        return next((e for i, v in enumerate(value) if (e := _shape_error(v, shape[0], f"{path}[{i}]"))), None)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{path} is not a mapping"
        if list(shape) == [str]:
            return next((e for k, v in value.items()
                         if (e := f"{path} has a non-text key" if not isinstance(k, str)
                             else _shape_error(v, shape[str], f"{path}.{k}"))), None)
        return next((e for k, s in shape.items()
                     if (e := f"{path}.{k} is missing" if k not in value else _shape_error(value[k], s, f"{path}.{k}"))),
                    None)
    kinds = shape if isinstance(shape, tuple) else (shape,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        return f"{path} is {type(value).__name__}, not {' or '.join(k.__name__ for k in kinds)}"
    return None


def _check_shape(meta: dict, where: str) -> None:
    problem = _shape_error(meta, _SHAPE, METADATA)
    if problem is None and not {"worldwide", "domestic"} <= set(meta["models"]):
        problem = f"{METADATA} lacks the worldwide or the domestic model"
    if problem is None:
        problem = next((f"{METADATA} names an odd file {f!r}" for f in [*meta["checksums"], *meta["models"]]
                        if not _PLAIN_NAME.match(f) or ".." in f), None)
    if problem:
        raise ModelStoreError(f"{where} cannot be read: {problem}", hint="retrain with `boxoffice train`")


_TREE_SIZES = re.compile(r"^tree_sizes=[0-9 ]*\n", re.M)


def _booster_text(text: str, where: str) -> str:
    """A LightGBM model text checked whole, made safe for LightGBM's parser.

    LightGBM reads past the end of a cut text (a segfault) and, trusting ``tree_sizes``,
    parses trees in threads where a bad one aborts the process; without that line it parses
    them in order and a bad tree raises an error instead. Same trees, same forecasts.
    """
    if not text.startswith("tree\n"):
        raise ModelStoreError(f"{where} is not a LightGBM model", hint="retrain with `boxoffice train`")
    if "\nend of trees" not in text:
        raise ModelStoreError(f"{where} is cut short", hint="retrain with `boxoffice train`")
    return _TREE_SIZES.sub("", text, count=1)


def list_models(models_dir: Path) -> list[dict]:
    """Every stored version: name, version, created, films, whether current, headline metrics."""
    out = []
    root = Path(models_dir)
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            current = current_version(models_dir, folder.name)
        except (ModelStoreError, InputError):
            current = None
        for version in sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                meta = read_metadata(models_dir, folder.name, version)
            except (ModelStoreError, InputError) as err:
                out.append({"name": folder.name, "version": version, "current": version == current, "error": err.message})
                continue
            model = meta.get("metrics", {}).get("model", {})
            out.append({"name": folder.name, "version": version, "current": version == current,
                        "created": meta["created"], "films": meta["n_films"],
                        "period": f"{meta['period']['first_release']}..{meta['period']['last_release']}",
                        "rmsle": model.get("rmsle"), "break_even_auc": model.get("break_even_auc")})
    return out
