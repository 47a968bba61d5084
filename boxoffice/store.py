"""The model store: ``<root>/<name>/<version>/`` of plain files, and a CURRENT pointer per name.

``ModelStore(root)`` is the one way in, in the manner of Optuna's storages: ``save``, ``load``,
``list``, ``current``, ``use``, ``lock``, ``read_metadata``. A version holds what
``Forecaster.get_state`` gives: LightGBM's native text models, the track-record table (Parquet) and,
in ``metadata.json``, the JSON state beside the store's own record (name, version, created, metrics,
library versions, a SHA-256 of every file). A version is written in a temporary folder and renamed
into place; CURRENT is switched by an atomic rename too, so an interrupted run never leaves a
half-written model or touches the current one. Nothing is unpickled: loading reads data, never code.
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
from pathlib import Path

from boxoffice.atomic import honour_umask
from boxoffice.errors import BoxofficeError, InputError, ModelStoreError
from boxoffice.model.json_shape import shape_error

MODEL_SCHEMA_VERSION = 4
"""2: the comparable films open fields are mixed over (``comparables.parquet``). 3: order-free cast
features (no lead_*, no cast_listed), track records with Wikidata's credits. 4: franchises (the
registry of titles, ``franchises.parquet``; franchise records in the talent table), a blank
distributor as its own value, monotone track records."""
DEFAULT_NAME = "default"
POINTER = "CURRENT"
METADATA = "metadata.json"
TALENT = "talent.parquet"
COMPARABLES = "comparables.parquet"
FRANCHISES = "franchises.parquet"
STALE_SECONDS = 3600
"""Temp files of a save older than this were left by a killed run; the next save removes them."""
RETRAIN = "retrain with `boxoffice train`"
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_RECORD_SHAPE = {"name": str, "version": str, "created": str, "checksums": {str: str}, "metrics": dict,
                 "libraries": dict, "data_fingerprint": (str, type(None))}
"""The store's own keys of metadata.json (the forecaster checks its state: ``Forecaster.check_state``)."""


def check_name(name: str) -> str:
    """A model name is one plain folder name: letters, digits, '.', '_', '-' (never a path)."""
    if not _plain(name):
        raise InputError(f"model name {name!r} is not allowed",
                         hint="use letters, digits, '-', '_' and '.', e.g. --name studio-2027")
    return name


def _plain(name) -> bool:
    return isinstance(name, str) and bool(_PLAIN_NAME.match(name)) and ".." not in name


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
def _writable(folder: Path):
    """A model folder this user cannot write is one message naming it, not a PermissionError."""
    try:
        yield
    except OSError as err:
        reason = "is not writable" if isinstance(err, PermissionError) else f"cannot be written ({err.strerror})"
        raise ModelStoreError(f"cannot write to the model store: {err.filename or folder} {reason}",
                              hint=f"ask for write access to {folder.parent}, or point BOXOFFICE_HOME "
                                   "(or --home) at a folder of your own") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


