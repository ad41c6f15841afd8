"""The AsyncAPI document is generated from the code and must be the checked-in one."""

from __future__ import annotations

from pathlib import Path

import yaml

from shared.contracts import ALL_STREAMS
from tools.asyncapi import asyncapi_document, asyncapi_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


def test_checked_in_asyncapi_document_is_current_when_regenerated() -> None:
    assert DOC.read_text(encoding="utf-8") == asyncapi_yaml(), (
        "docs/asyncapi.yaml is stale: run `giamngheo asyncapi`"
    )


def test_every_stream_is_documented_with_its_producer_and_consumers() -> None:
    channels = asyncapi_document()["channels"]
    addresses = {c["address"] for c in channels.values()}
    assert addresses == set(ALL_STREAMS)


def test_document_describes_the_plain_json_wire_format() -> None:
    doc = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    assert "one field, `event`" in doc["info"]["description"]
    assert "dead-letter" in doc["info"]["description"]


def test_every_envelope_and_payload_field_has_a_description() -> None:
    schemas = asyncapi_document()["components"]["schemas"]
    undocumented = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        for field, prop in schema.get("properties", {}).items()
        if "description" not in prop
    ]
    assert not undocumented, undocumented
