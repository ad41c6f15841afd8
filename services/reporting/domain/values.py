"""Small values every report table is built from: counts in households and persons, exact
rates, and the key of a round's figures (review year, standard, stage)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from shared.contracts.codes import ReviewStage
from shared.errors import DomainError, ErrorKind

DEFAULT_STAGE = ReviewStage.RECOGNISED
"""Figures are those recognised by the commune's decision unless a caller asks otherwise."""


@dataclass(frozen=True, slots=True)
class Counts:
    """Households and persons behind one figure (persons: members of those households unless a
    table says otherwise, e.g. children or workers)."""

    households: int = 0
    persons: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.households + other.households, self.persons + other.persons)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.households - other.households, self.persons - other.persons)

    def __neg__(self) -> Counts:
        return Counts(-self.households, -self.persons)

    @property
    def is_zero(self) -> bool:
        return self.households == 0 and self.persons == 0


ZERO = Counts()


def total(items: Iterable[Counts]) -> Counts:
    """Sum of :class:`Counts`."""
    out = ZERO
    for c in items:
        out = out + c
    return out


@dataclass(frozen=True, slots=True)
class Rate:
    """``part`` of ``whole`` kept exact; shown as a percentage rounded half up."""

    part: int
    whole: int

    @property
    def value(self) -> Fraction | None:
        """The exact share (``None`` when there is nothing to divide by)."""
        return Fraction(self.part, self.whole) if self.whole else None

    def percent_decimal(self, places: int = 2) -> Decimal:
        """Percentage rounded half up to ``places`` decimals (0 for an empty whole).

        Integer arithmetic, so 4.905 shows as 4.91 whatever floats would do."""
        if not self.whole:
            return Decimal(0).scaleb(-places)
        scale: int = 10**places
        units = (200 * scale * self.part + self.whole) // (2 * self.whole)
        return Decimal(units).scaleb(-places)

    def percent(self, places: int = 2) -> float:
        """:meth:`percent_decimal` as a float (for JSON)."""
        return float(self.percent_decimal(places))


@dataclass(frozen=True, slots=True)
class RoundKey:
    """Which figures: a review round (year), a standard and a stage."""

    review_year: int
    standard_id: str
    stage: ReviewStage


def parse_stage(value: str | ReviewStage | None) -> ReviewStage:
    """The stage named by ``value`` (default: recognised), or a 422 naming the choices."""
    if value is None:
        return DEFAULT_STAGE
    try:
        return ReviewStage(value)
    except ValueError:
        raise DomainError(
            "stage",
            f"Giai đoạn «{value}» không hợp lệ; chọn «proposed» (đề xuất) hoặc «recognised» "
            "(đã công nhận).",
            f"Unknown stage '{value}'; choose 'proposed' or 'recognised'.",
            ErrorKind.INVALID,
            code="unknown_stage",
        ) from None
