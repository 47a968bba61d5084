"""Scenario speed, printed (not a timed test): scoring 10,000 variants of one film, target at most 2 s.

    .venv/bin/python benchmarks/bench_scenarios.py [--home DIR] [--variants 10000] [--runs 3]

``--home``: a workspace whose default model is already trained (else one is trained in a temp
folder first, about a minute). Three shapes, each the median of ``--runs``:
``compare`` with 10,000 named variants that each change budget and release date (every value
parsed and checked), ``grid`` of budgets x release dates x leads, and ``score`` of 10,000 ready films.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 2.0


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _forecaster(home: Path | None):
    from boxoffice.store import ModelStore
    from boxoffice.table.io import load_films
    from boxoffice.training import train_and_store
    from boxoffice.workspace import Workspace, resolve_workspace

    if home is not None:
        return ModelStore(resolve_workspace(home=home).models_dir).load("default")
    ws = resolve_workspace(require_data=True)
    temp = Workspace(data_dir=ws.data_dir, home=Path(tempfile.mkdtemp(prefix="bench-scenarios-")))
    print(f"training a model in {temp.home} (pass --home to reuse one)…")
    store = ModelStore(temp.models_dir)
    train_and_store(load_films(temp), store, "default", evaluate=False)
    return store.load("default")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import datetime as dt

    from boxoffice.whatif.scenarios import compare, grid
    from boxoffice.whatif.scoring import as_film, score

    forecaster = _forecaster(args.home)
    base = {"title": "Untitled heist thriller", "genres": ["Action", "Thriller"], "budget": "150m",
            "release_date": "2027-07-16", "cast": ["Tom Cruise", "Emily Blunt"], "director": "Christopher McQuarrie",
            "mpaa_rating": "PG-13"}
    n = args.variants
    start_day = dt.date(2027, 1, 1)
    variants = {f"v{i}": {"budget": f"{20 + 280 * i / n:.3f}m", "release_date": str(start_day + dt.timedelta(days=i % 365))}
                for i in range(n)}
    leads = ["Tom Cruise", "Keanu Reeves", "Tom Hanks", "Will Smith", "Matt Damon", "Anne Hathaway", "Johnny Depp",
             "Morgan Freeman"]
    budgets = [f"{b}m" for b in range(20, 320, 12)]  # 25
    dates = [str(start_day + dt.timedelta(days=7 * w)) for w in range(n // (len(leads) * len(budgets)))]
    levers = {"budget": budgets, "release_date": dates, "lead": leads}
    film = as_film(base)
    films = [dataclasses.replace(film, budget_usd=20e6 + 280e6 * i / n) for i in range(n)]

    compare(base, {"warm": {"budget": "90m"}}, forecaster)  # load boosters, caches
    seconds = {
        f"compare: {n:,} named variants (budget + date each)": _median(lambda: compare(base, variants, forecaster), args.runs),
        f"grid: {len(budgets)} budgets x {len(dates)} dates x {len(leads)} leads = "
        f"{len(budgets) * len(dates) * len(leads):,}": _median(lambda: grid(base, levers, forecaster), args.runs),
        f"score: {n:,} ready films, one predict call": _median(lambda: score(films, forecaster), args.runs),
    }
    width = max(map(len, seconds))
    for label, value in seconds.items():
        verdict = "ok" if value <= TARGET_SECONDS else f"OVER the {TARGET_SECONDS:g} s target"
        print(f"{label:<{width}}  {value:6.2f} s  {verdict}")


if __name__ == "__main__":
    main()
