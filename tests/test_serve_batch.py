"""Concurrent forecasts scored together: every answer is exactly what the film would get alone, a bad film
gets its own 422 and spoils no other, and the queue takes whatever waits without ever waiting itself."""
from __future__ import annotations

import asyncio
import math
import threading
import time

import httpx
import pytest

from boxoffice.serve.app import create_app
from boxoffice.serve.batch import Batcher
from boxoffice.serve.service import FieldError, Service
from boxoffice.table.film import make_film
from boxoffice.units import json_ready
from boxoffice.whatif.slates import films_context, forecast_context, forecast_film, forecast_films

FILMS = [  # different genres, open fields or none, unknown names, an unsaid date, a date far past the data
    {"genres": ["action", "thriller"], "budget": "150m", "cast": "Tom Cruise, Emily Blunt", "release_date": "2027-07-16",
     "title": "Heist"},
    {"genres": "drama", "budget": "20m", "cast": "Tom Hankss"},
    {"genres": "comedy", "budget": "35m", "release_date": "2026-11-20", "director": "Nobody Atall", "rating": "PG-13",
     "runtime": 104, "country": "USA", "language": "English", "sequel": False, "distributor": "Not A Studio"},
    {"genres": "horror", "budget": "5m", "release_date": "2031-10-31"},
    {"genres": "animation, family", "budget": "200m", "release_date": "2027-06-18", "sequel": True},
]


def _same(batch, alone, where="answer"):
    """Equal, numbers to 1e-9 (relative): the batch changes nothing a client reads."""
    if isinstance(alone, dict):
        assert isinstance(batch, dict) and batch.keys() == alone.keys(), where
        for key in alone:
            _same(batch[key], alone[key], f"{where}.{key}")
    elif isinstance(alone, list):
        assert isinstance(batch, list) and len(batch) == len(alone), where
        for i, (b, a) in enumerate(zip(batch, alone)):
            _same(b, a, f"{where}[{i}]")
    elif isinstance(alone, float) and not isinstance(alone, bool):
        assert (math.isnan(alone) and math.isnan(batch)) or batch == pytest.approx(alone, rel=1e-9, abs=1e-9), where
    else:
        assert batch == alone, where


@pytest.fixture(scope="module")
def service(forecaster, film_table):
    return Service(forecaster, film_table)


def test_a_batch_of_different_films_gives_each_what_it_gets_alone(forecaster):
    films = [make_film(**fields) for fields in FILMS]
    multiples = [2.5, 3.0, 2.5, 1.5, 3.0]
    explain = [True, True, False, True, True]
    together = forecast_films(forecaster, films, multiples, explain)
    contexts = films_context(forecaster, films)
    for i, film in enumerate(films):
        alone = forecast_film(forecaster, film, multiples[i], explain=explain[i])
        _same(json_ready(together[i]), json_ready(alone), f"film {i}")
        _same(contexts[i], forecast_context(forecaster, film), f"context {i}")
        assert ("drivers" in together[i]) == explain[i] and together[i]["break_even_multiple"] == multiples[i]
    at_default = forecast_film(forecaster, films[1], 2.5)  # each film's multiple is its own, not the batch's
    assert together[1]["break_even_gross"] == pytest.approx(at_default["break_even_gross"] * 3.0 / 2.5)
    assert any(w for c in contexts for w in c["warnings"]) and contexts[1]["assumed"] == ["release_date"]


def test_a_bad_film_in_a_batch_gets_its_own_error_and_spoils_no_other(service):
    requests = [(FILMS[0], 3.0, True), ({"genres": "drama", "budget": "15x"}, 2.5, True), (FILMS[1], 2.5, True),
                ({"genres": "nope-genre", "budget": "20m"}, 2.5, False), (FILMS[3], 1.5, False)]
    answers = service.forecasts(requests)
    assert isinstance(answers[1], FieldError) and answers[1].field == "budget"
    assert isinstance(answers[3], FieldError) and answers[3].field == "genres"
    for i in (0, 2, 4):
        _same(answers[i], service.forecast(*requests[i]), f"request {i}")


