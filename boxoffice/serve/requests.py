"""What each endpoint accepts: the film's fields as ``predict`` takes them, bounded in size.

Values are left as loose as the CLI's flags (``"150m"`` or ``150000000``; ``"A, B"`` or ``["A", "B"]``)
and checked by the library (``make_film``), so a bad one gets the CLI's own message. Pydantic only
refuses what could never be a value: an unknown key, a mapping where text belongs, text too long.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from boxoffice.break_even import HIGHEST, LOWEST, MULTIPLE

MAX_VARIANTS = 100
"""Variants of one compare request: a page keeps a handful; a scenario file of hundreds is a job for the CLI."""
MAX_SLATE_FILMS = 1000
"""Films of one slate request (a bigger slate: ``boxoffice predict --input``)."""
MAX_STEPS = 200
"""Values of one sweep."""
MAX_CANDIDATES = 100
"""Names of one cast request."""
MAX_BODY_BYTES = 512 * 1024
"""A request body over this is refused unread (a 100-variant scenario is about 20 KB)."""

Text = Annotated[str, StringConstraints(max_length=500)]
Names = Union[Annotated[str, StringConstraints(max_length=5000)], Annotated[list[Text], Field(max_length=60)]]
Number = Union[float, Text]


class FilmIn(BaseModel):
    """A film as ``boxoffice predict`` describes it. A key left out is *not decided yet*: cast, director,
    distributor, rating, runtime, country, language and sequel are then mixed over comparable films."""

    model_config = ConfigDict(extra="forbid")

    title: Optional[Text] = None
    genres: Optional[Names] = Field(None, description="\"action\", \"action, thriller\" or [\"action\", \"thriller\"]")
    budget: Optional[Number] = Field(None, description="USD: 150000000 or \"150m\", \"$150,000,000\", \"1.2b\"")
    release_date: Optional[Text] = Field(None, description="YYYY-MM-DD; left out: a year from today")
    cast: Optional[Names] = Field(None, description="Lead first: \"Tom Cruise, Emily Blunt\" or a list")
    director: Optional[Names] = None
    distributor: Optional[Text] = None
    rating: Optional[Text] = Field(None, description="MPAA rating: G, PG, PG-13, R, NC-17")
    runtime: Optional[Number] = Field(None, description="Minutes")
    country: Optional[Text] = None
    language: Optional[Text] = None
    sequel: Optional[Union[bool, Text]] = Field(None, description="A sequel or franchise entry (true) or an original (false)")

    def fields(self) -> dict:
        """The values given, under ``make_film``'s names."""
        values = self.model_dump(include=set(FilmIn.model_fields))
        return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


Multiple = Annotated[float, Field(MULTIPLE, ge=LOWEST, le=HIGHEST,
                                  description="Worldwide gross / budget needed to break even")]


class ForecastIn(FilmIn):
    break_even_multiple: Multiple = MULTIPLE
    explain: bool = Field(True, description="Also give the drivers of the P50 in dollars")


class SlateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    films: Annotated[list[FilmIn], Field(min_length=1, max_length=MAX_SLATE_FILMS)]
    break_even_multiple: Multiple = MULTIPLE


Overrides = Annotated[dict[Text, Union[Number, bool, Annotated[list[Text], Field(max_length=60)], None]],
                      Field(max_length=20)]


class CompareIn(BaseModel):
    """A base and named variants, as a scenario file holds them; or the file's text itself (``yaml``)."""

    model_config = ConfigDict(extra="forbid")
    base: Optional[Overrides] = Field(None, description="The base film's fields, as in a scenario file")
    variants: Optional[Annotated[dict[Text, Overrides], Field(max_length=MAX_VARIANTS)]] = None
    yaml: Optional[Annotated[str, StringConstraints(max_length=MAX_BODY_BYTES)]] = Field(
        None, description="A scenario file's text (what `boxoffice compare FILE` reads), instead of base and variants")
    break_even_multiple: Optional[Annotated[float, Field(ge=LOWEST, le=HIGHEST)]] = None


class SweepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    film: FilmIn
    field: Literal["budget", "release_date", "release-date", "runtime"]
    span: Annotated[str, StringConstraints(max_length=100)] = Field(..., description="START..END: 20m..300m, "
                                                                   "2027-01-01..2027-12-31, 90..180")
    steps: Optional[Annotated[int, Field(ge=2, le=MAX_STEPS)]] = None
    break_even_multiple: Multiple = MULTIPLE


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    film: FilmIn
    year: Optional[Annotated[int, Field(ge=1900, le=2100)]] = None
    between: Optional[Annotated[str, StringConstraints(max_length=100)]] = None
    by: Literal["week", "month"] = "week"
    break_even_multiple: Multiple = MULTIPLE


class CastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    film: FilmIn
    role: Annotated[str, StringConstraints(max_length=20)] = "lead"
    candidates: Optional[Union[Annotated[str, StringConstraints(max_length=10_000)],
                               Annotated[list[Text], Field(max_length=MAX_CANDIDATES)]]] = None
    top: Annotated[int, Field(ge=1, le=50)] = 10
    min_films: Annotated[int, Field(ge=1, le=50)] = 2
    break_even_multiple: Multiple = MULTIPLE


class CompsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    film: FilmIn
    k: Annotated[int, Field(ge=1, le=50)] = 10
