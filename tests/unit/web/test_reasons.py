"""Every reason the classification engine gives, and every what-if cause, shows in Vietnamese:
the engine's English sentences are translated through messages/reasons.toml."""

from __future__ import annotations

import pytest

from services.assessment.adapters.standards_repo import load_standard
from services.assessment.domain.classifier import classify
from services.web.i18n import Translator, translate_reason
from shared.contracts.codes import Latrine, Material, WaterSource
from tests.factories import member, survey

pytestmark = pytest.mark.unit

VI = Translator("vi")


def households() -> list:  # type: ignore[type-arg]
    """Households that make every indicator deprived and not deprived at least once."""
    good = survey(1)
    bad = survey(
        2,
        uses_telecom=False,
        uses_internet=False,
        assets=[],
        waste_handling=None,
        members=[
            member(member_no=1, age=40, employment="unemployed", has_health_insurance=False),
            member(member_no=2, age=80, relation="parent", employment="not_in_labour_force"),
            member(member_no=3, age=10, relation="child", attending_school="none"),
            member(
                member_no=4,
                age=20,
                relation="child",
                highest_qualification="none",
                attending_school="none",
            ),
        ],
    )
    bad = bad.model_copy(
        update={
            "housing": bad.housing.model_copy(
                update={
                    "pillars": Material.BAMBOO,
                    "walls": Material.BAMBOO,
                    "roof": Material.LEAVES_THATCH,
                    "floor_area_m2": 10.0,
                }
            ),
            "water_source": WaterSource.SURFACE_WATER,
            "latrine": Latrine.UNIMPROVED_PIT,
        }
    )
    no_latrine = bad.model_copy(update={"latrine": Latrine.NONE})
    return [good, bad, no_latrine]


@pytest.mark.parametrize("standard_id", ["vn-2022-2025", "vn-2027-2030"])
def test_every_indicator_reason_of_the_engine_reads_in_vietnamese(standard_id: str) -> None:
    standard = load_standard(standard_id)
    seen = 0
    for h in households():
        result = classify(h, standard)
        for outcome in result.indicators:
            vi = translate_reason(outcome.reason, VI)
            assert "(chưa dịch)" not in vi, outcome.reason
            assert vi != outcome.reason
            seen += 1
    assert seen > 20


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (
            "income line: 1,200,000 VND is at or below the rural line 1,500,000 "
            "and above 1,100,000",
            "chuẩn thu nhập: 1,200,000 VND so với chuẩn rural 1,500,000",
        ),
        ("indicator telecom: newly deprived", "chỉ số Sử dụng dịch vụ viễn thông: mới thiếu hụt"),
        ("deprivations 2 -> 3 (poor from 3)", "số chỉ số thiếu hụt 2 → 3 (nghèo từ 3)"),
        ("average-living-standard band", "ngưỡng hộ có mức sống trung bình"),
    ],
)
def test_what_if_causes_read_in_vietnamese(cause: str, expected: str) -> None:
    assert translate_reason(cause, VI).startswith(expected)


def test_a_sentence_not_yet_in_the_catalogue_shows_in_english_marked() -> None:
    assert translate_reason("a brand new rule fired", VI) == "a brand new rule fired (chưa dịch)"
    assert Translator("en").reason("latrine is hygienic") == "latrine is hygienic"
