"""Money, dates and constant dollars, as a user types them."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boxoffice.errors import InputError
from boxoffice.units import (
    BASE_YEAR,
    MAX_MONEY_USD,
    constant_dollars,
    cpi,
    cpi_table,
    format_money,
    from_constant_dollars,
    money_fields_rounded,
    parse_date,
    parse_money,
    release_year_dollars,
    round_money,
    to_constant_dollars,
)


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "usd"),
    [
        ("150m", 150_000_000),
        ("150M", 150_000_000),
        ("$150,000,000", 150_000_000),
        ("1.2b", 1_200_000_000),
        ("800k", 800_000),
        (" $ 75m ", 75_000_000),
        ("2.5 million", 2_500_000),
        ("1bn", 1_000_000_000),
        ("425000000", 425_000_000),
        ("USD 90m", 90_000_000),
    ],
)
def test_money_as_users_write_it(text, usd):
    assert parse_money(text) == pytest.approx(usd)


def test_numbers_pass_through_as_dollars():
    assert parse_money(150_000_000) == 150_000_000.0
    assert parse_money(2.5e6) == 2.5e6


@pytest.mark.parametrize("text", ["abc", "-5m", "0", "1e400", "150mm", "", "   ", "$", "m", "1.2.3m", "5 m k"])
def test_bad_money_is_an_input_error(text):
    with pytest.raises(InputError):
        parse_money(text)


def test_money_error_names_the_field_and_shows_an_example():
    with pytest.raises(InputError) as caught:
        parse_money("lots", field="budget")
    message = str(caught.value)
    assert "budget" in message and "'lots'" in message
    assert "150m" in message  # the hint shows how to write it


def test_zero_only_when_allowed():
    assert parse_money("0", allow_zero=True) == 0.0
    with pytest.raises(InputError):
        parse_money("$0")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 2e12])
def test_bad_numbers_are_input_errors(value):
    with pytest.raises(InputError):
        parse_money(value)


def test_over_a_trillion_is_a_typo():
    assert parse_money("1000b") == MAX_MONEY_USD
    with pytest.raises(InputError, match="trillion"):
        parse_money("1001b")


@pytest.mark.parametrize(("text", "hint"), [("1,5m", "1.5m"), ("2,25b", "2.25b"), ("1,5", "1.5"), ("12,5 million", "12.5 million"),
                                          ("$1,50m", "$1.50m")])
def test_a_decimal_comma_is_refused_with_the_point_spelling(text, hint):
    """'1,5m' was read as $15M: a comma is a thousands separator or a mistake, never a decimal point."""
    with pytest.raises(InputError, match="decimal comma") as caught:
        parse_money(text, field="budget")
    assert f"write {hint}" in str(caught.value) and repr(text) in str(caught.value)


@pytest.mark.parametrize(("text", "usd"), [("1.5E+08", 150e6), ("1.5e8", 150e6), ("2E6", 2e6), ("$1.5e+08", 150e6),
                                           ("150,000,000", 150e6), ("1,500.5", 1500.5), ("1e-2m", 1e4)])
def test_scientific_notation_and_thousands_separators_are_amounts(text, usd):
    assert parse_money(text) == pytest.approx(usd)


@pytest.mark.parametrize("text", ["1e400", "1E+13"])
def test_huge_scientific_notation_is_over_a_trillion(text):
    with pytest.raises(InputError, match="over \\$1 trillion"):
        parse_money(text)


def test_money_is_rounded_to_cents_and_only_money():
    assert round_money(375000000.0000008) == 375000000.0
    assert round_money(12.345678) == 12.35 and round_money(None) is None and math.isnan(round_money(float("nan")))
    noisy = {"worldwide_p50": 375000000.0000008, "break_even_prob": 0.123456789, "budget_usd": 150e6 + 1e-7,
             "break_even_gross": 375e6 + 3e-7, "median_multiple": 1.23456789, "median_p90_over_p10": 3.14159,
             "drivers": {"budget": 1.0000001}, "rows": [{"domestic_p10": 1.005001, "rmsle": 1.234567}],
             "title": "1984", "n": 3, "total_worldwide_gross_usd_2012": 2.000001}
    assert money_fields_rounded(noisy) == noisy | {
        "worldwide_p50": 375e6, "budget_usd": 150e6, "break_even_gross": 375e6, "total_worldwide_gross_usd_2012": 2.0,
        "rows": [{"domestic_p10": 1.01, "rmsle": 1.234567}]}


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_to_sane_money_or_raises_input_error(text):
    try:
        value = parse_money(text)
    except InputError:
        return
    assert isinstance(value, float)
    assert math.isfinite(value) and 0 < value <= MAX_MONEY_USD


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"\A\$?[0-9][0-9,]{0,14}(\.[0-9]{1,3})?\s?(k|m|b|K|M|B|bn|million)?\Z", fullmatch=True)
)
def test_money_like_text_parses_to_sane_money_or_raises_input_error(text):
    try:
        value = parse_money(text)
    except InputError:
        return
    assert math.isfinite(value) and 0 < value <= MAX_MONEY_USD


@pytest.mark.parametrize(
    ("usd", "text"),
    [(150e6, "$150M"), (1.2e9, "$1.2B"), (800e3, "$800K"), (2.5e6, "$2.5M"), (None, "–"), (float("nan"), "–")],
)
def test_format_money_reads_back(usd, text):
    assert format_money(usd) == text
    if usd is not None and usd == usd:
        assert parse_money(text) == pytest.approx(usd)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2027-07-16", dt.date(2027, 7, 16)),
        ("Dec 18, 2009", dt.date(2009, 12, 18)),  # The Numbers
        ("Jun 12 1998", dt.date(1998, 6, 12)),  # vega
        ("December 18, 2009", dt.date(2009, 12, 18)),
        ("  Dec  18,  2009 ", dt.date(2009, 12, 18)),
        (dt.datetime(2010, 7, 16, 9, 30), dt.date(2010, 7, 16)),
        (dt.date(2010, 7, 16), dt.date(2010, 7, 16)),
    ],
)
def test_dates_as_sources_and_users_write_them(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["", "soon", "2009-13-01", "Feb 30, 2010", "18/12/2009x", None])
def test_bad_dates_are_input_errors_naming_the_field(text):
    with pytest.raises(InputError, match="release_date"):
        parse_date(text, field="release_date")


# ---------------------------------------------------------------- constant dollars


def test_constant_dollars_use_bls_cpi_u_annual_averages():
    # BLS CPI-U annual averages (1982-84=100): 2009 = 214.537, 2012 = 229.594
    assert BASE_YEAR == 2012
    assert to_constant_dollars(100.0, 2009) == pytest.approx(100.0 * 229.594 / 214.537)
    assert to_constant_dollars(100.0, BASE_YEAR) == pytest.approx(100.0)


def test_older_money_is_worth_more_in_constant_dollars():
    assert to_constant_dollars(1e6, 1975) > to_constant_dollars(1e6, 1995) > to_constant_dollars(1e6, 2011)


def test_constant_dollars_round_trip():
    nominal = 425e6
    assert from_constant_dollars(to_constant_dollars(nominal, 1997), 1997) == pytest.approx(nominal)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1800, 2200), min_size=1, max_size=20), st.sampled_from([np.int64, np.int32, np.uint16]))
def test_whole_years_convert_as_each_year_alone_does(years, dtype):
    """Arrays of whole years read each year's factor from a table: the same numbers as one year at a time."""
    usd = np.linspace(1.0, 1e9, len(years))
    out = to_constant_dollars(usd, np.array(years, dtype=dtype))
    assert out.tolist() == to_constant_dollars(usd, np.array(years, dtype=float)).tolist()  # bit for bit
    assert out.tolist() == pytest.approx([to_constant_dollars(float(u), y) for u, y in zip(usd, years)], rel=1e-15)


