"""Track records of cast, directors and distributors, as of a date.

A person's record at a film's release is built only from films released
strictly before it, each film that credits them counting once, whether in its
own cast or in a fuller source's credits (``CREDIT_COLUMNS``; a film's own
record never reaches its features). This is where leaks hide, so everything goes through
``TalentIndex.records_as_of`` (a binary search that excludes the same day), or
``TalentIndex.recent_of_ids`` for the last few years before it.
Grosses are log worldwide gross in constant 2012 USD; return on budget is
log(worldwide gross / budget).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from boxoffice.names import BULK, person_key, person_keys
from boxoffice.table.distinct import factorize
from boxoffice.units import days_since_epoch

ROLES = ("cast", "director", "distributor", "franchise")
_DAY_OFFSET = 1 << 30
_DAY_SPAN = 1 << 31
"""Days since 1970 shifted to be positive, so (person id, day) packs into one sortable int64."""

STATS = ("n", "mean_log_gross", "mean_log_roi", "best_log_gross", "years_since_last")
"""Per person and date: earlier films, their mean and best log gross, mean log return, years since the last one."""

FRANCHISE_STATS = ("n", "last_log_gross", "best_log_gross", "years_since_last")
"""Per franchise and date: earlier entries, the last one's and the best log gross, years since the last one.
A franchise is keyed as ``boxoffice.table.franchises`` finds earlier entries (``registered_keys``)."""


CREDIT_COLUMNS = {"cast": ("cast", "credited_cast"), "director": ("directors", "credited_directors")}
"""Role -> the film-table columns whose names count in a person's record: the film's own names and
every name a fuller source credits (Wikidata). Only records of later films see the credits."""


def _events(films):
    """One row per (film, person in a role) with a known budget and gross; a person credited in
    several columns of one film counts once."""
    import numpy as np
    import pandas as pd

    known = films.loc[films["worldwide_gross_usd_2012"].notna() & films["budget_usd_2012"].notna()]
    log_gross = np.log(known["worldwide_gross_usd_2012"].to_numpy(float))
    log_roi = log_gross - np.log(known["budget_usd_2012"].to_numpy(float))
    base = pd.DataFrame({"date": pd.to_datetime(known["release_date"]).to_numpy(), "log_gross": log_gross,
                         "log_roi": log_roi})
    parts = []
    for role, columns in CREDIT_COLUMNS.items():
        film_rows, names = _credited(known, columns)
        rows = base.loc[film_rows].copy()
        rows["role"] = role
        rows["name"] = names
        parts.append(rows)
    dist = base.copy()
    dist["role"] = "distributor"
    dist["name"] = known["distributor"].to_numpy(object)
    parts.append(dist[dist["name"].notna()])
    film_rows, names = _franchise_keys(known)
    franchise = base.loc[film_rows].copy()
    franchise["role"] = "franchise"
    franchise["name"] = names
    parts.append(franchise)
    events = pd.concat(parts, ignore_index=True)
    events["key"] = role_keys(events["role"].to_numpy(object), events["name"].to_numpy(object))
    return events


def _franchise_keys(films):
    """(film position, key) of every key a film is found by as an earlier franchise entry."""
    import numpy as np

    from boxoffice.table.franchises import registered_keys

    titles = films["title"].to_numpy(object) if "title" in films else np.full(len(films), None, dtype=object)
    said = films["franchise"].to_numpy(object) if "franchise" in films else np.full(len(films), None, dtype=object)
    pairs = [(i, key) for i, (title, name) in enumerate(zip(titles, said))
             for key in dict.fromkeys(k for k, _ in registered_keys(title, name))]
    return np.array([i for i, _ in pairs], dtype=np.int64), np.array([k for _, k in pairs], dtype=object)


def _credited(films, columns):
    """(film position, name) of every name in ``columns`` (those the table has), each person once
    per film: the first column's spelling wins. Each distinct name is keyed once."""
    import numpy as np
    import pandas as pd

    film_rows, names = [], []
    for column in (c for c in columns if c in films):
        lists = films[column].to_numpy(object)
        lengths = np.fromiter((len(v) if isinstance(v, (list, tuple, np.ndarray)) else 0 for v in lists),
                              dtype=np.int64, count=len(lists))
        film_rows.append(np.repeat(np.arange(len(lists)), lengths))
        names.extend(str(n) for v, k in zip(lists, lengths) if k for n in v)
    film_rows = np.concatenate(film_rows) if film_rows else np.array([], np.int64)
    names = np.array(names, dtype=object)
    codes, distinct = pd.factorize(names) if len(names) else (np.array([], np.int64), [])
    person = pd.factorize(np.array(person_keys(list(distinct)), dtype=object))[0][codes] if len(names) else codes
    first = ~pd.DataFrame({"film": film_rows, "person": person}).duplicated().to_numpy()
    return film_rows[first], names[first]


