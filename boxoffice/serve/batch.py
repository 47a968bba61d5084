"""Micro-batching: concurrent forecast requests answered by one scoring.

A forecast's cost is nearly all per call (features, comparable copies, pandas), not per film, so 50
clients served one by one queue for seconds while 50 films scored together cost little more than one.
Requests wait in a queue; one drain at a time takes every waiting request (up to ``limit``), scores
them together in a worker thread and answers each. There is no timer: a lone request goes at once,
and requests that arrive while a batch is scored form the next batch.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, Callable

MAX_BATCH = 256
"""Requests scored together at most: a bigger queue is drained in turns, so no batch holds memory unbounded."""


class Batcher:
    """Queue of pending items for ``score`` (a list of items -> one answer per item, in order; an answer
    that is an exception is raised to its own request only). One per app, used from its event loop."""

    def __init__(self, score: Callable[[list], list], limit: int = MAX_BATCH):
        if not 1 <= limit <= 10_000:
            raise ValueError(f"limit must be 1-10000, not {limit!r}")
        self.score, self.limit = score, limit
        self._waiting: list[tuple[Any, asyncio.Future]] = []
        self._draining = False
        self.sizes: Counter[int] = Counter()
        """How many batches of each size were scored (at most ``limit`` keys: bounded over a server's life)."""

    async def submit(self, item):
        """``item``'s answer, scored with whatever else is waiting."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        import anyio.to_thread

        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:self.limit], self._waiting[self.limit:]
                batch = [(item, future) for item, future in batch if not future.done()]  # a client gone
                if not batch:
                    continue
                self.sizes[len(batch)] += 1
                try:
                    answers = await anyio.to_thread.run_sync(self.score, [item for item, _ in batch])
                except Exception as err:  # noqa: BLE001 - ``score`` failed whole: every request hears it
                    answers = [err] * len(batch)
                for (_, future), answer in zip(batch, answers):
                    if future.done():
                        continue
                    if isinstance(answer, BaseException):
                        future.set_exception(answer)
                    else:
                        future.set_result(answer)
        finally:
            self._draining = False

    def summary(self) -> dict:
        """Batches scored so far, the requests in them and the largest: what ``/api/health`` reports."""
        return {"batches": sum(self.sizes.values()), "requests": sum(k * n for k, n in self.sizes.items()),
                "largest": max(self.sizes, default=0)}
