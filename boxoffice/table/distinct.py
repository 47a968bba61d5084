"""The distinct values of a column of Python objects, found by identity first. A slate's parsed columns
hold one object per distinct text (every row of "USA" is the same string, every row of a cast cell
the same list), so numbering the objects by address and hashing only the first of each is the same
answer as hashing every row: in an 84,000-film slate, a fifth of the time or less."""
from __future__ import annotations

import ctypes
import sys


def object_ids(values):
    """``id`` of each value of an object array, as int64. In CPython an object array holds the objects'
    addresses, which are their ids: read as they are (0.1 ms for 84,000 values, 5 ms by ``map(id, …)``)."""
    import numpy as np

    values = np.ascontiguousarray(values, dtype=object)
    if sys.implementation.name != "cpython" or values.ndim != 1 or values.itemsize != ctypes.sizeof(ctypes.c_void_p):
        return np.fromiter(map(id, values.ravel()), dtype=np.int64, count=values.size)
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    addresses = (ctypes.c_size_t * len(values)).from_address(values.ctypes.data)
    return np.ctypeslib.as_array(addresses).astype(np.int64)  # a copy, made while ``values`` holds them


def distinct_objects(values):
    """(code per value, position of each code's first value): values that are one object share a code
    (equal but separate objects do not, which costs only a repeated reading)."""
    import pandas as pd

    codes, _ = pd.factorize(object_ids(values))
    return codes, first_positions(codes)


def first_positions(codes):
    """Where each code of ``pd.factorize`` first appears (its codes are numbered in order of appearance)."""
    import numpy as np

    if len(codes) == 0:
        return np.array([], dtype=np.int64)
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)


def factorize(values):
    """``pd.factorize`` of an object array, the same codes and uniques (in order of appearance; -1 for a
    missing value), each distinct object hashed once: the first of each value is its first object."""
    import numpy as np
    import pandas as pd

    values = np.asarray(values, dtype=object)
    if len(values) > 2 * SAMPLE and len(np.unique(object_ids(values[:SAMPLE]))) > SAMPLE // 2:
        return pd.factorize(values)  # mostly separate objects (a slate of distinct casts): hashed directly
    of_object, first = distinct_objects(values)
    codes, uniques = pd.factorize(values[first])
    return codes[of_object], uniques


SAMPLE = 1024
"""Values whose objects ``factorize`` counts first: when over half of them are separate, numbering the
objects would cost more than it saves (the answer is the same either way)."""
