"""A repeated id: same content is a no-op; other content is a 409 naming each field."""

from __future__ import annotations

import pytest

from services.support.domain.idempotency import check_replay, differing_fields
from shared.errors import DomainError, ErrorKind


def test_differing_fields_are_named_in_order_and_a_missing_field_counts_as_none() -> None:
    stored = {"amount_vnd": 6_000_000, "item": "bò", "unit": None}
    assert differing_fields(stored, {"amount_vnd": 6_000_000, "item": "bò"}) == []
    assert differing_fields(stored, {"amount_vnd": 7_000_000, "item": "dê", "unit": None}) == [
        "amount_vnd",
        "item",
    ]
    assert differing_fields({"a": 1}, {"a": 1, "b": None}) == []
    assert differing_fields({"a": 1}, {"a": 1, "b": 2}) == ["b"]


def test_a_new_id_is_not_a_replay_and_the_same_content_is() -> None:
    assert check_replay("Khoản", "Record", "D-1", None, {"a": 1}) is False
    assert check_replay("Khoản", "Record", "D-1", {"a": 1}, {"a": 1}) is True


def test_the_same_id_with_other_content_is_a_conflict_naming_the_fields() -> None:
    with pytest.raises(DomainError) as err:
        check_replay(
            "Khoản hỗ trợ",
            "Support record",
            "D-1",
            {"amount_vnd": 6, "kind": "x"},
            {"amount_vnd": 7, "kind": "y"},
        )
    e = err.value
    assert e.kind is ErrorKind.CONFLICT
    assert e.status == 409
    assert [p.field for p in e.problems] == ["amount_vnd", "kind"]
    assert "D-1" in e.message_vi
    assert "'amount_vnd'" in e.message_en
