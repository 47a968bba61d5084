"""Distinct values found by identity first are the ones hashing every value finds."""
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from boxoffice.table.distinct import distinct_objects, factorize, first_positions, object_ids

POOL = ["USA", "UK", "", "usa", "é", None, math.nan, pd.NA, 0, 1.5, ("a",)]


@st.composite
def object_columns(draw):
    """Columns of shared and separate objects: a pool's objects repeated, and equal copies of them."""
    picks = draw(st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.booleans()), max_size=40))
    values = np.empty(len(picks), dtype=object)
    for i, (k, copy) in enumerate(picks):
        value = POOL[k]
        values[i] = "".join(list(value)) if copy and isinstance(value, str) else value  # an equal, separate string
    return values


@settings(max_examples=200, deadline=None)
@given(object_columns())
def test_factorize_is_pandas_factorize(values):
    codes, uniques = factorize(values)
    expected_codes, expected_uniques = pd.factorize(values)
    assert np.array_equal(codes, expected_codes)
    assert list(uniques) == list(expected_uniques)


@settings(max_examples=100, deadline=None)
@given(object_columns())
def test_object_ids_are_ids_and_one_object_is_one_code(values):
    assert object_ids(values).tolist() == [id(v) for v in values]
    codes, first = distinct_objects(values)
    assert [values[f] is values[i] for i, f in enumerate(first[codes])] == [True] * len(values)
    assert len({id(values[f]) for f in first}) == len(first)


def test_object_ids_of_a_strided_view_and_first_positions():
    values = np.array(["a", "b", "a", "c"], dtype=object)
    assert object_ids(values[::2]).tolist() == [id(values[0]), id(values[2])]
    assert first_positions(np.array([0, 1, 0, 2, 1])).tolist() == [0, 1, 3]
    assert first_positions(np.array([], dtype=np.int64)).tolist() == []
