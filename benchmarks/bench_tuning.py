"""Tuning speed, printed (not a timed test): 50 trials on the public data, target at most 2 minutes.

    .venv/bin/python benchmarks/bench_tuning.py [--trials 50] [--metric rmsle] [--storage URL]

Runs a fresh study in a temporary SQLite file (as `boxoffice tune` does next to the models), and
prints the wall and CPU time (fold features included; other work on the machine slows the wall
time, so the load average is printed too), how many trials finished or were pruned, and the
best value against the default parameters and the baseline on the same five test years.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    import optuna

    from boxoffice.table.io import load_films
    from boxoffice.evaluation.tuning import TuneConfig, tune
    from boxoffice.workspace import resolve_workspace

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--metric", default="rmsle", choices=("rmsle", "pinball", "brier"))
    parser.add_argument("--storage", default=None, help="Default: a fresh SQLite file in a temp folder.")
    parser.add_argument("--home", default=None, help="Project folder with the built film table.")
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    films = load_films(resolve_workspace(home=args.home))
    with tempfile.TemporaryDirectory() as tmp:
        storage = args.storage or f"sqlite:///{Path(tmp) / 'tuning.sqlite3'}"
        config = TuneConfig(trials=args.trials, metric=args.metric, storage=storage, study=f"bench-{time.time_ns()}")
        start, cpu_start = time.perf_counter(), time.process_time()
        result = tune(films, config)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        states = [t.state.name for t in optuna.load_study(study_name=config.study_name, storage=storage).trials]

    pooled = result.comparison.set_index("year").loc["all"]
    print(f"{args.trials} trials ({states.count('COMPLETE')} finished, {states.count('PRUNED')} pruned) "
          f"of {args.metric} on {int(pooled['films']):,} test films: {seconds:.1f} s wall "
          f"({'within' if seconds <= 120 else 'OVER'} the 120 s target), {cpu:.1f} s CPU, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{args.metric}: tuned {pooled['tuned']:.4f}  default {pooled['default']:.4f}  "
          f"baseline {pooled['baseline']:.4f}  (tuned vs default {(pooled['tuned'] / pooled['default'] - 1):+.2%})")
    print(f"best: num_boost_round={result.num_boost_round} "
          + " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in result.best_params.items()))


if __name__ == "__main__":
    main()
