"""The browser tier: the whole platform as processes behind the gateway, and the system's
headless Chromium (Debian's ``chromium`` package) driven by Playwright for Python. No browser is
ever downloaded: Playwright is pointed at the installed binary. Without one (``scripts/test``
installs it when it can) this tier alone is skipped, and says so loudly.

Screenshots of every step go to ``tests/browser/screenshots/`` (git-ignored), kept as the
tier's artefacts."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.embedded_redis import free_ports
from tools.stack import Stack, free_service_ports

SCREENSHOTS = Path(__file__).parent / "screenshots"


def chromium_binary() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    found = chromium_binary()
    if found is None:
        msg = (
            "!!! BROWSER TIER SKIPPED: no chromium binary (apt-get install chromium; "
            "scripts/test does so when run as root with apt)."
        )
        print("\n" + msg, file=sys.stderr)
        pytest.skip(msg)
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Stack]:
    web_port, gateway_port = free_ports(2)
    s = Stack(
        data_dir=tmp_path_factory.mktemp("browser-stack"),
        ports=free_service_ports(),
        admin_must_change=False,
        web=True,
        web_port=web_port,
        gateway_port=gateway_port,
        extra_env={
            "REPORTING_POLL_MS": "100",
            "SUPPORT_POLL_MS": "100",
            "ASSESSMENT_POLL_MS": "100",
        },
    )
    with s:
        yield s


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def page(browser: Any, stack: Stack) -> Iterator[Any]:
    context = browser.new_context(
        base_url=stack.web_url,
        accept_downloads=True,
        locale="vi-VN",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(20_000)
    p = context.new_page()
    try:
        yield p
    finally:
        context.close()


@pytest.fixture
def shot(page: Any, request: pytest.FixtureRequest) -> Any:
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(step: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{step}.png"), full_page=True)

    return take
