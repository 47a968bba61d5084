"""``boxoffice talent``: a person's track record and model value, or a ranking of people."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from boxoffice_cli import render
from boxoffice_cli.options import BREAK_EVEN, DATA, HOME, JSON, MAPPING, MODEL, SOURCES


def talent(
    name: Optional[str] = typer.Argument(None, help="A cast member or director, e.g. \"Tom Hanks\". Leave out to rank people."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Count only films released on or before this date (YYYY-MM-DD). Default: the end of the data."),
    role: Optional[str] = typer.Option(None, "--role", help="cast or director. Default: cast when ranking; for a name, the role with more films."),
    top: Optional[int] = typer.Option(None, "--top", min=1, max=500, help="Rank the top N people (default 20 when no name is given)."),
    genre: Optional[str] = typer.Option(None, "--genre", "-g", help="Rank only people with a film of this genre, valued on a film of this genre."),
    by: str = typer.Option("value", "--by", help="Rank by 'value' (model value in USD) or 'record' (total worldwide gross, 2012 USD)."),
    min_films: int = typer.Option(3, "--min-films", min=1, help="Rank only people with at least this many films with budget and gross."),
    break_even_multiple: float = BREAK_EVEN,
    model: str = MODEL,
    data: Optional[Path] = DATA,
    mapping: Optional[Path] = MAPPING,
    sources: Optional[Path] = SOURCES,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """A person's track record as of a date, and the value the model gives them; or a ranking.

    Model value: how much the forecast worldwide P50 of a reference film (their most common genre, the
    median budget of their films, released the day after --as-of, everything else typical) rises when
    they lead it (cast) or direct it, instead of a newcomer with no earlier film. With --data and
    --model, records and value come from your own films (the last two examples).

    Examples:
      boxoffice talent "Tom Hanks" --as-of 2012-12-31
      boxoffice talent "Christopher Nolan" --role director --json
      boxoffice talent --top 20 --genre action --as-of 2012-12-31
      boxoffice train --data my_films.csv --name mine
      boxoffice talent "Jane Doe" --data my_films.csv --model mine
    """
    from boxoffice.whatif.talent import rank_talent, talent_profile
    from boxoffice.table.io import load_films

    from boxoffice_cli.forecast import _workspace, load_model

    if name is not None and (top is not None or genre is not None):
        render.error("give either a name, or --top/--genre to rank people, not both")
        raise typer.Exit(code=2)
    ws = _workspace(sources, home)
    films = load_films(ws, data, mapping, on_build=render.info)
    forecaster = load_model(ws, model)
    if name is not None:
        profile = talent_profile(forecaster, films, name, role, as_of, break_even_multiple)
        if as_json:
            render.emit_json(profile.as_dict())
        else:
            _print_profile(profile)
        return
    ranking = rank_talent(forecaster, films, role or "cast", top or 20, genre, as_of, by=by, min_films=min_films)
    if as_json:
        render.emit_json(ranking.to_dict("records"))
        return
    _print_ranking(ranking, role or "cast", genre, by, as_of or "the end of the data")


def _print_profile(profile) -> None:
    from rich.table import Table

    from boxoffice.break_even import multiple_text
    from boxoffice.units import format_money

    t, v = profile.totals, profile.value
    head = render.key_value_table(f"{profile.name} ({profile.role}) — track record as of {profile.as_of}", {
        "films": t["films"],
        "years": f"{t['first_year']}–{t['last_year']}",
        "total worldwide gross": format_money(t["total_worldwide_gross_usd"]) + f" ({format_money(t['total_worldwide_gross_usd_2012'])} in 2012 USD)",
        "median worldwide gross (2012 USD)": format_money(t["median_worldwide_gross_usd_2012"]),
        "return on budget (total gross / total budget)": "–" if t["return_on_budget"] is None else f"{t['return_on_budget']:.2f}×",
        f"films that broke even (gross ≥ {multiple_text(profile.break_even_multiple)} budget)": "–" if t["hit_rate"] is None else f"{t['hit_rate']:.0%}",
        "best film": f"{t['best_film']} ({format_money(t['best_film_worldwide_gross_usd'])})" if t["best_film"] else "–",
        "model value": f"{'+' if v.usd >= 0 else ''}{format_money(v.usd)} ({v.percent:+.0%}) on the P50",
    })
    head.caption = (f"Model value: worldwide P50 of a {v.genre.lower()} film with a {format_money(v.budget_usd)} budget "
                    f"released {v.release_date} with {profile.name} as {'lead' if profile.role == 'cast' else 'director'} "
                    f"({format_money(v.p50_with_usd)}) minus the same film with a newcomer ({format_money(v.p50_newcomer_usd)}).")
    head.caption_justify = "left"
    render.out.print(head)
    films = Table(title="Films (newest first; USD of the release year)", title_justify="left")
    for col, justify in (("date", "left"), ("title", "left"), ("billing", "right"), ("budget", "right"),
                         ("worldwide gross", "right"), ("gross / budget", "right")):
        films.add_column(col, justify=justify)
    for row in profile.films.itertuples(index=False):
        roi = row.return_on_budget
        films.add_row(str(row.release_date.date()), str(row.title), "lead" if row.billing == 0 else str(row.billing + 1),
                      format_money(row.budget_usd), format_money(row.worldwide_gross_usd),
                      "–" if roi != roi else f"{roi:.2f}×")
    render.out.print(films)


def _print_ranking(ranking, role, genre, by, as_of) -> None:
    from rich.table import Table

    from boxoffice.units import format_money

    what = "model value" if by == "value" else "total worldwide gross"
    table = Table(title=f"Top {len(ranking)} {role}{' in ' + genre if genre else ''} by {what}, as of {as_of}",
                  title_justify="left")
    for col in ("#", "name", "films", "total gross (2012 USD)", "gross / budget", "reference film", "model value"):
        table.add_column(col, justify="left" if col in ("name", "reference film") else "right")
    for row in ranking.itertuples(index=False):
        sign = "+" if row.value_usd >= 0 else ""
        table.add_row(str(row.rank), str(row.name), str(row.films), format_money(row.total_worldwide_gross_usd_2012),
                      f"{row.return_on_budget:.2f}×", f"{row.reference_genre.lower()}, {format_money(row.reference_budget_usd)}",
                      f"{sign}{format_money(row.value_usd)} ({row.value_percent:+.0%})")
    table.caption = ("Model value: change in the worldwide P50 of the reference film (their main genre, median budget, "
                     "released after the as-of date) with them instead of a newcomer.")
    table.caption_justify = "left"
    render.out.print(table)
