"""Forecasting films users describe: single films, whole slates, and the warnings that go with them
(unknown talent; values, genres, budgets and dates the model has not seen: ``boxoffice.model.domain``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import boxoffice.break_even as break_even

OUTPUT_COLUMNS = ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p10", "domestic_p50", "domestic_p90",
                  "break_even_prob", "break_even_gross", "median_multiple")


def unknown_people(forecaster, film) -> list[tuple[str, str, list[str]]]:
    """(role, name, closest known names) for each person or distributor with no earlier film."""
    from boxoffice.closest import closest_names
    from boxoffice.names import person_key

    talent = forecaster.builder_.talent_
    known = talent.keys
    unlearned = forecaster.builder_.unlearned_fields_  # no name is "unknown" in a field the model ignores
    out = []
    for role, column, names in (("cast", "cast", film.cast), ("director", "directors", film.directors[:1]),
                                ("distributor", "distributor", [film.distributor] if film.distributor else [])):
        for name in names if column not in unlearned else ():
            if f"{role}:{person_key(name)}" not in known:
                out.append((role, name, closest_names(name, talent.known_names(role))))
    return out


def unknown_warning(role: str, name: str, suggestions) -> str:
    """What a user reads about a name with no earlier film: the model treats it as a newcomer."""
    from boxoffice.model.domain import new_name_warning

    return new_name_warning(role, name, suggestions)


def model_warnings(forecaster, ignored_fields) -> list[str]:
    """What a user reads when the model ignores given fields (``Forecaster.ignored_fields``) or cannot
    forecast domestic gross at all."""
    from boxoffice.model.forecaster import model_id

    model = model_id(forecaster)
    out = [f"model {model} never learned {field} (its training films had none): the {field} given is ignored"
           for field in ignored_fields]
    if "domestic" not in forecaster.targets_:
        out.append(f"model {model} was trained without domestic grosses: domestic forecasts are unavailable")
    return out


def talent_warnings(forecaster, film) -> list[str]:
    """One warning per person or distributor of ``film`` with no earlier film, with the closest known names."""
    return [unknown_warning(role, name, near) for role, name, near in unknown_people(forecaster, film)]


def forecast_warnings(forecaster, film) -> list[str]:
    """Everything a user should read beside ``film``'s forecast: fields the model never learned
    (``model_warnings``), a country, language or rating the model does not know, a distributor with
    no earlier film, a genre it has not learned, a budget, runtime or date beyond its data
    (``boxoffice.model.domain.findings``), then cast and director with no earlier film
    (``talent_warnings``)."""
    return films_warnings(forecaster, [film])[0]


def films_warnings(forecaster, films, frame=None) -> list[list[str]]:
    """``forecast_warnings`` of each of ``films`` at once: the domain checks judge them in one pass.
    ``frame``: their ``films_frame``, when the caller has made it already."""
    from boxoffice.model.domain import findings
    from boxoffice.table.film import films_frame

    frame = films_frame(films) if frame is None else frame
    found: list[list[str]] = [[] for _ in films]
    for rows, message in findings(forecaster, frame):
        for i in rows:
            found[int(i)].append(message)
    return [model_warnings(forecaster, forecaster.ignored_fields(frame.iloc[i:i + 1])) + found[i]
            + [unknown_warning(role, name, near) for role, name, near in unknown_people(forecaster, film)
               if role != "distributor"]
            for i, film in enumerate(films)]


def forecast_film(forecaster, film, break_even_multiple: float = break_even.MULTIPLE, explain: bool = False) -> dict:
    """One film's forecast as ``predict --json`` gives it: ``OUTPUT_COLUMNS``, then title, release_date
    (ISO; ``default_release_date`` when unsaid), budget_usd, break_even_multiple and model (``model_id``);
    with ``explain``, ``drivers`` ({lever: USD}, ``boxoffice.model.explain``) as ``predict --explain --json``.

    Money is USD of the release year. Nothing is checked here: see ``forecast_warnings``.
    """
    return forecast_films(forecaster, [film], [break_even_multiple], [explain])[0]


def forecast_films(forecaster, films, break_even_multiples=None, explain=None, frame=None) -> list[dict]:
    """``forecast_film`` of each of ``films``, each answer exactly what it would be alone, from one scoring
    per distinct break-even multiple: a film costs the model little, a call much (features, comparable
    copies, pandas), so a server answers concurrent requests together. ``break_even_multiples`` and
    ``explain``: one per film (default: ``break_even.MULTIPLE``, no drivers); ``frame``: the films'
    ``films_frame``, when the caller has made it already."""
    from boxoffice.model.forecaster import model_id
    from boxoffice.table.film import films_frame

    films = list(films)
    multiples = [break_even.MULTIPLE] * len(films) if break_even_multiples is None else list(break_even_multiples)
    explain = [False] * len(films) if explain is None else list(explain)
    model = model_id(forecaster)
    out: list[dict] = [{} for _ in films]
    for multiple in dict.fromkeys(multiples):
        at = [i for i, m in enumerate(multiples) if m == multiple]
        scored = frame if frame is not None and len(at) == len(films) else films_frame([films[i] for i in at])
        logs = forecaster.predict_logs(scored, multiple)  # scored once, for the figures and the drivers
        records = forecaster.predict(scored, multiple, logs=logs).to_dict("records")
        found = None
        if any(explain[i] for i in at):
            from boxoffice.model.explain import drivers

            found = drivers(forecaster, scored, logs=logs)
        for j, i in enumerate(at):
            out[i] = records[j] | {"title": films[i].title, "release_date": scored["release_date"].iloc[j].date().isoformat(),
                                   "budget_usd": films[i].budget_usd, "break_even_multiple": multiple, "model": model}
            if explain[i]:
                out[i]["drivers"] = found.as_dict(j)
    return out


def forecast_context(forecaster, film) -> dict:
    """What a forecast of ``film`` rests on, for a reader beside its figures (the HTTP API gives it with
    ``forecast_film``): ``warnings`` (``forecast_warnings``), ``unknown_names`` (role, name and the closest
    known names of each person with no earlier film), ``assumed`` (fields the forecast took a default
    for: the release date) and ``open_fields`` (not decided: mixed over comparable films)."""
    return films_context(forecaster, [film])[0]


def films_context(forecaster, films, frame=None) -> list[dict]:
    """``forecast_context`` of each of ``films`` at once (the warnings judged in one pass: ``films_warnings``;
    ``frame``: their ``films_frame``, when the caller has made it already)."""
    from boxoffice.table.film import open_fields

    warnings = films_warnings(forecaster, films, frame) if films else []
    return [{"warnings": found,
             "unknown_names": [{"role": role, "name": name, "closest": list(near)}
                               for role, name, near in unknown_people(forecaster, film)],
             "assumed": ["release_date"] if film.release_date is None else [],
             "open_fields": list(open_fields(film))} for film, found in zip(films, warnings)]


@dataclass
class SlateResult:
    forecasts: "object"
    """The input's title and release_date, then ``OUTPUT_COLUMNS``, with ``explain``
    ``driver_baseline_usd`` and one ``driver_<lever>_usd`` per lever (they sum to the worldwide P50),
    ``problem`` (blank if fine) and ``warning`` (what the row has that the model has not seen; blank if nothing)."""
    problems: list
    n_ok: int
    ignored_fields: list = field(default_factory=list)
    """Fields the slate gives that the model never learned (``Forecaster.ignored_fields``)."""
    warnings: list = field(default_factory=list)
    """``"row 4: country 'Narnia' is not …"``, one line per message (``boxoffice.model.domain.grouped``)."""


def predict_slate(forecaster, path: Path, mapping=None, break_even_multiple: float = break_even.MULTIPLE,
                  explain: bool = False, blank_means_open: bool = False) -> SlateResult:
    """Forecast every good row of a slate CSV; bad rows are reported by row number and left blank.
    A value, genre, budget or date the model has not seen is no problem: the row is forecast, with
    a warning.

    A column the slate lacks is open (mixed over comparable films); an empty cell is unknown, or open
    with ``blank_means_open``. ``explain``: also split each worldwide P50 into levers
    (``boxoffice.model.explain.drivers``), in USD.
    """
    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, ColumnMapping, read_frame

    mapping = mapping or ColumnMapping()
    frame = read_frame(path, mapping, FORECAST_REQUIRED)
    return forecast_slate(forecaster, frame, mapping, break_even_multiple, explain, blank_means_open)


def forecast_slate(forecaster, frame, mapping=None, break_even_multiple: float = break_even.MULTIPLE,
                   explain: bool = False, blank_means_open: bool = False) -> SlateResult:
    """``predict_slate`` of a slate already read (text cells, canonical columns, CSV line index):
    the one path of every slate, the backtest's included."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.domain import findings, grouped, row_text
    from boxoffice.table.slate import slate_films
    from boxoffice.table.text_columns import coded_text, placed_text
    from boxoffice.units import is_money_key, to_the_cent

    films, problems = slate_films(frame, mapping, blank_means_open=blank_means_open)
    ignored, warnings = [], []
    n = len(frame)
    blank = coded_text(np.zeros(n, dtype=np.int64), [""])
    # the cells as given, as the reader holds them (converting 84,000 texts to Python and back cost 20 ms)
    out = {column: frame[column].array if column in frame else blank for column in ("title", "release_date")}
    out |= {col: np.full(n, np.nan) for col in OUTPUT_COLUMNS}
    out |= {"mixed_over": blank, "comparable_films": np.zeros(n, dtype=np.int64)}
    warning = blank
    if len(films):
        logs = forecaster.predict_logs(films, break_even_multiple)  # scored once, for the drivers too
        pred = forecaster.predict(films, break_even_multiple, logs=logs)
        ignored = forecaster.ignored_fields(films)
        found = findings(forecaster, films)
        warnings = grouped(found, films["row"].to_numpy(), "row")
        at = frame.index.get_indexer(films["row"])
        warning = placed_text(row_text(found, len(films)), at, n)
        for col in (*OUTPUT_COLUMNS, "comparable_films"):
            out[col][at] = pred[col].to_numpy()
        out["mixed_over"] = placed_text(pred["mixed_over"].array, at, n)
        if explain:
            from boxoffice.model.explain import drivers

            found = drivers(forecaster, films, logs=logs)
            columns = {"driver_baseline_usd": found.baseline_usd.to_numpy()}  # the model's average film
            columns |= {f"driver_{lever}_usd": found.usd[lever].to_numpy() for lever in found.usd.columns}
            for name, values in columns.items():
                out[name] = np.full(n, np.nan)
                out[name][at] = values
    bad = {}
    for problem in problems:
        bad.setdefault(problem.row, []).append(f"{problem.column}: {problem.message}")
    problem_codes = np.zeros(n, dtype=np.int64)
    problem_codes[frame.index.get_indexer(list(bad))] = np.arange(1, len(bad) + 1)
    out |= {"problem": coded_text(problem_codes, ["", *("; ".join(texts) for texts in bad.values())]),
            "warning": warning}  # the problem before the warning
    out |= {name: to_the_cent(values) for name, values in out.items() if is_money_key(name)}
    return SlateResult(pd.DataFrame(out), problems, len(films), ignored, warnings)
