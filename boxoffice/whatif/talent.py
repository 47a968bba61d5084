"""A person's track record as of a date, and the value the model gives them.

Track record: the person's films in the film table released on or before the
as-of date (title, date, budget, worldwide gross, return on budget = gross /
budget), with totals. Money is USD of each film's release year unless a
column says ``_2012`` (constant 2012 dollars).

Model value (``value_usd``): talent value as ``casting.value_against_newcomer`` defines it
for every what-if, the change in the forecast worldwide P50 when this
person, rather than an unknown newcomer, is the lead (``role="cast"``) or the
director (``role="director"``) of a reference film, everything else equal.
The reference film is released the day after the as-of date (so the
person's record counts every film up to it), in their most common genre
(or the genre asked for), at the median budget of their films (constant
dollars, then in dollars of the reference year); every other field is left
unsaid, i.e. typical for that budget. It is exactly the difference between
two ``boxoffice predict --genre G --budget B --release-date D --cast NAME``
calls (``--director`` for directors), one with the person and one with a newcomer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import boxoffice.break_even as break_even
from boxoffice.errors import InputError
from boxoffice.whatif.casting import value_against_newcomer

ROLE_COLUMNS = {"cast": "cast", "director": "directors"}


@dataclass(frozen=True)
class TalentValue:
    """The model's value of a person on a reference film (USD of the reference film's year)."""

    genre: str
    budget_usd: float
    release_date: dt.date
    p50_with_usd: float
    p50_newcomer_usd: float

    @property
    def usd(self) -> float:
        return self.p50_with_usd - self.p50_newcomer_usd

    @property
    def percent(self) -> float:
        """Relative change against the newcomer (0.2 = the forecast is 20% higher)."""
        return self.p50_with_usd / self.p50_newcomer_usd - 1.0


@dataclass(frozen=True)
class TalentProfile:
    name: str
    role: str
    as_of: dt.date
    films: "object"
    """DataFrame, newest first: title, release_date, billing (0 = lead), genres, budget_usd,
    worldwide_gross_usd, return_on_budget (gross / budget), broke_even."""
    totals: dict = field(default_factory=dict)
    value: TalentValue | None = None
    break_even_multiple: float = break_even.MULTIPLE
    """Worldwide gross / budget at which a film broke even (``broke_even``, ``totals["hit_rate"]``)."""

    def as_dict(self) -> dict:
        """JSON-ready, money to the cent."""
        from boxoffice.units import money_fields_rounded

        films = self.films.assign(release_date=self.films["release_date"].dt.date.astype(str))
        out = {"name": self.name, "role": self.role, "as_of": self.as_of.isoformat(),
               "break_even_multiple": self.break_even_multiple, "totals": self.totals,
               "films": [{k: _plain(v) for k, v in row.items()} for row in films.to_dict("records")]}
        if self.value is not None:
            v = self.value
            out["model_value"] = {"usd": v.usd, "percent": v.percent, "p50_with_usd": v.p50_with_usd,
                                  "p50_newcomer_usd": v.p50_newcomer_usd, "reference_genre": v.genre,
                                  "reference_budget_usd": v.budget_usd, "reference_release_date": v.release_date.isoformat()}
        return money_fields_rounded(out)


def _plain(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return [str(v) for v in value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if value != value else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def _check_role(role: str) -> str:
    if role not in ROLE_COLUMNS:
        raise InputError(f"role {role!r} is not one of: {', '.join(ROLE_COLUMNS)}", hint="use --role cast or --role director")
    return role


def default_as_of(films) -> dt.date:
    """The last release date in the film table: 'as of the end of the data'."""
    import pandas as pd

    return pd.to_datetime(films["release_date"]).max().date()


def credits(films, role: str):
    """One row per (film, person in ``role``): key, name, billing and the film's columns."""
    import numpy as np
    import pandas as pd

    from boxoffice.names import person_key

    column = ROLE_COLUMNS[_check_role(role)]
    people = films[column].reset_index(drop=True)
    lengths = people.map(lambda v: len(v) if isinstance(v, (list, tuple, np.ndarray)) else 0).to_numpy()
    rows = films.reset_index(drop=True).loc[np.repeat(np.arange(len(films)), lengths)].reset_index(drop=True)
    rows["name"] = [str(n) for names in people for n in (names if isinstance(names, (list, tuple, np.ndarray)) else [])]
    rows["billing"] = np.concatenate([np.arange(k) for k in lengths]) if lengths.sum() else np.array([], int)
    rows["key"] = rows["name"].map(person_key)
    rows["release_date"] = pd.to_datetime(rows["release_date"])
    return rows


