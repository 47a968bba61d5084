"""The workspace's film table, with your own films on top: add a source, remove it, build it all again.

In a notebook, as ``boxoffice data add`` / ``data remove`` / ``data build`` do it::

    from boxoffice.table import workspace_table as table
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace()
    result = table.add(ws, "studio.csv", mapping="data/mappings/studio-slate.yaml", source="studio")
    result.link.matched, result.link.new, result.source.refused   # what happened to each row
    films = result.table                                          # public films and yours, one row per film

Each step builds the table in memory first, then writes the source's rows (Parquet, in
``.boxoffice/added/``) and the table, each atomically; the user's own file is only read.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from boxoffice.errors import DataSourceError, InputError
from boxoffice.table import added
from boxoffice.table.io import save_table


@dataclass
class AddResult:
    source: "added.AddedSource"
    """The rows read, the rows refused (by reason, with every problem) and what is unknown."""
    link: "added.LinkReport"
    """How many rows matched a film already in the table (by method), and how many are new films."""
    table: "object"
    path: Path
    """Where the film table was written."""
    replaced: int | None = None
    """Rows of an earlier source of the same name, which this one replaces (None: a new source)."""


def _mapping(mapping):
    from boxoffice.table.mapped_csv import ColumnMapping

    return mapping if isinstance(mapping, ColumnMapping) else ColumnMapping.load(mapping)


TABLE_WAIT_SECONDS = 600.0
"""How long a change of the film table (add, remove, build) waits for another one to finish."""


@contextlib.contextmanager
def one_change_at_a_time(workspace, on_wait=None):
    """Changes of the film table one at a time: a second ``data add`` waits for the first, then reads
    the sources it wrote, so neither's films are lost from the table. ``on_wait(message)``: told once."""
    from boxoffice.atomic import Busy, exclusive

    folder = Path(workspace.added_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataSourceError(f"cannot write to {folder}: {err.strerror or err}",
                              hint="point BOXOFFICE_HOME (or --home) at a folder of your own") from None
    try:
        with exclusive(folder / ".lock", TABLE_WAIT_SECONDS, on_wait,
                       busy=f"another command is changing the film table of {workspace.table_path.parent}"):
            yield
    except Busy as err:
        raise DataSourceError(str(err), hint="wait for it to finish, then run this again") from None


def _save(workspace, build) -> Path:
    return save_table(build.table, workspace.table_path, added.stamps(workspace.added_dir))


def add(workspace, path, mapping=None, source: str | None = None, progress=None, on_wait=None) -> AddResult:
    """Add the films of a CSV to the workspace's film table as the source ``source`` (default: the
    file's stem); a source of that name added before is replaced. ``mapping``: a ``ColumnMapping``
    or the path of a YAML one. Rows that cannot be read are refused and counted, not raised; a file
    with no good row at all raises ``InputError`` before anything is written. Another change of the
    table under way is waited for (``one_change_at_a_time``; ``on_wait(message)`` says so)."""
    found = added.read_source(Path(path), _mapping(mapping), source)
    if found.frame.empty:
        reasons = ", ".join(f"{n} {reason}" for reason, n in found.refused.most_common())
        raise InputError(f"no film of {path} could be added ({reasons or 'no rows'})", file=str(path),
                         hint=f"run `boxoffice data validate {path}` to see every problem by row")
    with one_change_at_a_time(workspace, on_wait):
        earlier = added.load_sources(workspace.added_dir)
        replaced = next((len(s.frame) for s in earlier if s.name == found.name), None)
        build = added.build_with_added(workspace, progress=progress,
                                       sources=[s for s in earlier if s.name != found.name] + [found])
        added.save_source(found, workspace.added_dir)
        table_path = _save(workspace, build)
    return AddResult(found, build.links[-1], build.table, table_path, replaced)


def remove(workspace, source: str, progress=None, on_wait=None):
    """Take the films of ``source`` out of the workspace's film table again; returns the rebuilt build
    (``added.WorkspaceBuild``). A film the source shared with the public data keeps its public values."""
    with one_change_at_a_time(workspace, on_wait):
        earlier = added.load_sources(workspace.added_dir)
        names = [s.name for s in earlier]
        if source not in names:
            listed = ", ".join(names) if names else "none yet"
            raise InputError(f"no added source named {source!r} (added: {listed})",
                             hint="see `boxoffice data summary` for the sources of the film table")
        build = added.build_with_added(workspace, progress=progress, sources=[s for s in earlier if s.name != source])
        added.source_path(workspace.added_dir, source).unlink()
        _save(workspace, build)
    return build


def rebuild(workspace, config=None, out: Path | None = None, progress=None, on_wait=None):
    """Build the film table from the public files and every added source, and save it (to ``out``, or
    the workspace's table); returns the ``added.WorkspaceBuild`` and the path written."""
    # a table written elsewhere (``out``) changes nothing of the workspace's: no lock, no folder made
    with one_change_at_a_time(workspace, on_wait) if out is None else contextlib.nullcontext():
        build = added.build_with_added(workspace, config, progress)
        stamps = added.stamps(workspace.added_dir)
        return build, save_table(build.table, out or workspace.table_path, stamps)


def sources(workspace) -> list[dict]:
    """The sources added to the workspace, oldest first: name, file, added (UTC), rows kept, rows refused."""
    return [{"source": s.name, "file": s.file, "added": s.added, "rows": int(len(s.frame)),
             "refused": int(sum(s.refused.values()))} for s in added.load_sources(workspace.added_dir)]
