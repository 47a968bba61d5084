"""The one feature builder, for history and hypothetical films alike.

Pre-release only: budget, genres, rating, runtime, timing, origin,
distributor, source and sequel, plus track records of cast, director,
distributor and franchise computed from films released strictly before each film's date
(the distributor's also over its recent years, see ``TalentIndex.recent_of_ids``; the franchise
and the sequel flag a title implies: ``boxoffice.table.franchises``).
``fit`` learns vocabularies and the track-record index from history;
``transform`` turns any film table (even one row, even partial) into numbers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from boxoffice.errors import check_kind, check_number
from boxoffice.model.columns import (LIST_FIELDS, blank_column, codes_and_blanks, codes_in, column_values,
                                    distinct_objects, explode, list_lengths)
from boxoffice.model.estimator import Estimator
from boxoffice.model.record_features import NO_RECORD, franchise_record, monotone_directions, track_records
from boxoffice.model.track_records import TalentIndex
from boxoffice.model.typical import fill_unspecified as fill_typical, typical_by_budget
from boxoffice.names import known_genres
from boxoffice.table.franchises import registry
from boxoffice.units import calendar, iso_weeks

CATEGORICAL = ("mpaa_rating", "distributor", "country", "language", "source_material", "creative_type")
"""Columns encoded as integer codes for LightGBM's categorical splits: the known values, then 'other'
(seen too rarely), then 'blank' for a blank distributor with ``FeatureConfig.blank_distributor``; NaN = unknown."""

LEVERS = {
    "budget": ("log_budget",),
    "genre": ("genre_", "genre_count"),
    "cast": ("cast_",),
    "director": ("director_",),
    "distributor": ("distributor",),
    "release_timing": ("release_", "holiday_season", "summer"),
    "rating": ("mpaa_rating",),
    "runtime": ("runtime_min",),
    "origin": ("country", "language"),
    "story": ("source_material", "creative_type", "sequel", "franchise_"),
}
"""Feature-name prefixes grouped into the levers a producer recognises. Keys are column-safe
(``driver_release_timing_usd`` in CSV and JSON); tables show ``lever_label``."""


@dataclass(frozen=True)
class FeatureConfig:
    min_category_films: int = 15
    """Distributors, countries, languages… with fewer training films are pooled into 'other'."""
    budget_bands: int = 10
    """Budget bands for the typical values that fill fields a user leaves unsaid."""
    story_fields: bool = False
    """Use source material and creative type. Off for the public data: they come from vega only,
    which ends in 2010, so newer films would all look 'unknown' (it cost 3 points of RMSLE in the
    backtest). Turn on for your own data when every film has them."""
    distributor_recent_years: float = 3.0
    """Window of the distributor's recent releases (count and mean log gross): a proxy for its size
    and release width now, which its all-time record blurs."""
    blank_distributor: bool = True
    """Code a blank distributor as a value of its own ('blank') rather than unknown: in history a blank
    mostly means a small release (no distributor in vega nor in Box Office Mojo), and a blank cell of a
    slate is the same value. A distributor never seen is not a blank: it is pooled with the rare ones.
    Measured (mean of four seeds, 2008-2012): RMSLE 1.4395 -> 1.4387, AUC 0.704 -> 0.706, within the
    seed spread; kept as the issue asks, since a slate's blank cells are mostly small releases too."""

    franchise_record: bool = True
    """The franchise's record as of the film's date (earlier entries, the last one's and the best log
    gross, years since the last): a sequel of a hit is not a sequel of a flop. Measured (mean of four
    seeds, full detail): RMSLE 1.4387 -> 1.4383, AUC 0.706 -> 0.707, Brier 0.2072 -> 0.2058."""

    monotone_records: bool = True
    """A stronger track record (``boxoffice.model.record_features.STRONGER``), all else equal, never gives a lower P10, P50 or P90, at
    any date: LightGBM's monotone constraints on those features."""

    def __post_init__(self):
        check_number(self, "min_category_films", 1, whole=True)
        check_number(self, "budget_bands", 1, whole=True)
        check_kind(self, "story_fields", bool)
        check_number(self, "distributor_recent_years", 0, low_open=True)
        check_kind(self, "blank_distributor", bool)
        check_kind(self, "franchise_record", bool)
        check_kind(self, "monotone_records", bool)


