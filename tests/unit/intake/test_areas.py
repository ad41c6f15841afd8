from __future__ import annotations

import pytest

from services.intake.domain.areas import AreaDataError, AreaLookupError, AreaRegistry
from shared.contracts.codes import AreaType

pytestmark = pytest.mark.unit


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "province_code": "99",
        "province_name": "Tỉnh mẫu",
        "commune_code": "00001",
        "commune_name": "Xã mẫu",
        "commune_type": "xa",
        "village_code": "00001-01",
        "village_name": "Thôn 1",
        "former_district_code": "",
        "former_district_name": "",
    }
    row.update(overrides)
    return row


def test_rural_area_when_village_of_thuong_bang_la_resolves(registry: AreaRegistry) -> None:
    info = registry.resolve("04570", "04570-01")
    assert info.commune.name == "Thượng Bằng La"
    assert info.area_type is AreaType.RURAL
    assert info.province_code == "15"
    assert info.commune.former_district_name == "Huyện Văn Chấn"


def test_urban_area_when_commune_is_a_phuong(registry: AreaRegistry) -> None:
    assert registry.resolve("04249", "04249-01").area_type is AreaType.URBAN


def test_former_tran_yen_communes_are_in_the_sample(registry: AreaRegistry) -> None:
    tran_yen = [c for c in registry.communes.values() if c.former_district_code == "138"]
    assert len(tran_yen) >= 3


@pytest.mark.parametrize(
    ("commune", "village", "field", "key"),
    [
        ("99999", "04570-01", "commune_code", "unknown_commune"),
        ("04570", "04570-99", "village_code", "unknown_village"),
        ("04570", "04681-01", "village_code", "village_not_in_commune"),
    ],
)
def test_lookup_error_names_the_code_when_area_is_wrong(
    registry: AreaRegistry, commune: str, village: str, field: str, key: str
) -> None:
    with pytest.raises(AreaLookupError) as caught:
        registry.resolve(commune, village)
    assert caught.value.field == field
    assert caught.value.message.key == key
    assert caught.value.message.vi
    assert caught.value.message.en


def test_special_zone_is_rural_by_default_and_overridable_when_listed() -> None:
    registry = AreaRegistry.from_rows(
        [
            _row(commune_code="1", commune_type="dac_khu", village_code="1-1"),
            _row(commune_code="2", commune_type="dac_khu", village_code="2-1", area_type="urban"),
        ]
    )
    assert registry.resolve("1", "1-1").area_type is AreaType.RURAL
    assert registry.resolve("2", "2-1").area_type is AreaType.URBAN


def test_area_list_rejected_when_rows_are_inconsistent() -> None:
    with pytest.raises(AreaDataError) as caught:
        AreaRegistry.from_rows(
            [
                _row(),
                _row(commune_name="Tên khác", village_code="00001-02"),
                _row(village_code="00001-01", village_name="Thôn khác"),
                _row(commune_type="huyen", village_code="x"),
            ]
        )
    assert len(caught.value.problems) == 3


def test_registry_is_frozen_when_built(registry: AreaRegistry) -> None:
    with pytest.raises(TypeError):
        registry.communes["x"] = registry.communes["04570"]  # type: ignore[index]
