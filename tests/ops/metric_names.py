"""The metric names the platform's services export, read from their own registries."""

from __future__ import annotations

import json
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric


def exported_metric_names() -> set[str]:
    """Every sample name (``_total``, ``_bucket``… included) the services' metric classes and
    FastStream's middleware register, plus Prometheus's own ``up``."""
    from faststream.redis.prometheus import RedisPrometheusMiddleware

    from services.access.metrics import AccessMetrics
    from services.assessment.metrics import AssessmentMetrics
    from services.intake.metrics import IntakeMetrics
    from services.reporting.metrics import ReportingMetrics
    from services.support.metrics import SupportMetrics
    from shared.metrics import DeliveryMetrics, HttpMetrics

    registry = CollectorRegistry()
    DeliveryMetrics(registry, "x")
    HttpMetrics(lambda *_: None, registry=registry, service="x")  # type: ignore[arg-type]
    for cls in (AccessMetrics, AssessmentMetrics, IntakeMetrics, ReportingMetrics, SupportMetrics):
        cls(registry)
    RedisPrometheusMiddleware(registry=registry, app_name="x")
    suffixes = {
        "counter": ("_total",),
        "gauge": ("",),
        "histogram": ("_bucket", "_count", "_sum"),
        "summary": ("_count", "_sum"),
    }
    families: list[Metric] = list(registry.collect())
    return {"up"} | {f.name + s for f in families for s in suffixes[f.type]}


GRAFANA_DIR = Path(__file__).resolve().parents[2] / "deploy" / "grafana"


def dashboard_queries() -> list[str]:
    """Every query of the provisioned Grafana dashboard."""
    dashboard = json.loads((GRAFANA_DIR / "dashboards" / "giamngheo.json").read_text("utf-8"))
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
