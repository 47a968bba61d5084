"""Starting the server: its settings, checked once, and the process(es) uvicorn runs.

The model is loaded (or, on a first run, trained) once per process before the first request, and one
forecast is made to warm the scorer, so no user waits on a cold start. With ``workers > 1`` uvicorn
starts that many processes, each building its app from the environment (``app_from_environment``).
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from boxoffice.errors import check_kind, check_number

TOKEN_VARIABLE = "BOXOFFICE_TOKEN"
"""The environment variable ``--token`` falls back on (a token in the process list is visible to every user)."""
_MODEL_VARIABLE = "BOXOFFICE_SERVE_MODEL"
KEEP_ALIVE_SECONDS = 30
"""How long an idle connection stays open: uvicorn's 5 s closed connections that clients (the page, a
script) were about to reuse under load, and a request sent as it closed failed (a read error)."""


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    """Loopback by default: only this machine can connect."""
    port: int = 8000
    model: str = "default"
    workers: int = 1
    token: str | None = None
    """Required as ``Authorization: Bearer <token>`` on every ``/api/`` call when set."""

    def __post_init__(self):
        check_kind(self, "host", str)
        check_number(self, "port", 1, 65535, whole=True)
        check_number(self, "workers", 1, 64, whole=True)
        check_kind(self, "token", str, optional=True)
        if self.token is not None and len(self.token) < 8:
            from boxoffice.errors import InputError

            raise InputError("the token is under 8 characters", hint="use a long random one: "
                             "python -c \"import secrets; print(secrets.token_urlsafe())\"")

    @property
    def loopback(self) -> bool:
        """Only this machine can reach the server."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "::") else host
        return f"http://{shown}:{self.port}/" + (f"#token={self.token}" if self.token else "")

    def warnings(self) -> list[str]:
        """What a user should read before the server starts listening."""
        out = []
        if not self.loopback:
            out.append(f"listening on {self.host}: other machines on the network can reach this server"
                       + ("" if self.token else " and use it without a token (pass --token)"))
        return out


def build_service(workspace, model: str = "default", on_info=None, progress=None):
    """The ``Service`` of one process: the model (``load_or_train``), the film table, a first forecast."""
    from boxoffice.serve.service import Service
    from boxoffice.table.io import load_films
    from boxoffice.training import load_or_train

    forecaster = load_or_train(workspace, model, on_info=on_info, progress=progress)
    films = load_films(workspace, on_build=on_info)
    service = Service(forecaster, films)
    service.forecast({"genres": "drama", "budget": "20m"}, 2.5, explain=True)  # compiles and caches the scorer
    _freeze_heap()
    return service


def _freeze_heap() -> None:
    """Moves what start-up made (the film table, the talent index, the model: ~190k objects) out of the
    garbage collector's reach: a full collection walked them all, ~90 ms of a served forecast's latency
    every few hundred requests, to find nothing (they live as long as the process)."""
    import gc

    gc.collect()
    gc.freeze()


def app_from_environment():
    """uvicorn's factory for each worker process: the settings ``serve`` left in the environment."""
    from boxoffice.serve.app import create_app
    from boxoffice.workspace import resolve_workspace

    service = build_service(resolve_workspace(), os.environ.get(_MODEL_VARIABLE, "default"))
    return create_app(service, os.environ.get(TOKEN_VARIABLE) or None)


def serve(config: ServeConfig, service=None, workspace=None) -> None:
    """Run the server until interrupted. One worker serves ``service`` (built by the caller, so its
    messages and progress show before listening); more workers each build their own."""
    import uvicorn

    if config.workers == 1:
        from boxoffice.serve.app import create_app

        uvicorn.run(create_app(service, config.token), host=config.host, port=config.port, log_level="warning",
                    timeout_keep_alive=KEEP_ALIVE_SECONDS)
        return
    os.environ[_MODEL_VARIABLE] = config.model
    if workspace is not None:  # each worker resolves the same folders
        os.environ["BOXOFFICE_HOME"] = str(workspace.home)
        if workspace.data_dir is not None:
            os.environ["BOXOFFICE_DATA"] = str(workspace.data_dir)
    if config.token:
        os.environ[TOKEN_VARIABLE] = config.token
    uvicorn.run("boxoffice.serve.run:app_from_environment", factory=True, host=config.host, port=config.port,
                workers=config.workers, log_level="warning", timeout_keep_alive=KEEP_ALIVE_SECONDS)
