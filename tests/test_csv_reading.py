"""A CSV is read by pyarrow's reader where it reads exactly as pandas' does, and by pandas' otherwise:
either way the same frame, or the same message naming the problem."""
from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boxoffice.errors import DataSourceError
from boxoffice.table.sources import base

CELL = st.text(st.sampled_from(list("ab é,;\"'\n\r\t\\|\ufeff\x00")), max_size=8)
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6)


def _outcome(path: Path, sep: str):
    try:
        return "frame", base.read_csv_checked(path, (), source="the test CSV", sep=sep)
    except DataSourceError as err:
        return "refused", str(err)


def _same_either_way(path: Path, monkeypatch, sep: str = ",") -> None:
    fast = _outcome(path, sep)
    with monkeypatch.context() as m:
        m.setattr(base, "_read_with_arrow", lambda *a: None)
        slow = _outcome(path, sep)
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "frame":
        pd.testing.assert_frame_equal(fast[1], slow[1])
    else:
        assert fast[1] == slow[1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["title", "budget", "genres", " cast ", "title"]), min_size=1, max_size=4),
       rows=ROWS, quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]),
       ending=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans(), sep=st.sampled_from([",", ";"]))
def test_any_csv_reads_as_pandas_reads_it(header, rows, quoting, ending, bom, sep, monkeypatch):
    """Quoted commas and line breaks, short and long rows, blanks, a BOM, CRLF, duplicate headers,
    and text no CSV writer would make (quotes left open: ``quoting`` None joins cells bare)."""
    out = io.StringIO()
    if quoting is None:
        out.write(ending.join(sep.join(row) for row in [header, *rows]) + ending)
    else:
        csv.writer(out, quoting=quoting, lineterminator=ending, delimiter=sep).writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slate.csv"
        path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8", "surrogatepass"))
        _same_either_way(path, monkeypatch, sep)


@pytest.mark.parametrize("body", [b"title,budget\nA,1m\nB\n", b"title,budget\nA,1m,extra\n", b"title,budget\n\xff,1m\n",
                                  b"title,budget\n\"open,1m\n", b"title,budget\n", b"title,title\nA,B\n"])
def test_a_file_pyarrow_would_read_otherwise_goes_to_pandas(body, tmp_path, monkeypatch):
    path = tmp_path / "slate.csv"
    path.write_bytes(body)
    try:
        names = list(pd.read_csv(path, nrows=0, dtype=str, keep_default_na=False).columns)
    except pd.errors.ParserError:  # refused on its header already, before any reading of the rows
        names = None
    if names is not None:
        assert base._read_with_arrow(path, names, ",", pd.StringDtype(na_value=float("nan"))) is None
    _same_either_way(path, monkeypatch)


def test_a_slate_is_read_by_arrow_and_gives_pandas_frame(tmp_path, monkeypatch):
    path = tmp_path / "slate.csv"
    path.write_text('title,budget,cast\n"Heist, the",150m,"Tom Cruise|Emily Blunt"\nQuiet,,\n"Two\nlines",5m,\n',
                    encoding="utf-8")
    names = list(pd.read_csv(path, nrows=0, dtype=str, keep_default_na=False).columns)
    assert base._read_with_arrow(path, names, ",", pd.StringDtype(na_value=float("nan"))) is not None
    _same_either_way(path, monkeypatch)
