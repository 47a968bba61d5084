"""Where tuning studies live and how a trial's parameters come back: Optuna storages behind a URL.

A local SQLite file by default (``sqlite:///<models>/tuning.sqlite3``), so an interrupted run loses
at most the trial in flight; or ``postgresql://…``, where workers on several machines share one
study. ``resolve_params`` turns ``--params best`` or a JSON file into the record a model's metadata
keeps, and ``train_config`` into the configuration it trains with.
"""
from __future__ import annotations

from dataclasses import replace

from boxoffice.errors import InputError
from boxoffice.model.forecaster import TrainConfig
from boxoffice.model.revenue import ModelConfig, check_params

STORAGE_FILE = "tuning.sqlite3"
HEARTBEAT_SECONDS = 30
"""A worker that dies mid-trial stops beating; after 3 beats its trial is failed and retried once."""


def default_study_name(metric: str = "rmsle") -> str:
    return f"boxoffice-{metric}"


def default_storage(models_dir) -> str:
    """The local study file next to the models: ``sqlite:///<models_dir>/tuning.sqlite3``."""
    from pathlib import Path

    return f"sqlite:///{(Path(models_dir) / STORAGE_FILE).resolve()}"


def mask_url(url: str | None) -> str:
    """The storage URL with any password hidden, for messages and metadata."""
    if url is None:
        return "memory"
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1] if "@" in url else url


def _reason(err) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return " ".join(line.strip() for line in text.splitlines()[:2])


def open_storage(url: str | None, create: bool = True):
    """An Optuna storage for ``url`` (None: in memory). A bad URL or an unreachable database
    raises one ``InputError``; workers that die mid-trial are detected by their missing heartbeat.
    ``create=False``: a SQLite file must exist already (reading, not tuning)."""
    if url is None:
        return None
    import time
    import warnings
    from pathlib import Path

    import optuna
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    hint = "use sqlite:///path/to/tuning.sqlite3 or postgresql://user:password@host:5432/database"
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except ArgumentError:
        raise InputError(f"not a storage URL: {mask_url(url)!r}", hint=hint) from None
    if not create and backend == "sqlite" and parsed.database and not Path(parsed.database).is_file():
        raise InputError(f"no tuning study yet: {parsed.database} does not exist",
                         hint="run `boxoffice tune` first, or pass --params path.json")
    engine = {"connect_args": {"connect_timeout": 10}, "pool_pre_ping": True} if backend == "postgresql" else {}
    for attempt in range(3):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the heartbeat is "experimental" in Optuna
                retry = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback", None)  # Optuna >= 4.9
                callback = ({"heartbeat_stale_trial_callback": retry(max_retry=1)} if retry else
                            {"failed_trial_callback": optuna.storages.RetryFailedTrialCallback(max_retry=1)})
                storage = optuna.storages.RDBStorage(url, engine, heartbeat_interval=HEARTBEAT_SECONDS,
                                                     grace_period=3 * HEARTBEAT_SECONDS, **callback)
            if backend == "sqlite":
                _write_ahead_log(storage.engine)
            return storage
        except (ImportError, ArgumentError) as err:
            raise InputError(f"no database driver for the storage URL {mask_url(url)!r}: {_reason(err)}",
                             hint=hint) from None
        except SQLAlchemyError as err:
            if attempt < 2 and ("already exists" in str(err) or "duplicate key" in str(err)):
                time.sleep(0.5 + attempt)  # two workers creating the tables at once: the loser retries
                continue
            raise InputError(f"cannot open the tuning storage {mask_url(url)}: {_reason(err)}",
                             hint="check the URL, that the database server is running and reachable, "
                                  "and the user's password") from None
    raise AssertionError("unreachable")


def _write_ahead_log(engine) -> None:
    """SQLite in WAL mode with normal sync: a trial writes a dozen small commits, each an fsync in
    the default mode (a sixth of a trial's time); a killed process still loses no committed trial."""
    from sqlalchemy import event

    def pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    event.listen(engine, "connect", pragmas)
    engine.dispose()  # connections opened before the listener was set are replaced


def load_best(storage_url: str, study: str | None = None) -> dict:
    """The best trial of a stored study, as the record ``boxoffice train --params best`` keeps in
    the model's metadata: study, storage, trial, metric, value, params, num_boost_round."""
    import optuna
    from sqlalchemy.exc import SQLAlchemyError

    name = study or default_study_name()
    storage = open_storage(storage_url, create=False)
    try:
        names = optuna.get_all_study_names(storage)
        if name not in names:
            raise InputError(f"no study named {name!r} in {mask_url(storage_url)}",
                             hint=f"studies there: {', '.join(names) or 'none'}; run `boxoffice tune --study {name}`")
        loaded = optuna.load_study(study_name=name, storage=storage)
        try:
            best = loaded.best_trial
        except ValueError:
            raise InputError(f"study {name!r} has no finished trial yet", hint="run `boxoffice tune` longer") from None
    except SQLAlchemyError as err:
        raise InputError(f"the tuning storage {mask_url(storage_url)} failed: {_reason(err)}") from None
    params = dict(best.params)
    rounds = int(params.pop("num_boost_round"))
    return {"source": "study", "study": name, "storage": mask_url(storage_url), "trial": best.number,
            "metric": loaded.user_attrs.get("metric"), "value": float(best.value), "params": params,
            "num_boost_round": rounds}


def load_params_file(path) -> dict:
    """Parameters from a JSON file: ``{"params": {...}, "num_boost_round": N}`` or one flat object of
    LightGBM parameters (``num_boost_round`` among them, optional). The tuned ones are checked here
    (``revenue.check_params``), so a bad value is named before any training."""
    import json
    from pathlib import Path

    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read the parameters file: {err.strerror}", file=str(path)) from None
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON: {err.msg} at line {err.lineno}", file=str(path)) from None
    if not isinstance(raw, dict):
        raise InputError("expected a JSON object of LightGBM parameters", file=str(path))
    params = dict(raw.get("params", raw)) if isinstance(raw.get("params", raw), dict) else None
    if params is None:
        raise InputError("'params' must be a JSON object", file=str(path))
    rounds = raw.get("num_boost_round", params.pop("num_boost_round", ModelConfig().num_boost_round))
    params.pop("num_boost_round", None)
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise InputError(f"num_boost_round must be a positive whole number, got {rounds!r}", file=str(path))
    for key, value in params.items():
        if not isinstance(value, (int, float, str)):
            raise InputError(f"parameter {key!r} must be a number or a string, got {value!r}", file=str(path))
    try:
        params = check_params(params)
    except InputError as err:
        raise InputError(err.message, file=str(path), hint=err.hint) from None
    return {"source": "file", "file": str(path.resolve()), "params": params, "num_boost_round": rounds}


def resolve_params(spec: str, storage_url: str, study: str | None = None) -> dict:
    """``'best'``: the best trial of ``study`` in ``storage_url``; anything else: a JSON file path."""
    return load_best(storage_url, study) if spec.strip().lower() == "best" else load_params_file(spec)


def train_config(record: dict, base: TrainConfig = TrainConfig()) -> TrainConfig:
    """``base`` with the model parameters of a ``load_best`` / ``load_params_file`` record."""
    model = replace(base.model, params=dict(base.model.params) | dict(record["params"]),
                    num_boost_round=int(record["num_boost_round"]))
    return replace(base, model=model)
