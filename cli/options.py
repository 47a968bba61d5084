"""Options shared by several command groups, defined once."""
from __future__ import annotations

import typer

from boxoffice.break_even import HIGHEST, LOWEST, MULTIPLE

SOURCES = typer.Option(
    None, "--sources", envvar="BOXOFFICE_DATA", show_envvar=True,
    help="Folder with the public files (the-numbers-budgets.csv, …). Default: ../shared/data beside the project.",
)
HOME = typer.Option(
    None, "--home", envvar="BOXOFFICE_HOME", show_envvar=True,
    help="Project folder holding .boxoffice/films.parquet and models/. Default: this clone.",
)
DATA = typer.Option(None, "--data", help="Your own film CSV (check it with `boxoffice data validate`). Default: the public data.")
MAPPING = typer.Option(None, "--mapping", help="YAML column mapping for --data (see data/mappings/).")
MODEL = typer.Option("default", "--model", help="Name of the stored model to use (see `boxoffice models list`).")
JSON = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")
BREAK_EVEN = typer.Option(
    MULTIPLE, "--break-even-multiple", min=LOWEST, max=HIGHEST,
    help=f"A film breaks even when worldwide gross reaches this multiple of its budget. {MULTIPLE:g} is the "
    "industry rule of thumb: the studio keeps roughly 40-50% of ticket sales, and marketing costs "
    "about half the budget again.",
)

# A film described by flags: `predict` and every what-if command take the same ones.
GENRE = typer.Option([], "--genre", "-g", help="Genre; repeat for several (action, comedy, sci-fi, …).")
BUDGET = typer.Option(None, "--budget", "-b", help="Production budget: 150m, $150,000,000, 1.2b, 800k.")
CAST = typer.Option(None, "--cast", help="Billed cast, lead first: \"Tom Cruise, Emily Blunt\".")
DIRECTOR = typer.Option(None, "--director", help="Director's name.")
RELEASE_DATE = typer.Option(None, "--release-date", help="YYYY-MM-DD. Default: a year from today.")
RATING = typer.Option(None, "--rating", help="MPAA rating: G, PG, PG-13, R, NC-17.")
RUNTIME = typer.Option(None, "--runtime", help="Running time in minutes.")
DISTRIBUTOR = typer.Option(None, "--distributor", help="US distributor, e.g. \"Warner Bros.\" or WB.")
COUNTRY = typer.Option(None, "--country", help="Country of production, e.g. USA.")
LANGUAGE = typer.Option(None, "--language", help="Original language, e.g. English.")
SEQUEL = typer.Option(None, "--sequel/--original", help="A sequel or franchise entry, or an original.")
TITLE = typer.Option(None, "--title", help="A name for the film in the output.")
CSV = typer.Option(None, "--csv", help="Also write the table to this CSV file.")


_FILM_FLAGS = (GENRE, BUDGET, CAST, DIRECTOR, RELEASE_DATE, RATING, RUNTIME, DISTRIBUTOR, COUNTRY, LANGUAGE, SEQUEL, TITLE)


def film_flags_given(*values) -> list[str]:
    """Names of the film flags given a value, for the flags in ``film_from_flags`` order."""
    return [option.param_decls[0] for option, value in zip(_FILM_FLAGS, values) if value not in (None, [], ())]


def film_from_flags(genre, budget, cast, director, release_date, rating, runtime, distributor, country, language, sequel, title):
    """A checked Film from the flags above (raises InputError naming a bad one)."""
    from boxoffice.table.film import make_film

    return make_film(genres=genre, budget=budget, cast=cast, directors=director, release_date=release_date,
                     mpaa_rating=rating, runtime_min=runtime, distributor=distributor, country=country,
                     language=language, sequel=sequel, title=title)
