"""Builds the access service from its settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from services.access import api, handlers
from services.access.adapters.keys import JWKS_FILE, Signer
from services.access.adapters.tables import metadata, plumbing
from services.access.metrics import AccessMetrics
from services.access.service import AccessService
from services.access.settings import AccessSettings
from shared.access.tokens import REVOKED_KEY
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
RESYNC_S = 15.0
log = logging.getLogger(__name__)


def create_runtime(settings: AccessSettings) -> tuple[Runtime, AccessService, AccessMetrics]:
    keys_dir = Path(settings.keys_dir)
    signer = Signer.load_or_create(keys_dir, settings.auth_issuer, settings.auth_audience)
    # this service holds the signing key: it trusts its own public keys, whatever else is set
    settings = settings.model_copy(
        update={"auth_jwks_file": str(keys_dir / JWKS_FILE), "auth_jwks_url": None}
    )
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    svc = AccessService(rt.engine, signer, settings)
    metrics = AccessMetrics(rt.registry)
    handlers.register(rt, svc, metrics)

    async def first_admin() -> None:
        created = await asyncio.to_thread(svc.ensure_first_admin, datetime.now(UTC))
        if created is None:
            return
        name, one_time = created
        if one_time:  # shown once, on the console of whoever started the service
            print(  # noqa: T201
                f"First province administrator created: '{name}', one-time password "
                f"'{one_time}' (change it at the first sign-in).",
                flush=True,
            )
        else:
            log.warning("first province administrator '%s' created", name)

    async def resync_revocations() -> None:
        """Re-announce every not-before time from the database (a revocation made while Redis
        was unreachable, or a Redis that lost its data)."""
        while True:
            with contextlib.suppress(Exception):
                times = await asyncio.to_thread(svc.revocations)
                if times:
                    await rt.redis.hset(REVOKED_KEY, mapping={k: repr(v) for k, v in times.items()})
            await asyncio.sleep(RESYNC_S)

    rt.startup.append(first_admin)
    rt.background.append(resync_revocations)
    return rt, svc, metrics


def create_app(settings: AccessSettings | None = None) -> FastAPI:
    rt, svc, metrics = create_runtime(settings or AccessSettings())
    return http_app(rt, title="Giảm nghèo — access", routers=[api.router(rt, svc, metrics)])