def role_keys(roles, names):
    """'role:person_key' for each (role, name), computing each distinct key once and sharing it."""
    codes, distinct = _distinct_role_keys(roles, names)
    return distinct[codes]


def _distinct_role_keys(roles, names):
    """(code per row, distinct 'role:person_key' strings): person_key runs once per distinct name."""
    import numpy as np
    import pandas as pd

    if len(names) == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=object)
    name_codes, name_values = factorize(names)
    name_keys = person_keys(name_values.tolist())
    if isinstance(roles, str):  # one role for every name
        return name_codes, np.array([f"{roles}:{key}" for key in name_keys], dtype=object)
    role_codes, role_values = factorize(roles)
    codes, pairs = pd.factorize(role_codes.astype(np.int64) * len(name_values) + name_codes)  # integers, not tuples
    distinct = np.array([f"{role_values[p // len(name_values)]}:{name_keys[p % len(name_values)]}"
                         for p in pairs.tolist()], dtype=object)
    return codes, distinct


@dataclass
class TalentIndex:
    """Cumulative records per person, ready for as-of lookups.

    ``table`` has one row per (person, film) in date order with running
    totals up to and including that film.
    """

    table: "object"  # pandas.DataFrame

    @cached_property
    def keys(self) -> frozenset:
        """Every ``role:name`` key with a record, for "is this name known?" (built once: a set of ~35,000
        keys took 0.15 s per forecast when made each time)."""
        return frozenset(self.table["key"].to_numpy(object).tolist())

    @classmethod
    def from_films(cls, films) -> "TalentIndex":
        import numpy as np
        import pandas as pd

        events = _events(films)
        events["key_id"] = pd.factorize(events["key"].to_numpy(object))[0]  # sort and group on integers
        events = events.sort_values(["key_id", "date"], kind="stable")
        grouped = events.groupby("key_id", sort=False)
        events["n"] = grouped.cumcount() + 1
        events["sum_log_gross"] = grouped["log_gross"].cumsum()
        events["sum_log_roi"] = grouped["log_roi"].cumsum()
        events["best_log_gross"] = grouped["log_gross"].cummax()
        events["last_log_gross"] = events["log_gross"]
        events["last_date"] = events["date"]
        # several films of one person on the same date: keep the running total after the last
        events = events.drop_duplicates(["key_id", "date"], keep="last")
        cols = ["key", "role", "name", "date", "n", "sum_log_gross", "sum_log_roi", "best_log_gross", "last_log_gross",
                "last_date"]
        table = events[cols].sort_values("date", kind="stable").reset_index(drop=True)
        table["n"] = table["n"].astype(np.int32)
        return cls(table)

    def records_as_of(self, keys, dates):
        """Stats for each (key, date) query from films strictly before the date.

        ``keys`` are ``role:person_key`` strings; returns a DataFrame aligned with
        the queries, columns ``STATS`` (n = 0 and NaN for a newcomer).
        """
        import numpy as np
        import pandas as pd

        keys = np.asarray(keys, dtype=object)
        codes, distinct = pd.factorize(keys) if len(keys) else (np.array([], np.int64), np.array([], object))
        return pd.DataFrame(self.records_of_ids(self._ids_of(distinct)[codes], dates))

    def key_ids(self, roles, names):
        """Integer id of each (role, name) in this index, -1 for someone it has never seen;
        each distinct name is keyed once, not once per row. ``roles``: one per name, or one for all."""
        codes, distinct = _distinct_role_keys(roles, names)
        return self._ids_of(distinct)[codes]

    def _ids_of(self, keys):
        import numpy as np

        ids = self._key_ids()
        if len(keys) < BULK:
            return np.array([ids.get(k, -1) for k in keys], dtype=np.int64)
        if getattr(self, "_id_index", None) is None:  # the same ids, looked up by pandas' hash table
            import pandas as pd

            self._id_index = pd.Index(list(ids), dtype=object)
        return self._id_index.get_indexer(np.asarray(keys, dtype=object)).astype(np.int64)

    def records_of_ids(self, key_ids, dates) -> dict:
        """``records_as_of`` for ids from ``key_ids``, as a dict of arrays (features read them so)."""
        import numpy as np

        lookup = self._lookup()
        days, dated = days_since_epoch(dates)
        found, at = self._before(key_ids, days, dated)
        n = np.where(found, lookup["n"][at], 0).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return {
                "n": n,
                "mean_log_gross": np.where(found, lookup["sum_log_gross"][at] / n, np.nan),
                "mean_log_roi": np.where(found, lookup["sum_log_roi"][at] / n, np.nan),
                "best_log_gross": np.where(found, lookup["best_log_gross"][at], np.nan),
                "last_log_gross": np.where(found, lookup["last_log_gross"][at], np.nan),
                # measured at the data's end at the latest: past it, careers do not fade because the data stops
                "years_since_last": np.where(found, (np.minimum(days, lookup["end_day"]) - lookup["last_day"][at])
                                             / 365.25, np.nan),
            }

    def recent_of_ids(self, key_ids, dates, years: float) -> dict:
        """Films of each id in the ``years`` before each date: n, mean log gross, mean log return (arrays).

        The window ends at the date or, for a date past the index's last film, the day after that
        film: a film forecast years ahead sees the latest years of data, not an empty window.
        """
        import numpy as np

        days, dated = days_since_epoch(dates)
        lookup = self._lookup()
        end = np.minimum(days, lookup["end_day"])
        start = end - int(round(years * 365.25))
        hi_found, hi = self._before(key_ids, end, dated)
        lo_found, lo = self._before(key_ids, start, dated)

        def total(column):
            return np.where(hi_found, lookup[column][hi], 0) - np.where(lo_found, lookup[column][lo], 0)

        n = total("n").astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return {"n": n, "mean_log_gross": np.where(n > 0, total("sum_log_gross") / n, np.nan),
                    "mean_log_roi": np.where(n > 0, total("sum_log_roi") / n, np.nan)}

    @property
    def end_day(self) -> int:
        """The day after the index's last film (days since 1970): every record as of a later date is the
        record as of this day (``years_since_last`` included)."""
        return self._lookup()["end_day"]

    def _before(self, key_ids, days, dated):
        """(found, position) of each key's last record strictly before each day: (person id, day)
        pairs sort as one integer, so it is one ``searchsorted`` away (no sort of the queries)."""
        import numpy as np

        lookup = self._lookup()
        key_ids = np.asarray(key_ids, np.int64)
        query = key_ids * _DAY_SPAN + (days + _DAY_OFFSET)
        at = np.searchsorted(lookup["composite"], query, side="left") - 1
        found = (at >= 0) & (key_ids >= 0) & dated
        found[found] = lookup["key_id"][at[found]] == key_ids[found]
        return found, np.where(found, at, 0)

    def _key_ids(self) -> dict:
        if getattr(self, "_ids", None) is None:
            self._ids = {key: i for i, key in enumerate(self.table["key"].unique())}
        return self._ids

    def _lookup(self) -> dict:
        """The table as arrays sorted by (person id, date), built once per index."""
        import numpy as np

        if getattr(self, "_arrays", None) is None:
            ids = self._key_ids()
            key_id = self.table["key"].map(ids).to_numpy(np.int64)
            days = self.table["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
            order = np.lexsort((days, key_id))
            self._arrays = {
                "composite": (key_id * _DAY_SPAN + (days + _DAY_OFFSET))[order], "key_id": key_id[order],
                "n": self.table["n"].to_numpy(np.int64)[order],
                "sum_log_gross": self.table["sum_log_gross"].to_numpy(float)[order],
                "sum_log_roi": self.table["sum_log_roi"].to_numpy(float)[order],
                "best_log_gross": self.table["best_log_gross"].to_numpy(float)[order],
                "last_log_gross": self.table["last_log_gross"].to_numpy(float)[order],
                "last_day": self.table["last_date"].to_numpy().astype("datetime64[D]").astype(np.int64)[order],
                "end_day": int(days.max()) + 1 if len(days) else 0,
            }
            if not len(order):  # films without cast, director or distributor: one row no query ever finds
                self._arrays |= {k: np.zeros(1, v.dtype) for k, v in self._arrays.items() if k != "end_day"}
                self._arrays["composite"][0], self._arrays["key_id"][0] = np.iinfo(np.int64).max, -2
        return self._arrays

    def known_names(self, role: str) -> list[str]:
        return sorted(self.table.loc[self.table["role"] == role, "name"].unique())

    def film_history(self, role: str, name: str):
        """Every recorded film date of a person (the index keeps no titles; see ``films``)."""
        key = f"{role}:{person_key(name)}"
        return self.table[self.table["key"] == key]


def key_for(role: str, name: str) -> str:
    return f"{role}:{person_key(name)}"
