"""When a film makes its money back: worldwide gross at a multiple of its budget.

One rule for every forecast, backtest, tuning fold, talent record and text that speaks of
break-even; each takes the multiple as an option and defaults to ``MULTIPLE``.
"""
from __future__ import annotations

MULTIPLE = 2.5
"""Worldwide gross / budget at which a film breaks even: the studio keeps roughly 40-50% of
ticket sales, and marketing costs about half the budget again (a rule of thumb)."""

LOWEST, HIGHEST = 1.0, 20.0
"""The multiples a user may ask for: under 1 a film would profit on less than its budget, and over
20 is a typo."""


def check_multiple(multiple) -> float:
    """The multiple as a float, or ``InputError`` when it is not a number from ``LOWEST`` to ``HIGHEST``."""
    from boxoffice.errors import InputError

    if isinstance(multiple, bool) or not isinstance(multiple, (int, float)) or not LOWEST <= multiple <= HIGHEST:
        raise InputError(f"break_even_multiple {multiple!r} must be a number from {LOWEST:g} to {HIGHEST:g}",
                         hint=f"e.g. {MULTIPLE:g}: the studio keeps about half of ticket sales, and marketing "
                              "costs about half the budget again")
    return float(multiple)


def log_threshold(log_budget, multiple: float = MULTIPLE):
    """Log of the break-even gross, from the log budget (same dollars in, same dollars out)."""
    import numpy as np

    return np.log(multiple) + log_budget


def break_even_gross(budget, multiple: float = MULTIPLE):
    """The worldwide gross that breaks even, in the budget's dollars."""
    return multiple * budget


def lost_money(gross, budget, multiple: float = MULTIPLE):
    """True where the worldwide gross stayed under the break-even gross (same dollars for both)."""
    return gross < break_even_gross(budget, multiple)


def multiple_text(multiple: float = MULTIPLE) -> str:
    """The multiple as texts and tables write it: ``2.5×``."""
    return f"{multiple:g}×"
