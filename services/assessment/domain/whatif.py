"""What-if analysis: re-classify a set of surveys under another standard (e.g. a province's
proposed local lines, or the 2027-2030 standard) and report who would change class and why.

Pure and read-only: recognised statuses are not touched; the caller decides what to do with
the report. Bulk-friendly: households are evaluated on the cheap path (a deprivation bit mask
and the income comparison); result objects are built only for households that change class.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from services.assessment.domain.classifier import decide_status, deprivation_mask, income_line_for
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.standard import Standard
from shared.contracts.codes import AreaType, IncomeBasis, PovertyStatus
from shared.contracts.surveys import SurveyPayload


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One household whose class differs between the two standards."""

    survey_id: str
    household_code: str
    commune_code: str
    from_status: PovertyStatus
    to_status: PovertyStatus
    causes: tuple[str, ...]
    """What caused the change: the income line, the average band, and/or the indicators that
    differ (newly deprived, no longer deprived, added or dropped by the other standard)."""


@dataclass(frozen=True, slots=True)
class NotClassified:
    survey_id: str
    household_code: str
    standard_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class WhatIfReport:
    baseline_id: str
    baseline_rule_hash: str
    alternative_id: str
    alternative_rule_hash: str
    households: int
    """Households classified under both standards."""
    matrix: Mapping[tuple[PovertyStatus, PovertyStatus], int]
    """Households by (status under baseline, status under alternative), every pair present."""
    changes: tuple[StatusChange, ...]
    not_classifiable: tuple[NotClassified, ...]

    def count(self, from_status: PovertyStatus, to_status: PovertyStatus) -> int:
        return self.matrix[(from_status, to_status)]

    def totals(self, *, alternative: bool) -> dict[PovertyStatus, int]:
        """Households per status under the alternative (or the baseline) standard."""
        out = dict.fromkeys(PovertyStatus, 0)
        for (a, b), n in self.matrix.items():
            out[b if alternative else a] += n
        return out


class _Side(NamedTuple):
    status: PovertyStatus
    line: int


def _evaluate(
    survey: SurveyPayload, standard: Standard, basis: IncomeBasis, value: int, area: AreaType
) -> _Side:
    line = income_line_for(standard, basis, area)
    # Above the line the deprivations cannot matter (Decree 07/2021 Art. 3): skip them.
    count = deprivation_mask(survey, standard).bit_count() if value <= line else 0
    status, _low = decide_status(
        standard, basis, value, line, area, count, survey.livelihood_agriculture
    )
    return _Side(status, line)


def _deprived(mask: int, standard: Standard) -> set[str]:
    return {s.code for n, s in enumerate(standard.indicators) if mask >> n & 1}


def _causes(
    survey: SurveyPayload,
    baseline: Standard,
    a: _Side,
    alternative: Standard,
    b: _Side,
) -> tuple[str, ...]:
    value = survey.income.value
    unit = "VND" if survey.income.basis is IncomeBasis.VND_PER_CAPITA_MONTH else "points"
    area = survey.area_type.value
    causes: list[str] = []
    below_a, below_b = value <= a.line, value <= b.line
    if below_a != below_b:
        causes.append(
            f"income line: {value:,} {unit} is "
            f"{'at or below' if below_a else 'above'} the {area} line {a.line:,} and "
            f"{'at or below' if below_b else 'above'} {b.line:,}"
        )
    mask_a = deprivation_mask(survey, baseline)
    mask_b = deprivation_mask(survey, alternative)
    poor_a = mask_a.bit_count() >= baseline.poor_min_deprivations
    poor_b = mask_b.bit_count() >= alternative.poor_min_deprivations
    if (below_a or below_b) and poor_a != poor_b:
        codes_a, codes_b = _deprived(mask_a, baseline), _deprived(mask_b, alternative)
        all_a = {s.code for s in baseline.indicators}
        all_b = {s.code for s in alternative.indicators}
        for code in sorted(codes_a ^ codes_b):
            if code in codes_b and code not in all_a:
                causes.append(f"indicator {code}: added, and deprived")
            elif code in codes_a and code not in all_b:
                causes.append(f"indicator {code}: dropped (was deprived)")
            elif code in codes_b:
                causes.append(f"indicator {code}: newly deprived")
            else:
                causes.append(f"indicator {code}: no longer deprived")
        causes.append(
            f"deprivations {len(codes_a)} -> {len(codes_b)} (poor from "
            f"{alternative.poor_min_deprivations})"
        )
    if not below_a and not below_b and PovertyStatus.AVERAGE in (a.status, b.status):
        causes.append("average-living-standard band")
    return tuple(causes) or ("other",)


def whatif(
    surveys: Iterable[SurveyPayload], baseline: Standard, alternative: Standard
) -> WhatIfReport:
    """Classify every survey under ``baseline`` and ``alternative`` and report the changes."""
    matrix: Counter[tuple[PovertyStatus, PovertyStatus]] = Counter()
    changes: list[StatusChange] = []
    skipped: list[NotClassified] = []
    households = 0
    for survey in surveys:
        income = survey.income
        basis, value, area = income.basis, income.value, survey.area_type
        try:
            a = _evaluate(survey, baseline, basis, value, area)
        except NotClassifiable as exc:
            skipped.append(
                NotClassified(survey.survey_id, survey.household_code, baseline.id, str(exc))
            )
            continue
        try:
            b = _evaluate(survey, alternative, basis, value, area)
        except NotClassifiable as exc:
            skipped.append(
                NotClassified(survey.survey_id, survey.household_code, alternative.id, str(exc))
            )
            continue
        households += 1
        matrix[(a.status, b.status)] += 1
        if a.status is not b.status:
            changes.append(
                StatusChange(
                    survey.survey_id,
                    survey.household_code,
                    survey.commune_code,
                    a.status,
                    b.status,
                    _causes(survey, baseline, a, alternative, b),
                )
            )
    full = {(x, y): matrix.get((x, y), 0) for x in PovertyStatus for y in PovertyStatus}
    return WhatIfReport(
        baseline_id=baseline.id,
        baseline_rule_hash=baseline.rule_hash,
        alternative_id=alternative.id,
        alternative_rule_hash=alternative.rule_hash,
        households=households,
        matrix=full,
        changes=tuple(changes),
        not_classifiable=tuple(skipped),
    )
