"""A film to forecast, as a user describes it, checked field by field.

``make_film(genres="action", budget="150m", ...)`` accepts what a person
types (strings, lists) and raises ``InputError`` naming the field that is
wrong; ``films_frame`` turns films into the canonical table shape that the
feature builder reads.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from boxoffice.errors import InputError
from boxoffice.names import canonical_genres, clean_text, split_names
from boxoffice.table.vocabulary import FIELDS as VOCABULARY_FIELDS
from boxoffice.table.vocabulary import canonical_value
from boxoffice.units import parse_date, parse_money

MAX_CAST = 50
MAX_GENRES = 10


@dataclass(frozen=True)
class Film:
    genres: tuple[str, ...]
    """Empty: not decided yet (mixed over comparable films, like every ``OPEN_FIELDS`` one)."""
    budget_usd: float
    """Production budget, USD of the release year."""
    release_date: dt.date | None = None
    """None: one year from today (``release_date_or_default``)."""
    title: str = "Untitled"
    cast: tuple[str, ...] = ()
    """In any order: the model reads no billing."""
    directors: tuple[str, ...] = ()
    distributor: str | None = None
    mpaa_rating: str | None = None
    """One of ``MPAA_RATINGS``; like country, language and distributor, a value no alias maps is kept as
    written (``boxoffice.table.vocabulary``)."""
    runtime_min: float | None = None
    country: str | None = None
    language: str | None = None
    sequel: bool | None = None
    franchise: str | None = None
    """The franchise the film belongs to ("Iron Man"), when its title does not say it
    (``boxoffice.table.franchises``): the film is then an entry of it, with its record."""
    source_material: str | None = None
    creative_type: str | None = None

    def release_date_or_default(self, today: dt.date | None = None) -> dt.date:
        """The date the film is forecast for: its own, else ``default_release_date``."""
        return self.release_date or default_release_date(today)


FIELD_NAMES = tuple(f.name for f in fields(Film))

OPEN_FIELDS = ("genres", "cast", "directors", "distributor", "mpaa_rating", "runtime_min", "country", "language",
               "sequel")
"""Fields a description may leave open (not decided yet): the forecast then mixes over what comparable
films had there (``boxoffice.model.mixture``). Budget and the release date every film has (a date left
out is ``default_release_date``). A blank genres cell of a slate is unknown, not open: the model sees no
genre, as it saw the films its data gives none."""

OPEN_COLUMN = "open_fields"
"""Optional column of a films frame: per film, the tuple of its open fields. Without it, a field is
open for every film exactly when the frame has no column for it."""


def open_fields(film: Film) -> tuple[str, ...]:
    """The fields a described film leaves open: those it gives no value (an empty cast is no cast given)."""
    return tuple(name for name in OPEN_FIELDS if getattr(film, name) in (None, ()))
FIELD_ALIASES = {"budget": "budget_usd", "genre": "genres", "director": "directors", "rating": "mpaa_rating",
                 "runtime": "runtime_min", "release": "release_date", "release-date": "release_date",
                 "mpaa-rating": "mpaa_rating", "lead": "cast", "source": "source_material"}
"""Friendlier names users may write (CLI flags, scenario files) -> Film fields."""


def _names(value, field_name: str, limit: int) -> tuple[str, ...]:
    items = split_names(value or "")
    if len(items) > limit:
        raise InputError(f"{field_name} lists {len(items)} names; at most {limit} are used", hint=f"pass the top {limit}, lead first")
    return tuple(items)


NO_GENRE_HINT = "e.g. --genre action, or leave --genre out: the forecast then mixes over comparable films' genres"


def make_film(**values) -> Film:
    """Build a ``Film`` from user values; every bad one raises ``InputError`` naming its field."""
    given = {}
    for key, value in values.items():
        name = FIELD_ALIASES.get(key.replace("_", "-"), FIELD_ALIASES.get(key, key))
        if name not in FIELD_NAMES:
            raise InputError(f"unknown field {key!r}", hint=f"use one of: {', '.join(FIELD_NAMES)}")
        given[name] = value
    if given.get("budget_usd") in (None, "", [], ()):
        raise InputError("budget is required", hint="e.g. --budget 150m (and --genre action, if decided)")
    out = {"genres": ()}
    genres = given.get("genres")
    if genres not in (None, "", [], ()):  # left out: open, mixed over comparable films' genres
        genre_list = [g for v in (genres if isinstance(genres, (list, tuple)) else [genres]) for g in split_names(str(v))]
        if not genre_list:
            raise InputError("genres is empty", hint=NO_GENRE_HINT)
        if len(genre_list) > MAX_GENRES:
            raise InputError(f"{len(genre_list)} genres given; at most {MAX_GENRES}")
        out["genres"] = tuple(canonical_genres("|".join(genre_list), strict=True))
        if not out["genres"]:  # only separators, e.g. "|"
            raise InputError("genres is empty", hint=NO_GENRE_HINT)
    out["budget_usd"] = parse_money(given["budget_usd"], field="budget")
    if given.get("release_date") not in (None, ""):
        date = parse_date(given["release_date"], field="release date")
        if not 1900 <= date.year <= 2100:
            raise InputError(f"release date {date} is outside 1900-2100")
        out["release_date"] = date
    if clean_text(given.get("title")):  # a blank title (" ") stays "Untitled"
        out["title"] = clean_text(given["title"])
    for name in ("cast", "directors"):
        if given.get(name) not in (None, ""):
            out[name] = _names(given[name], name, MAX_CAST)
    for name in VOCABULARY_FIELDS:  # canonical spelling; an unknown value is kept (the forecast warns)
        if given.get(name) not in (None, ""):
            value = canonical_value(name, given[name])
            if value is not None:
                out[name] = value
    if given.get("runtime_min") not in (None, ""):
        try:
            runtime = float(given["runtime_min"])
        except (TypeError, ValueError):
            raise InputError(f"runtime {given['runtime_min']!r} is not a number of minutes", hint="e.g. --runtime 120") from None
        if not 1 <= runtime <= 1000:
            raise InputError(f"runtime {runtime:g} is outside 1-1000 minutes")
        out["runtime_min"] = runtime
    for name in ("source_material", "creative_type", "franchise"):
        if clean_text(given.get(name)):
            out[name] = clean_text(given[name])
    if given.get("sequel") not in (None, ""):
        flag = given["sequel"]
        if isinstance(flag, str):
            if flag.strip().lower() not in ("yes", "no", "true", "false", "1", "0", "y", "n"):
                raise InputError(f"sequel {flag!r} is not yes/no")
            flag = flag.strip().lower() in ("yes", "true", "1", "y")
        out["sequel"] = bool(flag)
    return Film(**out)


def default_release_date(today: dt.date | None = None) -> dt.date:
    """When no date is given: a year from today, a typical greenlight-to-release gap.

    Read it through ``Film.release_date_or_default`` or ``release_dates_or_default`` (a column)."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=365)


