"""The area registry as a value, the CSV adapter, rates and stages."""

from __future__ import annotations

import pytest

from services.reporting.adapters.areas_file import areas_from_rows, load_area_file
from services.reporting.domain.areas import Area, AreaLevel, AreaTree
from services.reporting.domain.values import Rate, parse_stage
from shared.contracts.codes import ReviewStage
from shared.errors import DomainError


def test_sample_registry_has_names_and_former_districts_when_read_from_intakes_csv() -> None:
    t = load_area_file()
    assert t.get("15") == Area("15", AreaLevel.PROVINCE, "Lào Cai")
    commune = t.get("04570")
    assert commune is not None
    assert (commune.name_vi, commune.parent_code, commune.former_district_code) == (
        "Thượng Bằng La",
        "15",
        "140",
    )
    district = t.get("140")
    assert district is not None
    assert district.name_vi == "Huyện Văn Chấn"
    village = t.get("04570-01")
    assert village is not None
    assert (village.level, village.parent_code) == (
        AreaLevel.VILLAGE,
        "04570",
    )


def test_registry_is_refused_with_every_bad_area_named() -> None:
    with pytest.raises(DomainError) as err:
        AreaTree.of(
            [
                Area("15", AreaLevel.PROVINCE, "Lào Cai"),
                Area("04570", AreaLevel.COMMUNE, "A", parent_code="99"),
                Area("04570-01", AreaLevel.VILLAGE, "B", parent_code="15"),
                Area("04681", AreaLevel.COMMUNE, "C", parent_code="15", former_district_code="7"),
            ]
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"areas.04570", "areas.04570-01", "areas.04681"}
    assert err.value.status == 422


def test_csv_without_a_required_column_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        areas_from_rows([{"province_code": "15"}])
    assert "commune_code" in err.value.message_en


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(127, 2592, 4.90), (77, 2592, 2.97), (1, 8, 12.5), (981, 20000, 4.91), (0, 0, 0.0)],
)
def test_rate_is_rounded_half_up_to_two_places(part: int, whole: int, percent: float) -> None:
    assert Rate(part, whole).percent() == percent


def test_stage_defaults_to_recognised_and_is_refused_when_unknown() -> None:
    assert parse_stage(None) is ReviewStage.RECOGNISED
    assert parse_stage("proposed") is ReviewStage.PROPOSED
    with pytest.raises(DomainError) as err:
        parse_stage("final")
    assert err.value.status == 422
    assert "Giai đoạn" in err.value.message_vi