def test_constant_dollars_on_arrays_keep_unknown_years_unknown():
    out = to_constant_dollars(np.array([100.0, 100.0, 100.0]), np.array([2012, 2009, np.nan]))
    assert out[0] == pytest.approx(100.0)
    assert out[1] > 100.0
    assert math.isnan(out[2])


def test_forecasts_turn_into_release_year_dollars_and_back():
    """The model's constant 2012 dollars -> dollars of each film's release year (what users read), and back."""
    usd_2012 = np.array([100e6, 100e6, 100e6])
    years = np.array([1997, BASE_YEAR, 2009])
    shown = release_year_dollars(usd_2012, years)
    assert shown[0] < 100e6 and shown[1] == pytest.approx(100e6) and shown[2] < 100e6  # older dollars buy more
    assert shown == pytest.approx(from_constant_dollars(usd_2012, years))
    assert constant_dollars(shown, years) == pytest.approx(usd_2012)
    assert release_year_dollars(100e6, 1997) == pytest.approx(shown[0])


def test_years_outside_the_cpi_table_use_its_ends():
    table = cpi_table()
    assert cpi(1800) == table[min(table)]
    assert cpi(2999) == table[max(table)]


def test_iso_weeks_are_pandas_isocalendar_weeks_over_two_centuries():
    import numpy as np
    import pandas as pd

    from boxoffice.units import iso_weeks

    days = pd.Series(pd.date_range("1900-01-01", "2100-12-31", freq="D"))
    assert np.array_equal(iso_weeks(days.to_numpy("datetime64[ns]")), days.dt.isocalendar().week.to_numpy(float))
    assert np.isnan(iso_weeks(np.array(["NaT"], dtype="datetime64[ns]"))[0])
