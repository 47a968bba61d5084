"""Writing a frame as CSV text: exactly what ``DataFrame.to_csv(index=False)`` writes, made by Arrow.

pandas formats each float in Python and writes row by row: 3 s of a 100,000-film slate's forecasts
here, longer than the forecasts take. Arrow's compute kernels make the same text column by column
in C++. Where the two could differ the pandas text is kept: floats Arrow might print otherwise
(``_float_text``) are formatted by Python; and a frame with anything
but plain numbers, booleans and text, one column, no rows, or a carriage return in its text, goes
to pandas whole. ``tests/test_csv_writing.py`` holds the two to the same bytes.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np  # the compiled writer's (numba reads it as a global)

_QUOTED = r'[,"\n]'
"""A field with one of these is quoted, as Python's csv module does with pandas' defaults."""


CHUNK_ROWS = 20_000
"""Rows made into text at a time: a slate's forecasts are never held as one text. Small chunks reuse
the memory the last one freed instead of asking the system for more: one `predict --input` run of
84,000 films spent 0.35 s less in the kernel (page faults) than with 100,000-row chunks, for the
same bytes."""

def csv_bytes(frame, header: bool = True) -> bytes:
    """``frame.to_csv(index=False, header=header)`` as UTF-8 bytes."""
    return b"".join(_csv_parts(frame, header))


def _csv_parts(frame, header: bool) -> list:
    """``csv_bytes`` as pieces to write one after the other: the header, then the rows' text as the
    buffer Arrow made it in (24 MB of a slate's forecasts, not copied twice more into one bytes)."""
    columns = _texts(frame)
    if columns is None:
        return [frame.to_csv(index=False, header=header).encode("utf-8")]
    import pyarrow.compute as pc

    names = ",".join(_quote_one(str(name)) for name in frame.columns) + "\n" if header else ""
    columns[-1] = pc.binary_join_element_wise(columns[-1], _text(""), _text("\n"))
    rows = pc.binary_join_element_wise(*columns, _text(","))
    return [names.encode("utf-8"), _joined(rows)]


def write_csv_atomic(frame, target) -> Path:
    """``frame`` as a CSV at ``target``, whole or not at all (``boxoffice.atomic.atomic_path``),
    ``CHUNK_ROWS`` rows at a time, as many chunks made side by side as there are cores (Arrow's kernels
    release the GIL), each written as soon as the ones before it are. Chunks, not columns, side by side:
    a chunk's rows are then joined in its own thread too (an 84,000-film slate's text 0.15 -> 0.10 s on
    two cores). What is written goes to the disk while the rest is made, so the final ``fsync`` (40 ms
    for a slate's 24 MB) has little left to wait for."""
    import os
    from collections import deque

    from boxoffice.atomic import atomic_path
    from boxoffice.cores import usable_cores

    starts = list(range(0, max(len(frame), 1), CHUNK_ROWS))

    def text(start: int) -> list:
        return _csv_parts(frame.iloc[start:start + CHUNK_ROWS], header=start == 0)

    workers = min(usable_cores(), len(starts))
    with atomic_path(target) as tmp, open(tmp, "wb") as handle:
        if workers < 2:
            for start in starts:
                handle.writelines(text(start))
            return Path(target)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool, ThreadPoolExecutor(1) as disk:
            made, synced = deque(pool.submit(text, start) for start in starts[:workers]), []
            for start in starts[workers:]:  # in row order, at most ``workers`` chunks ahead of the file
                parts = made.popleft().result()
                made.append(pool.submit(text, start))  # the cores stay busy while this chunk is written
                handle.writelines(parts)
                handle.flush()
                synced.append(disk.submit(getattr(os, "fdatasync", os.fsync), handle.fileno()))  # macOS: fsync
            while made:
                handle.writelines(made.popleft().result())
            for flush in synced:  # a disk error is reported once per file: by these, not the final fsync
                flush.result()
    return Path(target)


def _texts(frame):
    """Each column as an Arrow large_string array of its CSV fields (quoted where needed), or None
    where pandas must write the frame."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(frame) == 0 or frame.shape[1] < 2 or not all(isinstance(name, str) for name in frame.columns):
        return None
    if "\r" in "".join(frame.columns):
        return None
    def text_of(name):
        column = frame[name]
        dtype = column.dtype
        if dtype == np.bool_:
            return pc.if_else(pa.array(column.to_numpy()), _text("True"), _text("False"))
        if isinstance(dtype, np.dtype) and dtype.kind in "iu":
            return pc.cast(pa.array(column.to_numpy()), pa.large_string())
        if dtype == np.float64:
            return _float_text(column.to_numpy())
        return _string_text(column)

    columns = [text_of(name) for name in frame.columns]
    return None if any(text is None for text in columns) else columns


def _text(value: str):
    import pyarrow as pa

    return pa.scalar(value, pa.large_string())


def _float_text(values):
    """Floats as pandas writes them (Python's ``repr``; NaN blank), Arrow's text where it is the same.

    Both print the shortest digits that read back as the value; they differ in the form. Python
    writes positional digits from 1e-4 up to 1e16 and an exponent outside; Arrow drops a whole
    number's ".0" (put back here: money to the cent is often whole) and picks an exponent by its own
    rule (1.00000000005e+10). So Python formats what is outside [1e-4, 1e15), not finite, or given an
    exponent by Arrow.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cents = _cents_text(values)
    if cents is not None:
        return cents
    size = np.abs(values)
    python = ~np.isfinite(values) | (size >= 1e15) | (size < 1e-4)
    text = pc.cast(pa.array(np.where(python, 0.5, values)), pa.large_string())
    python |= pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    whole = ~python & (values == np.trunc(values))
    if whole.any():
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, _text(".0"), _text("")), text)
    if not python.any():
        return text
    text = text.to_numpy(zero_copy_only=False).astype(object)
    text[python] = ["" if v != v else repr(v) for v in values[python].tolist()]
    return pa.array(text, pa.large_string())


