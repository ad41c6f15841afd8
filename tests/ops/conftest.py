"""The operations tier: the provincial server's deployment rehearsed on this machine (the compose
file's services as processes, the real Prometheus, alert rules, backups and restores)."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings

import pytest

_tried: dict[str, str | None] = {}


def debian_binary(name: str, package: str) -> str:
    """Path of ``name`` from the Debian package ``package``, installed with apt-get when
    missing and this runs as root (as ``scripts/test`` does on a fresh machine); otherwise
    the test is skipped, loudly, naming what to install."""
    found = shutil.which(name)
    if found:
        return found
    if package not in _tried:
        _tried[package] = None
        if os.geteuid() == 0 and shutil.which("apt-get"):
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
            for step in ([], ["apt-get", "update", "-q"]):
                if step:
                    subprocess.run(step, env=env, capture_output=True, check=False, timeout=300)
                done = subprocess.run(
                    install, env=env, capture_output=True, text=True, check=False, timeout=600
                )
                if done.returncode == 0:
                    break
                _tried[package] = done.stderr[-500:]
        else:
            _tried[package] = "not root, or no apt-get"
    found = shutil.which(name)
    if found:
        return found
    reason = (
        f"SKIPPED LOUDLY: `{name}` (Debian package `{package}`) is not installed and could not "
        f"be installed ({_tried[package]}); install it with `apt-get install {package}`"
    )
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)
