"""``boxoffice models``: what is in the model store."""
from __future__ import annotations

from typing import Optional
from pathlib import Path

import typer

from boxoffice_cli import render
from boxoffice_cli.options import HOME, JSON

app = typer.Typer(help="List, inspect, switch and prune trained models.\n\n"
                  "Example:  boxoffice models list && boxoffice models use default/20270101T120000000000Z",
                  no_args_is_help=True)


@app.command("list")
def list_(home: Optional[Path] = HOME, as_json: bool = JSON) -> None:
    """Every stored model version with its backtest beside the baseline's; * marks the current one.

    A version that lost to the baseline on its backtest is stored but not current; the note says why.

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
        if "error" not in frame:
            frame["error"] = None
        shown = pd.DataFrame({
            "": frame["current"].map(lambda c: "*" if c else ""),
            "model": frame["name"] + "/" + frame["version"],
            "films": frame.get("films"),
            "period": frame.get("period", pd.Series("", index=frame.index)).map(
                lambda p: "..".join(part[:4] for part in p.split("..")) if isinstance(p, str) else ""),
            "rmsle": frame.get("rmsle"), "baseline": frame.get("baseline_rmsle"),
            "AUC": frame.get("break_even_auc"),
            "note": [err if isinstance(err, str) else "lost to the baseline" if "not made current" in str(note)
                     else "" for err, note in zip(frame["error"], frame.get("note", [""] * len(frame)))],
        })
        render.out.print(render.frame_table(shown, "Models (* current; rmsle: backtest, lower is better)"))


def _name_version(spec: str) -> tuple[str, str]:
    from boxoffice.errors import InputError

    name, slash, version = spec.partition("/")
    if not slash or not name or not version:
        raise InputError(f"{spec!r} is not NAME/VERSION", hint="e.g. default/20270101T120000000000Z: see `boxoffice models list`")
    return name, version


@app.command()
def use(
    spec: str = typer.Argument(..., metavar="NAME/VERSION", help="The version to make current, as `models list` shows it: default/20270101T120000000000Z."),
    home: Optional[Path] = HOME,
) -> None:
    """Make a stored version the current one of its name: pin it, or roll back to an older one.

    Forecasts use it from then on; a later `boxoffice train` that beats the baseline moves on again.

    Example:  boxoffice models use default/20270101T120000000000Z
    """
    from boxoffice.errors import ModelStoreError
    from boxoffice.store import ModelStore
    from boxoffice.workspace import resolve_workspace

    name, version = _name_version(spec)
    store = ModelStore(resolve_workspace(home=home).models_dir)
    if version not in store.versions(name):
        from boxoffice.errors import InputError

        known = ", ".join(store.versions(name)[-3:]) or "none"
        raise InputError(f"model {name!r} has no version {version!r} (newest: {known})",
                         hint="copy NAME/VERSION from `boxoffice models list`")
    meta = store.read_metadata(name, version)  # a damaged version is refused here
    try:
        before = store.current(name)
    except ModelStoreError:
        before = None
    store.use(name, version)
    note = (meta.get("promotion") or {}).get("reason", "")
    if "not made current" in note:
        render.warn(f"{name}/{version} was {note}")
    render.out.print(f"{name} now uses {version}" + (f" (was {before})" if before and before != version else ""))


@app.command()
def prune(
    keep: int = typer.Option(..., "--keep", min=1, help="How many of the newest versions of each name to keep (the current one is kept besides)."),
    name: Optional[str] = typer.Option(None, "--name", help="Only this model name (default: every name)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be removed, remove nothing."),
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Remove old model versions: all but the --keep newest of each name, never the current one.

    Example:  boxoffice models prune --keep 3 --dry-run
    """
    from boxoffice.store import ModelStore
    from boxoffice.workspace import resolve_workspace

    store = ModelStore(resolve_workspace(home=home).models_dir)
    names = [name] if name else sorted({row["name"] for row in store.list()})
    if name and not store.versions(name):
        from boxoffice.errors import InputError

        raise InputError(f"no model named {name!r}", hint="see `boxoffice models list`")
    removed = {n: store.prune(n, keep, dry_run=dry_run) for n in names}
    if as_json:
        render.emit_json({"dry_run": dry_run, "removed": removed})
        return
    verb = "would remove" if dry_run else "removed"
    for n, versions in removed.items():
        render.out.print(f"{n}: {verb} {render.counted(len(versions), 'version')}"
                         + (f" ({', '.join(versions)})" if versions else ""))


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
