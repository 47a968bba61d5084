"""Forecasts are written by Arrow where it writes exactly what ``DataFrame.to_csv(index=False)`` does,
and by pandas otherwise: the same bytes either way."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boxoffice.table import csv_writing
from boxoffice.table.csv_writing import csv_bytes

TEXT = st.one_of(st.none(), st.just(math.nan), st.text(st.sampled_from(list('ab é,"\n\t |;\'\\x')), max_size=6))
FLOAT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e15, 9.99e15, 1e16, 1e-4, 9.99e-5, 1e-5, 2.0 ** 53, 180000000.00000027, 0.5,
                     1e10 + 0.5, 123456789.125, 0.000123, 1.5e20, 12345678901234567890.0]),
    st.floats(1e-5, 1e17),  # the positional range and its edges, where the two forms could differ
    st.decimals(-10 ** 12, 10 ** 12, places=3).map(float),  # money with cents
    st.integers(-10 ** 17, 10 ** 17).map(float))

MONEY = st.one_of(st.just(math.nan), st.sampled_from([0.0, 0.01, 0.1, 12.5, 12.05, 180000000.0, 9999999999999.99, 1e13]),
                  st.decimals(0, 10 ** 13, places=2).map(float), st.decimals(0, 10 ** 4, places=2).map(float),
                  st.floats(0, 1e9).map(lambda usd: round(usd, 2)))


@st.composite
def frames(draw):
    n = draw(st.integers(1, 6))
    kinds = draw(st.lists(st.sampled_from(["float", "money", "int", "bool", "str", "object"]), min_size=2, max_size=5))
    columns = {}
    for i, kind in enumerate(kinds):
        name = draw(st.sampled_from(["a", "b,c", 'q"', "x y", "é"])) + str(i)
        if kind == "float":
            columns[name] = pd.Series(draw(st.lists(FLOAT, min_size=n, max_size=n)), dtype=np.float64)
        elif kind == "money":  # to the cent, as a slate's money is (``units.to_the_cent``): written from whole cents
            columns[name] = pd.Series(draw(st.lists(MONEY, min_size=n, max_size=n)), dtype=np.float64)
        elif kind == "int":
            columns[name] = pd.Series(draw(st.lists(st.integers(-2 ** 63, 2 ** 63 - 1), min_size=n, max_size=n)),
                                      dtype=np.int64)
        elif kind == "bool":
            columns[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        else:
            values = draw(st.lists(TEXT, min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype=object if kind == "object" else "str")
    return pd.DataFrame(columns)


@settings(max_examples=300, deadline=None)
@given(frames())
def test_the_same_bytes_as_pandas(frame):
    assert csv_bytes(frame) == frame.to_csv(index=False).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.lists(MONEY, min_size=1, max_size=30))
def test_money_has_the_same_text_made_by_numba_or_by_arrow(values):
    """Whole cents become text in a compiled loop, or by Arrow's casts where numba cannot run: the same."""
    column = np.array(values, dtype=np.float64)
    fast = csv_writing._cents_text(column)
    writer = csv_writing._cents_writer
    try:
        csv_writing._cents_writer = lambda: None
        fallback = csv_writing._cents_text(column)
    finally:
        csv_writing._cents_writer = writer
    if fast is None:
        assert fallback is None
    else:
        assert fast.to_pylist() == fallback.to_pylist() == ["" if v != v else repr(v) for v in values]


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["a", ""]}),  # one column: an empty field alone on its line is quoted
    pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=str)}),  # no rows
    pd.DataFrame({"a": ["c\rd", "e"], "b": [1.0, 2.0]}),  # a carriage return
    pd.DataFrame({"a": pd.to_datetime(["2027-01-02", None]), "b": [1, 2]}),  # dates
    pd.DataFrame({"a": pd.array([1, None], "Int64"), "b": pd.array([True, None], "boolean")}),  # nullable
    pd.DataFrame({"a": np.array([0.1, 1e-5], np.float32), "b": [1, 2]}),  # float32
    pd.DataFrame({"a": [1, "x"], "b": [[1], None]}, dtype=object),  # mixed objects
    pd.DataFrame({0: ["a"], 1: ["b"]}),  # names that are not text
])
def test_what_arrow_might_write_otherwise_is_written_by_pandas(frame):
    assert csv_writing._texts(frame) is None
    assert csv_bytes(frame) == frame.to_csv(index=False).encode("utf-8")


def test_a_forecasts_frame_goes_the_fast_way():
    """Forecasts (numbers, counts, text with commas and quotes, blanks) are made by Arrow, not pandas."""
    frame = pd.DataFrame({"title": ['Say "Hi", Bob', None], "worldwide_p50": [1.5e8, np.nan],
                          "comparable_films": [25, 0], "warning": ["", "a, b"]})
    assert csv_writing._texts(frame) is not None
    assert csv_bytes(frame) == frame.to_csv(index=False).encode("utf-8")


