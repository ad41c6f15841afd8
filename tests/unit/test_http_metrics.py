"""HTTP answers counted by route template and status class, and timed."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from shared.metrics import HttpMetrics


def test_requests_are_counted_by_route_template_and_status_class() -> None:
    registry = CollectorRegistry()
    app = FastAPI()

    @app.get("/households/{code}")
    def household(code: str) -> dict[str, str]:
        if code == "missing":
            raise HTTPException(404)
        if code == "broken":
            raise RuntimeError("boom")
        return {"code": code}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {}

    app.add_middleware(HttpMetrics, registry=registry, service="intake")
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/households/HH-1").status_code == 200
    assert client.get("/households/HH-2").status_code == 200
    assert client.get("/households/missing").status_code == 404
    assert client.get("/households/broken").status_code == 500
    assert client.get("/nowhere").status_code == 404
    client.get("/health")

    def count(route: str, status: str) -> float | None:
        labels = {"service": "intake", "method": "GET", "route": route, "status": status}
        return registry.get_sample_value("giamngheo_http_requests_total", labels)

    assert count("/households/{code}", "2xx") == 2
    assert count("/households/{code}", "4xx") == 1
    assert count("/households/{code}", "5xx") == 1
    assert count("unmatched", "4xx") == 1
    assert count("/health", "2xx") is None  # probes are not traffic
    timed = registry.get_sample_value(
        "giamngheo_http_request_seconds_count",
        {"service": "intake", "route": "/households/{code}"},
    )
    assert timed == 4
