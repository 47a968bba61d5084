"""Forecasting films users describe: single films, whole slates, unknown-talent checks."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from boxoffice.model.forecaster import BREAK_EVEN_MULTIPLE

OUTPUT_COLUMNS = ("worldwide_p10", "worldwide_p50", "worldwide_p90", "domestic_p10", "domestic_p50", "domestic_p90",
                  "break_even_prob", "break_even_gross", "expected_multiple")


def unknown_people(forecaster, film) -> list[tuple[str, str, list[str]]]:
    """(role, name, closest known names) for each person or distributor with no earlier film."""
    from boxoffice.names import person_key
    from boxoffice.model.track_records import closest_names

    table = forecaster.builder_.talent_.table
    known = set(table["key"])
    unlearned = forecaster.builder_.unlearned_fields_  # no name is "unknown" in a field the model ignores
    out = []
    for role, field, names in (("cast", "cast", film.cast), ("director", "directors", film.directors[:1]),
                               ("distributor", "distributor", [film.distributor] if film.distributor else [])):
        for name in names if field not in unlearned else ():
            if f"{role}:{person_key(name)}" not in known:
                out.append((role, name, closest_names(name, forecaster.builder_.talent_.known_names(role))))
    return out


@dataclass
class SlateResult:
    forecasts: "object"
    """The input's title and release_date, then ``OUTPUT_COLUMNS``, with ``explain``
    ``driver_baseline_usd`` and one ``driver_<lever>_usd`` per lever (they sum to the worldwide P50),
    and ``problem`` (blank if fine)."""
    problems: list
    n_ok: int
    ignored_fields: list = field(default_factory=list)
    """Fields the slate gives that the model never learned (``Forecaster.ignored_fields``)."""


def predict_slate(forecaster, path: Path, mapping=None, break_even_multiple: float = BREAK_EVEN_MULTIPLE,
                  explain: bool = False) -> SlateResult:
    """Forecast every good row of a slate CSV; bad rows are reported by row number and left blank.

    ``explain``: also split each worldwide P50 into levers (``boxoffice.model.explain.drivers``), in USD.
    """
    import pandas as pd

    from boxoffice.table.film import default_release_date
    from boxoffice.table.mapped_csv import FORECAST_REQUIRED, ColumnMapping, parse_rows, read_frame

    mapping = mapping or ColumnMapping()
    frame = read_frame(path, mapping, FORECAST_REQUIRED)
    records, problems = parse_rows(frame, mapping, FORECAST_REQUIRED)
    out = pd.DataFrame({"row": frame.index.to_numpy(), "title": frame.get("title", pd.Series("", index=frame.index)).to_numpy(),
                        "release_date": frame.get("release_date", pd.Series("", index=frame.index)).to_numpy()})
    for col in OUTPUT_COLUMNS:
        out[col] = float("nan")
    if records:
        films = pd.DataFrame(records)
        films["release_date"] = pd.to_datetime(films["release_date"]).fillna(pd.Timestamp(default_release_date()))
        pred = forecaster.predict(films, break_even_multiple)
        ignored = forecaster.ignored_fields(films)
        at = out.set_index("row").index.get_indexer(films["row"])
        for col in OUTPUT_COLUMNS:
            out.loc[at, col] = pred[col].to_numpy()
        if explain:
            from boxoffice.model.explain import drivers

            found = drivers(forecaster, films)
            columns = {"driver_baseline_usd": found.baseline_usd.to_numpy()}  # the model's average film
            columns |= {f"driver_{lever}_usd": found.usd[lever].to_numpy() for lever in found.usd.columns}
            for name, values in columns.items():
                out[name] = float("nan")
                out.loc[at, name] = values
    bad = {}
    for problem in problems:
        bad.setdefault(problem.row, []).append(f"{problem.column}: {problem.message}")
    out["problem"] = out["row"].map(lambda r: "; ".join(bad.get(r, [])))
    return SlateResult(out.drop(columns="row"), problems, len(records), ignored if records else [])
