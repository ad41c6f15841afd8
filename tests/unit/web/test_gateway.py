"""The gateway: nginx accepts the local stack's generated configuration and compose's, every
service's API has its route, and compose runs the web app and the gateway."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tools.gateway import API_SERVICES, nginx_binary, nginx_conf

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
GATEWAY = ROOT / "deploy" / "gateway"
UPSTREAMS = {name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(API_SERVICES)} | {
    "web": "http://127.0.0.1:8006"
}


def test_local_configuration_routes_every_api_and_the_web_app(tmp_path: Path) -> None:
    text = nginx_conf(tmp_path, 8000, UPSTREAMS)
    for name in API_SERVICES:
        assert f"location /api/{name}/ {{\n        proxy_pass {UPSTREAMS[name]}/;" in text
        assert f"X-Forwarded-Prefix /api/{name};" in text
    assert "proxy_pass http://127.0.0.1:8006;" in text
    assert " ssl" not in text


def test_local_configuration_serves_tls_when_a_certificate_is_given(tmp_path: Path) -> None:
    text = nginx_conf(tmp_path, 8443, UPSTREAMS, cert="/c/full.pem", key="/c/key.pem")
    assert "listen 127.0.0.1:8443 ssl;" in text
    assert "ssl_certificate /c/full.pem;" in text


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")
def test_nginx_accepts_the_local_configuration(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(tmp_path, 8000, UPSTREAMS), encoding="utf-8")
    check = subprocess.run(
        [str(nginx_binary()), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "/dev/null"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("name", ["nginx.conf", "nginx-tls.conf"])
def test_compose_gateway_routes_every_api_and_the_web_app(name: str) -> None:
    text = (GATEWAY / name).read_text(encoding="utf-8")
    for service in API_SERVICES:
        assert f"location /api/{service}/ {{" in text
        assert f"set $upstream {service};" in text
        assert f"proxy_set_header X-Forwarded-Prefix /api/{service};" in text
    assert "set $upstream web;" in text
    assert ("ssl_certificate" in text) == (name == "nginx-tls.conf")


def test_compose_runs_the_web_app_and_the_gateway_as_the_one_published_door() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["web"]["command"] == ["web"]
    assert "ports" not in services["web"]
    env = services["web"]["environment"]
    for name in API_SERVICES:
        assert env[f"WEB_{name.upper()}_URL"] == f"http://{name}:8000"
    assert any(p.endswith(":80") for p in services["gateway"]["ports"])
    mounts = " ".join(services["gateway"]["volumes"])
    assert "nginx.conf" in mounts
    assert "proxy_common.conf" in mounts


def test_web_app_settings_read_every_variable_compose_gives_it() -> None:
    from services.web.settings import WebSettings

    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8"))
    fields = {f"WEB_{n.upper()}" for n in WebSettings.model_fields}
    assert set(compose["services"]["web"]["environment"]) <= fields
