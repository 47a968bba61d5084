"""Quantiles of equal-weight mixtures of split normals, compiled: a film with open fields is mixed
over its comparable films' forecasts, and 10,000 open variants' Newton steps through numpy
temporaries took 0.16 s; one compiled pass per film and level takes a fraction of that.

Each component is a split normal: its P50 the centre, (P50 - P10) / z90 the spread below and
(P90 - P50) / z90 above. The normal CDF is Abramowitz & Stegun's, without scipy (a cold forecast
should not import it).
"""
from __future__ import annotations

import math

import numpy as np

from boxoffice.compiled import compiled

TOLERANCE = 1e-8
"""Log units a mixture quantile is found to: a millionth of a percent of gross (the CDF's own
approximation, 1.5e-7, is coarser)."""

MAX_STEPS = 100
"""Steps per quantile at most: bisection alone halves a bracket of ~20 log units to ``TOLERANCE`` in 31."""

PARALLEL_ROWS = 2_000
"""Below this many mixtures the search runs on one core (a row costs a few µs; a thread ~0.1 ms)."""


def cdf_and_density(x):
    """The standard normal CDF and density at ``x`` (a float or an array), sharing one exponential:
    the CDF by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), plenty for quantiles of
    log gross."""
    half = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * half)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    gauss = np.exp(-half * half)
    return 0.5 * (1.0 + np.sign(x) * (1.0 - poly * gauss)), gauss / math.sqrt(2.0 * math.pi)


def ndtr(x):
    """Standard normal CDF, of a float or an array."""
    return cdf_and_density(x)[0]


def search(centre, low_sigma, high_sigma, targets, start, lo, hi, out) -> None:
    """``out[i, l]``: where row ``i``'s mixture CDF is ``targets[l]``, to ``TOLERANCE``. Newton's method
    from ``start[i, l]``, safeguarded as Numerical Recipes' ``rtsafe``: inside the bracket ``lo[i, l]``..
    ``hi[i, l]``, a step that leaves it or does not shrink fast enough bisects it instead. Rows are
    independent: a film alone gets what it gets in a batch."""
    n, k = centre.shape
    for i in range(n):
        for level in range(targets.shape[0]):
            a, b = lo[i, level], hi[i, level]
            x = min(max(start[i, level], a), b)
            move, last_move = b - a, b - a
            for _ in range(MAX_STEPS):
                cdf, density = 0.0, 0.0
                for j in range(k):
                    gap = x - centre[i, j]
                    sigma = low_sigma[i, j] if gap < 0 else high_sigma[i, j]
                    below, height = cdf_and_density(gap / sigma)
                    cdf += below
                    density += height / sigma
                excess = cdf / k - targets[level]
                density /= k
                if excess < 0:
                    a = x
                else:
                    b = x
                step = x - excess / density if density > 0 else math.nan
                # Newton's step only strictly inside the bracket and at most half the move before the
                # last: else it can bounce between the bracket's ends for ever (a two-humped mixture did)
                newton = math.isfinite(step) and a < step < b and abs(step - x) <= last_move / 2
                new = step if newton else (a + b) / 2
                move, last_move = abs(new - x), move
                done = move < TOLERANCE or b - a < TOLERANCE
                x = new
                if done:
                    break
            out[i, level] = x


cdf_and_density = compiled(cdf_and_density)  # compiled, still called from Python on a float or an array
ndtr = compiled(ndtr)
search = compiled(search, nogil=True)
