"""What a film's country, language, distributor and rating may say, and what a value means.

Each field has one table: ``boxoffice/resources/{country,language,distributor}_aliases.csv`` and the
ratings of ``schema``. Any case, spacing, accents and punctuation of a listed alias ("usa", "U.S.A.",
"United States") give the canonical value the film table holds ("USA", IMDb's spelling); sources, user
CSVs and flags all go through ``canonical_value``, so history and users agree. Genres have their own
tables (``boxoffice.names.canonical_genres``).

A value no alias lists is kept as written. A country, language or rating the model never learned
either is *unknown* (``UNKNOWN_IS_BLANK``): the model sees it as it saw a blank in its data (the
film's value is not known), never as one of the rare values it pooled, and never as a field left
unsaid (which mixes over what comparable films had). A distributor is a name, like a person's: one with no
earlier film is *new*, pooled with the rare distributors the model has seen, as a newcomer in the
cast has no track record (measured: as blanks, new distributors cost 0.005 RMSLE in the backtest).
The forecast warns either way, naming the field, the value and the closest known values
(``boxoffice.model.domain``).
"""
from __future__ import annotations

from functools import lru_cache

FIELDS = ("country", "language", "distributor", "mpaa_rating")
"""The fields with a vocabulary; every other text field is taken as written."""

UNKNOWN_IS_BLANK = ("country", "language", "mpaa_rating")
"""Fields whose unknown values the model takes as blanks; a new distributor is pooled with rare ones."""

LABELS = {"country": "country", "language": "language", "distributor": "distributor", "mpaa_rating": "rating"}
"""How warnings and errors name each field."""


@lru_cache(maxsize=None)
def _table(field: str):
    """The packaged alias table of a field (read once: package data)."""
    from boxoffice import names

    return {"country": names.country_aliases, "language": names.language_aliases,
            "distributor": names.distributor_aliases}[field]()


def canonical_value(field: str, value: object) -> str | None:
    """The table's spelling of ``value`` for ``field``; a value no alias lists comes back cleaned, as
    written ("Narnia"); None for a blank."""
    from boxoffice.names import clean_text
    from boxoffice.table.schema import canonical_rating

    if field == "mpaa_rating":
        return canonical_rating(value) or clean_text(value) or None
    return _table(field).canonical(value)


def is_real(field: str, value: object) -> bool:
    """True if ``value`` is a real one of ``field``: an alias table lists it (any spelling)."""
    from boxoffice.table.schema import canonical_rating

    if field == "mpaa_rating":
        return canonical_rating(value) is not None
    return _table(field).knows(value)


def real_values(field: str) -> list[str]:
    """Every canonical value of ``field``, sorted (for "did you mean")."""
    from boxoffice.table.schema import MPAA_RATINGS

    return list(MPAA_RATINGS) if field == "mpaa_rating" else _table(field).values()
