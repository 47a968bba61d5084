"""Your own newer films on top of the public table: does adding them beat the public-only model? Printed, not a test.

    .venv/bin/python benchmarks/bench_added_films.py [--cut 2010] [--test-year 2012] [--keep DIR]

Everything runs through the commands a user types (``boxoffice data build``, ``data add``, ``train``,
``predict --input --mapping``), in two workspaces made in a temp folder and deleted after (``--keep``
keeps them). Both read the same public files cut at ``--cut`` (temporary copies holding only films
released before it; Box Office Mojo keeps its first year, which links to no film of the test year).
Workspace B then adds a "studio export": the public table's films of ``--cut`` up to ``--test-year``,
written with other headers, ``;`` between names and a mapping file, as a studio would hand them
over. Each trains its default model and forecasts the films of ``--test-year`` from a slate in the
export's headers. Reported: RMSLE, R² on log gross, 80% coverage, break-even AUC and Brier on those
films, for both models and for each one's log-budget baseline, and how many test films' leads have
earlier films in the track records that came only from the export. Nothing here is committed: the
copies and the export exist only while it runs.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "boxoffice"

EXPORT_HEADERS = {"title": "Film Name", "release_date": "Opening", "genres": "Genre(s)", "budget_usd": "Cost",
                  "worldwide_gross_usd": "Global BO", "domestic_gross_usd": "US BO", "cast": "Stars",
                  "directors": "Helmer", "mpaa_rating": "MPAA", "runtime_min": "Length", "distributor": "Studio",
                  "country": "Origin", "language": "Lang"}
"""Canonical column -> the export's header: none of them the toolkit's own names."""


def _cut_sources(data: Path, folder: Path, cut: int) -> Path:
    """Copies of the public files holding only what was released before ``cut`` (read as the adapters read dates)."""
    import pandas as pd

    from boxoffice.table.sources import vega
    from boxoffice.units import parse_date

    folder.mkdir(parents=True)
    tn = pd.read_csv(data / "the-numbers-budgets.csv", dtype=str, keep_default_na=False)
    tn[tn["release_date"].map(lambda t: parse_date(t).year) < cut].to_csv(folder / "the-numbers-budgets.csv", index=False)
    im = pd.read_csv(data / "imdb-5000-movie-metadata.csv", dtype=str, keep_default_na=False)
    year = pd.to_numeric(im["title_year"], errors="coerce")
    im[year.isna() | (year < cut)].to_csv(folder / "imdb-5000-movie-metadata.csv", index=False)
    rows = json.loads((data / vega.FILE).read_text(encoding="utf-8"))

    def before(row) -> bool:
        try:
            shown = parse_date(row["Release Date"]).year
        except Exception:  # noqa: BLE001 - an unreadable date: the adapter drops it anyway
            return True
        return shown < cut or shown > vega.VINTAGE_YEAR  # a later year is century-shifted: an old film
    (folder / vega.FILE).write_text(json.dumps([r for r in rows if before(r)]), encoding="utf-8")
    bom = pd.read_csv(data / "box-office-mojo-gross.csv", dtype=str, keep_default_na=False)
    bom[pd.to_numeric(bom["year"]) <= bom["year"].astype(int).min()].to_csv(folder / "box-office-mojo-gross.csv", index=False)
    return folder


def _export(films, path: Path) -> Path:
    """Films of the film table as a studio's CSV: its own headers, dates as 'Jul 16, 2010', '$' amounts, ';' lists."""
    import pandas as pd

    def money(values):
        return [f"${v:,.0f}" if v == v else "" for v in values.astype(float)]

    out = pd.DataFrame({
        "Film Name": films["title"], "Opening": films["release_date"].dt.strftime("%b %d, %Y"),
        "Genre(s)": films["genres"].map(";".join), "Cost": money(films["budget_usd"]),
        "Global BO": money(films["worldwide_gross_usd"]), "US BO": money(films["domestic_gross_usd"]),
        "Stars": films["cast"].map(";".join), "Helmer": films["directors"].map(";".join),
        "MPAA": films["mpaa_rating"].fillna(""), "Length": films["runtime_min"].map(lambda v: f"{v:.0f}" if v == v else ""),
        "Studio": films["distributor"].fillna(""), "Origin": films["country"].fillna(""),
        "Lang": films["language"].fillna(""),
    })
    out.to_csv(path, index=False)
    return path


