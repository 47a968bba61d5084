"""``boxoffice serve``: the scenario builder in the browser, and its JSON API."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import HOME, MODEL, SOURCES


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. The default lets only this "
                             "machine connect; 0.0.0.0 opens it to the network (then pass --token)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Processes serving requests (each loads the "
                                "model: about 300 MB apiece). One is plenty for a team on a laptop."),
    token: Optional[str] = typer.Option(None, "--token", envvar="BOXOFFICE_TOKEN", show_envvar=True,
                                        help="Require 'Authorization: Bearer TOKEN' on every API call; the page "
                                        "asks for it once (or open the printed link, which carries it)."),
    model: str = MODEL,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
) -> None:
    """Serve the scenario builder page and its JSON API (documented at /docs), offline.

    The page describes a film, forecasts it as you type (P10–P90 with break-even, the risk, the
    drivers, comparable films), keeps variants side by side, sweeps the budget or the date, ranks
    release windows, and exports the variants as a scenario YAML that `boxoffice compare` reads.
    Every file it needs ships with boxoffice: nothing is fetched from another host. Stop with Ctrl-C.

    Examples:
      boxoffice serve
      boxoffice serve --port 8080 --model studio
      BOXOFFICE_TOKEN=long-random-text boxoffice serve --host 0.0.0.0
    """
    from boxoffice.serve.run import ServeConfig, build_service
    from boxoffice.serve.run import serve as run
    from boxoffice.workspace import resolve_workspace

    config = ServeConfig(host=host, port=port, model=model, workers=workers, token=token or None)
    render.warn_all(config.warnings())
    ws = resolve_workspace(sources, home)
    with render.progress("Training") as report:  # only a first run trains; a plain load shows nothing
        service = build_service(ws, model, on_info=render.info, progress=report)
    render.info(f"Serving model {service.health()['model']} at {config.url()}  (API: {config.url().split('#')[0]}docs; "
                "Ctrl-C stops)")
    _check_port(config)
    if config.workers > 1:  # each worker loads its own model: this process keeps none
        service = None
    run(config, service, ws)


def _check_port(config) -> None:
    """A port already taken is one message, not uvicorn's traceback-like log."""
    import socket

    from boxoffice.errors import InputError

    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as err:
            raise InputError(f"cannot listen on {config.host}:{config.port}: {err.strerror}",
                             hint="pick another --port, or stop the program using it") from None