def log_budget_2012(films, years=None):
    """Natural log of the budget in constant 2012 USD, in full (float64) precision."""
    import numpy as np
    import pandas as pd

    from boxoffice.units import to_constant_dollars

    if "budget_usd_2012" in films and films["budget_usd_2012"].notna().all():
        return np.log(films["budget_usd_2012"].to_numpy(float))
    if years is None:
        years = pd.to_datetime(films["release_date"]).dt.year.to_numpy()
    return np.log(to_constant_dollars(films["budget_usd"].to_numpy(float), years))


def lever_label(lever: str) -> str:
    """A lever as a person reads it: ``release_timing`` -> ``release timing``."""
    return lever.replace("_", " ")


def lever_of(feature: str) -> str:
    for lever, prefixes in LEVERS.items():
        if any(feature == p or feature.startswith(p) for p in prefixes):
            return lever
    return "other"


PEOPLE_FIELDS = {"cast": "cast", "directors": "director", "distributor": "distributor"}
"""Film field -> the track-record role it feeds."""


class FeatureBuilder(Estimator):
    """sklearn-style: ``fit(films)`` learns from history, ``transform(films)`` gives features."""

    _kind, _fitted_attribute = "transformer", "talent_"

    def __init__(self, config: FeatureConfig = FeatureConfig()):
        self.config = config

    def fit(self, films, y=None) -> "FeatureBuilder":
        """``y`` is ignored (the targets are columns of ``films``); it is there for ``Pipeline``."""
        self.fit_transform(films)
        return self

    @property
    def unlearned_fields_(self) -> tuple[str, ...]:
        """Film fields (``cast``, ``directors``, ``distributor``) no training film had: the model never
        learned them, so a value given for one changes nothing."""
        self._check_fitted()
        if "_roles" not in self.__dict__:  # asked once per film a server answers: the table's roles once
            self._roles = frozenset(self.talent_.table["role"].unique())
        roles = self._roles
        return tuple(field for field, role in PEOPLE_FIELDS.items()
                     if role not in roles and not (field == "distributor" and self.categories_.get(field)))

    def _fit_vocabulary(self, films) -> None:
        if not isinstance(self.config, FeatureConfig):
            from boxoffice.errors import InputError

            raise InputError(f"FeatureBuilder: config={self.config!r} is not a FeatureConfig")
        self.genres_ = known_genres()
        self.categories_ = {}
        for col in self.categorical_features_:
            counts = films[col].dropna().astype(str).value_counts()
            self.categories_[col] = sorted(counts[counts >= self.config.min_category_films].index)
        self.talent_ = TalentIndex.from_films(films)
        self.franchises_ = registry(films)
        for cache in ("_vocabularies", "_code_maps", "_franchise_index", "_roles"):  # what ``knows`` and ``franchise_of`` use follows the new films
            self.__dict__.pop(cache, None)

    def fit_transform(self, films, y=None):
        """``fit`` then ``transform`` of the same films, building their features once."""
        self._fit_vocabulary(films)
        X = self.transform(films)
        self.typical_ = typical_by_budget(X, self.config.budget_bands, self._blank_codes())
        self.feature_names_ = list(self.typical_["features"])
        return X

    def _blank_codes(self) -> dict:
        """Categorical column -> the code of a blank in it (``_blank_code``)."""
        return {col: self._blank_code(col) for col in self.categories_}

    def _blank_code(self, col: str) -> float:
        """The code of a blank ``col``: 'blank' after 'other' (``FeatureConfig.blank_distributor``), else NaN (unknown)."""
        blank_is_a_value = col == "distributor" and self.config.blank_distributor
        return float(len(self.categories_[col]) + 1) if blank_is_a_value else float("nan")

    @property
    def categorical_features_(self) -> list[str]:
        story = ("source_material", "creative_type")
        return [c for c in CATEGORICAL if self.config.story_fields or c not in story]

    def transform(self, films, fill_unspecified: bool = False, franchises: tuple | None = None):
        """Features of each film. ``fill_unspecified``: fields left blank take the typical
        value of films of the same budget band (for films a user describes, not history).
        ``franchises``: ``franchise_of(films)`` when the caller has judged it already."""
        import numpy as np
        import pandas as pd

        self._check_fitted()
        out = self._columns(films, franchises)
        if fill_unspecified:
            fill_typical(self.typical_, films, out)
        # one float32 block, not ~160 columns: a frame of one film's rows is made in 0.4 ms instead of 3,
        # and the predictors read it back as a matrix without copying column by column; the frame owns
        # the block (pandas would copy it: 0.1-0.4 s for 10,000 open variants' 250,000 rows)
        matrix = np.empty((len(films), len(out)), dtype=np.float32, order="F")
        for j, values in enumerate(out.values()):
            matrix[:, j] = values
        return pd.DataFrame(matrix, columns=list(out), copy=False)

    def transform_copies(self, features, owner, copies, fields, franchises: tuple | None = None):
        """``features`` (``transform`` of some films) followed by the features of ``copies``, where copy
        ``i`` is film ``owner[i]`` but for the film ``fields`` (a mixture's comparable films fill them):
        only the columns those fields feed are built, the rest are the film's own. The same numbers as
        ``transform`` of both, built in half the time for 10,000 open variants' 250,000 copies.
        ``franchises``: the copies' ``franchise_of`` (their films')."""
        import numpy as np
        import pandas as pd

        self._check_fitted()
        rebuilt = self._columns(copies, franchises, fields=frozenset(fields))
        films = features.to_numpy()
        n = len(films)
        matrix = np.empty((n + len(owner), features.shape[1]), dtype=np.float32, order="F")
        for j, name in enumerate(features.columns):
            matrix[:n, j] = films[:, j]
            matrix[n:, j] = rebuilt[name] if name in rebuilt else films[owner, j]
        return pd.DataFrame(matrix, columns=features.columns, copy=False)

    def _columns(self, films, franchises: tuple | None = None, fields: frozenset | None = None) -> dict:
        """Feature name -> column of ``films``, in the model's order (made float32 as the callers copy them
        into their block: half the memory of float64, and LightGBM bins them anyway); with ``fields``, only
        the columns that read one of those film fields."""
        import numpy as np
        import pandas as pd

        def reads(*inputs) -> bool:
            return fields is None or not fields.isdisjoint(inputs)

        n = len(films)
        out = {}
        days, years, months, day = calendar(films["release_date"].to_numpy())
        dates = pd.Series(days.astype("datetime64[ns]"), copy=False)
        if reads("budget_usd", "budget_usd_2012", "release_date"):
            out["log_budget"] = log_budget_2012(films, years)
        if reads("genres"):  # each distinct list once (a slate's repeated cells share one), then row by row
            genres = column_values(films, "genres", n)
            of_row, first = distinct_objects(genres)
            rows, _, items = explode(genres[first])
            hot = np.zeros((len(self.genres_) + 1, len(first)), dtype=np.float32)
            cols = codes_in(items, self._codes("genres"))
            hot[cols[cols >= 0], rows[cols >= 0]] = 1.0
            hot[-1] = np.bincount(rows, minlength=len(first))
            hot = hot[:, of_row]
            for i, g in enumerate(self.genres_):
                out[f"genre_{g.lower()}"] = hot[i]
            out["genre_count"] = hot[-1]
        if reads("release_date"):
            out["release_year"] = years.astype(float)
            out["release_month"] = months.astype(float)
            out["release_week"] = iso_weeks(days)
            out["summer"] = ((day >= 121) & (day <= 243)).astype(float)  # May-August
            out["holiday_season"] = (day >= 319).astype(float)  # from mid-November
        if reads("runtime_min"):
            out["runtime_min"] = column_values(films, "runtime_min", n).astype(float)
        titled = reads("sequel", "title", "franchise", "release_date")  # the sequel flag: the title may say it
        franchised = self.config.franchise_record and reads("title", "franchise", "release_date")
        if titled or franchised:
            franchises, said = self.franchise_of(films) if franchises is None else franchises
        if titled:
            seq = column_values(films, "sequel", n)
            out["sequel"] = pd.array(seq, dtype="boolean").astype("Float64").to_numpy(float, na_value=np.nan)
            out["sequel"][np.isnan(out["sequel"]) & said] = 1.0  # not given: the title or the franchise says it
        for col in self.categorical_features_:
            if reads(col):
                out[col] = self._coded(col, column_values(films, col, n))
        roles = tuple(role for field, role in PEOPLE_FIELDS.items() if reads(field, "release_date"))
        if roles:
            out.update(track_records(self.talent_, films, dates, self.config.distributor_recent_years, roles))
        if franchised:
            out.update(franchise_record(self.talent_, franchises, dates))
        for name, direction in monotone_directions(out, self.config):
            if direction and not name.endswith(("_n", "_known", "_total_films")):
                out[name] = np.where(np.isnan(out[name]), NO_RECORD[direction], out[name])
        return out

    def _coded(self, col: str, values):
        """A categorical column's codes: a known value's, 'other' for one seen too rarely, the blank code
        for a blank (``_blank_code``), NaN for a value not known at all."""
        import numpy as np

        coded, blank = codes_and_blanks(values, self._codes(col))  # an absent column: all None, all blank
        coded = coded.astype(float)
        rare = (coded < 0) & ~blank
        rare[rare] = self.knows(col, values[rare])  # a real value seen too rarely: 'other'
        coded[rare] = len(self.categories_[col])
        coded[(coded < 0) & blank] = self._blank_code(col)  # NaN unless a blank is a value of its own
        coded[coded < 0] = np.nan  # unknown: the film's value is not known
        return coded

    def _codes(self, column: str) -> dict:
        """value -> code of a categorical ``column`` (or of the genres), built once per builder."""
        cache = self.__dict__.setdefault("_code_maps", {})
        if column not in cache:
            known = self.genres_ if column == "genres" else self.categories_[column]
            cache[column] = {value: code for code, value in enumerate(known)}
        return cache[column]

    def franchise_of(self, films):
        """(franchise key or None, sequel by title or franchise) of each film, judged against the
        training films released before it (``boxoffice.table.franchises.franchise_of``)."""
        from boxoffice.table.franchises import franchise_index, franchise_of

        self._check_fitted()
        if "_franchise_index" not in self.__dict__:  # the registry as a lookup, built once per builder
            self._franchise_index = franchise_index(self.franchises_)
        return franchise_of(films, self._franchise_index)

    def knows(self, column: str, values):
        """True for each value of ``column`` the model knows: one of its categories or a real value of
        the field (``boxoffice.table.vocabulary.UNKNOWN_IS_BLANK``). Any other value is unknown and
        encoded as a blank; other columns (a distributor: a new one is a rare one) know every value."""
        import numpy as np
        import pandas as pd

        from boxoffice.names import person_key

        known = self._vocabulary(column)
        if known is None or not len(values):
            return np.ones(len(values), dtype=bool)
        codes, distinct = pd.factorize(np.asarray(values, dtype=object))
        return np.array([person_key(v) in known for v in distinct], dtype=bool)[codes]

    def _vocabulary(self, column: str):
        """person_keys of the values ``knows`` accepts (built once per builder), or None."""
        from boxoffice.names import person_key
        from boxoffice.table.vocabulary import UNKNOWN_IS_BLANK, real_values

        cache = self.__dict__.setdefault("_vocabularies", {})
        if column not in cache:
            known = [*self.categories_.get(column, []), *real_values(column)] if column in UNKNOWN_IS_BLANK else None
            cache[column] = None if known is None else frozenset(map(person_key, known))
        return cache[column]

    def get_state(self) -> dict:
        """JSON-able state (the talent table is saved apart, as Parquet)."""
        self._check_fitted()
        return {"config": asdict(self.config), "genres": self.genres_, "categories": self.categories_,
                "feature_names": self.feature_names_, "typical": self.typical_}

    @classmethod
    def from_state(cls, state: dict, talent_table, franchises) -> "FeatureBuilder":
        """From ``get_state``, the talent table and the franchise registry (both saved apart, as Parquet)."""
        builder = cls(FeatureConfig(**state["config"]))
        builder.genres_ = list(state["genres"])
        builder.categories_ = {k: list(v) for k, v in state["categories"].items()}
        builder.feature_names_ = list(state["feature_names"])
        builder.typical_ = state["typical"]
        builder.talent_ = TalentIndex(talent_table)
        builder.franchises_ = franchises
        return builder


def given_fields(films) -> set[str]:
    """The people fields (``PEOPLE_FIELDS``) that some film in ``films`` gives a value."""
    n = len(films)
    return {f for f in PEOPLE_FIELDS
            if ((list_lengths(column_values(films, f, n)) > 0) if f in LIST_FIELDS else ~blank_column(films, f, n)).any()}