def find_person(films, name: str, role: str | None = None) -> tuple[str, str]:
    """(name as the data spells it, role) for a user's spelling; ``role=None`` picks the role
    with more films. Unknown names raise ``InputError`` with the closest known ones."""
    from boxoffice.names import person_key
    from boxoffice.closest import closest_names

    key = person_key(name)
    roles = [_check_role(role)] if role else list(ROLE_COLUMNS)
    best = None
    for r in roles:
        rows = credits(films, r)
        hits = rows[rows["key"] == key]
        if len(hits) and (best is None or len(hits) > best[2]):
            best = (hits["name"].mode().iloc[0], r, len(hits))
    if best is None:
        known = sorted({n for r in roles for n in credits(films, r)["name"].unique()})
        near = closest_names(name, known)
        where = f" as {role}" if role else ""
        raise InputError(f"no film in the data lists {name!r}{where}",
                         hint=f"did you mean: {', '.join(near)}?" if near else "check the spelling (cast and directors come from the IMDb 5000 file)")
    return best[0], best[1]


def _reference_budget(rows, films) -> float:
    """Median budget of the rows, constant 2012 USD; all films' median if none is known."""
    budgets = rows["budget_usd_2012"].dropna()
    return float((budgets if len(budgets) else films["budget_usd_2012"].dropna()).median())


def _main_genre(rows) -> str:
    """Most common genre of the rows (ties: the genre of the newer film), 'Drama' if none."""
    counts: dict[str, int] = {}
    for genres in rows.sort_values("release_date", ascending=False)["genres"]:
        for g in list(genres):
            counts[str(g)] = counts.get(str(g), 0) + 1
    return max(counts, key=lambda g: counts[g]) if counts else "Drama"


def model_values(forecaster, people: list[str], role: str, genres: list[str], budgets_2012: list[float], as_of: dt.date):
    """P50 with each person vs a newcomer on their reference film (``casting.value_against_newcomer``);
    DataFrame with p50_with_usd, p50_newcomer_usd, value_usd, value_percent, reference_budget_usd
    (USD of the reference year)."""
    import pandas as pd

    from boxoffice.table.film import Film
    from boxoffice.units import release_year_dollars

    release = as_of + dt.timedelta(days=1)
    budgets = release_year_dollars(budgets_2012, release.year)
    references = [Film(genres=(g,), budget_usd=float(b), release_date=release) for g, b in zip(genres, budgets)]
    kind = "cast" if _check_role(role) == "cast" else "director"
    values = value_against_newcomer(forecaster, references, kind, 0, people).named
    return pd.DataFrame({"name": list(people), "reference_genre": list(genres), "reference_budget_usd": budgets,
                         "p50_with_usd": values["worldwide_p50"].to_numpy(), "p50_newcomer_usd": values["p50_newcomer_usd"].to_numpy(),
                         "value_usd": values["value_usd"].to_numpy(), "value_percent": values["value_percent"].to_numpy()})


def _totals(rows, multiple: float = break_even.MULTIPLE) -> dict:
    import numpy as np

    known = rows.dropna(subset=["budget_usd", "worldwide_gross_usd"])
    gross, budget = known["worldwide_gross_usd"].sum(), known["budget_usd"].sum()
    best = rows.loc[rows["worldwide_gross_usd"].idxmax()] if rows["worldwide_gross_usd"].notna().any() else None
    return {
        "films": int(len(rows)),
        "films_with_budget_and_gross": int(len(known)),
        "as_lead": int((rows["billing"] == 0).sum()),
        "first_year": int(rows["release_date"].dt.year.min()),
        "last_year": int(rows["release_date"].dt.year.max()),
        "total_worldwide_gross_usd": float(rows["worldwide_gross_usd"].sum()),
        "total_worldwide_gross_usd_2012": float(rows["worldwide_gross_usd_2012"].sum()),
        "median_worldwide_gross_usd_2012": _plain(float(rows["worldwide_gross_usd_2012"].median())),
        "return_on_budget": float(gross / budget) if budget > 0 else None,
        "hit_rate": float(np.mean(~break_even.lost_money(known["worldwide_gross_usd"], known["budget_usd"], multiple)))
        if len(known) else None,
        "best_film": None if best is None else str(best["title"]),
        "best_film_worldwide_gross_usd": None if best is None else float(best["worldwide_gross_usd"]),
    }


def _as_of(films, as_of) -> dt.date:
    from boxoffice.units import parse_date

    return default_as_of(films) if as_of is None else parse_date(as_of, field="as-of date")


