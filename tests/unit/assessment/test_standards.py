"""Standards data: files load and validate, 2027 changes, override merge, rule hash, lookup."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from services.assessment.adapters.standards_repo import (
    load_standard,
    load_with_overrides,
    national_mappings,
)
from services.assessment.domain.classifier import classify
from services.assessment.domain.errors import StandardDataError
from services.assessment.domain.standard import Standard, merge_override, standard_for_year
from shared.contracts.codes import PovertyStatus
from tests.factories import survey

pytestmark = pytest.mark.unit

OVERRIDE = """
id = "vn-2022-2025/p15"
base = "vn-2022-2025"
province_code = "15"
title = "Local poverty standard of province 15"

[income_line]
rural = 1_700_000
legal_basis = "Resolution of the provincial People's Council (example)"

[[indicators]]
code = "housing_area"
[indicators.params]
min_m2_per_person = 10
"""


@pytest.fixture
def raw22() -> dict[str, Any]:
    return copy.deepcopy(national_mappings()["vn-2022-2025"])


def test_vn_2022_2025_has_12_indicators_in_6_dimensions_when_loaded(std22: Standard) -> None:
    assert len(std22.indicators) == 12
    assert len(std22.dimensions) == 6
    for d in std22.dimensions:
        assert sum(1 for i in std22.indicators if i.dimension == d.code) == 2
    assert (std22.income_line.rural, std22.income_line.urban) == (1_500_000, 2_000_000)
    assert (std22.score_a_line.rural, std22.score_a_line.urban) == (140, 175)
    assert (std22.first_year, std22.last_year) == (2022, 2026)
    assert std22.newly_escaped_months == 36
    assert std22.poor_min_deprivations == 3


def test_vn_2027_2030_drops_information_means_and_adds_digital_and_waste_when_loaded(
    std22: Standard, std27: Standard
) -> None:
    codes22 = {i.code for i in std22.indicators}
    codes27 = {i.code for i in std27.indicators}
    assert codes22 - codes27 == {"information_assets"}
    assert codes27 - codes22 == {"digital_services", "waste_handling"}
    assert std27.indicator("waste_handling").dimension == "water_sanitation"
    assert (std27.income_line.rural, std27.income_line.urban) == (2_200_000, 2_800_000)
    assert not std27.score_a_line.is_set
    assert std27.score_a_line.pending_confirmation
    assert std27.average_band.rural is None
    assert all(i.pending_confirmation and i.note for i in std27.indicators)


def test_standard_for_year_picks_2022_standard_when_review_is_2026(
    standards: dict[str, Standard],
) -> None:
    every = list(standards.values())
    assert standard_for_year(every, 2026).id == "vn-2022-2025"
    assert standard_for_year(every, 2027).id == "vn-2027-2030"
    with pytest.raises(LookupError):
        standard_for_year(every, 2031)


def test_rule_hash_changes_when_override_changes_a_line(tmp_path: Path, std22: Standard) -> None:
    path = tmp_path / "p15.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    local = load_standard("vn-2022-2025", [path])
    assert local.income_line.rural == 1_700_000
    assert local.income_line.urban == 2_000_000  # untouched key kept
    assert local.indicator("housing_area").params.min_m2_per_person == 10
    assert local.rule_hash != std22.rule_hash
    path.write_text(OVERRIDE.replace("1_700_000", "1_800_000"), encoding="utf-8")
    assert load_standard("vn-2022-2025", [path]).rule_hash not in {
        local.rule_hash,
        std22.rule_hash,
    }


def test_rule_hash_is_stable_when_same_data_loaded_twice(std22: Standard) -> None:
    again = load_standard("vn-2022-2025")
    assert again.rule_hash == std22.rule_hash
    assert len(std22.rule_hash) == 64


def test_local_standard_changes_classification_when_override_raises_line(
    tmp_path: Path, std22: Standard
) -> None:
    path = tmp_path / "p15.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    every = load_with_overrides([path])
    local = standard_for_year(every, 2025, province_code="15")
    assert local.id == "vn-2022-2025/p15"
    assert standard_for_year(every, 2025, province_code="20").id == "vn-2022-2025"
    s = survey(income={"basis": "vnd_per_capita_month", "value": 1_600_000})
    assert classify(s, std22).status is PovertyStatus.AVERAGE
    assert classify(s, local).status is PovertyStatus.NEAR_POOR


def test_merge_rejects_override_when_it_adds_an_indicator(raw22: dict[str, Any]) -> None:
    with pytest.raises(StandardDataError, match="not in the base standard"):
        merge_override(raw22, {"id": "x", "base": "vn-2022-2025", "indicators": [{"code": "new"}]})


def test_merge_rejects_override_when_base_differs(raw22: dict[str, Any]) -> None:
    with pytest.raises(StandardDataError, match="does not match"):
        merge_override(raw22, {"id": "x", "base": "vn-2027-2030"})


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["income_line"].pop("urban"), "both rural and urban"),
        (lambda r: r["indicators"][3]["params"].update(min_age="six"), "must be an integer"),
        (lambda r: r["indicators"][8]["params"].update(clean_sources=["river"]), "unknown code"),
        (lambda r: r["indicators"][0].update(dimension="wealth"), "unknown dimension"),
        (lambda r: r["indicators"][0].update(rule="magic"), "unknown"),
        (lambda r: r["indicators"][3]["params"].update(typo=1), "unknown params"),
        (lambda r: r["indicators"][5]["params"]["levels"].pop(), "must cover ages"),
        (lambda r: r.update(poor_min_deprivations=13), "exceeds"),
        (lambda r: r["review_years"].update(first=2030), "after"),
        (lambda r: r["average_band"]["rural"].update(above=3_000_000), "below 'up_to'"),
        (lambda r: r.update(surprise=True), "unknown keys"),
    ],
)
def test_validation_fails_with_clear_error_when_data_is_wrong(
    raw22: dict[str, Any], mutate: Any, message: str
) -> None:
    mutate(raw22)
    with pytest.raises(StandardDataError, match=message):
        Standard.from_mapping(raw22)
