"""Text columns as pandas holds text (its ``str`` dtype, Arrow-backed), made by Arrow from codes into
a few distinct texts. A slate's warning, problem and mixed-over columns repeat a handful of texts;
pandas inferring its dtype from 84,000 Python strings cost 10-30 ms a column, five columns a slate."""
from __future__ import annotations


def coded_text(codes, texts):
    """``texts[codes]`` as a pandas text array (``codes`` index ``texts``)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pa.array(list(texts), pa.large_string())
    return _as_pandas(pc.take(distinct, pa.array(np.asarray(codes, dtype=np.int64))))


def placed_text(values, at, n: int):
    """A text column of ``n`` rows: ``values`` (text, one per position of ``at``) at the positions
    ``at``, blank elsewhere (a slate's rows that could not be forecast)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(values, pa.large_string(), from_pandas=True)  # pandas' Arrow text as it is
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(values) == n:  # every row forecast: ``at`` is every position, in order
        return _as_pandas(values)
    index = np.full(n, len(values), dtype=np.int64)
    index[np.asarray(at, dtype=np.int64)] = np.arange(len(values))
    return _as_pandas(pc.take(pa.concat_arrays([values, pa.array([""], pa.large_string())]), pa.array(index)))


def _as_pandas(text):
    """An Arrow text array as pandas' own text array (no copy); an object array where pandas keeps text
    as Python strings (pandas 2)."""
    import pandas as pd

    dtype = pd.Series([""]).dtype
    if isinstance(dtype, pd.StringDtype):
        return pd.array(text, dtype=dtype)
    return text.to_numpy(zero_copy_only=False)
