"""Options shared by several command groups, defined once."""
from __future__ import annotations

import typer

SOURCES = typer.Option(
    None, "--sources", envvar="BOXOFFICE_DATA", show_envvar=True,
    help="Folder with the public files (the-numbers-budgets.csv, …). Default: ../shared/data beside the project.",
)
HOME = typer.Option(
    None, "--home", envvar="BOXOFFICE_HOME", show_envvar=True,
    help="Project folder holding .boxoffice/films.parquet and models/. Default: this clone.",
)
MODEL = typer.Option("default", "--model", help="Name of the stored model to use (see `boxoffice models list`).")
JSON = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")
BREAK_EVEN = typer.Option(
    2.5, "--break-even-multiple", min=1.0, max=20.0,
    help="A film breaks even when worldwide gross reaches this multiple of its budget. 2.5 is the "
    "industry rule of thumb: the studio keeps roughly 40-50% of ticket sales, and marketing costs "
    "about half the budget again.",
)
