"""Classifies a surveyed household under a poverty standard and explains the result.

Rule (Decree 07/2021/NĐ-CP Art. 3(2)-(4); Decree 351/2025/NĐ-CP for 2027-2030; score form per
Circular 07/2021/TT-BLĐTBXH as amended by Circular 02/2022):
- income (or score A) at or below the area's line and deprived in >= 3 indicators: poor;
- at or below the line and deprived in fewer: near-poor;
- above the line, within the average-living-standard band and living from agriculture,
  forestry, fishery or salt making: average living standard;
- otherwise: not poor.
Low-income-worker households (Decree 30/2025/NĐ-CP): neither poor nor near-poor, income in VND
at or below the area's low-income band.

Built for throughput: the standard carries a precomputed plan, indicator rules return shared
constants when not deprived, and results are tuples and a slotted dataclass built without
per-field ``object.__setattr__`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import FactsResult, HouseholdFacts
from services.assessment.domain.indicators import IndicatorOutcome
from services.assessment.domain.labels import (
    AREA_LABELS,
    DIMENSION_LABELS,
    INDICATOR_LABELS,
    STATUS_LABELS,
    Lang,
    label,
)
from services.assessment.domain.standard import Standard
from shared.contracts.codes import AreaType, IncomeBasis, PovertyStatus
from shared.contracts.surveys import SurveyPayload

ENGINE_VERSION = "assessment-engine/1.0.0"
"""Version of the classification rules' code; bump when a rule function's logic changes."""

_POOR = PovertyStatus.POOR
_NEAR_POOR = PovertyStatus.NEAR_POOR
_AVERAGE = PovertyStatus.AVERAGE
_NOT_POOR = PovertyStatus.NOT_POOR
_VND = IncomeBasis.VND_PER_CAPITA_MONTH
_URBAN = AreaType.URBAN


@dataclass(frozen=True, slots=True)
class Classification:
    """A household's status under a standard, with every indicator and the figures used."""

    status: PovertyStatus
    indicators: tuple[IndicatorOutcome, ...]
    deprivation_count: int
    income_basis: IncomeBasis
    income_value: int
    income_line: int
    low_income_worker_household: bool
    area_type: AreaType
    standard_id: str
    rule_hash: str
    engine_version: str

    @property
    def deprived_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators if i.deprived)


# Slot setters of Classification: building the frozen value through them is about twice as
# fast as the generated __init__ (which calls object.__setattr__ per field); classify() is
# the hot path of a province's whole review and of what-if runs over a million households.
_new = object.__new__


def _slot_setter(name: str) -> Callable[[Classification, Any], None]:
    setter: Callable[[Classification, Any], None] = vars(Classification)[name].__set__
    return setter


_set_status = _slot_setter("status")
_set_indicators = _slot_setter("indicators")
_set_count = _slot_setter("deprivation_count")
_set_basis = _slot_setter("income_basis")
_set_value = _slot_setter("income_value")
_set_line = _slot_setter("income_line")
_set_low = _slot_setter("low_income_worker_household")
_set_area = _slot_setter("area_type")
_set_sid = _slot_setter("standard_id")
_set_hash = _slot_setter("rule_hash")
_set_engine = _slot_setter("engine_version")


def income_line_for(standard: Standard, basis: IncomeBasis, area: AreaType) -> int:
    """The line an income figure is compared with: VND line, or score-A line by area.

    Raises ``NotClassifiable`` for a score-A figure under a standard without score lines.
    """
    if basis is _VND:
        line = standard.income_line.urban if area is _URBAN else standard.income_line.rural
    else:
        line = standard.score_a_line.urban if area is _URBAN else standard.score_a_line.rural
    if line is None:
        msg = (
            f"standard {standard.id} has no score-A line for {area.value} areas; "
            "record an income estimate in VND or set the line in the standard's data"
        )
        raise NotClassifiable(msg)
    return line


def decide_status(
    standard: Standard,
    basis: IncomeBasis,
    value: int,
    line: int,
    area: AreaType,
    deprivations: int,
    agriculture: bool,
) -> tuple[PovertyStatus, bool]:
    """Status and low-income-worker flag from the income comparison and the deprivation count.

    Decree 07/2021 Art. 3(2)-(4), Decree 30/2025 (low-income workers). Score-A figures are
    compared with the score lines only: the average band and the low-income band are in VND,
    so a score-A household above its line is ``not_poor`` and never flagged as a low-income
    worker household (no point equivalent of those bands is published).
    """
    if value <= line:
        status = _POOR if deprivations >= standard.poor_min_deprivations else _NEAR_POOR
        return status, False
    if basis is not _VND:
        return _NOT_POOR, False
    urban = area is _URBAN
    status = _NOT_POOR
    if agriculture:
        band = standard.average_band.urban if urban else standard.average_band.rural
        if band is not None and band.above < value <= band.up_to:
            status = _AVERAGE
    low = standard.low_income_worker.urban if urban else standard.low_income_worker.rural
    return status, low is not None and value <= low


