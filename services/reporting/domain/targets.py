"""Planned reductions of poverty rates (targets entered by the province) against the actual.

A target is a reduction in percentage points of one rate of one area in one year: the poor
rate, the near-poor rate, or the poor rate of ethnic-minority households (the National Target
Program asks 1-1.5 points a year overall and more than 3 points for ethnic-minority households,
Decision 90/QĐ-TTg). The actual reduction is the rate at the end of the previous round minus
the rate at the end of the year's round, computed exactly from the counts.

Outcome, with tolerance t (``met_tolerance_points``, default 0.005 points: half of the last
decimal of a rate published with two decimals):
- **met**: the actual reduction is within t of the plan (|actual − planned| ≤ t);
- **exceeded**: it is larger than planned + t;
- **missed**: it is smaller than planned − t;
- **no_baseline**: the start or end rate cannot be computed (no figures, or no households).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from services.reporting.domain.areas import AreaLevel
from services.reporting.domain.values import Rate
from shared.errors import DomainError, ErrorKind, Problem


class TargetMeasure(StrEnum):
    POOR_RATE = "poor_rate"
    NEAR_POOR_RATE = "near_poor_rate"
    MINORITY_POOR_RATE = "minority_poor_rate"


MEASURE_NAMES = {
    TargetMeasure.POOR_RATE: ("tỷ lệ hộ nghèo", "poor rate"),
    TargetMeasure.NEAR_POOR_RATE: ("tỷ lệ hộ cận nghèo", "near-poor rate"),
    TargetMeasure.MINORITY_POOR_RATE: (
        "tỷ lệ hộ nghèo đồng bào dân tộc thiểu số",
        "poor rate of ethnic-minority households",
    ),
}

TARGET_LEVELS = frozenset({AreaLevel.PROVINCE, AreaLevel.FORMER_DISTRICT, AreaLevel.COMMUNE})


class Outcome(StrEnum):
    EXCEEDED = "exceeded"
    MET = "met"
    MISSED = "missed"
    NO_BASELINE = "no_baseline"


@dataclass(frozen=True, slots=True)
class Target:
    review_year: int
    area_code: str
    measure: TargetMeasure
    planned_reduction: Decimal
    """Percentage points, at most two decimals."""

    @property
    def centipoints(self) -> int:
        return int(self.planned_reduction * 100)


def target(
    review_year: int, area_code: str, measure: str, planned_reduction: str | Decimal | float
) -> Target:
    """A checked target (422 naming every field at fault)."""
    problems: list[Problem] = []
    if not 2000 <= review_year <= 2100:
        problems.append(
            Problem(
                "review_year",
                f"Năm {review_year} không hợp lệ (2000-2100).",
                f"Year {review_year} is not valid (2000-2100).",
            )
        )
    try:
        m = TargetMeasure(measure)
    except ValueError:
        m = TargetMeasure.POOR_RATE
        choices = ", ".join(x.value for x in TargetMeasure)
        problems.append(
            Problem(
                "measure",
                f"Chỉ tiêu «{measure}» không hợp lệ; chọn một trong: {choices}.",
                f"Unknown measure '{measure}'; choose one of: {choices}.",
            )
        )
    try:
        planned = Decimal(str(planned_reduction))
        ok = (
            planned.is_finite()
            and -100 <= planned <= 100
            and planned == planned.quantize(Decimal("0.01"))
        )
    except InvalidOperation:
        planned, ok = Decimal(0), False
    if not ok:
        problems.append(
            Problem(
                "planned_reduction",
                f"Mức giảm kế hoạch «{planned_reduction}» phải là số điểm phần trăm từ -100 đến "
                "100, tối đa hai chữ số thập phân.",
                f"Planned reduction '{planned_reduction}' must be percentage points between "
                "-100 and 100 with at most two decimals.",
            )
        )
    if problems:
        raise DomainError.of(problems, ErrorKind.INVALID)
    return Target(review_year, area_code, m, planned.quantize(Decimal("0.01")))


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: Target
    start: Rate | None
    end: Rate | None
    actual_reduction: Fraction | None
    """Percentage points, exact."""
    outcome: Outcome


def compare(
    target: Target, start: Rate | None, end: Rate | None, tolerance: Decimal
) -> TargetResult:
    """The outcome of ``target`` given the rates at the start and end of its year."""
    s = start.value if start else None
    e = end.value if end else None
    if s is None or e is None:
        return TargetResult(target, start, end, None, Outcome.NO_BASELINE)
    actual = (s - e) * 100
    planned = Fraction(target.planned_reduction)
    t = Fraction(tolerance)
    if abs(actual - planned) <= t:
        outcome = Outcome.MET
    elif actual > planned:
        outcome = Outcome.EXCEEDED
    else:
        outcome = Outcome.MISSED
    return TargetResult(target, start, end, actual, outcome)