@pytest.mark.parametrize("cores", [1, 2, 3])
def test_a_large_frame_is_written_in_chunks_as_pandas_writes_it_whole(tmp_path, monkeypatch, cores):
    """Chunks go the fast way or pandas' way each (here the second has a carriage return): one file,
    one header, the bytes of one ``to_csv``."""
    monkeypatch.setattr(csv_writing, "CHUNK_ROWS", 3)
    monkeypatch.setattr("boxoffice.cores.usable_cores", lambda: cores)  # one chunk at a time, or side by side
    frame = pd.DataFrame({"title": ["a", "b, c", 'd"', "e\rf", "g", "h", "i"],
                          "worldwide_p50": [1.5, np.nan, 1e10 + 0.5, 2.0, 3.25, 1e-5, 7.0]})
    csv_writing.write_csv_atomic(frame, tmp_path / "forecasts.csv")
    assert (tmp_path / "forecasts.csv").read_bytes() == frame.to_csv(index=False).encode("utf-8")
    csv_writing.write_csv_atomic(frame.iloc[:0], tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_bytes() == frame.iloc[:0].to_csv(index=False).encode("utf-8")


def test_a_large_frame_made_in_parallel_chunks_has_pandas_bytes(tmp_path, monkeypatch):
    """Chunks are made side by side, one per core: the same bytes, in row order; and one column pandas
    must write still sends its chunk to pandas."""
    monkeypatch.setattr(csv_writing, "CHUNK_ROWS", 1_000)
    monkeypatch.setattr("boxoffice.cores.usable_cores", lambda: 3)
    rng = np.random.default_rng(3)
    n = 10_007
    frame = pd.DataFrame({"title": pd.Series([f"Film {i % 97}, part {i % 5}" for i in range(n)], dtype="str"),
                          "worldwide_p50": rng.lognormal(17, 2, n), "whole": np.floor(rng.lognormal(3, 2, n)),
                          "cents": np.round(rng.lognormal(17, 2, n), 2),
                          "comparable_films": rng.integers(0, 30, n), "sequel": rng.random(n) < 0.2,
                          "warning": pd.Series(np.where(rng.random(n) < 0.1, 'a "b"', ""), dtype="str")})
    assert csv_writing._texts(frame) is not None
    csv_writing.write_csv_atomic(frame, tmp_path / "forecasts.csv")
    assert (tmp_path / "forecasts.csv").read_bytes() == frame.to_csv(index=False).encode("utf-8")
    dated = frame.assign(release=pd.Timestamp("2027-01-02"))[["title", "release", "worldwide_p50"]]
    assert csv_writing._texts(dated) is None
    csv_writing.write_csv_atomic(dated, tmp_path / "dated.csv")
    assert (tmp_path / "dated.csv").read_bytes() == dated.to_csv(index=False).encode("utf-8")


def test_chunks_written_side_by_side_need_no_fdatasync(tmp_path, monkeypatch):
    """Where the system has only fsync (macOS), what is written is flushed by it: the same bytes."""
    import os

    monkeypatch.delattr(os, "fdatasync", raising=False)
    monkeypatch.setattr(csv_writing, "CHUNK_ROWS", 2)
    monkeypatch.setattr("boxoffice.cores.usable_cores", lambda: 2)
    frame = pd.DataFrame({"title": [f"Film {i}" for i in range(9)], "worldwide_p50": np.arange(9) * 1.25})
    csv_writing.write_csv_atomic(frame, tmp_path / "forecasts.csv")
    assert (tmp_path / "forecasts.csv").read_bytes() == frame.to_csv(index=False).encode("utf-8")


def test_a_disk_error_while_chunks_are_flushed_fails_the_write_and_leaves_no_file(tmp_path, monkeypatch):
    """The kernel reports a write-back error once per file: if the helper's flush meets it, the write
    fails there (it would not come back at the final fsync), and nothing is left at the target."""
    import os

    def failing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing, raising=False)
    monkeypatch.setattr(csv_writing, "CHUNK_ROWS", 2)
    monkeypatch.setattr("boxoffice.cores.usable_cores", lambda: 2)
    frame = pd.DataFrame({"title": [f"Film {i}" for i in range(9)], "worldwide_p50": np.arange(9) * 1.25})
    with pytest.raises(OSError):
        csv_writing.write_csv_atomic(frame, tmp_path / "forecasts.csv")
    assert list(tmp_path.iterdir()) == []
