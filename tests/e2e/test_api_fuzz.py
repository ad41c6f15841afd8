"""Every HTTP API fuzzed from its own OpenAPI document: bad input gets a 4xx, never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tools.stack import SERVICES, Stack, free_service_ports


@pytest.fixture(scope="module")
def running(redis_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    ports = free_service_ports()
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with Stack(
        folder, redis_url=f"{redis_server}/8", ports=ports, admin_must_change=False
    ) as stack:
        yield stack


@pytest.mark.parametrize("service", SERVICES)
def test_api_answers_fuzzed_requests_without_server_errors(service: str, running: Stack) -> None:
    base = running.url(service)
    headers = {"Authorization": f"Bearer {running.token()}"}  # fuzzed as a province admin
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the service documents no operation"
    for operation in operations:

        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def exercise(case: Any) -> None:
            response = case.call(base_url=base, headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} "
                    f"{response.text[:300]}"
                )

        exercise()
    assert not failures, failures
