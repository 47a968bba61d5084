"""What-if scenarios: change one thing about a film and see what moves.

``compare`` scores named variants of a base film, ``grid`` every combination
of a few levers, ``sweep`` one lever over a range, ``release_windows`` the
weeks or months of a year (``boxoffice.whatif.casting.rank_cast`` ranks candidates for a slot).
Each builds all its films first and calls ``forecaster.predict`` once, so
10,000 variants score in about a second. Money is USD of the release year.
A bad override is reported (``ScenarioProblem``: scenario, field, message) and
the other scenarios still run; the problems ride along in ``frame.attrs["problems"]``, and what a
variant has that the model has not seen (and its base has not) in ``frame.attrs["warnings"]``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import boxoffice.break_even as break_even
from boxoffice.errors import InputError
from boxoffice.table.film import FIELD_ALIASES, FIELD_NAMES, Film, make_film
from boxoffice.whatif.scoring import FIGURES, as_film, ranked, score_and_frame, variant_warnings, with_changes

MAX_VARIANTS = 200_000
"""A grid larger than this is almost certainly a typo (and would take minutes)."""

LEAD = "lead"
"""Override key that replaces only the first-billed name, keeping the rest of the cast."""


@dataclass(frozen=True)
class ScenarioProblem:
    scenario: str
    field: str
    message: str
    hint: str | None = None

    @classmethod
    def of(cls, scenario, field, err: InputError) -> "ScenarioProblem":
        return cls(str(scenario), str(field), err.message, err.hint)

    def __str__(self) -> str:
        text = f"scenario {self.scenario!r}, field {self.field!r}: {self.message}"
        return f"{text}\n  fix: {self.hint}" if self.hint else text


def field_name(key: str) -> str:
    """A user's field name (``budget``, ``release-date``, ``lead``) -> the Film attribute it sets."""
    return _field_name(str(key).strip())


@lru_cache(maxsize=256)
def _field_name(key: str) -> str:
    if key.replace("_", "-").lower() == LEAD:
        return LEAD
    name = FIELD_ALIASES.get(key.replace("_", "-"), FIELD_ALIASES.get(key, key))
    if name not in FIELD_NAMES:
        raise InputError(f"unknown field {key!r}", hint=f"use one of: {', '.join((*FIELD_NAMES, LEAD))}")
    return name


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    try:
        hash(value)
        return (type(value).__name__, value)
    except TypeError:
        return repr(value)


class _Parser:
    """Checks each (field, value) once with ``make_film``, exactly as a new film's would be."""

    def __init__(self, base: Film):
        self.base, self.cache = base, {}

    def __call__(self, key, value):
        """(attribute, parsed value); raises ``InputError`` for an unknown field or a bad value."""
        return self.described(key, value)[:2]

    def each(self, key, values):
        """((attribute, parsed value) of each good value of ``key``, a ``ScenarioProblem`` per bad one)."""
        good, problems = [], []
        for value in values:
            try:
                good.append(self(key, value))
            except InputError as err:
                problems.append(ScenarioProblem.of(f"{key}={value}", key, err))
        return good, problems

    def described(self, key, value):
        """(attribute, parsed value, ``label=value`` as a person reads it)."""
        attr = field_name(key)
        if isinstance(value, Mapping):
            raise InputError(f"expected a value or a list, got a mapping: {value!r}")
        token = (attr, _freeze(value))
        if token not in self.cache:
            parsed = self._parse(attr, value)
            self.cache[token] = (attr, parsed, f"{_label(attr)}={describe(attr, parsed)}")
        return self.cache[token]

    def _parse(self, attr, value):
        if attr == LEAD:
            names = make_film(genres=self.base.genres, budget=self.base.budget_usd, cast=value).cast
            if len(names) != 1:
                raise InputError(f"lead takes one name, got {len(names)}", hint="use cast: [...] to change several")
            return names
        if attr == "budget_usd":
            # make_film's own check of a budget, without re-reading the base's genres each time
            # (10,000 budgets: 0.03 s instead of 0.3 s); anything odd goes to make_film for its message
            from boxoffice.units import parse_money

            try:
                return parse_money(value, field="budget")
            except InputError:
                pass
        given = {"genres": self.base.genres, "budget_usd": self.base.budget_usd, attr: value}
        return getattr(make_film(**given), attr)