def _run(home: Path, sources: Path, *args) -> str:
    done = subprocess.run([str(CLI), *map(str, args), "--home", str(home), *(["--sources", str(sources)] if sources else [])],
                          capture_output=True, text=True)
    if done.returncode not in (0,):
        raise SystemExit(f"boxoffice {' '.join(map(str, args))} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def _scores(forecasts, actual, budget, multiple: float = 2.5) -> dict:
    import numpy as np

    from boxoffice.evaluation import metrics

    lost = actual < multiple * budget
    return {"rmsle": metrics.rmsle(actual, forecasts["worldwide_p50"]),
            "r2_log": metrics.r2_log(np.log(actual), np.log(forecasts["worldwide_p50"])),
            "coverage_80": metrics.coverage(actual, forecasts["worldwide_p10"], forecasts["worldwide_p90"]),
            "break_even_auc": metrics.auc(lost, forecasts["break_even_prob"]),
            "brier": metrics.brier(lost, forecasts["break_even_prob"])}


def _baseline(train_films, test_films, multiple: float = 2.5) -> dict:
    """The log-budget line fitted on a workspace's trainable films, scored on the test films."""
    import numpy as np
    import pandas as pd

    from boxoffice.model.baseline import BaselineModel
    from boxoffice.model.forecaster import trainable

    train = trainable(train_films)
    line = BaselineModel().fit(np.log(train["budget_usd_2012"]), np.log(train["worldwide_gross_usd_2012"]))
    q = line.predict(np.log(test_films["budget_usd_2012"]))
    scale = (test_films["worldwide_gross_usd"] / test_films["worldwide_gross_usd_2012"]).to_numpy()  # back to release-year USD
    threshold = np.log(multiple * test_films["budget_usd_2012"].to_numpy())
    forecasts = pd.DataFrame({f"worldwide_{k}": np.exp(v) * scale for k, v in q.items()})
    forecasts["break_even_prob"] = line.prob_below(threshold, q)
    return _scores(forecasts, test_films["worldwide_gross_usd"].to_numpy(), test_films["budget_usd"].to_numpy(), multiple)


def main() -> None:
    import pandas as pd

    from boxoffice.model.track_records import key_for
    from boxoffice.store import ModelStore
    from boxoffice.table.io import load_table
    from boxoffice.workspace import resolve_workspace

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cut", type=int, default=2010, help="public films released before this year only")
    parser.add_argument("--test-year", type=int, default=2012, help="forecast the films of this year")
    parser.add_argument("--keep", type=Path, default=None, help="keep the workspaces in this folder")
    args = parser.parse_args()
    data = resolve_workspace(require_data=True).data_dir
    temp = Path(args.keep or tempfile.mkdtemp(prefix="bench-added-"))
    try:
        cut = _cut_sources(data, temp / "public-cut", args.cut)
        full = temp / "full"
        _run(full, data, "data", "build")
        table = load_table(full / ".boxoffice" / "films.parquet")
        newer = table[(table["year"] >= args.cut) & (table["year"] < args.test_year)]
        test = table[(table["year"] == args.test_year) & table["budget_usd"].notna() & table["worldwide_gross_usd"].notna()
                     & (table["genres"].map(len) > 0)]
        export = _export(newer, temp / "studio-export.csv")
        slate = _export(test.assign(worldwide_gross_usd=float("nan"), domestic_gross_usd=float("nan")),
                        temp / f"slate-{args.test_year}.csv")
        mapping = temp / "studio-export.yaml"
        mapping.write_text("list_separator: \";\"\ncolumns:\n" + "".join(f"  {k}: {v}\n" for k, v in EXPORT_HEADERS.items()),
                           encoding="utf-8")
        results, track = {}, {}
        for label, home in (("public only", temp / "a"), ("public + studio export", temp / "b")):
            _run(home, cut, "data", "build")
            if home.name == "b":
                added = json.loads(_run(home, cut, "data", "add", export, "--mapping", mapping, "--source", "studio", "--json"))
                print(f"data add: {added['rows']} rows, {added['matched']} matched, {added['new']} new, "
                      f"{added['refused']} refused {added['refused_by']}, unknown {added['unknown']}")
            trained = json.loads(_run(home, cut, "train", "--json"))
            print(f"{label}: trained on {trained['films']} films; {trained['reason']}")
            out = home / "forecasts.csv"
            _run(home, cut, "predict", "--input", slate, "--mapping", mapping, "--output", out)
            forecasts = pd.read_csv(out)
            results[label] = _scores(forecasts, test["worldwide_gross_usd"].to_numpy(), test["budget_usd"].to_numpy())
            films = load_table(home / ".boxoffice" / "films.parquet")
            results[f"{label}: baseline"] = _baseline(films, test)
            builder = ModelStore(home / "models").load("default").builder_
            leads = [cast[0] for cast in test["cast"] if cast]
            dates = [d for d, cast in zip(test["release_date"], test["cast"]) if cast]
            track[label] = builder.talent_.records_as_of([key_for("cast", n) for n in leads], dates)["n"].to_numpy()
        print(f"\nForecasts of the {len(test)} films of {args.test_year} (predict --input, export headers), "
              f"public films before {args.cut}, export {args.cut}-{args.test_year - 1} ({len(newer)} films):")
        print(pd.DataFrame(results).T.round(3).to_string())
        a, b = track["public only"], track["public + studio export"]
        print(f"\nTrack records of the {len(a)} test films' leads: earlier films counted {int(a.sum())} without the "
              f"export, {int(b.sum())} with it; {int((b > a).sum())} leads have more, "
              f"{int(((a == 0) & (b > 0)).sum())} were newcomers without it.")
    finally:
        if args.keep is None:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
