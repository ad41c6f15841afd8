"""The one door of the local stack: nginx (Debian's package) in front of the web app and every
service's API under ``/api/<service>/``, with TLS when a certificate is configured
(``GATEWAY_TLS_CERT`` and ``GATEWAY_TLS_KEY``). Compose runs the same layout from
``deploy/gateway/nginx.conf``.

Without an nginx binary the stack says so loudly and goes on without the gateway: the web app
and each service stay reachable on their own ports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

API_SERVICES = ("intake", "assessment", "support", "reporting", "access")
MAX_BODY_MB = 64


def nginx_binary() -> str | None:
    for candidate in (os.environ.get("GATEWAY_NGINX"), "nginx", "/usr/sbin/nginx"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def nginx_conf(
    folder: Path,
    port: int,
    upstreams: dict[str, str],
    *,
    host: str = "127.0.0.1",
    cert: str | None = None,
    key: str | None = None,
) -> str:
    """An nginx configuration routing ``/api/<service>/`` and ``/`` (the web app)."""
    listen = f"{host}:{port}" + (" ssl" if cert and key else "")
    tls = f"    ssl_certificate {cert};\n    ssl_certificate_key {key};\n" if cert and key else ""
    locations = []
    for name in API_SERVICES:
        locations.append(
            f"    location /api/{name}/ {{\n"
            f"        proxy_pass {upstreams[name]}/;\n"
            f"        proxy_set_header X-Forwarded-Prefix /api/{name};\n"
            "        include proxy_common.conf;\n"
            "    }\n"
        )
    common = (
        "proxy_http_version 1.1;\n"
        "proxy_set_header Host $host;\n"
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "proxy_set_header X-Forwarded-Proto $scheme;\n"
        "proxy_read_timeout 600s;\n"
        "proxy_request_buffering off;\n"
    )
    (folder / "proxy_common.conf").write_text(common, encoding="utf-8")
    return (
        "worker_processes 1;\n"
        "daemon off;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "  types { text/html html; text/css css; application/javascript js; }\n"
        f"  access_log {folder / 'access.log'};\n"
        f"  client_body_temp_path {folder / 'body'};\n"
        f"  proxy_temp_path {folder / 'proxy'};\n"
        f"  fastcgi_temp_path {folder / 'fastcgi'};\n"
        f"  uwsgi_temp_path {folder / 'uwsgi'};\n"
        f"  scgi_temp_path {folder / 'scgi'};\n"
        f"  client_max_body_size {MAX_BODY_MB}m;\n"
        "  server {\n"
        f"    listen {listen};\n"
        f"{tls}" + "".join(locations) + "    location / {\n"
        f"        proxy_pass {upstreams['web']};\n"
        "        include proxy_common.conf;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def start_nginx(
    folder: Path, port: int, upstreams: dict[str, str], *, host: str = "127.0.0.1"
) -> subprocess.Popen[bytes] | None:
    """Start nginx in the foreground as a child, or None (said on stderr) without a binary."""
    binary = nginx_binary()
    if binary is None:
        print(
            "!!! GATEWAY NOT STARTED: no nginx binary (apt-get install nginx-light, or set "
            "GATEWAY_NGINX). The web app and the services answer on their own ports instead.",
            file=sys.stderr,
        )
        return None
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        nginx_conf(
            folder,
            port,
            upstreams,
            host=host,
            cert=os.environ.get("GATEWAY_TLS_CERT"),
            key=os.environ.get("GATEWAY_TLS_KEY"),
        ),
        encoding="utf-8",
    )
    log = (folder / "nginx.out").open("ab")
    return subprocess.Popen(  # noqa: S603
        [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
