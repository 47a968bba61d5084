"""Levels of detail: the same test films described as fully as the data allows, and as sparsely as users do.

A user before greenlight often gives only a genre, a budget and a date; a slate may have cast but no
distributor yet. The backtest scores every level, so a figure in the README holds for each way a
film reaches the toolkit. A level lists the fields its description leaves out: those columns are
dropped, so the forecast mixes over comparable films there (``boxoffice.model.mixture``).
"""
from __future__ import annotations

from boxoffice.model.mixture import OPEN_FIELDS

LEVELS = {
    "full": (),
    "no distributor": ("distributor",),
    "genre, budget and date": tuple(f for f in OPEN_FIELDS if f != "genres"),
}
"""Level name -> fields its description leaves open. "full" is the data as it is (blanks stay blank): a
film the data gives no genre keeps its blank genres cell (unknown) at every level, so for those films
"genre, budget and date" is budget and date only."""

UNTITLED = {"genre, budget and date": ("title", "franchise")}
"""Levels whose description has no title either (``predict --genre action --budget 150m``): no title
says the film is a sequel there, so it is mixed over comparable films like the other open fields."""

FULL = "full"


def described_at(films, level: str):
    """``films`` as a description of ``level`` gives them: the level's open fields' columns dropped."""
    from boxoffice.errors import InputError

    if level not in LEVELS:
        raise InputError(f"unknown level of detail {level!r}", hint=f"use one of: {', '.join(LEVELS)}")
    dropped = (*LEVELS[level], *UNTITLED.get(level, ()))
    return films.drop(columns=[c for c in dropped if c in films.columns])
