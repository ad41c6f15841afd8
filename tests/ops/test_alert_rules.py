"""The alert rules and the Prometheus configuration, checked and unit-tested by promtool (from
Debian's ``prometheus`` package), and every metric they name is one the platform exports."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from tests.ops.conftest import debian_binary
from tests.ops.metric_names import GRAFANA_DIR, dashboard_queries, exported_metric_names

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
EXPORTERS = ("pg_", "redis_")
"""Metrics of postgres-exporter and redis-exporter, which run beside the platform in compose."""


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [debian_binary("promtool", "prometheus"), *args],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_promtool_accepts_the_configuration_and_the_rules() -> None:
    config = _promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    rules = _promtool("check", "rules", "alerts.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_the_alert_rules_pass_their_unit_tests() -> None:
    tested = _promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_unit_test_and_an_entry_in_the_operations_guide() -> None:
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    tests = yaml.safe_load((PROMETHEUS_DIR / "alerts.test.yml").read_text(encoding="utf-8"))
    tested = {a["alertname"] for t in tests["tests"] for a in t["alert_rule_test"]}
    assert alerts <= tested, f"alerts without a unit test: {sorted(alerts - tested)}"
    guide = (PROMETHEUS_DIR.parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    assert all(f"`{a}`" in guide for a in alerts), "each alert needs its runbook entry"


def test_every_metric_an_alert_reads_is_exported() -> None:
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    exported = exported_metric_names()
    for group in rules["groups"]:
        for rule in group["rules"]:
            for name in re.findall(r"\b(giamngheo_[a-z_]+|faststream_[a-z_]+)", rule["expr"]):
                assert name in exported, f"{rule['alert']} reads {name}, which nothing exports"
            named = set(re.findall(r"\b([a-z_]+)\s*[{(\[]", rule["expr"]))
            assert all(n in exported or n.startswith(EXPORTERS) or n in PROMQL for n in named), (
                f"{rule['alert']}: {sorted(named)}"
            )


PROMQL = {
    "up",
    "max",
    "sum",
    "by",
    "rate",
    "increase",
    "deriv",
    "absent",
    "predict_linear",
    "histogram_quantile",
    "and",
    "or",
}


def test_the_dashboard_reads_only_exported_metrics_from_the_provisioned_datasource() -> None:
    import json

    exported = exported_metric_names()
    queries = dashboard_queries()
    assert len(queries) >= 12
    for expr in queries:
        for name in re.findall(r"\b((?:giamngheo|faststream)_[a-z_]+)", expr):
            assert name in exported, f"the dashboard reads {name}, which nothing exports"
    source = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8")
    )
    uid = source["datasources"][0]["uid"]
    dashboard = json.loads((GRAFANA_DIR / "dashboards" / "giamngheo.json").read_text("utf-8"))
    assert {p["datasource"]["uid"] for p in dashboard["panels"]} == {uid}
    for title in ("lag", "Dead letters", "Outbox", "latency", "accepted and rejected", "status"):
        assert any(title.lower() in p["title"].lower() for p in dashboard["panels"]), title
