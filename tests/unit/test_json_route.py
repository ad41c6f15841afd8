"""Routes reading JSON bodies with orjson answer as FastAPI's own do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI
from fastapi.testclient import TestClient

from shared.json_route import OrjsonRoute


def _client() -> TestClient:
    app = FastAPI()
    router = APIRouter(route_class=OrjsonRoute)

    @router.post("/items")
    async def post_items(
        items: Annotated[list[dict[str, Any]], Body(max_length=2)],
    ) -> dict[str, Any]:
        return {"count": len(items), "first": items[0] if items else None}

    app.include_router(router)
    return TestClient(app)


def test_body_is_read_when_it_is_valid_json() -> None:
    answer = _client().post(
        "/items",
        content='[{"name": "Lò Văn Ánh", "n": 1.5}]'.encode(),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json() == {"count": 1, "first": {"name": "Lò Văn Ánh", "n": 1.5}}


def test_malformed_body_is_422_json_invalid_when_the_json_is_broken() -> None:
    answer = _client().post(
        "/items", content=b'[{"name": ', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == "json_invalid"


def test_nan_is_422_when_a_body_holds_it() -> None:
    answer = _client().post(
        "/items", content=b'[{"n": NaN}]', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422


def test_body_rules_still_apply_when_read_by_orjson() -> None:
    answer = _client().post("/items", json=[{}, {}, {}])
    assert answer.status_code == 422
