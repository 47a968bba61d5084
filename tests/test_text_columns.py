"""Text columns made by Arrow from codes hold what the per-row Python text held, as pandas' own text."""
import numpy as np
import pandas as pd
import pytest

from boxoffice.model.domain import Message, row_text
from boxoffice.model.forecaster import OPEN_FIELDS, mixed_over
from boxoffice.table.text_columns import coded_text, placed_text

TEXT = pd.Series([""]).dtype


def test_coded_text_is_the_texts_at_the_codes_as_pandas_text():
    column = coded_text(np.array([2, 0, 1, 2]), ["", "a", "b, c"])
    assert column.dtype == TEXT
    assert list(column) == ["b, c", "", "a", "b, c"]
    assert len(coded_text(np.array([], dtype=np.int64), [])) == 0


@pytest.mark.parametrize("at", [[0, 1, 2], [1, 3, 4], [4, 0, 2]])
def test_placed_text_puts_each_value_at_its_position_and_blanks_the_rest(at):
    values = pd.Series(["x", "y", "z"]).array
    n = 3 if at == [0, 1, 2] else 5
    expected = [""] * n
    for position, value in zip(at, values):
        expected[position] = value
    column = placed_text(values, at, n)
    assert column.dtype == TEXT and list(column) == expected
    assert list(placed_text(np.array(["x", "y", "z"], dtype=object), at, n)) == expected


def test_row_text_joins_each_rows_brief_messages_in_order():
    found = [([0, 2], Message("a long message", "a")), (np.array([2, 3]), "b"), ([1], "c"), ([], "never"),
             ([3, 2], "d")]
    expected = ["a", "c", "a; b; d", "b; d", ""]
    column = row_text(found, 5)
    assert column.dtype == TEXT and list(column) == expected
    one_by_one = np.full(5, "", dtype=object)  # the per-row rule, as it read before
    for rows, message in found:
        for row in rows:
            brief = getattr(message, "brief", message)
            one_by_one[row] = f"{one_by_one[row]}; {brief}" if one_by_one[row] else brief
    assert list(one_by_one) == expected


def test_mixed_over_names_each_rows_open_fields():
    mask = np.zeros((3, len(OPEN_FIELDS)), dtype=bool)
    mask[0, [0, 2]] = True
    mask[2, 0] = True
    column = mixed_over(mask)
    assert column.dtype == TEXT
    assert list(column) == [f"{OPEN_FIELDS[0]}, {OPEN_FIELDS[2]}", "", OPEN_FIELDS[0]]
    assert len(mixed_over(np.zeros((0, len(OPEN_FIELDS)), dtype=bool))) == 0