def _apply(base: Film, overrides) -> Film:
    """``base`` with the parsed ``overrides``: ``dataclasses.replace`` without its per-field ``__init__``
    (a ``Film`` checks nothing there; the values are checked already), 2 µs a variant instead of 12."""
    changes = {}
    for attr, value in overrides:
        if attr == LEAD:
            cast = changes.get("cast", base.cast)
            changes["cast"] = value + tuple(cast[1:])
        else:
            changes[attr] = value
    film = object.__new__(Film)
    film.__dict__.update(base.__dict__, **changes)  # frozen: no __setattr__, which would refuse
    return film


def describe(attr: str, value) -> str:
    """A parsed value as a person reads it: ``$90M``, ``2027-12-17``, ``Keanu Reeves, Emily Blunt``."""
    from boxoffice.units import format_money

    if attr == "budget_usd" and isinstance(value, (int, float)):
        return format_money(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return f"{value:g}"
    return "(unsaid)" if value is None else str(value)


def _label(attr: str) -> str:
    return {"budget_usd": "budget", "release_date": "release_date", "mpaa_rating": "rating",
            "runtime_min": "runtime"}.get(attr, attr)


def variant_films(base: Film, variants: Mapping) -> tuple[dict[str, Film], list[ScenarioProblem], dict[str, str]]:
    """Each variant's film, the problems of the bad ones (every bad field named), and a description of each."""
    parse = _Parser(base)
    films, problems, changes = {}, [], {}
    for name, overrides in variants.items():
        name = str(name)
        if name == "base":
            problems.append(ScenarioProblem(name, "-", "'base' names the base film; rename this variant"))
            continue
        if not isinstance(overrides, Mapping) or not overrides:
            problems.append(ScenarioProblem(name, "-", "a variant must override at least one field, e.g. {budget: 90m}"))
            continue
        parsed, bad, text = [], False, []
        for key, value in overrides.items():
            try:
                attr, v, said = parse.described(key, value)
            except InputError as err:
                problems.append(ScenarioProblem.of(name, key, err))
                bad = True
                text.append(f"{key}={value}")
                continue
            parsed.append((attr, v))
            text.append(said)
        changes[name] = "; ".join(text)
        if not bad:
            films[name] = _apply(base, parsed)
    return films, problems, changes


def compare(base, variants: Mapping, forecaster, break_even_multiple: float = break_even.MULTIPLE):
    """One row per scenario, base first then the variants in order: ``FIGURES``, ``CHANGES``, ``problem``.

    ``variants``: ``{name: {field: value}}`` with the fields of ``make_film`` (and ``lead``:
    replace the first-billed name only). A bad variant keeps its row, with blank figures
    and the reason in ``problem``; ``frame.attrs["problems"]`` lists them as ``ScenarioProblem``.
    """
    base_film = as_film(base)
    films, problems, changes = variant_films(base_film, variants)
    scored, every = score_and_frame([base_film, *films.values()], forecaster, break_even_multiple)
    scored.insert(0, "scenario", ["base", *films])
    names = ["base", *dict.fromkeys(str(n) for n in variants)]
    frame = scored.set_index("scenario").reindex(names).reset_index()
    frame.insert(1, "changes", ["" if n == "base" else changes.get(n, "") for n in names])
    frame = with_changes(frame, frame.iloc[0])
    reasons = {}
    for problem in problems:
        reasons.setdefault(problem.scenario, []).append(f"{problem.field}: {problem.message}")
    frame["problem"] = [" | ".join(reasons.get(n, [])) for n in names]
    frame["title"] = frame["title"].fillna(base_film.title)
    frame.attrs["problems"], frame.attrs["warnings"] = problems, variant_warnings(base_film, films, forecaster, every)
    return frame


def grid(base, levers: Mapping, forecaster, break_even_multiple: float = break_even.MULTIPLE,
         rank_by: str = "expected_return"):
    """Every combination of the levers' values (``{"budget": ["90m", "150m"], ...}``), ranked.

    ``rank_by``: a ``FIGURES`` column, best first (lowest first for ``break_even_prob``).
    Bad values are dropped and reported in ``attrs["problems"]``; the base is in ``attrs["base"]``.
    """
    base_film = as_film(base)
    if not levers:
        raise InputError("no levers to vary", hint="e.g. --vary budget=90m,150m,250m")
    if rank_by not in FIGURES:
        raise InputError(f"cannot rank by {rank_by!r}", hint=f"use one of: {', '.join(FIGURES)}")
    parse = _Parser(base_film)
    axes, problems, seen = [], [], set()
    for key, values in levers.items():
        if field_name(key) in seen:
            raise InputError(f"{key!r} is varied twice", hint="give all its values in one lever")
        seen.add(field_name(key))
        good, bad = parse.each(key, values if isinstance(values, (list, tuple)) else [values])
        problems += bad
        if not good:
            raise InputError(f"no usable value for {key!r}" + (f": {bad[-1].message}" if bad else ""))
        axes.append(good)
    size = 1
    for axis in axes:
        size *= len(axis)
    if size > MAX_VARIANTS:
        raise InputError(f"{size:,} combinations is too many (at most {MAX_VARIANTS:,})", hint="vary fewer values")
    combos = list(itertools.product(*axes))
    films = [_apply(base_film, combo) for combo in combos]
    scored, every = score_and_frame([base_film, *films], forecaster, break_even_multiple)
    frame = with_changes(scored.iloc[1:].reset_index(drop=True), scored.iloc[0])
    frame.insert(0, "scenario", [", ".join(f"{_label(a)}={describe(a, v)}" for a, v in combo) for combo in combos])
    levers = []
    for i, axis in enumerate(axes):
        attr = axis[0][0]
        if attr not in ("budget_usd", "release_date"):
            frame[_label(attr)] = [describe(attr, combo[i][1]) for combo in combos]
        levers.append(attr if attr in ("budget_usd", "release_date") else _label(attr))
    warnings = variant_warnings(base_film, dict(zip(frame["scenario"], films)), forecaster, every)
    frame = ranked(frame, rank_by)
    frame.attrs["problems"], frame.attrs["base"], frame.attrs["levers"] = problems, scored.iloc[0].to_dict(), levers
    frame.attrs["warnings"] = warnings
    return frame


def sweep(base, field: str, values, forecaster, break_even_multiple: float = break_even.MULTIPLE):
    """One lever over a list of values, in order of the values: a ``value`` column (parsed:
    USD, date, minutes…) then ``FIGURES`` and ``CHANGES``. ``sweep_values`` makes the list from "20m..300m".
    Sweeping the budget, a base given as fields may leave it out (see ``sweep_base_budget``)."""
    if isinstance(base, Mapping) and base.get("budget") is None and base.get("budget_usd") is None:
        base = {**base, "budget": sweep_base_budget(field, values)}
    base_film = as_film(base)
    parse = _Parser(base_film)
    parsed, problems = parse.each(field, values)
    if not parsed:
        raise InputError(f"no usable value to sweep {field!r}" + (f": {problems[0].message}" if problems else ""))
    films = [_apply(base_film, [p]) for p in parsed]
    scored, every = score_and_frame([base_film, *films], forecaster, break_even_multiple)
    frame = with_changes(scored.iloc[1:].reset_index(drop=True), scored.iloc[0])
    attr = parsed[0][0]
    frame.insert(0, "value", [v[0] if attr == LEAD else v for _, v in parsed])
    frame.insert(0, "scenario", [f"{_label(attr)}={describe(attr, v)}" for _, v in parsed])
    frame.attrs["problems"], frame.attrs["base"], frame.attrs["field"] = problems, scored.iloc[0].to_dict(), attr
    frame.attrs["warnings"] = variant_warnings(base_film, dict(zip(frame["scenario"], films)), forecaster, every)
    return frame


def sweep_base_budget(field: str, values) -> float | None:
    """The base's budget when a budget sweep is given none: the geometric middle of the swept
    values (USD), the middle on the log scale the model reads budgets on; None for other levers."""
    from boxoffice.units import parse_money

    if field_name(field) != "budget_usd":
        return None
    budgets = []
    for value in values:
        try:
            budgets.append(parse_money(value, field="budget"))
        except InputError:
            continue  # reported by the sweep itself
    return (min(budgets) * max(budgets)) ** 0.5 if budgets else None


def sweep_values(field: str, spec: str, steps: int | None = None) -> list:
    """Values for a sweep from ``"start..end"``: budget (money, default 15 even steps), runtime
    (minutes, default 10 steps) or release date (default: every 7 days from the start)."""
    import numpy as np

    from boxoffice.units import parse_date, parse_money

    attr = field_name(field)
    text = str(spec)
    if ".." not in text:
        raise InputError(f"sweep range {text!r} is not START..END", hint="e.g. 20m..300m or 2027-01-01..2027-12-31")
    start, end = (part.strip() for part in text.split("..", 1))
    if steps is not None and not 2 <= steps <= MAX_VARIANTS:
        raise InputError(f"steps {steps} must be between 2 and {MAX_VARIANTS:,}")
    if attr == "release_date":
        first, last = parse_date(start, field="range start"), parse_date(end, field="range end")
        if last <= first:
            raise InputError(f"range end {last} is not after its start {first}")
        if first.year < 1900 or last.year > 2100:  # make_film's bounds: refuse now, not once per week
            raise InputError(f"range {first}..{last} reaches outside 1900-2100")
        if steps is None:
            return [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1, 7)]
        days = np.linspace(0, (last - first).days, steps).round().astype(int)
        return [first + dt.timedelta(days=int(d)) for d in dict.fromkeys(days)]
    if attr == "budget_usd":
        low, high, default = parse_money(start, field="range start"), parse_money(end, field="range end"), 15
    elif attr == "runtime_min":
        try:
            low, high, default = float(start), float(end), 10
        except ValueError:
            raise InputError(f"runtime range {text!r} is not two numbers of minutes", hint="e.g. 90..180") from None
    else:
        raise InputError(f"cannot sweep {field!r} over a range", hint="sweep budget, runtime or release-date; "
                         "to try a list of values of another field use `boxoffice whatif --vary`")
    if high <= low:
        raise InputError(f"range end {end} is not above its start {start}")
    return [float(v) for v in np.linspace(low, high, steps or default)]