class ModelStore:
    """Every model under one folder (a workspace's ``models_dir``), by name and version."""

    def __init__(self, root):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"ModelStore({str(self.root)!r})"

    def _folder(self, name: str) -> Path:
        return self.root / check_name(name)

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def lock(self, name: str = DEFAULT_NAME, wait: float = 0.0, on_wait=None,
             wait_hint: str = "wait for it to finish, or pass a longer --wait"):
        """One writer per model name at a time; a second waits up to ``wait`` seconds, then gives up
        with ``wait_hint``. ``on_wait(message)`` is told once when it starts waiting."""
        from boxoffice.atomic import Busy, exclusive

        folder = self._folder(name)
        with _writable(folder):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".lock").touch()
        try:
            with exclusive(folder / ".lock", wait, on_wait, busy=f"another run is writing models in {folder}"):
                yield
        except Busy as err:
            raise ModelStoreError(str(err), hint=wait_hint) from None

    def save(self, forecaster, name: str = DEFAULT_NAME, *, films=None, metrics: dict | None = None,
             make_current: bool = True, extra: dict | None = None) -> Path:
        """Write ``forecaster`` as a new version of ``name`` and return its folder; switch CURRENT to it
        if ``make_current``. ``films``: the training films, fingerprinted; ``extra``: more metadata."""
        state = forecaster.get_state()
        folder = self._folder(name)
        with _writable(folder):
            folder.mkdir(parents=True, exist_ok=True)
            _remove_stale(folder)
            tmp = honour_umask(tempfile.mkdtemp(prefix=".incomplete-", dir=folder))
        version = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        try:
            for text_name, text in state.texts.items():
                (tmp / f"{check_name(text_name)}.txt").write_text(text, encoding="utf-8")
            state.talent.to_parquet(tmp / TALENT, index=False)
            state.comparables.to_parquet(tmp / COMPARABLES, index=False)
            state.franchises.to_parquet(tmp / FRANCHISES, index=False)
            record = {
                "schema_version": MODEL_SCHEMA_VERSION, "name": name, "version": version,
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "data_fingerprint": data_fingerprint(films) if films is not None else None,
                "metrics": metrics or {}, "libraries": library_versions(),
                "checksums": {p.name: _sha256(p) for p in sorted(tmp.iterdir())},
            }
            meta = state.data | record | (extra or {})
            _fsync_write(tmp / METADATA, json.dumps(meta, indent=2, sort_keys=True))
            final = folder / version
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if make_current:
            self.use(name, version)
        return final

    def use(self, name: str, version: str) -> None:
        """Make ``version`` the current one of ``name`` (an atomic switch of its CURRENT pointer)."""
        folder = self._folder(name)
        _check_version(version, name)
        if not (folder / version / METADATA).is_file():
            raise ModelStoreError(f"model {name} has no version {version}", hint="see `boxoffice models list`")
        fd, tmp = tempfile.mkstemp(prefix=".current-", dir=folder)
        honour_umask(tmp)
        with os.fdopen(fd, "w") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / POINTER)

    # ------------------------------------------------------------------ reading

    def exists(self, name: str = DEFAULT_NAME) -> bool:
        """Whether anything is stored under ``name`` (a version or a pointer, even a damaged one)."""
        folder = self._folder(name)
        return folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir())

    def versions(self, name: str = DEFAULT_NAME) -> list[str]:
        """The versions of ``name``, oldest first (damaged ones too; never a temp folder)."""
        folder = self._folder(name)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def current(self, name: str = DEFAULT_NAME) -> str:
        """The version CURRENT points to (``ModelStoreError`` when there is none, or it is broken)."""
        pointer = self._folder(name) / POINTER
        pick = "retrain with `boxoffice train`, or pick a version from `boxoffice models list`"
        if not pointer.is_file():
            if self.versions(name):
                why = self._promotion_reason(name, self.versions(name)[-1])
                raise ModelStoreError(f"model '{name}' has versions but none is current"
                                      + (f": the newest one {why.removeprefix('not made current: ')}" if why
                                         else f" (no {POINTER} pointer)"),
                                      hint=f"make one current with `boxoffice models use {name}/VERSION` (see "
                                           "`boxoffice models list`), or train again with `--force`")
            raise ModelStoreError(f"no trained model named '{name}' in {self.root}", hint="train one with `boxoffice train`")
        try:
            version = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise ModelStoreError(f"model '{name}': its {POINTER} pointer is unreadable", hint=pick) from None
        if not _plain(version) or not (pointer.parent / version).is_dir():
            raise ModelStoreError(f"model '{name}' points to a missing version {version!r}", hint=pick)
        return version

    def _promotion_reason(self, name: str, version: str) -> str | None:
        """Why training left ``version`` not current ("not made current: it loses to the baseline …"); None
        when training made it current (or it does not say)."""
        try:
            meta = json.loads((self._folder(name) / version / METADATA).read_text(encoding="utf-8"))
            reason = meta["promotion"]["reason"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return reason if isinstance(reason, str) and "not made current" in reason else None

    def prune(self, name: str = DEFAULT_NAME, keep: int = 3, dry_run: bool = False) -> list[str]:
        """Remove all but the ``keep`` newest versions of ``name``, never the current one; returns the
        versions removed (or that would be, with ``dry_run``). A version is renamed out of sight
        first, so an interrupted prune never leaves half of one looking like a model."""
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise InputError(f"keep={keep!r}: at least one version must be kept", hint="pass --keep 1 or more")
        with self.lock(name):
            try:
                current = self.current(name)
            except ModelStoreError:
                current = None
            versions = self.versions(name)
            doomed = [v for v in versions[:-keep] if v != current]
            if dry_run:
                return doomed
            folder = self._folder(name)
            for version in doomed:
                hidden = folder / f".incomplete-pruned-{version}"
                with _writable(folder):
                    os.rename(folder / version, hidden)
                shutil.rmtree(hidden, ignore_errors=True)
        return doomed

    def outdated(self, name: str = DEFAULT_NAME) -> bool:
        """True when the current version of ``name`` was written by an older boxoffice (an older schema):
        it cannot be read, but it is not damaged either, so the default model is simply trained again."""
        try:
            path = self._folder(name) / self.current(name) / METADATA
            found = json.loads(path.read_text(encoding="utf-8")).get("schema_version")
        except (ModelStoreError, OSError, ValueError, AttributeError):
            return False
        return isinstance(found, int) and not isinstance(found, bool) and found < MODEL_SCHEMA_VERSION

    def read_metadata(self, name: str = DEFAULT_NAME, version: str | None = None) -> dict:
        """The metadata of a version (default: the current one), checked as ``load`` checks it, files aside."""
        return self._checked(name, version)[0]

    def _checked(self, name: str, version: str | None) -> tuple[dict, list[str]]:
        """(metadata, names of the model texts it needs): JSON, schema version, the store's record and
        the forecaster's state, each checked before anything reads them."""
        from boxoffice.model.forecaster import Forecaster

        version = _check_version(version, name) if version is not None else self.current(name)
        where = f"model {name}/{version}"
        path = self._folder(name) / version / METADATA
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelStoreError(f"{where} has no {METADATA}", hint=RETRAIN) from None
        except (ValueError, UnicodeDecodeError):
            raise ModelStoreError(f"{where}: {METADATA} is corrupt (not valid JSON)", hint=RETRAIN) from None
        if not isinstance(meta, dict) or "schema_version" not in meta:
            raise ModelStoreError(f"{where}: {METADATA} is not a boxoffice model", hint=RETRAIN)
        found = meta["schema_version"]
        if found != MODEL_SCHEMA_VERSION or isinstance(found, bool) or not isinstance(found, int):
            newer = isinstance(found, int) and found > MODEL_SCHEMA_VERSION
            raise ModelStoreError(
                f"{where} has schema version {found!r}; this boxoffice reads version {MODEL_SCHEMA_VERSION}",
                hint="upgrade boxoffice" if newer else RETRAIN)
        if meta.get("version") != version:
            raise ModelStoreError(f"{where}: {METADATA} names version {meta.get('version')!r}",
                                  hint="retrain with `boxoffice train`; do not copy files between versions")
        problem = shape_error(meta, _RECORD_SHAPE, METADATA)
        if problem is None:
            try:
                texts = Forecaster.check_state(meta, METADATA)
            except ValueError as err:
                problem = str(err)
        if problem is None:
            problem = next((f"{METADATA} names an odd file {f!r}" for f in meta["checksums"] if not _plain(f)), None)
        if problem is None:
            unlisted = sorted({TALENT, COMPARABLES, *(f"{t}.txt" for t in texts)} - set(meta["checksums"]))
            problem = f"{METADATA} has no checksum for {', '.join(unlisted)}" if unlisted else None
        if problem:
            raise ModelStoreError(f"{where} cannot be read: {problem}", hint=RETRAIN)
        return meta, texts

    def _check_files(self, meta: dict) -> Path:
        """Every file the metadata lists is there and matches its SHA-256; returns the version's folder."""
        where = f"model {meta['name']}/{meta['version']}"
        folder = self._folder(meta["name"]) / meta["version"]
        for filename, expected in meta["checksums"].items():
            path = folder / filename
            if not path.is_file():
                raise ModelStoreError(f"{where} is missing {filename}", hint=RETRAIN)
            if _sha256(path) != expected:
                raise ModelStoreError(f"{where}: {filename} fails its checksum (changed or truncated)", hint=RETRAIN)
        return folder

    def load(self, name: str = DEFAULT_NAME, version: str | None = None):
        """The stored Forecaster (default: the current version), after checking the schema version,
        the metadata, every file's checksum and every tree."""
        import pandas as pd

        from boxoffice.model.forecaster import Forecaster, ForecasterState

        meta, text_names = self._checked(name, version)
        where = f"model {name}/{meta['version']}"
        folder = self._check_files(meta)
        try:
            texts = {t: (folder / f"{t}.txt").read_text(encoding="utf-8") for t in text_names}
            state = ForecasterState(meta, texts, pd.read_parquet(folder / TALENT), pd.read_parquet(folder / COMPARABLES),
                                    pd.read_parquet(folder / FRANCHISES))
            return Forecaster.from_state(state, metadata=meta)
        except Exception as err:  # noqa: BLE001 - any failure to rebuild from the files means the model is unreadable
            detail = (err.message if isinstance(err, BoxofficeError) else str(err) if isinstance(err, ValueError)
                      else f"{type(err).__name__}: {err}")
            raise ModelStoreError(f"{where} cannot be read: {detail}", hint=RETRAIN) from None

    def list(self) -> list[dict]:
        """Every stored version: name, version, whether current, created, films, period and headline
        metrics; a damaged one (any check ``load`` makes but reading the trees) has ``error`` instead."""
        out = []
        if not self.root.is_dir():
            return out
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and _plain(p.name)):
            try:
                current = self.current(folder.name)
            except ModelStoreError:
                current = None
            for version in self.versions(folder.name):
                row = {"name": folder.name, "version": version, "current": version == current}
                try:
                    meta = self._checked(folder.name, version)[0]
                    self._check_files(meta)
                except (ModelStoreError, InputError) as err:
                    out.append(row | {"error": err.message})
                    continue
                model, baseline = (meta["metrics"].get(who) for who in ("model", "baseline"))
                model, baseline = (part if isinstance(part, dict) else {} for part in (model, baseline))
                out.append(row | {"created": meta["created"], "films": meta["n_films"],
                                  "period": f"{meta['period']['first_release']}..{meta['period']['last_release']}",
                                  "rmsle": model.get("rmsle"), "baseline_rmsle": baseline.get("rmsle"),
                                  "break_even_auc": model.get("break_even_auc"),
                                  "note": self._promotion_reason(folder.name, version) or ""})
        return out


def _check_version(version, name: str) -> str:
    if not _plain(version):
        raise ModelStoreError(f"model '{name}' has no version {version!r}", hint="see `boxoffice models list`")
    return version


def _remove_stale(folder: Path, older_than: float = STALE_SECONDS) -> None:
    """Delete the temp folders and pointer files that killed runs left (never a version, never CURRENT)."""
    now = time.time()
    for path in [*folder.glob(".incomplete-*"), *folder.glob(".current-*")]:
        try:
            if now - path.stat().st_mtime > older_than:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
        except OSError:
            continue
