"""Load on `boxoffice serve`, printed (not a timed test): concurrent clients on loopback, each posting one
film's forecast (`POST /api/forecast`, drivers included, as the page asks) as fast as answers come.

    .venv/bin/python benchmarks/bench_serve.py --home DIR [--clients 50] [--seconds 30] [--workers 1]
        [--without-drivers] [--think SECONDS] [--drivers-only]

``--home``: a workspace whose default model is trained (the server is started on it, on a free port of
127.0.0.1, and stopped at the end). Prints requests per second, p50 / p99 latency, errors (any answer
but 200), and the server's resident memory (all its processes) at the start and the end. Every film
differs a little (budget, date), so no answer is a cached one. ``--without-drivers`` asks for the
figures alone (``explain: false``), to show what the drivers cost. ``--think``: each client waits that
long after an answer before its next request, as a person moving a lever on the page does (0: the
next request at once, a closed loop). Traffic goes only to 127.0.0.1, for a bounded time. Target on the
2-core machine: p99 under 250 ms, no errors, memory flat.

In a closed loop of N clients, latency is about N / throughput (Little's law): 50 clients within
250 ms need 200 forecasts a second, and the clients' own CPU (printed) shares the same two cores.

First, in process: the drivers of 50 such films (each with its 25 comparable copies: 1,300 rows) through
LightGBM's ``pred_contrib`` and through ``boxoffice.model.treeshap``, as a ratio in one run
(``--drivers-only`` prints just that, without the server).
"""
from __future__ import annotations

