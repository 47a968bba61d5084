"""Text columns parsed once per distinct text: a slate of 100,000 films repeats its dates, ratings and
genres, and even its titles and casts come from a few thousand films."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

from boxoffice.errors import InputError
from boxoffice.names import BULK, clean_text, clean_texts
from boxoffice.table.schema import LIST_COLUMNS

PARALLEL_ROWS = 5_000
"""From this many rows the columns are parsed side by side, one per usable core (``parsed_columns``)."""


def parsed_columns(frame, parsers: dict, required, parse_each: dict) -> dict:
    """``ParsedColumn.of`` each column of ``parsers`` (canonical name -> parser of one text), in
    ``parsers``' order; ``parse_each`` holds the bulk parsers. For many rows, on every usable core:
    hashing a column's cells (pandas over Arrow) lets go of the GIL, so one column is hashed while
    another's distinct texts are parsed (13 columns of 84,000 films hashed in 41-48 ms, 24-29 on two)."""
    from boxoffice.cores import usable_cores

    def parse(column):
        return ParsedColumn.of(frame, column, parsers[column], column in required, parse_each.get(column))

    workers = min(usable_cores(), len(parsers)) if len(frame) >= PARALLEL_ROWS else 1
    if workers < 2:
        return {column: parse(column) for column in parsers}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(parsers, pool.map(parse, list(parsers))))


BLANK = object()
"""The error of a blank cell: a problem only in a required column."""


@dataclass(frozen=True)
class ParsedColumn:
    """A column parsed once per distinct text: ``codes`` (one per row) into ``parsed`` and ``errors``
    (None, ``BLANK`` or the parser's ``InputError``)."""
    codes: object
    parsed: object
    errors: object
    failing: object
    """Per row: a parse error, or a blank in a required column."""

    @classmethod
    def of(cls, frame, column: str, parse, required: bool, parse_each=None) -> "ParsedColumn":
        """``parse_each``, if given, parses a list of texts at once (an ``InputError`` in place of a text's
        value): for a column of many distinct texts, where one by one would cost seconds."""
        import numpy as np
        import pandas as pd

        if column not in frame:
            codes, texts = np.zeros(len(frame), dtype=np.intp), [""]
        else:
            codes, uniques = pd.factorize(frame[column])
            texts = [*uniques.tolist(), ""]
            codes[codes < 0] = len(texts) - 1  # a missing cell (a short row) is blank
        parsed, errors = np.empty(len(texts), dtype=object), np.empty(len(texts), dtype=object)
        if parse_each is not None and len(texts) > BULK:  # array-wise: 84,000 distinct titles and casts
            cleaned = clean_texts([text if isinstance(text, str) else "" for text in texts])
            given = np.fromiter(map(bool, cleaned), dtype=bool, count=len(cleaned))
            errors[~given] = BLANK
            results = parse_each(list(compress(cleaned, given)))
            filled = np.flatnonzero(given)
            parsed[filled] = np.fromiter(results, dtype=object, count=len(results))
            if any(issubclass(kind, InputError) for kind in set(map(type, results))):
                bad = filled[[i for i, result in enumerate(results) if isinstance(result, InputError)]]
                errors[bad], parsed[bad] = parsed[bad], None
        else:
            for k, raw_text in enumerate(texts):
                text = clean_text(raw_text) if isinstance(raw_text, str) else ""
                if not text:
                    errors[k] = BLANK
                    continue
                try:
                    parsed[k] = parse(text)
                except InputError as err:
                    errors[k] = err
        if column in LIST_COLUMNS:  # a blank is no names
            none = np.empty(1, dtype=object)
            none[0] = []
            parsed[pd.isna(parsed)] = none
        failed = ~pd.isna(errors) & ((errors != BLANK) | required)
        return cls(codes, parsed, errors, failed[codes])

    def error(self, i: int):
        return self.errors[self.codes[i]]
