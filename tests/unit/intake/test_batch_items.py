"""A batch item is validated once at the edge: the stored record is what the contract itself
would have validated."""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any

import pytest

from services.intake.api import check_batch
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.record import SurveyRecord
from tests.factories import survey


def _item(n: int, **overrides: Any) -> dict[str, Any]:
    body = survey(n).model_dump(mode="json", exclude={"area_type", "province_code"})
    body["head_name"] = unicodedata.normalize("NFD", "Hoàng Văn Ánh")
    body["members"][0] |= {"full_name": "Hoàng Văn Ánh", "citizen_id": f"0150{n:08d}"}
    return body | overrides


def test_record_is_what_the_contract_validates_when_built_from_the_checked_item(
    registry: AreaRegistry,
) -> None:
    results, valid = check_batch([_item(1), _item(2)], registry)
    assert results == [{}, {}]
    for (_, record), n in zip(valid, (1, 2), strict=True):
        area = registry.resolve(record.commune_code, record.village_code)
        expected = SurveyRecord.model_validate(
            _item(n)
            | {
                "head_name": "Hoàng Văn Ánh",  # NFC, as intake stores every text
                "province_code": area.province_code,
                "area_type": area.area_type,
                "head_citizen_id_missing": False,
            }
        )
        assert type(record) is SurveyRecord
        assert record == expected
        assert record.public_json() == expected.public_json()
        assert b"0150" not in record.public_json()


def test_item_is_rejected_when_its_province_code_breaks_the_contract(
    registry: AreaRegistry,
) -> None:
    commune = registry.communes["04570"]
    broken = dataclasses.replace(
        registry, communes={**registry.communes, "04570": dataclasses.replace(
            commune, province_code="P" * 17
        )}
    )  # fmt: skip
    results, valid = check_batch([_item(1)], broken)
    assert valid == []
    assert results[0]["status"] == "rejected"
    assert results[0]["errors"][0]["field"] == "province_code"


@pytest.mark.parametrize("field", ["survey_id", "household_code"])
def test_item_is_rejected_alone_when_a_code_is_empty(registry: AreaRegistry, field: str) -> None:
    results, valid = check_batch([_item(1, **{field: ""}), _item(2)], registry)
    assert [i for i, _ in valid] == [1]
    assert results[0]["status"] == "rejected"
