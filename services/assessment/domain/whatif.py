"""What-if analysis: re-classify a set of surveys under another standard (e.g. a province's
proposed local lines, or the 2027-2030 standard) and report who would change class and why.

Pure and read-only: recognised statuses are not touched; the caller decides what to do with
the report. Bulk-friendly: households are evaluated from their stored facts (``facts``) with
each standard's compiled facts classifier; result objects are built only for households that
change class. A million households take seconds on one core, decoding included.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import HouseholdFacts, facts_classifier, facts_of
from services.assessment.domain.standard import Standard
from services.assessment.domain.status import AREAS, FactsResult
from shared.contracts.codes import PovertyStatus
from shared.contracts.surveys import SurveyPayload


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One household whose class differs between the two standards."""

    survey_id: str | None
    """The survey's id; ``None`` when the run was over stored facts (``whatif_facts``)."""
    household_code: str
    commune_code: str
    from_status: PovertyStatus
    to_status: PovertyStatus
    causes: tuple[str, ...]
    """What caused the change: the income line, the average band, and/or the indicators that
    differ (newly deprived, no longer deprived, added or dropped by the other standard)."""


@dataclass(frozen=True, slots=True)
class NotClassified:
    survey_id: str | None
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


FactsRow = tuple[str, str, HouseholdFacts]
"""(household code, commune code, facts) of one household, as loaded for a what-if."""


class _Sides:
    """What the cause texts need of the two standards, computed once per run."""

    def __init__(self, baseline: Standard, alternative: Standard) -> None:
        self.codes_a = tuple(s.code for s in baseline.indicators)
        self.codes_b = tuple(s.code for s in alternative.indicators)
        self.all_a, self.all_b = set(self.codes_a), set(self.codes_b)
        self.poor_a = baseline.poor_min_deprivations
        self.poor_b = alternative.poor_min_deprivations


def _deprived(mask: int, codes: tuple[str, ...]) -> set[str]:
    return {code for n, code in enumerate(codes) if mask >> n & 1}


def _causes(
    facts: HouseholdFacts, a: FactsResult, b: FactsResult, sides: _Sides
) -> tuple[str, ...]:
    value = facts.income
    unit = "VND" if facts.basis == 0 else "points"
    area = AREAS[facts.area].value
    causes: list[str] = []
    below_a, below_b = value <= a.income_line, value <= b.income_line
    if below_a != below_b:
        causes.append(
            f"income line: {value:,} {unit} is "
            f"{'at or below' if below_a else 'above'} the {area} line {a.income_line:,} and "
            f"{'at or below' if below_b else 'above'} {b.income_line:,}"
        )
    poor_a = a.deprivation_count >= sides.poor_a
    poor_b = b.deprivation_count >= sides.poor_b
    if (below_a or below_b) and poor_a != poor_b:
        codes_a = _deprived(a.deprived, sides.codes_a)
        codes_b = _deprived(b.deprived, sides.codes_b)
        for code in sorted(codes_a ^ codes_b):
            if code in codes_b and code not in sides.all_a:
                causes.append(f"indicator {code}: added, and deprived")
            elif code in codes_a and code not in sides.all_b:
                causes.append(f"indicator {code}: dropped (was deprived)")
            elif code in codes_b:
                causes.append(f"indicator {code}: newly deprived")
            else:
                causes.append(f"indicator {code}: no longer deprived")
        causes.append(f"deprivations {len(codes_a)} -> {len(codes_b)} (poor from {sides.poor_b})")
    if not below_a and not below_b and PovertyStatus.AVERAGE in (a.status, b.status):
        causes.append("average-living-standard band")
    return tuple(causes) or ("other",)


def _compare(
    rows: Iterable[tuple[str | None, str, str, HouseholdFacts, int]],
    baseline: Standard,
    alternative: Standard,
) -> WhatIfReport:
    compiled: dict[int, tuple[Any, Any]] = {}
    sides = _Sides(baseline, alternative)
    statuses = tuple(PovertyStatus)
    matrix = {(x, y): 0 for x in statuses for y in statuses}
    changes: list[StatusChange] = []
    skipped: list[NotClassified] = []
    for survey_id, household, commune, facts, year in rows:
        pair = compiled.get(year)
        if pair is None:
            pair = compiled[year] = (
                facts_classifier(baseline, year),
                facts_classifier(alternative, year),
            )
        run_a, run_b = pair
        try:
            a = run_a(facts)
        except NotClassifiable as exc:
            skipped.append(NotClassified(survey_id, household, baseline.id, str(exc)))
            continue
        try:
            b = run_b(facts)
        except NotClassifiable as exc:
            skipped.append(NotClassified(survey_id, household, alternative.id, str(exc)))
            continue
        from_status, to_status = a[0], b[0]
        matrix[from_status, to_status] += 1
        if from_status is not to_status:
            changes.append(
                StatusChange(
                    survey_id,
                    household,
                    commune,
                    from_status,
                    to_status,
                    _causes(facts, a, b, sides),
                )
            )
    return WhatIfReport(
        baseline_id=baseline.id,
        baseline_rule_hash=baseline.rule_hash,
        alternative_id=alternative.id,
        alternative_rule_hash=alternative.rule_hash,
        households=sum(matrix.values()),
        matrix=matrix,
        changes=tuple(changes),
        not_classifiable=tuple(skipped),
    )


def whatif_facts(
    rows: Iterable[FactsRow],
    baseline: Standard,
    alternative: Standard,
    review_year: int | None = None,
) -> WhatIfReport:
    """Classify every household's stored facts under ``baseline`` and ``alternative`` and
    report the changes (``survey_id`` of changes is ``None``: rows carry no survey id).

    Both standards are applied as in a review held in ``review_year`` (it sets the
    working-age bound); stored facts do not record their survey's year, so by default it is
    the baseline's last review year, the year whose review sets the next period's baseline.
    """
    year = baseline.last_year if review_year is None else review_year

    def with_ids() -> Iterator[tuple[None, str, str, HouseholdFacts, int]]:
        for household, commune, facts in rows:
            yield None, household, commune, facts, year

    return _compare(with_ids(), baseline, alternative)


def whatif(
    surveys: Iterable[SurveyPayload],
    baseline: Standard,
    alternative: Standard,
    review_year: int | None = None,
) -> WhatIfReport:
    """Classify every survey under ``baseline`` and ``alternative`` and report the changes
    (extracts each survey's facts, then as ``whatif_facts``), each in its own survey's
    review year unless ``review_year`` is given."""
    rows = (
        (
            s.survey_id,
            s.household_code,
            s.commune_code,
            facts_of(s),
            s.review_round.year if review_year is None else review_year,
        )
        for s in surveys
    )
    return _compare(rows, baseline, alternative)
