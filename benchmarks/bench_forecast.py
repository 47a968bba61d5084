"""Forecasting speed, printed (not a timed test): train time, single-forecast latency in process and
as a cold CLI call, and batch throughput for 100,000 films: in memory, and as one `predict --input`
run of a slate CSV (the user's figure: the run's time beyond a cold one-film run's).

    .venv/bin/python benchmarks/bench_forecast.py [--rows 100000]

The cold CLI call is compared with `python -c "import lightgbm, pandas"` in the same run, as a ratio.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed(job) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def _slate_cells(films, rows: int, seed: int):
    """``rows`` films resampled from the public ones with a budget and genres, released in 2027, as a
    slate's text cells (every column). (Before 4 December's second stop, ``rows`` films were resampled
    from all and those without a budget or genres dropped: 84,437 of 100,000.)"""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    named = films[(films["budget_usd"] > 1e6) & (films["genres"].map(len) > 0)]
    named = named.sample(rows, replace=True, random_state=seed).reset_index(drop=True)
    named["release_date"] = pd.Timestamp("2027-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")

    def text(column):
        return named[column].astype(object).where(named[column].notna(), "")

    return pd.DataFrame({
        "title": named["title"], "release_date": named["release_date"].dt.strftime("%Y-%m-%d"),
        "genres": named["genres"].map("|".join), "budget": (named["budget_usd"] / 1e6).round(2).astype(str) + "m",
        "cast": named["cast"].map("|".join), "director": named["directors"].map(lambda d: d[0] if len(d) else ""),
        "mpaa_rating": text("mpaa_rating"), "runtime_min": text("runtime_min"), "country": text("country"),
        "language": text("language"), "distributor": text("distributor"),
        "sequel": named["sequel"].map({True: "yes", False: "no"}).astype(object).fillna(""), "franchise": ""})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import numpy as np
    import pandas as pd

    from boxoffice.store import ModelStore
    from boxoffice.table.film import films_frame, make_film
    from boxoffice.table.io import load_films
    from boxoffice.training import train_and_store
    from boxoffice.workspace import resolve_workspace

    ws = resolve_workspace(require_data=True)
    films = load_films(ws)
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    store = ModelStore(home / "models")
    start = time.perf_counter()
    train_and_store(films, store, "default", evaluate=False)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    train_and_store(films, store, "evaluated", evaluate=True)
    full_seconds = time.perf_counter() - start
    forecaster = store.load("default")

    one = films_frame([make_film(genres="action", budget="150m", release_date="2027-07-16", cast="Tom Cruise")])
    forecaster.predict(one)
    latencies = []
    for _ in range(50):
        start = time.perf_counter()
        forecaster.predict(one)
        latencies.append(time.perf_counter() - start)

    rng = np.random.default_rng(0)
    sample = films.sample(args.rows, replace=True, random_state=0).reset_index(drop=True)
    sample["release_date"] = pd.Timestamp("2027-01-01") + pd.to_timedelta(rng.integers(0, 365, args.rows), unit="D")
    sample["year"] = 2027
    start = time.perf_counter()
    forecaster.predict(sample)
    first_batch = time.perf_counter() - start  # includes the forest's one-off set-up (numba import, cached kernel)
    batch_seconds = statistics.median(_timed(lambda: forecaster.predict(sample)) for _ in range(3))
    feature_seconds = statistics.median(
        _timed(lambda: forecaster.builder_.transform(sample, fill_unspecified=True)) for _ in range(3))
    forecaster.set_params(predictor="lightgbm")
    lightgbm_seconds = _timed(lambda: forecaster.predict(sample))  # the same batch through LightGBM's predictor
    forecaster.set_params(predictor="auto")

    # the same films as a slate CSV with every column, as `boxoffice predict --input` reads it (parsing included):
    # the path a slate takes, so the figure the target is judged on
    from boxoffice.whatif.slates import predict_slate

    slate, cells = home / "slate.csv", _slate_cells(films, args.rows, seed=0)
    cells.to_csv(slate, index=False)
    # in this process the slate's names and titles were already read (the model was trained on the films it
    # resamples): one `predict --input` run, timed below, is the user's figure
    slate_seconds = statistics.median(_timed(lambda: predict_slate(forecaster, slate)) for _ in range(3))
    # resampled films repeat their texts (about 4,400 distinct films), and each distinct text is read
    # once: a slate of distinct films (a number in each title, a newcomer in each cast) is the harder case
    number = pd.Series(range(len(cells)), index=cells.index).astype(str)
    distinct = cells.assign(title=cells["title"] + " " + number, cast=cells["cast"] + "|Newcomer " + number)
    distinct_slate = home / "slate-distinct.csv"
    distinct.to_csv(distinct_slate, index=False)
    distinct_seconds = _timed(lambda: predict_slate(forecaster, distinct_slate))

    exe = str(Path(sys.executable).with_name("boxoffice"))
    (home / ".boxoffice").mkdir(exist_ok=True)
    baseline = _median_seconds([sys.executable, "-c", "import lightgbm, pandas"], args.runs)
    one_film = [exe, "predict", "--genre", "action", "--budget", "150m", "--home", str(home)]
    # one `predict --input` run, as a user makes it: the process's start (the cold one-film run's) plus the slate;
    # the two runs alternate and the slate's own time is the median of each pair's difference (this machine's
    # speed drifts by a quarter from one minute to the next: runs timed apart measured the drift)
    colds, slates = [], []
    for run in range(max(args.runs, 3)):
        colds.append(_median_seconds(one_film, 1))
        slates.append(_timed(lambda: subprocess.run(
            [exe, "predict", "--input", str(slate), "--output", str(home / f"out-{run}.csv"), "--home", str(home)],
            check=True, capture_output=True)))
    cold, cli_slate = statistics.median(colds), statistics.median(slates)
    beyond = statistics.median(s - c for s, c in zip(slates, colds))
    help_ = _median_seconds([exe, "--help"], args.runs)
    machine = statistics.median(_timed(lambda: sum(range(10**7))) for _ in range(5))

    print(f"train (no backtest), {len(films):,} films:        {fit_seconds:6.1f} s")
    print(f"train with 5-year backtest (boxoffice train):  {full_seconds:6.1f} s")
    print(f"single forecast in process, median of 50:      {statistics.median(latencies) * 1000:6.1f} ms")
    print(f"batch: {args.rows:,} films, median of 3:          {batch_seconds:6.2f} s = {args.rows / batch_seconds:,.0f} rows/s")
    print(f"  of which features:                           {feature_seconds:6.2f} s")
    print(f"  first batch in a process (one-off set-up):   {first_batch:6.2f} s")
    print(f"  same batch through LightGBM's own predictor: {lightgbm_seconds:6.2f} s = {args.rows / lightgbm_seconds:,.0f} rows/s"
          f"   (forest {lightgbm_seconds / batch_seconds:.1f}x)")
    n = len(cells)
    print(f"one `predict --input` run of a slate CSV of {n:,} films, every column, median of {len(slates)}: {cli_slate:6.2f} s; "
          f"beyond the cold one-film run's {cold:.2f} s (median of the paired differences): {beyond:6.2f} s = "
          f"{n / max(beyond, 1e-9):,.0f} films/s")
    print(f"  the same slate in this process (its names already read), median of 3: {slate_seconds:6.2f} s = "
          f"{n / slate_seconds:,.0f} films/s")
    print(f"  the same slate in this process, every title and cast distinct: {distinct_seconds:6.2f} s = "
          f"{n / distinct_seconds:,.0f} films/s")
    print(f"cold `boxoffice predict` (median of {len(colds)}):        {cold:6.2f} s")
    print(f"`python -c 'import lightgbm, pandas'`:         {baseline:6.2f} s   ratio {cold / baseline:.2f}x")
    print(f"`boxoffice --help`:                            {help_:6.2f} s")
    print(f"this machine's speed: `sum(range(10**7))` in {machine * 1000:.0f} ms, median of 5 (compare stops by it)")


if __name__ == "__main__":
    main()