def test_a_film_the_scorer_refuses_is_scored_alone_and_fails_alone(service, monkeypatch):
    real = service._score

    def refuse_budget_5m(films, multiples, explain):
        if any(film.budget_usd == 5e6 for film in films):
            raise ValueError("boom")
        return real(films, multiples, explain)

    monkeypatch.setattr(service, "_score", refuse_budget_5m)
    answers = service.forecasts([(FILMS[0], 2.5, True), (FILMS[3], 2.5, True), (FILMS[1], 2.5, False)])
    assert isinstance(answers[1], ValueError)
    assert answers[0]["worldwide_p50"] > 0 and answers[2]["worldwide_p50"] > 0


def test_concurrent_requests_are_scored_together_each_answered_as_alone(service):
    app = create_app(service)
    bodies = [FILMS[i % len(FILMS)] | {"budget": f"{10 + i}m", "break_even_multiple": 2.0 + (i % 3) / 2}
              for i in range(24)]
    bodies[7] = {"genres": "drama", "budget": "15x"}

    async def post_all():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(*(client.post("/api/forecast", json=body) for body in bodies))
            return answers, (await client.get("/api/health")).json()["forecast_batches"]

    answers, reported = asyncio.run(post_all())
    sizes = app.state.forecast_batcher.sizes
    assert sum(size * n for size, n in sizes.items()) == len(bodies) and max(sizes) > 1  # batched, none lost
    assert reported == {"batches": sum(sizes.values()), "requests": len(bodies), "largest": max(sizes)}
    assert answers[7].status_code == 422 and answers[7].json()["detail"][0]["field"] == "budget"
    for i, answer in enumerate(answers):
        if i == 7:
            continue
        assert answer.status_code == 200, answer.text
        body = bodies[i]
        alone = service.forecast({k: v for k, v in body.items() if k != "break_even_multiple"},
                                 body["break_even_multiple"], True)
        _same(answer.json(), json_ready(alone), f"request {i}")


def test_the_queue_sends_a_lone_item_at_once_and_batches_what_waits():
    started, release = threading.Event(), threading.Event()
    calls = []

    def score(items):
        calls.append(list(items))
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return [ValueError(item) if item == "bad" else item.upper() for item in items]

    batcher = Batcher(score, limit=3)

    async def run():
        t0 = time.perf_counter()
        first = asyncio.ensure_future(batcher.submit("a"))
        while not started.is_set():  # the lone item is being scored, with no timer before it
            await asyncio.sleep(0.001)
        lone = time.perf_counter() - t0
        rest = [asyncio.ensure_future(batcher.submit(x)) for x in ("b", "bad", "c", "d", "e")]
        await asyncio.sleep(0.01)
        release.set()
        answers = await asyncio.gather(first, *rest, return_exceptions=True)
        return lone, answers

    lone, answers = asyncio.run(run())
    assert lone < 1.0 and calls == [["a"], ["b", "bad", "c"], ["d", "e"]]  # at most ``limit`` a batch
    assert answers[0] == "A" and answers[1] == "B" and isinstance(answers[2], ValueError) and answers[3:] == ["C", "D", "E"]
    assert batcher.sizes == {1: 1, 3: 1, 2: 1}


def test_a_scorer_that_fails_whole_fails_its_batch_and_the_queue_goes_on():
    state = {"n": 0}

    def score(items):
        state["n"] += 1
        if state["n"] == 1:
            raise RuntimeError("down")
        return items

    batcher = Batcher(score)

    async def run():
        first = await asyncio.gather(batcher.submit(1), return_exceptions=True)
        return first, await batcher.submit(2)

    first, second = asyncio.run(run())
    assert isinstance(first[0], RuntimeError) and second == 2
    with pytest.raises(ValueError, match="limit"):
        Batcher(score, limit=0)


def test_a_served_process_starts_with_its_long_lived_heap_frozen(forecaster, film_table, monkeypatch):
    """The model and the film table live as long as the server: out of the collector's full passes, which
    walked them all (~90 ms a pass on the public data) in the middle of served forecasts."""
    import gc

    import boxoffice.table.io
    import boxoffice.training
    from boxoffice.serve.run import build_service

    monkeypatch.setattr(boxoffice.training, "load_or_train", lambda *a, **k: forecaster)
    monkeypatch.setattr(boxoffice.table.io, "load_films", lambda *a, **k: film_table)
    gc.unfreeze()
    try:
        service = build_service(workspace=None)
        assert service.forecaster is forecaster
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
