"""Options shared by several command groups, defined once; ``film_options`` adds the film flags to a command."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import List, Optional

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

CSV = typer.Option(None, "--csv", help="Also write the table to this CSV file.")

FILM_FLAGS = {
    "genre": (List[str], typer.Option([], "--genre", "-g", help="Genre; repeat for several (action, comedy, sci-fi, …). Left out: not decided yet, so the forecast mixes over the genres of comparable films (similar budget and year) and says so.")),
    "budget": (Optional[str], typer.Option(None, "--budget", "-b", help="Production budget: 150m, $150,000,000, 1.2b, 800k.")),
    "cast": (Optional[str], typer.Option(None, "--cast", help="Billed cast, lead first: \"Tom Cruise, Emily Blunt\".")),
    "director": (Optional[str], typer.Option(None, "--director", help="Director's name.")),
    "release_date": (Optional[str], typer.Option(None, "--release-date", help="YYYY-MM-DD. Default: a year from today.")),
    "rating": (Optional[str], typer.Option(None, "--rating", help="MPAA rating: G, PG, PG-13, R, NC-17.")),
    "runtime": (Optional[float], typer.Option(None, "--runtime", help="Running time in minutes.")),
    "distributor": (Optional[str], typer.Option(None, "--distributor", help="US distributor, e.g. \"Warner Bros.\" or WB.")),
    "country": (Optional[str], typer.Option(None, "--country", help="Country of production, e.g. USA.")),
    "language": (Optional[str], typer.Option(None, "--language", help="Original language, e.g. English.")),
    "sequel": (Optional[bool], typer.Option(None, "--sequel/--original", help="A sequel or franchise entry, or an original.")),
    "title": (Optional[str], typer.Option(None, "--title", help="The film's title: named in the output, and \"Iron Man 3\" "
                                          "makes it a sequel with Iron Man's record.")),
    "franchise": (Optional[str], typer.Option(None, "--franchise", help="The franchise it belongs to, when the title "
                                              "does not say it: --franchise \"Iron Man\" (an entry of it, with its record).")),
}
"""A film described by flags: ``predict`` and every what-if command take these, named as ``make_film`` reads them."""


@dataclass(frozen=True)
class FilmFlags:
    """The film flags as typed; ``build`` checks them into a ``Film``."""

    values: dict

    def given(self) -> list[str]:
        """The flags given a value, as the user typed them (``--genre``, ``--budget``)."""
        return [FILM_FLAGS[name][1].param_decls[0] for name, value in self.values.items() if value not in (None, [], ())]

    def build(self, **fallback):
        """A checked Film (raises InputError naming a bad flag); ``fallback`` fills flags left out."""
        from boxoffice.table.film import make_film

        values = {name: fallback[name] if value in (None, []) and fallback.get(name) is not None else value
                  for name, value in self.values.items()}
        return make_film(**values)


FILM = FilmFlags({})
"""The default of a command's ``film`` parameter, for Python's sake: ``film_options`` passes the flags given."""


def film_options(command):
    """Give ``command`` the film flags in place of its ``film`` parameter, which receives them as ``FilmFlags``.

    Typer reads a command's parameters from its signature, so the flags are written into
    ``__signature__`` (and ``--help`` lists them where ``film`` stood).
    """
    keyword = inspect.Parameter.KEYWORD_ONLY  # Typer passes every value by name
    signature = inspect.signature(command, eval_str=True)
    own = [p.replace(kind=keyword) for p in signature.parameters.values()]
    at = [p.name for p in own].index("film")
    flags = [inspect.Parameter(name, keyword, default=option, annotation=kind) for name, (kind, option) in FILM_FLAGS.items()]
    params = own[:at] + flags + own[at + 1:]

    def run(**kwargs):
        film = FilmFlags({name: kwargs.pop(name) for name in FILM_FLAGS})
        return command(film=film, **kwargs)

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(run, attr, getattr(command, attr))
    run.__signature__ = signature.replace(parameters=params)
    run.__annotations__ = {p.name: p.annotation for p in params if p.annotation is not inspect.Parameter.empty}
    return run
