"""The comparable films nearest each description, compiled: the mixture's search for 10,000 open
variants compared every one with every comparable film through numpy temporaries (0.7 s); one pass
per description that keeps its ``k`` best takes a fraction of that, and reading only the comparable
films whose budget gap alone does not rule them out, in order of budget, less again.

The distance is ``Comparables.nearest``'s, in float32; ties go to the earlier comparable film.
"""
from __future__ import annotations

import numba
import numpy as np

from boxoffice.compiled import compiled, run_parts


def nearest_rows(query, pool, k: int) -> np.ndarray:
    """Row numbers (queries × k) into the pool, nearest first, ties by row number.

    ``query``: (budgets, years, genre list of each, (count, bits) of each genre list); ``pool``: (budgets,
    years, genre set of each, (count, bits) of each genre set, row numbers), in order of budget
    (``by_budget``). Budgets and years are divided by their scales (float32); a count of genres is a
    float32 (unknown ones count in a union), the known genres are the bits of a uint64.
    """
    q_budget, q_year, q_list, (list_count, list_bits) = query
    p_budget, p_year, p_set, (set_count, set_bits), p_row = pool
    jaccard = _jaccard(list_count, list_bits, set_count, set_bits)  # each genre list against each set, once
    found = np.empty((len(q_budget), k), dtype=np.int64)
    run_parts(lambda rows: _nearest(q_budget[rows], q_year[rows], q_list[rows], jaccard, p_budget, p_year, p_set,
                                    p_row, found[rows]), len(found), PARALLEL_ROWS)
    return found


def by_budget(budgets, years, genre_sets, sets) -> tuple:
    """The pool as ``nearest_rows`` reads it: its films' arrays in order of budget, then their row numbers."""
    order = np.argsort(budgets, kind="stable").astype(np.int64)
    return budgets[order], years[order], genre_sets[order], sets, order


PARALLEL_ROWS = 1_000
"""Below this many descriptions the search runs on one core (each costs a few µs against the public
films; a thread ~0.1 ms)."""


def _jaccard(list_count, list_bits, set_count, set_bits):
    out = np.empty((list_count.shape[0], set_count.shape[0]), np.float32)
    for i in range(list_count.shape[0]):
        for j in range(set_count.shape[0]):
            shared = np.float32(_popcount(list_bits[i] & set_bits[j]))
            union = list_count[i] + set_count[j]
            union -= shared
            out[i, j] = shared / max(union, np.float32(1.0))  # no union: no shared genre either, 0
    return out


def _nearest(q_budget, q_year, q_list, jaccard, p_budget, p_year, p_set, p_row, found):
    k, n = found.shape[1], p_budget.shape[0]
    best = np.empty(k, np.float32)
    distance = np.empty(n, np.float32)
    year_low, year_high = p_year.min(), p_year.max()
    for i in range(q_budget.shape[0]):
        # the 2k films nearest in budget bound the k-th best distance from above; every distance is at
        # least (budget gap - 1 + the year gap to the pool's nearest year), so the k nearest lie within
        # a budget gap of that bound + 1 - year gap (and a margin for float32's rounding)
        centre = np.searchsorted(p_budget, q_budget[i])
        lo = max(min(centre - k, n - 2 * k), 0)
        hi = min(lo + 2 * k, n)
        _distances(q_budget[i], q_year[i], jaccard[q_list[i]], lo, hi, p_budget, p_year, p_set, distance)
        bound = np.sort(distance[lo:hi])[k - 1]
        year_gap = max(year_low - q_year[i], q_year[i] - year_high, np.float32(0.0))
        reach = bound + np.float32(1.0) - year_gap + np.float32(1e-3)
        lo = np.searchsorted(p_budget, q_budget[i] - reach, side="left")
        hi = np.searchsorted(p_budget, q_budget[i] + reach, side="right")
        _distances(q_budget[i], q_year[i], jaccard[q_list[i]], lo, hi, p_budget, p_year, p_set, distance)
        filled = 0
        for pos in range(lo, hi):  # then the k nearest, kept in order of distance, then of row
            d = distance[pos]
            if d > bound:  # most films: not among the 2k nearest's k best, nor nearer
                continue
            j = p_row[pos]
            if filled == k and not (d < best[k - 1] or (d == best[k - 1] and j < found[i, k - 1])):
                continue
            at = min(filled, k - 1)  # the last slot is given up when all are filled
            while at > 0 and (best[at - 1] > d or (best[at - 1] == d and found[i, at - 1] > j)):
                best[at], found[i, at] = best[at - 1], found[i, at - 1]
                at -= 1
            best[at], found[i, at] = d, j
            filled = min(filled + 1, k)


@numba.njit(inline="always")
def _distances(budget, year, jaccard, lo, hi, p_budget, p_year, p_set, distance):
    for j in range(lo, hi):
        d = abs(budget - p_budget[j])
        d -= jaccard[p_set[j]]  # + (1 - Jaccard similarity): the constant 1 changes no order
        d += abs(year - p_year[j])
        distance[j] = d


@numba.njit(inline="always")
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


_nearest, _jaccard = compiled(_nearest, nogil=True), compiled(_jaccard)
