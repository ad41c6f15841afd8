"""Classification: the income line, score A, the deprivation threshold, the average band and
the low-income-worker flag; properties; the fast path equals the reference path."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.assessment.domain.classifier import ENGINE_VERSION, classify, explain
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.standard import Standard
from shared.contracts.codes import (
    AreaType,
    Asset,
    IncomeBasis,
    Latrine,
    PovertyStatus,
    WaterSource,
)
from shared.contracts.surveys import SurveyPayload
from tests.factories import survey
from tests.unit.assessment.reference import classify_reference
from tools.synthetic import synthetic_surveys

pytestmark = pytest.mark.unit

# Deprivations that can be switched on one by one without touching the others.
DEPRIVATIONS: list[dict[str, Any]] = [
    {"water_source": WaterSource.SURFACE_WATER},
    {"latrine": Latrine.NONE},
    {"uses_telecom": False},
    {"assets": []},
]


def household(
    deprivations: int = 0,
    income: int = 4_000_000,
    area: AreaType = AreaType.RURAL,
    basis: IncomeBasis = IncomeBasis.VND_PER_CAPITA_MONTH,
    **fields: Any,
) -> SurveyPayload:
    overrides: dict[str, Any] = {}
    for d in DEPRIVATIONS[:deprivations]:
        overrides.update(d)
    overrides.update(fields)
    return survey(area_type=area, income={"basis": basis, "value": income}, **overrides)


@pytest.mark.parametrize(
    ("area", "income", "deprivations", "expected"),
    [
        (AreaType.RURAL, 1_500_000, 3, PovertyStatus.POOR),
        (AreaType.RURAL, 1_500_000, 2, PovertyStatus.NEAR_POOR),
        (AreaType.RURAL, 1_500_001, 4, PovertyStatus.AVERAGE),
        (AreaType.RURAL, 2_250_000, 0, PovertyStatus.AVERAGE),
        (AreaType.RURAL, 2_250_001, 0, PovertyStatus.NOT_POOR),
        (AreaType.URBAN, 2_000_000, 3, PovertyStatus.POOR),
        (AreaType.URBAN, 2_000_000, 0, PovertyStatus.NEAR_POOR),
        (AreaType.URBAN, 1_800_000, 2, PovertyStatus.NEAR_POOR),
        (AreaType.URBAN, 2_000_001, 3, PovertyStatus.AVERAGE),
        (AreaType.URBAN, 3_000_001, 0, PovertyStatus.NOT_POOR),
    ],
)
def test_status_follows_line_and_deprivations_when_income_in_vnd(
    std22: Standard, area: AreaType, income: int, deprivations: int, expected: PovertyStatus
) -> None:
    c = classify(household(deprivations, income, area), std22)
    assert c.status is expected
    assert c.deprivation_count == deprivations


def test_average_only_for_agricultural_households_when_income_in_band(std22: Standard) -> None:
    c = classify(household(0, 2_000_000, livelihood_agriculture=False), std22)
    assert c.status is PovertyStatus.NOT_POOR


@pytest.mark.parametrize(
    ("area", "score", "deprivations", "expected"),
    [
        (AreaType.RURAL, 140, 3, PovertyStatus.POOR),
        (AreaType.RURAL, 140, 2, PovertyStatus.NEAR_POOR),
        (AreaType.RURAL, 141, 5, PovertyStatus.NOT_POOR),
        (AreaType.URBAN, 175, 3, PovertyStatus.POOR),
        (AreaType.URBAN, 176, 3, PovertyStatus.NOT_POOR),
        (AreaType.URBAN, 150, 1, PovertyStatus.NEAR_POOR),
    ],
)
def test_score_a_compared_with_score_lines_when_survey_records_score(
    std22: Standard, area: AreaType, score: int, deprivations: int, expected: PovertyStatus
) -> None:
    c = classify(household(deprivations, score, area, IncomeBasis.SCORE_A), std22)
    assert c.status is expected
    assert c.income_line == (140 if area is AreaType.RURAL else 175)
    assert c.low_income_worker_household is False


def test_not_classifiable_when_score_a_under_standard_without_score_lines(
    std27: Standard,
) -> None:
    with pytest.raises(NotClassifiable, match="score-A"):
        classify(household(0, 120, basis=IncomeBasis.SCORE_A), std27)


@pytest.mark.parametrize(
    ("area", "income", "deprivations", "expected"),
    [
        (AreaType.RURAL, 2_250_000, 0, True),
        (AreaType.RURAL, 2_250_001, 0, False),
        (AreaType.RURAL, 1_400_000, 0, False),  # near-poor: not a low-income-worker household
        (AreaType.URBAN, 3_000_000, 0, True),
        (AreaType.URBAN, 3_000_001, 0, False),
    ],
)
def test_low_income_worker_flag_when_not_poor_and_income_within_band(
    std22: Standard, area: AreaType, income: int, deprivations: int, expected: bool
) -> None:
    c = classify(household(deprivations, income, area), std22)
    assert c.low_income_worker_household is expected


def test_2027_lines_apply_when_classified_under_vn_2027_2030(std27: Standard) -> None:
    c = classify(household(3, 2_200_000, waste_handling=None), std27)
    assert (c.status, c.income_line) == (PovertyStatus.POOR, 2_200_000)
    above = classify(household(0, 2_200_001), std27)
    assert above.status is PovertyStatus.NOT_POOR  # no average band under 2027 yet


def test_classification_carries_every_indicator_and_rule_identity(std22: Standard) -> None:
    c = classify(household(1, 1_000_000), std22)
    assert [i.code for i in c.indicators] == [s.code for s in std22.indicators]
    assert [i.code for i in c.indicators if i.deprived] == ["water_source"]
    assert c.indicators[8].legal_basis == std22.indicator("water_source").legal_basis
    assert (c.standard_id, c.rule_hash, c.engine_version) == (
        "vn-2022-2025",
        std22.rule_hash,
        ENGINE_VERSION,
    )


def test_classification_is_frozen_when_built_by_fast_path(std22: Standard) -> None:
    c = classify(household(), std22)
    with pytest.raises(AttributeError):
        c.status = PovertyStatus.POOR  # type: ignore[misc]


def test_explain_names_status_line_and_deprived_indicators_in_both_languages(
    std22: Standard,
) -> None:
    c = classify(household(3, 1_200_000), std22)
    en = explain(c)
    assert "Poor household" in en
    assert "1,200,000 VND is at or below the rural line 1,500,000 VND" in en
    assert "main water source is surface_water" in en
    vi = explain(c, "vi")
    assert "Hộ nghèo" in vi
    assert "Nguồn nước sinh hoạt" in vi


def test_fast_path_equals_reference_when_classifying_varied_households(
    std22: Standard, std27: Standard
) -> None:
    for s in synthetic_surveys(1500, seed=7):
        for std in (std22, std27):
            try:
                expected = classify_reference(s, std)
            except NotClassifiable:
                continue
            assert classify(s, std) == expected


# --------------------------------------------------------------------------- properties

incomes = st.integers(min_value=0, max_value=6_000_000)
counts = st.integers(min_value=0, max_value=len(DEPRIVATIONS))
areas = st.sampled_from(list(AreaType))
RANK = {
    PovertyStatus.POOR: 0,
    PovertyStatus.NEAR_POOR: 1,
    PovertyStatus.AVERAGE: 2,
    PovertyStatus.NOT_POOR: 3,
}


@settings(max_examples=150, deadline=None)
@given(income=incomes, extra=st.integers(min_value=0, max_value=2_000_000), n=counts, area=areas)
def test_more_income_never_makes_household_poorer(
    std22: Standard, income: int, extra: int, n: int, area: AreaType
) -> None:
    a = classify(household(n, income, area), std22)
    b = classify(household(n, income + extra, area), std22)
    assert RANK[b.status] >= RANK[a.status]


@settings(max_examples=150, deadline=None)
@given(income=incomes, n=st.integers(min_value=0, max_value=len(DEPRIVATIONS) - 1), area=areas)
def test_one_more_deprivation_never_makes_household_less_poor(
    std22: Standard, income: int, n: int, area: AreaType
) -> None:
    a = classify(household(n, income, area), std22)
    b = classify(household(n + 1, income, area), std22)
    assert RANK[b.status] <= RANK[a.status]
    assert b.deprivation_count == a.deprivation_count + 1


@settings(max_examples=100, deadline=None)
@given(income=incomes, n=counts, area=areas, assets=st.lists(st.sampled_from(list(Asset))))
def test_classification_is_deterministic_when_repeated(
    std22: Standard, income: int, n: int, area: AreaType, assets: list[Asset]
) -> None:
    s = household(n, income, area, assets=assets)
    assert classify(s, std22) == classify(s, std22) == classify_reference(s, std22)