def talent_profile(forecaster, films, name: str, role: str | None = None, as_of=None,
                   break_even_multiple: float = break_even.MULTIPLE) -> TalentProfile:
    """Track record of ``name`` up to ``as_of`` (default: the end of the data) and the model's value of them;
    a film broke even when its worldwide gross reached ``break_even_multiple`` × its budget."""
    import pandas as pd

    as_of = _as_of(films, as_of)
    found, role = find_person(films, name, role)
    from boxoffice.names import person_key

    rows = credits(films, role)
    rows = rows[rows["key"] == person_key(found)]
    before = rows[rows["release_date"] <= pd.Timestamp(as_of)]
    if before.empty:
        first = rows["release_date"].min().date()
        raise InputError(f"{found} has no film released on or before {as_of}",
                         hint=f"their first film in the data is from {first}; pass a later --as-of")
    before = before.sort_values("release_date", ascending=False)
    table = before[["title", "release_date", "billing", "genres", "budget_usd", "worldwide_gross_usd"]].copy()
    table["genres"] = table["genres"].map(lambda gs: ", ".join(map(str, gs)))
    table["return_on_budget"] = table["worldwide_gross_usd"] / table["budget_usd"]
    table["broke_even"] = (~break_even.lost_money(table["worldwide_gross_usd"], table["budget_usd"],
                                                  break_even_multiple)).astype("boolean")
    table.loc[table["return_on_budget"].isna(), "broke_even"] = pd.NA
    values = model_values(forecaster, [found], role, [_main_genre(before)], [_reference_budget(before, films)], as_of)
    v = values.iloc[0]
    value = TalentValue(genre=v["reference_genre"], budget_usd=float(v["reference_budget_usd"]),
                        release_date=as_of + dt.timedelta(days=1), p50_with_usd=float(v["p50_with_usd"]),
                        p50_newcomer_usd=float(v["p50_newcomer_usd"]))
    return TalentProfile(found, role, as_of, table.reset_index(drop=True), _totals(before, break_even_multiple), value,
                         break_even_multiple)


def rank_talent(forecaster, films, role: str = "cast", top: int = 20, genre: str | None = None, as_of=None,
                by: str = "value", min_films: int = 3):
    """The ``top`` people of a role, ranked by model value (USD, default) or by ``by="record"``
    (total worldwide gross of their films, constant 2012 USD). Only people with at least
    ``min_films`` films with budget and gross up to ``as_of`` are ranked; with ``genre``, at
    least one of them in that genre, and the reference film is of that genre."""
    import pandas as pd

    from boxoffice.names import canonical_genres

    _check_role(role)
    if by not in ("value", "record"):
        raise InputError(f"rank by {by!r} is not one of: value, record", hint="use --by value or --by record")
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    as_of = _as_of(films, as_of)
    wanted = canonical_genres(genre, strict=True)[0] if genre else None
    rows = credits(films, role)
    rows = rows[(rows["release_date"] <= pd.Timestamp(as_of))
                & rows["budget_usd_2012"].notna() & rows["worldwide_gross_usd_2012"].notna()]
    if wanted:
        has_genre = rows.assign(g=rows["genres"].map(lambda gs: wanted in list(gs))).groupby("key")["g"].any()
        rows = rows[rows["key"].isin(has_genre[has_genre].index)]
    groups = rows.groupby("key", sort=False)
    stats = pd.DataFrame({
        "name": groups["name"].agg(lambda s: s.mode().iloc[0]),
        "films": groups.size(),
        "total_worldwide_gross_usd_2012": groups["worldwide_gross_usd_2012"].sum(),
        "return_on_budget": groups["worldwide_gross_usd_2012"].sum() / groups["budget_usd_2012"].sum(),
        "median_budget_usd_2012": groups["budget_usd_2012"].median(),
    })
    stats = stats[stats["films"] >= min_films]
    if stats.empty:
        raise InputError(f"nobody has {min_films}+ {role} credits with numbers up to {as_of}"
                         + (f" in {wanted}" if wanted else ""), hint="try a later --as-of or another --genre")
    if by == "record":
        stats = stats.sort_values("total_worldwide_gross_usd_2012", ascending=False).head(top)
    if wanted is None:
        main = {key: _main_genre(part) for key, part in groups if key in stats.index}
        stats["genre"] = [main[k] for k in stats.index]
    else:
        stats["genre"] = wanted
    values = model_values(forecaster, stats["name"].tolist(), role, stats["genre"].tolist(),
                          stats["median_budget_usd_2012"].tolist(), as_of)
    out = pd.concat([stats.reset_index(drop=True).drop(columns=["median_budget_usd_2012", "genre"]),
                     values.drop(columns=["name"])], axis=1)
    key = "value_usd" if by == "value" else "total_worldwide_gross_usd_2012"
    out = out.sort_values(key, ascending=False, kind="stable").head(top).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out