def _cents_text(values):
    """A column of money to the cent (``boxoffice.units.to_the_cent``; NaN blank) as Python writes it, made
    from whole cents: numba writes the digits (a column in 1 ms; Arrow's casts and joins took 9-13 ms,
    themselves three times as fast as its float text); Arrow where numba cannot run. None for any
    other column.

    A float ``np.round(v, 2)`` is the double nearest ``k / 100``; from 0 up to 1e13 its shortest
    text is k's digits with a point before the last two (no shorter decimal lies within half a cent's
    step), trailing zeros dropped but one: 12.5, 12.05, 12.0.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    known = ~np.isnan(values)
    given = values[known]
    in_range = len(given) and ((given >= 0) & (given < 1e13) & ~np.signbit(given)).all()
    if not in_range or not (np.round(given, 2) == given).all():  # rounded only in range: 1e308 * 100 overflows
        return None
    cents = np.rint(np.where(known, values, 0.0) * 100).astype(np.int64)
    writer = _cents_writer()
    if writer is not None:
        offsets, data = writer(cents.view(np.uint64), known)
        return pa.LargeStringArray.from_buffers(len(cents), pa.py_buffer(offsets), pa.py_buffer(data))
    dollars, cents = np.divmod(cents, 100)
    text = pc.binary_join_element_wise(pc.cast(pa.array(dollars), pa.large_string()),
                                       pc.take(_cent_digits(), pa.array(cents)), _text("."))
    return text if known.all() else pc.if_else(pa.array(known), text, _text(""))


POWERS_OF_TEN = np.array([10 ** k for k in range(1, 20)], dtype=np.uint64)
"""What the dollars' digit count is read from (``_cents_bytes``)."""


@lru_cache(maxsize=None)
def _cents_writer():
    """``_cents_bytes`` compiled by numba (cached on disk), or None where numba cannot run."""
    try:
        from boxoffice.compiled import compiled

        return compiled(_cents_bytes, nogil=True)
    except (ImportError, RuntimeError, OSError):
        return None


def _cents_bytes(cents, known):
    """The text of each whole number of cents (unsigned; blank where not ``known``) as a large string
    array's offsets and bytes: dollars' digits, a point and the cents' ("0", "05", "5", "15")."""
    n = cents.shape[0]
    lengths = np.zeros(n, dtype=np.int64)
    for i in range(n):  # without branches, so that it vectorises
        dollars, length = cents[i] // 100, 4 - np.int64(cents[i] % 10 == 0)  # "d.0" or "d.05"
        for power in POWERS_OF_TEN:  # a digit more per power of ten the dollars reach
            length += np.int64(dollars >= power)
        lengths[i] = length if known[i] else 0
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    data = np.empty(offsets[n], dtype=np.uint8)
    for i in range(n):
        if not known[i]:
            continue
        dollars, rest, at = cents[i] // 100, cents[i] % 100, offsets[i + 1]
        if rest % 10 == 0:  # one digit after the point: "0" or the tens'
            data[at - 1], data[at - 2], at = 48 + rest // 10, 46, at - 2
        else:
            data[at - 1], data[at - 2], data[at - 3], at = 48 + rest % 10, 48 + rest // 10, 46, at - 3
        while dollars >= 100:  # two digits a division
            dollars, pair = dollars // 100, dollars % 100
            data[at - 1], data[at - 2], at = 48 + pair % 10, 48 + pair // 10, at - 2
        if dollars >= 10:
            data[at - 1], data[at - 2] = 48 + dollars % 10, 48 + dollars // 10
        else:
            data[at - 1] = 48 + dollars
    return offsets, data


def _cent_digits():
    """What follows the point for 0..99 cents: "0", "01", …, "1", "11", …"""
    import pyarrow as pa

    return pa.array(["0", *(f"{cents:02d}".rstrip("0") for cents in range(1, 100))], pa.large_string())


def _string_text(column):
    """Text (missing values blank), quoted where the csv module would; None for anything else."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(column, from_pandas=True)  # pandas' Arrow-backed text as it is, no copy
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type) or pa.types.is_null(text.type)):
        return None  # numbers, dates, lists, … in an object column: pandas writes them
    text = pc.fill_null(text.cast(pa.large_string()), _text(""))
    if not pc.sum(pc.binary_length(text)).as_py():  # every field blank (a slate's problems, mostly)
        return text
    coded = pc.dictionary_encode(text)  # a slate's warnings repeat: each distinct text is quoted once
    distinct = coded.dictionary
    if pc.any(pc.match_substring(distinct, "\r")).as_py():
        return None
    quoted = pc.match_substring_regex(distinct, _QUOTED)
    if not pc.any(quoted).as_py():
        return text
    wrapped = pc.binary_join_element_wise(_text('"'), pc.replace_substring(distinct, '"', '""'), _text('"'), _text(""))
    return pc.take(pc.if_else(quoted, wrapped, distinct), coded.indices)


def _quote_one(text: str) -> str:
    import re

    return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(_QUOTED, text) else text


def _joined(rows):
    """The values of a string array end to end: its data buffer between the first and last offsets
    (a view of Arrow's buffer, no copy)."""
    import numpy as np
    import pyarrow as pa

    rows = rows.cast(pa.large_string())
    offsets = np.frombuffer(rows.buffers()[1], np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return rows.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