import argparse
import collections
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_P99_MS = 250.0


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (uvicorn's workers), MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children's processes."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            continue
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _film(index: int, i: int) -> dict:
    """Client ``index``'s ``i``-th film: cast, director, distributor and the rest left open, as on the page."""
    return {"genres": ["action", "thriller"][: 1 + (i % 2)], "budget": f"{20 + (index * 7 + i) % 280}m",
            "release_date": f"2027-{1 + i % 12:02d}-{1 + index % 28:02d}"}


def _drivers_figures(home: Path, films: int = 50, runs: int = 5) -> dict:
    """In process, before the server starts: the contributions behind the drivers of ``films`` open films
    (each with its comparable copies), by LightGBM's ``pred_contrib`` and by ``boxoffice.model.treeshap``,
    median of ``runs`` each, the same rows in one run; and one whole ``drivers`` call."""
    import numpy as np

    from boxoffice.model.explain import drivers
    from boxoffice.model.treeshap import TreeShap
    from boxoffice.store import ModelStore
    from boxoffice.table.film import films_frame, make_film
    from boxoffice.workspace import resolve_workspace

    forecaster = ModelStore(resolve_workspace(home=home).models_dir).load("default")
    frame = films_frame([make_film(**_film(i, 1 + i % 7)) for i in range(films)])
    model = forecaster.models_["worldwide"]
    X = forecaster.features(forecaster.expand(frame))[model.feature_names_]
    booster, kernel = model.boosters_["p50"], TreeShap.from_model_text(model.booster_texts()["p50"])

    def median_ms(job):
        job()  # warm: numba's cached kernel loaded, LightGBM's buffers allocated
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            job()
            times.append(time.perf_counter() - start)
        return 1000 * statistics.median(times)

    lightgbm_ms = median_ms(lambda: booster.predict(X, pred_contrib=True))
    values = X.to_numpy()
    kernel_ms = median_ms(lambda: kernel.contributions(values))
    gap = float(np.abs(kernel.contributions(values) - booster.predict(X, pred_contrib=True)).max())
    return {"films": films, "rows": len(X), "lightgbm_pred_contrib_ms": round(lightgbm_ms, 1),
            "treeshap_ms": round(kernel_ms, 2), "speedup": round(lightgbm_ms / kernel_ms, 1),
            "largest_difference": gap, "drivers_call_ms": round(median_ms(lambda: drivers(forecaster, frame)), 1)}


async def _client(session, url: str, until: float, index: int, latencies: list, errors: list, explain: bool,
                  think: float) -> None:
    i = 0
    await asyncio.sleep(think * index / 50)  # people do not all move a lever in the same instant
    while time.monotonic() < until:
        i += 1
        film = _film(index, i) | {"explain": explain}
        start = time.perf_counter()
        try:
            async with session.post(url, json=film) as answer:
                body = await answer.read()
                if answer.status != 200:
                    errors.append(f"{answer.status} {body[:160]!r}")
        except Exception as err:  # noqa: BLE001 - counted, not raised
            errors.append(f"{type(err).__name__} {str(err)[:160]}")
        latencies.append(time.perf_counter() - start)
        if think:
            await asyncio.sleep(think)


async def _load(base: str, clients: int, seconds: float, explain: bool = True, think: float = 0.0):
    """The clients, on aiohttp: it costs the machine a fraction of httpx's CPU per request (httpx's
    async client took as much CPU per answer as the server, on the same two cores)."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        async with session.post("/api/forecast", json={"genres": "drama", "budget": "20m"}) as warm:
            await warm.read()
        latencies, errors = [], []
        until = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(_client(session, "/api/forecast", until, i, latencies, errors, explain, think)
                               for i in range(clients)))
        return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="workspace with a trained default model")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--without-drivers", action="store_true", help="post explain: false (figures only)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each client waits between requests")
    parser.add_argument("--drivers-only", action="store_true",
                        help="print only the in-process drivers figure (LightGBM's pred_contrib vs the TreeSHAP kernel)")
    args = parser.parse_args()
    if not (1 <= args.clients <= 500 and 1 <= args.seconds <= 600 and 0 <= args.think <= 60):
        parser.error("--clients 1-500, --seconds 1-600 and --think 0-60")
    figures = _drivers_figures(args.home)
    print("drivers of 50 open films, in process:", json.dumps(figures))
    if args.drivers_only:
        return
    port = _free_port()
    command = [str(Path(sys.executable).with_name("boxoffice")), "serve", "--port", str(port), "--workers",
               str(args.workers), "--home", str(args.home)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            sys.exit("the server did not start within 2 minutes")
        time.sleep(1.0)
        rss_start, cpu_start, client_start = _rss_mb(server.pid), _cpu_s(server.pid), time.process_time()
        latencies, errors, elapsed = asyncio.run(_load(base, args.clients, args.seconds,
                                                         explain=not args.without_drivers, think=args.think))
        rss_end, cpu = _rss_mb(server.pid), _cpu_s(server.pid) - cpu_start
        client_cpu = time.process_time() - client_start  # the clients share the machine's cores too
        batches = httpx.get(base + "/api/health", timeout=30).json().get("forecast_batches")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    result = {"clients": args.clients, "seconds": round(elapsed, 1), "workers": args.workers,
              "drivers": not args.without_drivers, "think_s": args.think, "requests": len(ms),
              "throughput_per_s": round(len(ms) / elapsed, 1), "p50_ms": round(statistics.median(ms), 1),
              "p99_ms": round(p99, 1), "errors": len(errors),
              "error_kinds": {str(k): n for k, n in collections.Counter(errors).items()}, "rss_start_mb": round(rss_start),
              "rss_end_mb": round(rss_end),
              "server_cpu_ms_per_forecast": round(1000 * cpu / max(len(ms), 1), 1),
              "client_cpu_ms_per_forecast": round(1000 * client_cpu / max(len(ms), 1), 1),
              "batches_of_one_worker": batches, "drivers_in_process": figures,
              "load_average": os.getloadavg()[0], "cpus": os.cpu_count()}
    print(json.dumps(result, indent=2))
    verdict = "meets" if p99 <= TARGET_P99_MS and not errors else "misses"
    loop = f", each pausing {args.think:g} s between requests" if args.think else " in a closed loop"
    print(f"p99 {p99:.0f} ms with {args.clients} clients{loop}: {verdict} the target of {TARGET_P99_MS:.0f} ms "
          "with no errors")
    if not args.think:
        needed = args.clients / (TARGET_P99_MS / 1000)
        print(f"(a closed loop of {args.clients} clients within {TARGET_P99_MS:.0f} ms needs {needed:.0f} forecasts/s; "
              f"this run served {result['throughput_per_s']}/s at {result['server_cpu_ms_per_forecast']} ms of server "
              f"and {result['client_cpu_ms_per_forecast']} ms of client CPU each, on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