def _date_span(between: str, start, end) -> tuple[dt.date, dt.date]:
    from boxoffice.units import parse_date

    if start is not None or end is not None:
        raise InputError("give either between or start and end, not both")
    if ".." not in str(between):
        raise InputError(f"--between {between!r} is not START..END", hint="e.g. 2027-05-01..2027-08-31")
    first, last = (parse_date(part.strip(), field="--between") for part in str(between).split("..", 1))
    return first, last


def fridays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Friday openings from ``start`` to ``end`` (US wide releases open on Fridays)."""
    first = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    return [first + dt.timedelta(days=7 * i) for i in range(max(0, (end - first).days // 7 + 1))]


def release_windows(base, forecaster, year: int | None = None, start: dt.date | None = None,
                    end: dt.date | None = None, by: str = "week",
                    break_even_multiple: float = break_even.MULTIPLE, between: str | None = None):
    """Release weeks (each Friday) or months of a year, or of ``start``..``end`` (or ``between``:
    "2027-05-01..2027-08-31"), ranked by worldwide P50. Default: the year of the base's release date.

    A month's figures are the mean over its Fridays, and ``release_date`` is its best Friday.
    """
    import pandas as pd

    base_film = as_film(base)
    by = str(by).strip().lower()
    if by not in ("week", "month"):
        raise InputError(f"--by {by!r} must be week or month")
    if between is not None:
        start, end = _date_span(between, start, end)
    if start is None and end is None:
        year = year if year is not None else base_film.release_date_or_default().year
        if not 1900 <= year <= 2100:
            raise InputError(f"year {year} is outside 1900-2100")
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif start is None or end is None or end < start:
        raise InputError("a release window needs a start and an end, the end after the start")
    elif start.year < 1900 or end.year > 2100:
        raise InputError(f"release window {start}..{end} reaches outside 1900-2100")
    dates = fridays(start, end) or [start]
    films = [dataclasses.replace(base_film, release_date=d) for d in dates]
    scored, every = score_and_frame([base_film, *films], forecaster, break_even_multiple)
    frame = scored.iloc[1:].reset_index(drop=True)
    when = pd.to_datetime(frame["release_date"])
    if by == "week":
        # week N of a year = its N-th Friday (1 Jan 2027 is 2027-W01; ISO would say 2026-W53)
        frame.insert(0, "window", [f"{d.year}-W{(d.day_of_year - 1) // 7 + 1:02d}" for d in when])
    else:
        frame["window"] = when.dt.strftime("%Y-%m")
        best = frame.loc[frame.groupby("window")["worldwide_p50"].idxmax(), ["window", "release_date"]]
        means = frame.groupby("window")[list(FIGURES)].mean()
        means["fridays"] = frame.groupby("window").size()
        frame = best.set_index("window").join(means).reset_index()
        frame["budget_usd"], frame["title"] = base_film.budget_usd, base_film.title
    frame = with_changes(frame, scored.iloc[0])
    frame = ranked(frame, "worldwide_p50")
    frame.attrs["base"], frame.attrs["by"] = scored.iloc[0].to_dict(), by
    frame.attrs["warnings"] = variant_warnings(base_film, {d.isoformat(): f for d, f in zip(dates, films)}, forecaster,
                                               every)
    return frame
