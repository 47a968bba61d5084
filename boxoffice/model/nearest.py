"""The comparable films nearest each description, compiled: the mixture's search for 10,000 open
variants compared every one with every comparable film through numpy temporaries (0.7 s); one pass
per description that keeps its ``k`` best takes a fraction of that.

The distance is ``Comparables.nearest``'s, in float32; ties go to the earlier comparable film.
"""
from __future__ import annotations

import numba
import numpy as np

from boxoffice.model.compiled import compiled, run_parts


def nearest_rows(query, pool, k: int) -> np.ndarray:
    """Row numbers (queries × k) into the pool, nearest first, ties by row number.

    ``query`` and ``pool``: (budget, year, genre count, genre bits) arrays: budgets and years divided
    by their scales (float32), the count of genres (float32: unknown ones count in a union), and the
    known genres as the bits of a uint64.
    """
    found = np.empty((len(query[0]), k), dtype=np.int64)
    run_parts(lambda rows: _nearest(*(part[rows] for part in query), *pool, found[rows]), len(found), PARALLEL_ROWS)
    return found


PARALLEL_ROWS = 1_000
"""Below this many descriptions the search runs on one core (each costs ~10 µs against the public
films; a thread ~0.1 ms)."""


def _nearest(q_budget, q_year, q_count, q_bits, p_budget, p_year, p_count, p_bits, found):
    k = found.shape[1]
    best = np.empty(k, np.float32)
    distance = np.empty(p_budget.shape[0], np.float32)
    for i in range(q_budget.shape[0]):
        for j in range(p_budget.shape[0]):  # every distance first: a loop numba vectorises
            shared = np.float32(_popcount(q_bits[i] & p_bits[j]))
            union = q_count[i] + p_count[j]
            union -= shared
            jaccard = shared / max(union, np.float32(1.0))  # no union: no shared genre either, 0
            d = abs(q_budget[i] - p_budget[j])
            d -= jaccard  # + (1 - Jaccard similarity): the constant 1 changes no order
            d += abs(q_year[i] - p_year[j])
            distance[j] = d
        filled = 0
        for j in range(p_budget.shape[0]):  # then the k nearest, kept in order
            d = distance[j]
            if filled == k and not d < best[k - 1]:
                continue
            at = min(filled, k - 1)  # the last slot is given up when all are filled
            while at > 0 and best[at - 1] > d:  # after every equal distance: ties keep row order
                best[at], found[i, at] = best[at - 1], found[i, at - 1]
                at -= 1
            best[at], found[i, at] = d, j
            filled = min(filled + 1, k)


@numba.njit(inline="always")
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


_nearest = compiled(_nearest, nogil=True)