def release_dates_or_default(dates, today: dt.date | None = None):
    """A column of release dates (blank: None, NaT, "") as datetimes, blanks set to ``default_release_date``:
    a slate row without a date is forecast for the same day as a ``Film`` without one."""
    import pandas as pd

    return pd.to_datetime(pd.Series(dates)).fillna(pd.Timestamp(default_release_date(today)))


def films_frame(films, today: dt.date | None = None):
    """Films -> canonical-table-shaped DataFrame the feature builder reads, with each film's ``open_fields``.
    Built column by column: ``asdict`` deep-copies and ``fields`` is slow, per film, for 10,000 variants."""
    import pandas as pd

    films = list(films)
    columns = {name: [getattr(film, name) for film in films] for name in FIELD_NAMES}
    dates = [film.release_date or default_release_date(today) for film in films]  # release_date_or_default
    stamps = {date: pd.Timestamp(date) for date in set(dates)}  # variants share a few dates
    columns["release_date"] = [stamps[date] for date in dates]
    for name in ("genres", "cast", "directors"):  # one list per distinct value, shared as a slate's cells are:
        lists: dict = {}                           # the features read each distinct list once
        columns[name] = [lists[v] if v in lists else lists.setdefault(v, list(v)) for v in columns[name]]
    columns[OPEN_COLUMN] = [open_fields(film) for film in films]
    frame = pd.DataFrame(columns)
    frame["year"] = frame["release_date"].dt.year
    return frame
