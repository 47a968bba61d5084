"""Money and dates as users write them, and constant dollars.

Money: ``150m``, ``$150,000,000``, ``1.2b``, ``800k``, ``1.5e8`` -> USD as float; a decimal comma
(``1,5m``) is refused, not guessed. Money shown or emitted is rounded to the cent (``round_money``).
Dates: ISO ``2027-07-16`` and the sources' ``Dec 18, 2009`` / ``Jun 12 1998``.
Constant dollars: US CPI-U annual averages (``resources/cpi_us.csv``),
expressed in dollars of ``BASE_YEAR`` (the last year of the public data); the model
works in them, and ``release_year_dollars`` turns its figures into dollars of each
film's release year (``constant_dollars`` back).
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from functools import lru_cache
from importlib import resources

from boxoffice.errors import InputError

BASE_YEAR = 2012
"""Constant-dollar figures are in US dollars of this year."""

MAX_MONEY_USD = 1e12
"""No film costs or grosses a trillion dollars: larger input is a typo."""

_MONEY = re.compile(r"^\$?\s*(?P<num>\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)\s*"
                    r"(?P<unit>[kmb]|bn|mn|mil|million|billion|thousand)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.|e|$)")
"""Commas only between groups of three digits (150,000,000): a comma anywhere else is a decimal comma or a typo."""
_UNIT = {None: 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mil": 1e6,
         "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}


def parse_money(text: object, *, field: str = "money", allow_zero: bool = False) -> float:
    """Parse a user's money string to USD; raise ``InputError`` naming the field."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text) if abs(text) < 1e300 else math.inf  # float(10**400) would raise OverflowError
    else:
        raw = str(text).strip().lower().replace(" ", "").replace("usd", "")
        match = _MONEY.match(raw)
        if raw.startswith("-") and _MONEY.match(raw[1:]):
            raise InputError(f"{field} {str(text)!r} must be a positive amount", hint="e.g. 150m")
        if not raw or not match:
            raise InputError(
                f"{field} {str(text)!r} is not an amount of money",
                hint="write it like 150m, $150,000,000, 1.2b or 800k",
            )
        num = match["num"]
        if "," in num and not _THOUSANDS.match(num):
            _refuse_comma(text, num, field)
        value = float(num.replace(",", "")) * _UNIT[match["unit"]]
        if not math.isfinite(value):  # 1e400
            raise InputError(f"{field} {str(text)!r} is over $1 trillion", hint="e.g. 150m or 1.2b")
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{field} {text!r} must be a positive amount", hint="e.g. 150m")
    if value == 0 and not allow_zero:
        raise InputError(f"{field} {text!r} must be more than zero", hint="e.g. 150m")
    if value > MAX_MONEY_USD:
        raise InputError(f"{field} {text!r} is over $1 trillion", hint="e.g. 150m or 1.2b")
    return value


def _refuse_comma(text, num: str, field: str):
    """'1,5m' is 1.5 million to much of the world and 15 million to a thousands-separator reader: refuse it."""
    if num.count(",") == 1 and "." not in num:
        point = str(text).strip().replace(",", ".")
        raise InputError(f"{field} {str(text)!r} has a decimal comma", hint=f"write {point} (commas only between "
                         "thousands, as in 150,000,000)")
    raise InputError(f"{field} {str(text)!r} has commas that do not separate thousands",
                     hint="write it like 150m or 150,000,000")


def round_money(usd):
    """USD to the cent: model arithmetic leaves float noise (375000000.0000008) that no reader wants.
    None and NaN pass through."""
    if usd is None or isinstance(usd, bool) or not isinstance(usd, (int, float)) or usd != usd:
        return usd
    return float(to_the_cent(float(usd))) if math.isfinite(usd) else usd


def to_the_cent(usd):
    """The one rounding of money, for a number or an array (a slate's columns; NaN passes through): NumPy's,
    so that a slate's CSV and ``--json`` give the same cents."""
    import numpy as np

    return np.round(usd, 2)


_MONEY_KEY = re.compile(r"(?:^|_)(?:usd|gross)(?:_\d{4})?$|^(?:worldwide|domestic)_p(?:10|50|90)$")
"""Keys holding money: ``*_usd``, ``*gross``, ``*_usd_2012``, ``worldwide_p50``…; never ``break_even_prob``
or ``median_p90_over_p10``."""


def is_money_key(key: object) -> bool:
    return isinstance(key, str) and bool(_MONEY_KEY.search(key))


def money_fields_rounded(obj):
    """A copy of a JSON-ready value (dicts, lists, scalars) with every money field rounded to the cent."""
    if isinstance(obj, dict):
        return {k: round_money(v) if is_money_key(k) and not isinstance(v, (dict, list))
                else money_fields_rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [money_fields_rounded(v) for v in obj]
    return obj


def json_ready(obj):
    """A copy of a result that any JSON parser reads, the one shape of ``--json`` and the HTTP API: money
    to the cent (``money_fields_rounded``), a missing or infinite number null, NumPy scalars as Python
    numbers, anything else (a date, a path) as its text."""
    obj = money_fields_rounded(obj)
    return _plain_json(obj)


def _plain_json(obj):
    if isinstance(obj, dict):
        return {str(k): _plain_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain_json(v) for v in obj]
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, int):
        return int(obj)
    item = getattr(obj, "item", None)  # a NumPy scalar
    if callable(item) and getattr(obj, "shape", None) == ():
        return _plain_json(item())
    if getattr(obj, "__class__", None).__name__ in ("NAType", "NaTType"):
        return None
    return str(obj)


