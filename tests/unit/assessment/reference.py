"""The reference classifier: the specification the engine is tested against.

It evaluates every indicator of a standard straight from its rule's declaration, member by
member, with no tabulation and no shortcut, and applies the status rule as the decrees word
it (Decree 07/2021/NĐ-CP Art. 3(2)-(4), Decree 30/2025/NĐ-CP for low-income workers, Circular
07/2021/TT-BLĐTBXH for score A). Slow by design; the product's ``classify`` must give exactly
what this gives.
"""

from __future__ import annotations

from services.assessment.domain.classifier import ENGINE_VERSION, Classification
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.indicators import IndicatorOutcome
from services.assessment.domain.standard import Standard
from shared.contracts.codes import AreaType, IncomeBasis, PovertyStatus
from shared.contracts.surveys import SurveyPayload


def classify_reference(survey: SurveyPayload, standard: Standard) -> Classification:
    """Classify one household by evaluating every rule and the status rule literally."""
    year = survey.review_round.year
    outcomes = []
    for spec in standard.indicators:
        deprived, reason = spec.evaluate(survey, year)
        outcomes.append(
            IndicatorOutcome(spec.code, spec.dimension, deprived, reason, spec.legal_basis)
        )
    count = sum(1 for o in outcomes if o.deprived)
    income, area = survey.income, survey.area_type
    urban = area is AreaType.URBAN
    vnd = income.basis is IncomeBasis.VND_PER_CAPITA_MONTH
    lines = standard.income_line if vnd else standard.score_a_line
    line = lines.urban if urban else lines.rural
    if line is None:
        msg = (
            f"standard {standard.id} has no score-A line for {area.value} areas; "
            "record an income estimate in VND or set the line in the standard's data"
        )
        raise NotClassifiable(msg)
    low_income_worker = False
    if income.value <= line:
        # At or below the line: poor with enough deprivations, else near-poor.
        poor = count >= standard.poor_min_deprivations
        status = PovertyStatus.POOR if poor else PovertyStatus.NEAR_POOR
    elif not vnd:
        # Score A above its line: the bands are in VND, so not poor and never flagged.
        status = PovertyStatus.NOT_POOR
    else:
        band = standard.average_band.urban if urban else standard.average_band.rural
        in_band = band is not None and band.above < income.value <= band.up_to
        agri = survey.livelihood_agriculture
        status = PovertyStatus.AVERAGE if in_band and agri else PovertyStatus.NOT_POOR
        low = standard.low_income_worker.urban if urban else standard.low_income_worker.rural
        low_income_worker = low is not None and income.value <= low
    return Classification(
        status=status,
        indicators=tuple(outcomes),
        deprivation_count=count,
        income_basis=income.basis,
        income_value=income.value,
        income_line=line,
        low_income_worker_household=low_income_worker,
        area_type=area,
        standard_id=standard.id,
        rule_hash=standard.rule_hash,
        engine_version=ENGINE_VERSION,
    )
