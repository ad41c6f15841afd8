"""Generates the AsyncAPI document of the platform's streams from the services' own code."""

from __future__ import annotations

import importlib
import shutil
import tempfile
from typing import Any

import yaml
from faststream.specification import AsyncAPI

DOC_REDIS_URL = "redis://redis:6379/0"

DESCRIPTION = """Event streams of the provincial poverty-reduction platform.

Wire format: every stream entry has one field, `event`, holding the UTF-8 JSON of an envelope
(`event_id`, `event_type`, `schema_version`, `occurred_at`, `correlation_id`, `producer`,
`payload`). Read it with `XREADGROUP` and any JSON parser; no FastStream is needed. Consumers
must ignore an `event_id` they have already processed (delivery is at least once).
Each stream `S` has a dead-letter stream `S.dead-letter` whose entries carry the original
`event` (when readable), the `error`, the consumer `group` and the `source_id`."""


def asyncapi_document() -> dict[str, Any]:
    brokers = []
    keys = tempfile.mkdtemp(prefix="giamngheo-doc-keys-")
    for name in ("intake", "assessment", "support", "reporting", "access"):
        settings_mod = importlib.import_module(f"services.{name}.settings")
        cls = next(
            getattr(settings_mod, a)
            for a in dir(settings_mod)
            if a.endswith("Settings") and a != "ServiceSettings"
        )
        extra = {"keys_dir": keys} if name == "access" else {}
        settings = cls(
            redis_url=DOC_REDIS_URL, database_url="sqlite://", consumer_name=name, **extra
        )
        made = importlib.import_module(f"services.{name}.app").create_runtime(settings)
        rt = made[0] if isinstance(made, tuple) else made
        brokers.append(rt.broker)
    shutil.rmtree(keys, ignore_errors=True)
    spec = AsyncAPI(
        *brokers,
        title="Giảm nghèo bền vững — event streams",
        version="1.0.0",
        description=DESCRIPTION,
    )
    doc: dict[str, Any] = spec.to_specification().to_jsonable()
    return doc


def asyncapi_yaml() -> str:
    return yaml.safe_dump(asyncapi_document(), allow_unicode=True, sort_keys=True, width=100)
