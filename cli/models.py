"""``boxoffice models``: what is in the model store."""
from __future__ import annotations

from typing import Optional
from pathlib import Path

import typer

from boxoffice_cli import render
from boxoffice_cli.options import HOME, JSON

app = typer.Typer(help="List and inspect trained models.\n\nExample:  boxoffice models list", no_args_is_help=True)


@app.command("list")
def list_(home: Optional[Path] = HOME, as_json: bool = JSON) -> None:
    """Every stored model version; * marks the current one.

    Example:  boxoffice models list --json
    """
    import pandas as pd

    from boxoffice.store import ModelStore
    from boxoffice.workspace import resolve_workspace

    rows = ModelStore(resolve_workspace(home=home).models_dir).list()
    if as_json:
        render.emit_json(rows)
    elif not rows:
        render.out.print("No models yet: run `boxoffice train`.")
    else:
        frame = pd.DataFrame(rows)
        frame["current"] = frame["current"].map(lambda c: "*" if c else "")
        render.out.print(render.frame_table(frame, "Models"))


@app.command()
def show(
    name: str = typer.Argument("default", help="Model name."),
    version: Optional[str] = typer.Option(None, "--version", help="A version (default: the current one)."),
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """A model's metadata: period, films, features, parameters, backtest, checksums.

    Example:  boxoffice models show default
    """
    from boxoffice.store import ModelStore
    from boxoffice.workspace import resolve_workspace

    meta = ModelStore(resolve_workspace(home=home).models_dir).read_metadata(name, version)
    if as_json:
        render.emit_json(meta)
        return
    render.out.print(render.key_value_table(f"Model {meta['name']}/{meta['version']}", {
        "created": meta["created"], "films": meta["n_films"],
        "period": f"{meta['period']['first_release']} .. {meta['period']['last_release']}",
        "features": len(meta["features"]["feature_names"]),
        "data fingerprint": (meta.get("data_fingerprint") or "")[:16],
        "parameters": meta["train_config"]["model"]["params"],
        "lightgbm": meta["libraries"].get("lightgbm"),
    }))
    if meta.get("metrics"):
        render.out.print(render.backtest_table(meta["metrics"], "Backtest at training time"))
