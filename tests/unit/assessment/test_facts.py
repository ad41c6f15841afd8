"""Household facts and the fast classifier: it agrees with the explained ``classify`` on
status, deprivations, line and low-income flag; the stored form round-trips; the what-if over
facts equals the what-if over surveys."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.assessment.adapters.standards_repo import national_mappings
from services.assessment.domain.classifier import classify, classify_facts
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import (
    FACTS_VERSION,
    SUPPORTED_RULES,
    HouseholdFacts,
    code_tables,
    facts_classifier,
    facts_from_json,
    facts_from_list,
    facts_of,
    facts_to_json,
    facts_to_list,
)
from services.assessment.domain.indicators import RULES
from services.assessment.domain.standard import Standard
from services.assessment.domain.whatif import whatif, whatif_facts
from shared.contracts.codes import (
    AreaType,
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    PovertyStatus,
    Qualification,
    SchoolLevel,
    Sex,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.surveys import SurveyPayload
from tests.factories import survey
from tests.unit.assessment.reference import classify_reference
from tools.synthetic import synthetic_surveys

pytestmark = pytest.mark.unit


def _extra(code: str, rule: str, dimension: str, **params: Any) -> dict[str, Any]:
    return {
        "code": code,
        "rule": rule,
        "dimension": dimension,
        "name_vi": code,
        "name_en": code,
        "legal_basis": "test",
        "params": params,
    }


@pytest.fixture(scope="module")
def odd() -> Standard:
    """vn-2022-2025 with every rule, several twice with other parameters: the facts engine
    must handle any combination a data file can express."""
    raw = copy.deepcopy(national_mappings()["vn-2022-2025"])
    raw["id"] = "test-odd"
    raw["poor_min_deprivations"] = 4
    raw["score_a_line"] = {"rural": 120, "urban": 150}
    raw["average_band"] = {"rural": {"above": 1_500_000, "up_to": 1_900_000}}
    raw["average_band"]["urban"] = {"above": 2_000_000, "up_to": 2_600_000}
    emp = raw["indicators"][0]["params"]
    emp.update(wage_without_contract_is_deprived=False, able_capacities=["full"])
    raw["indicators"] += [
        _extra(
            "dependants_strict",
            "dependants",
            "employment",
            child_age_under=15,
            elderly_age_from=65,
            disability_counts=False,
            no_work_capacity_counts=True,
            max_dependant_share_percent=34,
        ),
        _extra(
            "employment_contract",
            "employment",
            "employment",
            working_age_min=18,
            working_age_max_male=62,
            working_age_max_female=60,
            able_capacities=["full", "partial", "none"],
            wage_without_contract_is_deprived=True,
        ),
        _extra("nutrition_young", "nutrition", "health", child_age_under=5),
        _extra("insurance_all", "health_insurance", "health", min_age=0),
        _extra(
            "schooling_young",
            "child_schooling",
            "education",
            age_from=6,
            age_to=10,
            levels=[{"from_age": 6, "to_age": 10, "levels": ["primary", "lower_secondary"]}],
        ),
        _extra(
            "adult_any",
            "adult_education",
            "education",
            age_from=20,
            age_to=40,
            requirements=[
                {"from_age": 20, "to_age": 40, "qualifications": ["college", "university"]}
            ],
        ),
        _extra("area_12", "housing_area", "housing", min_m2_per_person=12.5),
        _extra(
            "quality_strict",
            "housing_quality",
            "housing",
            durable_pillars=["reinforced_concrete"],
            durable_walls=["brick_stone"],
            durable_roof=["tile"],
            min_non_durable_components=1,
        ),
        _extra("water_piped", "water_source", "water_sanitation", clean_sources=["piped"]),
        _extra("latrine_flush", "latrine", "water_sanitation", hygienic=["flush_septic"]),
        _extra("digital", "digital_services", "information"),
        _extra(
            "waste",
            "waste_handling",
            "water_sanitation",
            acceptable=["collected"],
            missing_answer_is_deprived=True,
        ),
        _extra(
            "devices_only",
            "information_assets",
            "information",
            information_devices=["smartphone", "computer"],
            access_assets=[],
        ),
        _extra("telecom_again", "telecom", "information"),
    ]
    return Standard.from_mapping(raw)


def assert_agree(s: SurveyPayload, standard: Standard) -> None:
    """``classify`` gives what the reference gives, and ``classify_facts`` over the stored
    (JSON) facts gives the same status, deprivations, line and flag."""
    facts = facts_from_json(facts_to_json(facts_of(s)))
    try:
        expected = classify(s, standard)
    except NotClassifiable as exc:
        with pytest.raises(NotClassifiable, match=re.escape(str(exc))):
            classify_facts(facts, standard, s.review_round.year)
        return
    assert expected == classify_reference(s, standard)
    got = classify_facts(facts, standard, s.review_round.year)
    mask = sum(1 << n for n, i in enumerate(expected.indicators) if i.deprived)
    assert got.status is expected.status
    assert got.deprived == mask, (s, got, expected.deprived_codes)
    assert got.deprivation_count == expected.deprivation_count
    assert got.income_line == expected.income_line
    assert got.low_income_worker_household is expected.low_income_worker_household


def test_facts_agree_with_classify_when_households_are_synthetic(
    std22: Standard, std27: Standard, odd: Standard
) -> None:
    for s in synthetic_surveys(1500, seed=11):
        for standard in (std22, std27, odd):
            assert_agree(s, standard)


# --------------------------------------------------------------------------- varied households

BOUNDARY_AGES = [0, 2, 3, 4, 5, 6, 9, 10, 11, 14, 15, 16, 17, 18, 20, 30, 31, 40, 41]
BOUNDARY_AGES += [55, 56, 59, 60, 61, 62, 63, 64, 65, 75, 120]
ages = st.one_of(st.sampled_from(BOUNDARY_AGES), st.integers(min_value=0, max_value=120))
maybe_bool = st.sampled_from([None, False, True])

members = st.fixed_dictionaries(
    {
        "age": ages,
        "sex": st.sampled_from(list(Sex)),
        "ethnicity": st.just("tay"),
        "has_disability": st.booleans(),
        "work_capacity": st.sampled_from(list(WorkCapacity)),
        "employment": st.sampled_from(list(Employment)),
        "wants_work": st.booleans(),
        "wage_worker": st.booleans(),
        "has_labour_contract": st.booleans(),
        "has_health_insurance": st.booleans(),
        "attending_school": st.sampled_from(list(SchoolLevel)),
        "highest_qualification": st.sampled_from(list(Qualification)),
        "stunted": maybe_bool,
        "underweight": maybe_bool,
    }
)


@st.composite
def households(draw: st.DrawFn) -> SurveyPayload:
    people = draw(st.lists(members, min_size=1, max_size=9))
    for n, m in enumerate(people):
        m["member_no"] = n + 1
        m["relation"] = "head" if n == 0 else "child"
    per_person = draw(
        st.one_of(
            st.sampled_from([7.9, 8.0, 8.1, 12.5, 12.4]),
            st.floats(min_value=0, max_value=40, allow_nan=False),
        )
    )
    basis = draw(st.sampled_from(list(IncomeBasis)))
    value = draw(
        st.one_of(
            st.sampled_from(
                [
                    0,
                    120,
                    121,
                    140,
                    141,
                    150,
                    175,
                    176,
                    1_500_000,
                    1_500_001,
                    1_900_000,
                    2_000_000,
                    2_000_001,
                    2_200_000,
                    2_250_000,
                    2_250_001,
                    2_600_000,
                    2_800_000,
                    3_000_000,
                    3_000_001,
                ]
            ),
            st.integers(min_value=0, max_value=5_000_000),
        )
    )
    material = st.sampled_from(list(Material))
    return SurveyPayload.model_validate(
        {
            "survey_id": "S-1",
            "household_code": "HH-1",
            "province_code": "15",
            "commune_code": "04570",
            "village_code": "04570-01",
            "area_type": draw(st.sampled_from(list(AreaType))),
            "review_round": {"year": 2026, "kind": "periodic"},
            "surveyed_at": datetime(2026, 10, 1, tzinfo=UTC),
            "livelihood_agriculture": draw(st.booleans()),
            "income": {"basis": basis, "value": value},
            "housing": {
                "pillars": draw(material),
                "walls": draw(material),
                "roof": draw(material),
                "floor_area_m2": min(10_000.0, round(per_person * len(people), 1)),
            },
            "water_source": draw(st.sampled_from(list(WaterSource))),
            "latrine": draw(st.sampled_from(list(Latrine))),
            "uses_telecom": draw(st.booleans()),
            "uses_internet": draw(st.booleans()),
            "assets": draw(st.lists(st.sampled_from(list(Asset)), unique=True)),
            "waste_handling": draw(st.one_of(st.none(), st.sampled_from(list(WasteHandling)))),
            "members": people,
        }
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=households())
def test_facts_agree_with_classify_when_households_vary(
    std22: Standard, std27: Standard, odd: Standard, s: SurveyPayload
) -> None:
    for standard in (std22, std27, odd):
        assert_agree(s, standard)


# --------------------------------------------------------------------------- stored form


def test_facts_round_trip_when_stored_as_json() -> None:
    for s in synthetic_surveys(200, seed=5):
        facts = facts_of(s)
        text = facts_to_json(facts)
        assert len(text) < 120
        assert facts_from_json(text) == facts
        assert facts_from_json(text.encode()) == facts
        assert facts_from_list(facts_to_list(facts)) == facts


@pytest.mark.parametrize(
    "text",
    [
        "[2,0,0,1,0,0,8.0,0,0,1]",  # another version
        "[1,0,0,1,0,0,8.0,0,0]",  # no member
        "[1,0,0,1,0,0,8.0,0,0,1] x",  # trailing text
        "{}",
        "",
    ],
)
def test_decoding_fails_when_stored_facts_are_not_this_version(text: str) -> None:
    with pytest.raises(ValueError, match="facts"):
        facts_from_json(text)


def test_code_tables_list_every_code_once_when_compared_with_the_contracts() -> None:
    enums = {
        "areas": AreaType,
        "bases": IncomeBasis,
        "sexes": Sex,
        "capacities": WorkCapacity,
        "employments": Employment,
        "school_levels": SchoolLevel,
        "qualifications": Qualification,
        "materials": Material,
        "water_sources": WaterSource,
        "latrines": Latrine,
        "assets": Asset,
    }
    tables = code_tables()
    for name, enum in enums.items():
        assert sorted(tables[name]) == sorted(enum), name  # type: ignore[type-var]
    assert tables["wastes"][0] is None
    assert set(tables["wastes"][1:]) == set(WasteHandling)
    assert FACTS_VERSION == 1  # changing a table or the packing must bump the version


def test_every_rule_has_a_tabulation_when_registered() -> None:
    assert set(RULES) == SUPPORTED_RULES


def test_facts_keep_survey_answers_when_extracted() -> None:
    f = facts_of(survey(income={"basis": "score_a", "value": 130}, area_type="urban"))
    assert isinstance(f, HouseholdFacts)
    assert (f.area, f.basis, f.income, f.agriculture, f.floor_area) == (1, 1, 130, 1, 60.0)
    assert len(f.members) == 2


def test_classifier_is_compiled_once_when_used_repeatedly(std22: Standard) -> None:
    assert facts_classifier(std22, 2026) is facts_classifier(std22, 2026)


# --------------------------------------------------------------------------- what-if


def test_whatif_over_facts_equals_whatif_over_surveys_when_same_households(
    std22: Standard, std27: Standard
) -> None:
    surveys = synthetic_surveys(1500, seed=13)
    expected = whatif(surveys, std22, std27)
    rows = [
        (s.household_code, s.commune_code, facts_from_json(facts_to_json(facts_of(s))))
        for s in surveys
    ]
    got = whatif_facts(rows, std22, std27)
    assert got.matrix == expected.matrix
    assert got.households == expected.households
    assert [
        (c.household_code, c.commune_code, c.from_status, c.to_status, c.causes)
        for c in got.changes
    ] == [
        (c.household_code, c.commune_code, c.from_status, c.to_status, c.causes)
        for c in expected.changes
    ]
    assert {c.survey_id for c in got.changes} == {None}
    assert [n.household_code for n in got.not_classifiable] == [
        n.household_code for n in expected.not_classifiable
    ]
    assert expected.changes
    assert expected.changes[0].survey_id is not None
    # Independent of the facts path: the matrix from the explained classifier.
    matrix = dict.fromkeys(expected.matrix, 0)
    for s in surveys:
        try:
            pair = (classify(s, std22).status, classify(s, std27).status)
        except NotClassifiable:
            continue
        matrix[pair] += 1
    assert got.matrix == matrix
    assert got.count(PovertyStatus.AVERAGE, PovertyStatus.NEAR_POOR) > 0
