"""People in a film's slots: cast ranking, and talent value (defined here, once).

Talent value (``value_against_newcomer``): the worldwide P50 with a name in a billing slot (or the
director's chair) minus the P50 of the same film with ``NEWCOMER`` in that name's place, everything else
equal; ``rank_cast`` reports it as ``talent_value_pct`` and ``boxoffice.whatif.talent`` as ``value_usd`` /
``value_percent``. Each candidate's film is the base with that one slot changed (a name the base already
bills moves into the slot, the others keep theirs); all are scored in one batch.
Track records are as of the release date (films strictly before it); money is USD of the release year.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import boxoffice.break_even as break_even
from boxoffice.errors import InputError
from boxoffice.whatif.scoring import as_film, ranked, score, with_changes
from boxoffice.whatif.slates import unknown_warning

NEWCOMER = "Newcomer Without Earlier Films"
"""A name no track record holds: the unknown newcomer talent value is measured against."""
MAX_CANDIDATES = 500
"""Each candidate unknown to the data gets a fuzzy "did you mean": 10,000 names took minutes."""

_POSITIONS = {"lead": 0, "first": 0, "second": 1, "third": 2}


def slot(role) -> tuple[str, int]:
    """``("cast", billing index from 0)`` or ``("director", 0)`` from lead, second, third, 2, director."""
    from boxoffice.table.film import MAX_CAST

    text = str(role).strip().lower()
    if text in ("director", "directors"):
        return "director", 0
    if text in _POSITIONS:
        return "cast", _POSITIONS[text]
    if text.isdigit() and 1 <= int(text) <= MAX_CAST:
        return "cast", int(text) - 1
    raise InputError(f"role {role!r} is not a billing slot", hint="use lead, second, third, a position like 4, or director")


def genre_pool(films_table, genres, before, kind: str = "cast", min_films: int = 2,
               active_years: float = 10.0) -> list[str]:
    """People with at least ``min_films`` films sharing a genre with ``genres`` (any film when no genre is
    decided yet), released before ``before``, and a film in the last ``active_years`` of the table (so no
    one retired long ago)."""
    import pandas as pd

    wanted = set(genres)
    dates = pd.to_datetime(films_table["release_date"])
    known = films_table["worldwide_gross_usd"].notna() & films_table["budget_usd"].notna()
    earlier = dates < pd.Timestamp(before)
    in_genre = films_table["genres"].map(lambda gs: bool(wanted.intersection(gs))) if wanted else True
    keep = (known & earlier & in_genre).to_numpy(bool)
    people = pd.DataFrame({"name": films_table.loc[keep, "cast" if kind == "cast" else "directors"],
                           "date": dates[keep]}).explode("name").dropna()
    stats = people.groupby("name")["date"].agg(["size", "max"])
    recent = dates[earlier.to_numpy(bool)].max() - pd.DateOffset(days=int(active_years * 365.25))
    return list(stats[(stats["size"] >= min_films) & (stats["max"] >= recent)].sort_values("size", ascending=False).index)


def _place(base, kind: str, index: int, name: str):
    """The base with ``name`` in the slot: a name not billed takes it from its holder; one already
    billed moves there, and the rest of the cast keeps its names and order."""
    from boxoffice.names import person_key

    if kind == "director":
        return dataclasses.replace(base, directors=(name, *base.directors[1:]))
    key = person_key(name)
    others = [c for c in base.cast if person_key(c) != key]
    if len(others) == len(base.cast):  # not billed: replace the slot's holder
        others = [c for i, c in enumerate(base.cast) if i != index]
    return dataclasses.replace(base, cast=(*others[:index], name, *others[index:]))


def _newcomer_in_place_of(film, kind: str, name: str):
    """The same film with a newcomer where ``name`` is billed: what a talent value is measured against."""
    from boxoffice.names import person_key

    if kind == "director":
        return dataclasses.replace(film, directors=(NEWCOMER, *film.directors[1:]))
    key = person_key(name)
    return dataclasses.replace(film, cast=tuple(NEWCOMER if person_key(c) == key else c for c in film.cast))


@dataclass(frozen=True)
class SlotScores:
    """``value_against_newcomer``'s answer: ``score`` rows, one per name (``named``, ``newcomer``) or per
    extra film (``also``)."""

    named: "object"
    """The film with each name in the slot, with p50_newcomer_usd, value_usd (USD of the release year)
    and value_percent (0.2 = the P50 is 20% above the newcomer's)."""
    newcomer: "object"
    """Each name's film with ``NEWCOMER`` in that name's place."""
    also: "object"


def value_against_newcomer(forecaster, bases, kind: str, index: int, names, also=(),
                           break_even_multiple: float = break_even.MULTIPLE) -> SlotScores:
    """Talent value: P50 with each name in slot (``kind``, ``index``, as ``slot`` gives) of its base film
    minus P50 with ``NEWCOMER`` there, all else equal. ``bases``: one Film for every name, or a list
    beside ``names``; ``also``: more films (e.g. the base itself) scored in the same batch."""
    names = list(names)
    bases = list(bases) if isinstance(bases, (list, tuple)) else [bases] * len(names)
    also = list(also)
    placed = [_place(b, kind, index, n) for b, n in zip(bases, names)]
    films = [*also, *(_newcomer_in_place_of(f, kind, n) for f, n in zip(placed, names)), *placed]
    scored = score(films, forecaster, break_even_multiple)
    k, n = len(also), len(names)
    newcomer = scored.iloc[k:k + n].reset_index(drop=True)
    named = scored.iloc[k + n:].reset_index(drop=True)
    with_, without = named["worldwide_p50"].to_numpy(), newcomer["worldwide_p50"].to_numpy()
    named["p50_newcomer_usd"] = without
    named["value_usd"] = with_ - without
    named["value_percent"] = with_ / without - 1.0
    return SlotScores(named, newcomer, scored.iloc[:k].reset_index(drop=True))


def rank_cast(base, forecaster, role="lead", candidates=None, top: int = 10, films_table=None,
              min_films: int = 2, break_even_multiple: float = break_even.MULTIPLE):
    """Candidates for one slot ranked by worldwide P50, each with its track record and talent value.

    ``candidates``: names (a list or "A, B, C"); without them, everyone with ``min_films`` films
    in the base's genres (needs ``films_table``, the film table) is scored and the best ``top`` kept.
    Columns: rank, name, known, films_before, typical_gross, best_gross, typical_multiple,
    years_since_last, the forecast figures, talent_value_pct (P50 against a newcomer in
    the candidate's place, percent), the change against the base, and for unknown names
    did_you_mean; ``attrs["warnings"]`` says which names have no earlier film.
    """
    import numpy as np

    from boxoffice.model.track_records import key_for
    from boxoffice.closest import closest_names
    from boxoffice.names import split_list
    from boxoffice.units import release_year_dollars

    base_film = as_film(base)
    kind, index = slot(role)
    date = base_film.release_date_or_default()
    if candidates is not None and not isinstance(candidates, (list, tuple)):
        candidates = split_list(candidates, sep=",")
    if candidates:
        names = list(dict.fromkeys(split_list(list(candidates))))
        if len(names) > MAX_CANDIDATES:
            raise InputError(f"{len(names):,} candidates given; at most {MAX_CANDIDATES} are ranked at once",
                             hint="pass a shortlist, or leave out --candidates to rank the best --top of the genre")
    elif candidates is not None:
        raise InputError("no candidate names given", hint='e.g. --candidates "Tom Cruise, Keanu Reeves"')
    else:
        if films_table is None:
            raise InputError("ranking the top names of a genre needs the film table", hint="pass candidates or films_table")
        if top < 1:
            raise InputError(f"top {top} must be at least 1")
        names = genre_pool(films_table, base_film.genres, date, kind, min_films)
        if not names:
            raise InputError(f"no {kind} has {min_films}+ earlier films in {', '.join(base_film.genres) or 'the data'}",
                             hint="pass candidates instead")
    scores = value_against_newcomer(forecaster, base_film, kind, index, names,
                                    also=[base_film, _place(base_film, kind, index, NEWCOMER)],
                                    break_even_multiple=break_even_multiple)
    value = scores.named["value_percent"].to_numpy()
    frame = with_changes(scores.named.drop(columns=["p50_newcomer_usd", "value_usd", "value_percent"]),
                         scores.also.iloc[0])
    talent = forecaster.builder_.talent_
    records = talent.records_as_of([key_for(kind, n) for n in names], [np.datetime64(date)] * len(names))
    n = records["n"].to_numpy()
    frame.insert(0, "name", names)
    frame.insert(1, "known", n > 0)
    frame.insert(2, "films_before", n.astype(int))
    frame.insert(3, "typical_gross", release_year_dollars(np.exp(records["mean_log_gross"].to_numpy()), date.year))
    frame.insert(4, "best_gross", release_year_dollars(np.exp(records["best_log_gross"].to_numpy()), date.year))
    frame.insert(5, "typical_multiple", np.exp(records["mean_log_roi"].to_numpy()))
    frame.insert(6, "years_since_last", records["years_since_last"].to_numpy())
    frame["talent_value_pct"] = value * 100
    near = {}
    if (n == 0).any():
        choices = talent.known_names(kind)
        near = {name: closest_names(name, choices) for name, k in zip(names, n) if k == 0}
        frame["did_you_mean"] = [", ".join(near.get(name, [])) for name in names]
    frame = ranked(frame, "worldwide_p50")
    if not candidates:
        frame = frame.head(top)
    frame.attrs["base"], frame.attrs["newcomer"] = scores.also.iloc[0].to_dict(), scores.also.iloc[1].to_dict()
    frame.attrs["slot"] = (kind, index)
    frame.attrs["warnings"] = [unknown_warning(kind, name, found) for name, found in near.items()]
    return frame
