"""The status decision of a standard, declared once: from the income comparison and the
deprivation count to poor, near-poor, average living standard or not poor, and the
low-income-worker flag.

Rule (Decree 07/2021/NĐ-CP Art. 3(2)-(4); Decree 351/2025/NĐ-CP for 2027-2030; score form per
Circular 07/2021/TT-BLĐTBXH as amended by Circular 02/2022):
- income (or score A) at or below the area's line and deprived in >= 3 indicators: poor;
- at or below the line and deprived in fewer: near-poor;
- above the line, within the average-living-standard band and living from agriculture,
  forestry, fishery or salt making: average living standard;
- otherwise: not poor.
Low-income-worker households (Decree 30/2025/NĐ-CP): neither poor nor near-poor, income in VND
at or below the area's low-income band. Score-A figures are compared with the score lines
only: the average band and the low-income band are in VND, so a score-A household above its
line is ``not_poor`` and never flagged (no point equivalent of those bands is published).

:func:`status_rule` compiles the decision for one standard into a function over coded
answers, which both the explained classifier and the facts classifier call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, NamedTuple

from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.standard import Standard
from shared.contracts.codes import AreaType, IncomeBasis, PovertyStatus

AREAS: Final = (AreaType.RURAL, AreaType.URBAN)
"""Area codes: position = code (part of the stored facts format)."""
BASES: Final = (IncomeBasis.VND_PER_CAPITA_MONTH, IncomeBasis.SCORE_A)
"""Income-basis codes: position = code (part of the stored facts format)."""


class FactsResult(NamedTuple):
    """A household's class under a standard, without explanations."""

    status: PovertyStatus
    deprived: int
    """Bit ``i`` set = deprived on ``standard.indicators[i]``."""
    deprivation_count: int
    income_line: int
    low_income_worker_household: bool


StatusRule = Callable[[int, int, int, int, int], FactsResult]
"""``(area code, basis code, income value, agriculture 0/1, deprivation mask) -> result``;
raises ``NotClassifiable`` when the standard has no line for the figure."""

_POOR = PovertyStatus.POOR
_NEAR_POOR = PovertyStatus.NEAR_POOR
_AVERAGE = PovertyStatus.AVERAGE
_NOT_POOR = PovertyStatus.NOT_POOR
_tnew = tuple.__new__


def unset_line_message(standard: Standard, area: AreaType) -> str:
    return (
        f"standard {standard.id} has no score-A line for {area.value} areas; "
        "record an income estimate in VND or set the line in the standard's data"
    )


def income_line_for(standard: Standard, basis: IncomeBasis, area: AreaType) -> int:
    """The line an income figure is compared with: VND line, or score-A line by area.

    Raises ``NotClassifiable`` for a score-A figure under a standard without score lines.
    """
    source = (
        standard.income_line
        if basis is IncomeBasis.VND_PER_CAPITA_MONTH
        else (standard.score_a_line)
    )
    line = source.for_area(area)
    if line is None:
        raise NotClassifiable(unset_line_message(standard, area))
    return line


def status_rule(standard: Standard) -> StatusRule:
    """Compile the status decision of ``standard`` (see the module docstring)."""
    poor_min = standard.poor_min_deprivations
    # Index basis * 2 + area.
    lines = tuple(
        (standard.income_line if basis is BASES[0] else standard.score_a_line).for_area(area)
        for basis in BASES
        for area in AREAS
    )
    unset = tuple(unset_line_message(standard, area) for area in AREAS)
    # An unset band is (0, 0]: contains nothing.
    bands = tuple(
        (b.above, b.up_to) if b else (0, 0)
        for b in (standard.average_band.for_area(a) for a in AREAS)
    )
    lows = tuple(-1 if v is None else v for v in map(standard.low_income_worker.for_area, AREAS))

    def decide(area: int, basis: int, value: int, agriculture: int, mask: int) -> FactsResult:
        count = mask.bit_count()
        line = lines[basis * 2 + area]
        if line is None:
            raise NotClassifiable(unset[area])
        if value <= line:
            status = _POOR if count >= poor_min else _NEAR_POOR
            result: FactsResult = _tnew(FactsResult, (status, mask, count, line, False))
            return result
        if basis:  # score A: the bands are in VND
            result = _tnew(FactsResult, (_NOT_POOR, mask, count, line, False))
            return result
        above, up_to = bands[area]
        status = _AVERAGE if agriculture and above < value <= up_to else _NOT_POOR
        result = _tnew(FactsResult, (status, mask, count, line, value <= lows[area]))
        return result

    return decide
