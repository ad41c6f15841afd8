"""Request bodies are capped in every service's HTTP shell: 413 with the reason, not a 200."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.intake.app import create_app
from services.intake.settings import IntakeSettings


@pytest.fixture
def client(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    settings = IntakeSettings(
        redis_url=redis_url, database_url=database_url, max_body_mb=1, max_upload_mb=1
    )
    with TestClient(create_app(settings), headers=admin_headers) as c:
        yield c


def _assert_413(response: object) -> None:
    assert response.status_code == 413, response.text  # type: ignore[attr-defined]
    (problem,) = response.json()["detail"]  # type: ignore[attr-defined]
    assert problem["type"] == "too_large"
    assert "1 MB" in problem["message_en"]
    assert "1 MB" in problem["message_vi"]


def test_json_body_over_the_cap_is_refused_from_its_declared_length(client: TestClient) -> None:
    body = b'{"pad": "' + b"x" * (2 << 20) + b'"}'
    response = client.post("/surveys", content=body, headers={"content-type": "application/json"})
    _assert_413(response)


def test_chunked_json_body_over_the_cap_is_refused_while_it_is_read(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'[{"pad": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}]'

    response = client.post(
        "/surveys/batch", content=chunks(), headers={"content-type": "application/json"}
    )
    _assert_413(response)


def test_body_under_the_cap_is_read_as_usual(client: TestClient) -> None:
    response = client.post("/surveys", json={"survey_id": "x"})
    assert response.status_code == 422  # read, then refused for what it says, not its size


def test_multipart_upload_gets_the_upload_cap_not_the_json_cap(client: TestClient) -> None:
    response = client.post("/surveys/files", files={"file": ("x.csv", b"a;b\n" * 200_000)})
    assert response.status_code == 422  # 800 KB read: over no cap, just not a survey file
    too_big = client.post("/surveys/files", files={"file": ("x.csv", b"a;b\n" * 900_000)})
    assert too_big.status_code == 413