def format_money(usd: float | None) -> str:
    """``$150M``, ``$1.2B``, ``$800K``: readable money for tables and plots."""
    if usd is None or (isinstance(usd, float) and math.isnan(usd)):
        return "–"
    sign = "-" if usd < 0 else ""
    usd = abs(usd)
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if usd >= size:
            value = usd / size
            digits = 0 if value >= 100 else 1
            return f"{sign}${value:.{digits}f}{unit}".replace(".0" + unit, unit)
    return f"{sign}${usd:.0f}"


_DATE_FORMATS = ("%Y-%m-%d", "%b %d, %Y", "%b %d %Y", "%B %d, %Y", "%B %d %Y", "%Y/%m/%d", "%d %b %Y")


def parse_date(text: object, *, field: str = "date") -> dt.date:
    """Parse ISO or the sources' month-name dates; raise ``InputError`` otherwise."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    raw = " ".join(str(text).strip().split())
    if len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii() and raw.replace("-", "").isdigit():
        try:  # YYYY-MM-DD, as ``strptime`` reads it with the first format, 50 times faster
            return dt.date(int(raw[:4]), int(raw[5:7]), int(raw[8:]))
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InputError(f"{field} {str(text)!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2027-07-16")


@lru_cache(maxsize=1)
def cpi_table() -> dict[int, float]:
    """US CPI-U annual averages by year (BLS series CUUR0000SA0)."""
    path = resources.files("boxoffice") / "resources" / "cpi_us.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return {int(r["year"]): float(r["cpi_u"]) for r in rows}


def cpi(year: int) -> float:
    """CPI of a year; years past the table use its last year, before it its first."""
    table = cpi_table()
    year = min(max(int(year), min(table)), max(table))
    return table[year]


def to_constant_dollars(usd, year, base_year: int = BASE_YEAR):
    """Nominal USD of ``year`` -> USD of ``base_year``. Works on scalars and arrays."""
    import numpy as np

    years = np.asarray(year)
    if years.ndim == 0:
        return usd * cpi(base_year) / cpi(int(years))
    if years.dtype.kind in "iu" and years.size and int(years.max()) - int(years.min()) < 1000:
        first = int(years.min())  # whole years: each year's factor looked up by its offset, not sorted
        table = np.array([cpi(base_year) / cpi(y) for y in range(first, int(years.max()) + 1)])
        return np.asarray(usd, dtype=float) * table[years - first]
    unique, inverse = np.unique(years, return_inverse=True)  # one CPI lookup per year, not per film
    factors = np.array([cpi(base_year) / cpi(int(y)) if y == y else np.nan for y in unique])[inverse]
    return np.asarray(usd, dtype=float) * factors.reshape(years.shape)


def from_constant_dollars(usd, year, base_year: int = BASE_YEAR):
    """USD of ``base_year`` -> nominal USD of ``year``."""
    return usd / to_constant_dollars(1.0, year, base_year)


def release_year_dollars(usd, years):
    """Constant ``BASE_YEAR`` USD (what the model learns in) -> USD of each film's release year
    (what forecasts, track records and comps report). Scalars or arrays; ``years`` as ints."""
    import numpy as np

    return np.asarray(usd, dtype=float) * (1.0 / to_constant_dollars(1.0, years))


def constant_dollars(usd, years):
    """Inverse of ``release_year_dollars``: USD of each release year -> constant ``BASE_YEAR`` USD,
    so forecasts of different years compare (the backtest scores in these)."""
    import numpy as np

    return np.asarray(usd, dtype=float) * to_constant_dollars(1.0, years)


def iso_weeks(dates):
    """ISO 8601 week numbers (1–53) of an array of dates, as floats: what ``Series.dt.isocalendar().week``
    gives, without building its frame (a third of a single forecast's time went there)."""
    import numpy as np

    days = np.asarray(dates, dtype="datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # Monday 0 (1970-01-01 was a Thursday)
    thursday = days - weekday + 3  # the week belongs to the year of its Thursday
    first = thursday.astype("datetime64[Y]").astype("datetime64[D]")
    weeks = ((thursday - first).astype(np.int64) // 7 + 1).astype(float)
    weeks[np.isnat(days)] = np.nan
    return weeks


def days_since_epoch(dates):
    """(days since 1970-01-01 as int64, True where a date is given) of any dates: an array of
    ``datetime64`` without a trip through pandas (a single forecast reads its dates several times)."""
    import numpy as np

    if isinstance(dates, np.ndarray) and np.issubdtype(dates.dtype, np.datetime64):
        day_values = dates.astype("datetime64[D]")
    else:
        import pandas as pd

        day_values = pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]")
    dated = ~np.isnat(day_values)
    return np.where(dated, day_values.astype(np.int64), 0), dated


def calendar(dates):
    """(days as ``datetime64[D]``, year, month, day of the year) of dates, by numpy date arithmetic: what
    the ``Series.dt`` accessors give (floats with NaN where there is no date, ints otherwise), at a
    fraction of their cost on a few rows."""
    import numpy as np

    if not (isinstance(dates, np.ndarray) and np.issubdtype(dates.dtype, np.datetime64)):
        import pandas as pd

        dates = pd.to_datetime(pd.Series(dates)).to_numpy()
    days = dates.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    parts = (years.astype(np.int64) + 1970, days.astype("datetime64[M]").astype(np.int64) % 12 + 1,
             (days - years.astype("datetime64[D]")).astype(np.int64) + 1)
    missing = np.isnat(days)
    if missing.any():
        parts = tuple(np.where(missing, np.nan, p.astype(float)) for p in parts)
    return (days, *parts)