def classify(survey: SurveyPayload, standard: Standard) -> Classification:
    """Classify one surveyed household under ``standard``. Deterministic and pure."""
    flags = standard.screen(survey)
    count = 0
    if flags:
        outcomes: list[IndicatorOutcome] = []
        append = outcomes.append
        bit = 1
        for evaluate, params, ok, ok_outcome, code, dimension, legal in standard.plan:
            if flags & bit:
                finding = evaluate(survey, params)
                if finding is ok:
                    append(ok_outcome)
                else:
                    deprived = finding[0]
                    append(IndicatorOutcome(code, dimension, deprived, finding[1], legal))
                    if deprived:
                        count += 1
            else:
                append(ok_outcome)
            bit <<= 1
        results = tuple(outcomes)
    else:
        results = standard.all_ok
    income = survey.income
    basis = income.basis
    value = income.value
    area = survey.area_type
    line = income_line_for(standard, basis, area)
    status, low = decide_status(
        standard, basis, value, line, area, count, survey.livelihood_agriculture
    )
    c: Classification = _new(Classification)
    _set_status(c, status)
    _set_indicators(c, results)
    _set_count(c, count)
    _set_basis(c, basis)
    _set_value(c, value)
    _set_line(c, line)
    _set_low(c, low)
    _set_area(c, area)
    _set_sid(c, standard.id)
    _set_hash(c, standard.rule_hash)
    _set_engine(c, ENGINE_VERSION)
    return c


def classify_facts(facts: HouseholdFacts, standard: Standard) -> FactsResult:
    """Classify one household from its stored facts under ``standard``: status, deprivation
    bit mask (bit ``i`` = ``standard.indicators[i]``) and count, line and low-income flag,
    identical to ``classify`` but without reasons. For bulk runs, call
    ``standard.facts_classifier`` directly. Raises ``NotClassifiable`` as ``classify`` does.
    """
    cache = standard.facts_cache  # the property's memo, read without a Python-level call
    return (cache[0] if cache else standard.facts_classifier)(facts)


def deprivation_mask(survey: SurveyPayload, standard: Standard) -> int:
    """Bit ``i`` set when the household is deprived on ``standard.indicators[i]``.

    The cheap path for bulk what-if runs: no result objects are built.
    """
    flags = standard.screen(survey)
    mask = 0
    bit = 1
    for evaluate, params, ok, _o, _c, _d, _l in standard.plan:
        if flags & bit:
            finding = evaluate(survey, params)
            if finding is not ok and finding[0]:
                mask |= bit
        bit <<= 1
    return mask


def classify_reference(survey: SurveyPayload, standard: Standard) -> Classification:
    """Classification evaluating every rule function, without the screen: the reference the
    fast path is tested against. Not for bulk use."""
    outcomes = []
    for spec in standard.indicators:
        deprived, reason = spec.evaluate(survey)
        outcomes.append(
            IndicatorOutcome(spec.code, spec.dimension, deprived, reason, spec.legal_basis)
        )
    count = sum(1 for o in outcomes if o.deprived)
    income = survey.income
    line = income_line_for(standard, income.basis, survey.area_type)
    status, low = decide_status(
        standard,
        income.basis,
        income.value,
        line,
        survey.area_type,
        count,
        survey.livelihood_agriculture,
    )
    return Classification(
        status=status,
        indicators=tuple(outcomes),
        deprivation_count=count,
        income_basis=income.basis,
        income_value=income.value,
        income_line=line,
        low_income_worker_household=low,
        area_type=survey.area_type,
        standard_id=standard.id,
        rule_hash=standard.rule_hash,
        engine_version=ENGINE_VERSION,
    )


def _money(value: int, basis: IncomeBasis) -> str:
    if basis is _VND:
        return f"{value:,} VND"
    return f"{value} points (score A)"


def explain(classification: Classification, lang: Lang = "en") -> str:
    """A human-readable explanation of a classification, in Vietnamese or English.

    Indicator reasons are the engine's English reasons in both languages (they quote the
    recorded answers); labels of statuses, dimensions and indicators are translated.
    """
    c = classification
    status = label(STATUS_LABELS, c.status.value, lang)
    area = label(AREA_LABELS, c.area_type.value, lang)
    at_or_below = c.income_value <= c.income_line
    income = _money(c.income_value, c.income_basis)
    line = _money(c.income_line, c.income_basis)
    deprived = [i for i in c.indicators if i.deprived]
    lines: list[str] = []
    if lang == "vi":
        lines.append(f"Kết quả: {status} (chuẩn {c.standard_id}).")
        cmp = "không cao hơn" if at_or_below else "cao hơn"
        lines.append(f"Thu nhập bình quân {income} {cmp} chuẩn {area} {line}.")
        lines.append(f"Thiếu hụt {c.deprivation_count}/{len(c.indicators)} chỉ số:")
    else:
        lines.append(f"Result: {status} (standard {c.standard_id}).")
        cmp = "is at or below" if at_or_below else "is above"
        lines.append(f"Income per person per month {income} {cmp} the {area} line {line}.")
        lines.append(f"Deprived in {c.deprivation_count} of {len(c.indicators)} indicators:")
    for i in deprived:
        name = label(INDICATOR_LABELS, i.code, lang)
        dim = label(DIMENSION_LABELS, i.dimension, lang)
        lines.append(f"  - {name} ({dim}): {i.reason} [{i.legal_basis}]")
    if c.low_income_worker_household:
        lines.append(
            "Hộ thuộc diện người lao động có thu nhập thấp (Nghị định 30/2025/NĐ-CP)."
            if lang == "vi"
            else "Members are low-income workers (Decree 30/2025/NĐ-CP)."
        )
    tail = "Mã quy tắc" if lang == "vi" else "Rule hash"
    lines.append(f"{tail}: {c.rule_hash[:16]}… ({c.engine_version})")
    return "\n".join(lines)
