"""Scale: build features and train on 10k, 100k and 1M films, printing time and peak memory.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 10000 100000 1000000]

Each size runs in its own process (so peak memory is that size's alone) on a table resampled from
the real one, with perturbed titles, dates and grosses. Target: 1M films in under 10 minutes and
4 GB. Nothing is written into the repository.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def resampled(films, n: int, seed: int = 0):
    """n films drawn from the real ones: titles numbered, dates moved up to a year, grosses jittered."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    out = films.sample(n, replace=True, random_state=seed).reset_index(drop=True)
    out["title"] = out["title"] + " #" + pd.Series(np.arange(n)).astype(str)
    out["film_id"] = out["film_id"] + "-" + pd.Series(np.arange(n)).astype(str)
    shift = pd.to_timedelta(rng.integers(-365, 366, n), unit="D")
    out["release_date"] = (out["release_date"] + shift).clip(upper=pd.Timestamp("2012-12-31"))
    out["year"] = out["release_date"].dt.year
    for col in ("worldwide_gross_usd_2012", "domestic_gross_usd_2012", "worldwide_gross_usd", "domestic_gross_usd"):
        out[col] = out[col] * np.exp(rng.normal(0, 0.3, n))
    return out


def run_one(n: int) -> dict:
    from boxoffice.model.features import FeatureBuilder
    from boxoffice.model.forecaster import Forecaster
    from boxoffice.table.io import load_films
    from boxoffice.workspace import resolve_workspace

    films = resampled(load_films(resolve_workspace(require_data=True)), n)
    start = time.perf_counter()
    builder = FeatureBuilder().fit(films)
    builder.transform(films)
    features = time.perf_counter() - start
    start = time.perf_counter()
    Forecaster().fit(films)
    train = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"films": n, "features_s": features, "train_s": train, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'films':>10} {'features':>10} {'features+train':>15} {'peak memory':>12}")
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{n:>10,} failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
            continue
        r = json.loads(done.stdout)
        print(f"{r['films']:>10,} {r['features_s']:>9.1f}s {r['features_s'] + r['train_s']:>14.1f}s {r['peak_mb']:>9,.0f} MB")


if __name__ == "__main__":
    main()
