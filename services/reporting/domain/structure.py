"""A standard's indicator structure and the Alkire-Foster weights it implies.

Weights come from the structure, not from a table of numbers: every dimension weighs the same
and the indicators of a dimension share its weight equally (Decree 07/2021: 6 dimensions x 2
indicators, each 1/12; the 2027-2030 draft's 2/2/2/2/1/3 split gives 1/12, 1/6 and 1/18).
Weights are kept as integer *units* over a common denominator so that every comparison with
a cutoff is exact (in floats 4/12 >= 1/3 can fail).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """One indicator of a standard, in the standard's order."""

    code: str
    dimension: str


@dataclass(frozen=True, slots=True)
class Structure:
    """The indicators of one standard, grouped by dimension, with their weights in units of
    ``1/denominator`` (the units of all indicators add up to ``denominator``)."""

    indicators: tuple[IndicatorRef, ...]
    denominator: int
    units: Mapping[str, int] = field(repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimensions in order of first appearance."""
        return tuple(dict.fromkeys(i.dimension for i in self.indicators))

    def dimension_of(self, code: str) -> str:
        return next(i.dimension for i in self.indicators if i.code == code)

    def weight(self, code: str) -> Fraction:
        return Fraction(self.units[code], self.denominator)

    def score(self, deprived: Iterable[str]) -> int:
        """Weighted deprivation score in units (codes not in the structure count for nothing)."""
        units = self.units
        return sum(units.get(c, 0) for c in deprived)

    def is_poor(self, score_units: int, cutoff: Fraction) -> bool:
        """``score >= k`` compared as integers: ``units * k.den >= k.num * denominator``."""
        return score_units * cutoff.denominator >= cutoff.numerator * self.denominator


def structure_of(indicators: Sequence[IndicatorRef]) -> Structure:
    """The structure of an ordered list of indicators (empty list: an empty structure)."""
    per_dimension: dict[str, int] = {}
    for i in indicators:
        per_dimension[i.dimension] = per_dimension.get(i.dimension, 0) + 1
    if not per_dimension:
        return Structure((), 1, MappingProxyType({}))
    n_dims = len(per_dimension)
    denominator = math.lcm(*(n_dims * n for n in per_dimension.values()))
    units = {i.code: denominator // (n_dims * per_dimension[i.dimension]) for i in indicators}
    return Structure(tuple(indicators), denominator, MappingProxyType(units))


_CACHE: dict[tuple[tuple[str, str], ...], Structure] = {}


def cached_structure(pairs: tuple[tuple[str, str], ...]) -> Structure:
    """:func:`structure_of` for (code, dimension) pairs, memoised (every event of a standard
    carries the same list)."""
    found = _CACHE.get(pairs)
    if found is None:
        found = structure_of([IndicatorRef(c, d) for c, d in pairs])
        if len(_CACHE) < 64:
            _CACHE[pairs] = found
    return found
