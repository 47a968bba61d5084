"""Reading a films frame's columns fast: lists, blanks and missing columns, without a Python loop per row
where it can be avoided (these run over every row of a 100,000-film batch)."""
from __future__ import annotations

from boxoffice.table.distinct import distinct_objects, factorize

LIST_FIELDS = ("genres", "cast", "directors")
"""Film fields that hold a list of items (names, genres)."""


def column_values(films, name, n):
    import numpy as np

    if name in films:
        return films[name].to_numpy(object) if films[name].dtype == object else films[name].to_numpy()
    return np.array([None] * n, dtype=object)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is getattr(__import__("pandas"), "NA") or str(value) == ""


def list_mask(values):
    """True where a value is a list of items (list, tuple or array), without a Python-level loop
    per value for the common types: this runs over every row of a batch."""
    import numpy as np

    values = np.asarray(values, dtype=object)
    common = {list: True, tuple: True, np.ndarray: True, type(None): False, float: False, str: False}
    kinds = list(map(type, values))
    if set(kinds) <= common.keys():
        return np.fromiter(map(common.__getitem__, kinds), dtype=bool, count=len(values))
    return np.fromiter((isinstance(v, (list, tuple, np.ndarray)) for v in values), dtype=bool, count=len(values))


def list_lengths(values):
    import numpy as np

    values = np.asarray(values, dtype=object)
    listed = list_mask(values)
    lengths = np.zeros(len(values), dtype=np.int64)
    lengths[listed] = np.fromiter(map(len, values[listed]), dtype=np.int64, count=int(listed.sum()))
    return lengths


def explode(values):
    """Lists per row -> (row index, position in list, item), as flat numpy arrays. Rows holding the
    same list object (a slate's repeated cell, a film's copies in a mixture) are read once."""
    import itertools

    import numpy as np

    values = np.asarray(values, dtype=object)
    codes, first = distinct_objects(values)
    distinct = values[first]
    lengths_distinct = list_lengths(distinct)
    starts_distinct = np.cumsum(lengths_distinct) - lengths_distinct
    flat = np.empty(int(lengths_distinct.sum()), dtype=object)
    flat[:] = list(itertools.chain.from_iterable(distinct[lengths_distinct > 0]))
    lengths = lengths_distinct[codes]
    rows = np.repeat(np.arange(len(values)), lengths)
    positions = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    items = flat[np.repeat(starts_distinct[codes], lengths) + positions]
    return rows, positions, items


def blank_column(films, name, n):
    """True where column ``name`` is missing or an empty string; string columns are checked by
    pyarrow, not value by value."""
    import numpy as np
    import pandas as pd

    if name not in films:
        return np.ones(n, dtype=bool)
    column = films[name]
    if isinstance(column.dtype, pd.StringDtype):
        return column.isna().to_numpy(bool) | column.eq("").fillna(False).to_numpy(bool)
    return blank_mask(column.to_numpy(object))


def blank_mask(values):
    """True where a value (of a Series or an array) is missing or an empty string."""
    import numpy as np
    import pandas as pd

    values = np.asarray(values, dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    if missing.any():
        values = values.copy()
        values[missing] = ""  # pd.NA == "" is neither True nor False
    return missing | np.asarray(values == "", dtype=bool)


def codes_in(values, code_of: dict):
    """The code of each value in ``code_of`` (value -> int), -1 for any other: each distinct value is
    looked up once (pandas' ``Index.get_indexer`` cost 0.4 ms a call on a single forecast's rows)."""
    return codes_and_blanks(values, code_of)[0]


def codes_and_blanks(values, code_of: dict):
    """``codes_in(values, code_of)`` and ``blank_mask(values)`` from one factorization: a categorical
    column of 10,000 open variants' 260,000 rows is hashed once, not twice."""
    import numpy as np

    codes, distinct = factorize(values)  # missing values: -1, which reads the last
    coded = np.array([code_of.get(v, -1) for v in distinct] + [-1], dtype=np.int64)[codes]
    empty = np.array([isinstance(v, str) and v == "" for v in distinct] + [True], dtype=bool)
    return coded, empty[codes]
