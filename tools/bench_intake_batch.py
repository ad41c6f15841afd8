"""Benchmark of intake's batch endpoint alone: CPU per survey to validate and store batches.

    python -m tools.bench_intake_batch --n 20000 [--personal] [--http] [--relay] [--profile]

The surveys are ``tools.bench_pipeline``'s synthetic ones (``--personal`` adds a name to every
member and a citizen id to the adults, as a real survey has), sent in batches of 500 like the
end-to-end benchmark does. Generating them is not timed. Stages, each on a fresh database
(SQLite in a temporary folder, or ``--database-url``):

* ``in_process``: what ``POST /surveys/batch`` does without HTTP: each item validated and its
  area resolved (``api.check_batch``), the valid ones stored with their outbox rows in one
  transaction (``service.accept_surveys``);
* ``http`` (``--http``): the same batches through the ASGI app (routing, JSON body parsing,
  access check, the JSON answer), with no server or socket;
* ``relay`` (``--relay``): the staged ``household.surveyed`` events published by the outbox
  relay to a Redis (``--redis-url``, else the embedded server).

CPU is the process's (``time.process_time``: every thread, so the worker thread the route
stores in counts too). Prints JSON with µs of CPU per survey per stage and the load average:
on a shared machine compare runs made close together, never figures from different days.
``--profile`` prints the top functions of the in-process stage (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import gc
import json
import os
import pstats
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from services.cli import tune_gc
from services.intake.adapters.areas_repo import load_registry
from services.intake.adapters.tables import plumbing
from services.intake.adapters.vault import Vault
from services.intake.api import check_batch
from services.intake.app import MIGRATIONS
from services.intake.service import IntakeUnitOfWork, accept_surveys
from shared.db import create_db_engine
from shared.migrations import upgrade
from tools.bench_pipeline import synthetic_body

BATCH = 500
SECRET = bytes(range(32))
_GIVEN = ("An", "Bình", "Chung", "Dũng", "Hoa", "Lan", "Mai", "Nam")


def bodies(start: int, stop: int, run: str, *, personal: bool) -> list[dict[str, Any]]:
    out = []
    for i in range(start, stop):
        body = synthetic_body(i, run)
        if personal:
            body["head_name"] = f"Lò Văn {_GIVEN[i % len(_GIVEN)]}"
            for m in body["members"]:
                m["full_name"] = f"Lò Thị {_GIVEN[(i + m['member_no']) % len(_GIVEN)]}"
                if m["age"] >= 14:
                    # one person per run: a run's people are not found in another's households
                    m["citizen_id"] = f"{ord(run[0]) % 10}{m['member_no']:02d}{i:09d}"
        out.append(body)
    return out


def _fresh_engine(url: str | None, folder: Path, name: str) -> Any:
    engine = create_db_engine(url or f"sqlite:///{folder / name}.db")
    upgrade(engine, MIGRATIONS)
    return engine


def _stage_result(n: int, cpu: float, wall: float, **extra: float) -> dict[str, float]:
    return {
        "surveys": n,
        "cpu_us_per_survey": round(cpu / n * 1e6, 1),
        "surveys_per_s": round(n / wall),
        **{k: round(v / n * 1e6, 1) for k, v in extra.items()},
    }


def settle(tuned: bool) -> None:
    """What ``giamngheo serve`` does once the app is built (``services.cli.tune_gc``): what
    exists now is frozen out of the cyclic collector's scans, and the youngest generation is
    collected less often. ``--untuned`` measures with the interpreter's defaults."""
    gc.collect()
    if tuned:
        tune_gc()


def in_process(
    n: int,
    make: Callable[[int, int], list[dict[str, Any]]],
    engine: Any,
    vault: Vault,
    profile: cProfile.Profile | None,
    *,
    tuned: bool,
) -> dict[str, float]:
    """Batches validated and stored by the use cases behind the route."""
    registry = load_registry(on=datetime.now(UTC).date())
    settle(tuned)
    check = store = 0.0
    wall = 0.0
    if profile is not None:
        profile.enable()
    for start in range(0, n, BATCH):
        batch = make(start, start + BATCH)  # made per batch, as requests bring them (untimed)
        w0, t0 = time.perf_counter(), time.process_time()
        results, valid = check_batch(batch, registry)
        t1 = time.process_time()
        receipts = accept_surveys(
            IntakeUnitOfWork(engine, vault),
            [p for _, p in valid],
            channel="http",
            correlation_id=str(uuid.uuid4()),
            now=datetime.now(UTC),
        )
        t2 = time.process_time()
        wall += time.perf_counter() - w0
        check += t1 - t0
        store += t2 - t1
        if len(receipts) != len(batch) or any(r.status.value != "created" for r in receipts):
            msg = f"a batch was not stored whole: {[r for r in results if r][:3]}"
            raise RuntimeError(msg)
    if profile is not None:
        profile.disable()
    return _stage_result(
        n, check + store, wall, validate_us_per_survey=check, store_us_per_survey=store
    )


def _token(folder: Path) -> str:
    """A province administrator's token, signed by a key the app is told to trust."""
    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey

    key = RSAKey.generate_key(2048)
    key.ensure_kid()
    public = key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}
    jwks = folder / "jwks.json"
    jwks.write_text(json.dumps(KeySet([RSAKey.import_key(public)]).as_dict(private=False)))
    os.environ["AUTH_JWKS_FILE"] = str(jwks)
    now = int(time.time())
    claims = {
        "iss": "giamngheo",
        "aud": "giamngheo",
        "sub": str(uuid.uuid4()),
        "name": "bench",
        "iat": now,
        "exp": now + 3600,
        "typ": "access",
        "grants": [{"role": "province_admin", "areas": ["province:15"]}],
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def over_http(chunks: list[bytes], url: str, folder: Path, *, tuned: bool) -> dict[str, float]:
    """The same batches through the ASGI app (no server, no socket, no lifespan)."""
    import httpx

    from services.intake.app import create_app
    from services.intake.settings import IntakeSettings

    token = _token(folder)
    settings = IntakeSettings(
        database_url=url,
        redis_url="redis://127.0.0.1:1/0",  # never reached: the relay is not started
        personal_data_key=base64.b64encode(SECRET).decode(),
    )
    app = create_app(settings)
    upgrade(app.state.runtime.engine, MIGRATIONS)
    settle(tuned)

    async def run() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://intake", headers=headers, timeout=120
        ) as client:
            cpu, wall = time.process_time(), time.perf_counter()
            for body in chunks:
                r = await client.post("/surveys/batch", content=body)
                r.raise_for_status()
                if r.json()["counts"]["created"] != body.count(b'"survey_id"'):
                    msg = f"intake rejected part of a batch: {r.json()['counts']}"
                    raise RuntimeError(msg)
            return time.process_time() - cpu, time.perf_counter() - wall

    cpu, wall = asyncio.run(run())
    return _stage_result(sum(c.count(b'"survey_id"') for c in chunks), cpu, wall)


def relay(engine: Any, n: int, redis_url: str | None, folder: Path) -> dict[str, float]:
    """Publish what the in-process stage staged, as the running service's relay would."""
    from shared.embedded_redis import EmbeddedRedis
    from shared.outbox import OutboxRelay

    server = None
    if redis_url is None:
        server = EmbeddedRedis(folder / "redis", persist=False).start()
        redis_url = server.url
    try:
        outbox = OutboxRelay(engine, plumbing, redis_url, confirm_after_s=3600)
        cpu, wall = time.process_time(), time.perf_counter()
        published = outbox.publish_pending()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        outbox.close()
    finally:
        if server is not None:
            server.stop()
    if published < n:
        msg = f"relay published {published} of {n} events"
        raise RuntimeError(msg)
    return _stage_result(published, cpu, wall)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--personal", action="store_true", help="names and citizen ids too")
    parser.add_argument("--http", action="store_true", help="also through the ASGI app")
    parser.add_argument("--relay", action="store_true", help="also publish the outbox")
    parser.add_argument("--redis-url", default=None, help="for --relay (else embedded Redis)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (else SQLite)")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process stage")
    parser.add_argument(
        "--untuned", action="store_true", help="the garbage collector as the interpreter sets it"
    )
    args = parser.parse_args(argv)
    n = max(BATCH, args.n // BATCH * BATCH)
    folder = Path(tempfile.mkdtemp(prefix="giamngheo-bench-intake-"))
    vault = Vault(SECRET)
    report: dict[str, Any] = {
        "n": n,
        "personal": args.personal,
        "batch": BATCH,
        "gc_tuned": not args.untuned,
    }
    profile = cProfile.Profile() if args.profile else None

    def stage(name: str, run: Callable[[], dict[str, float]]) -> None:
        report[name] = run()
        print(f"{name}: {report[name]}", flush=True)

    engine = _fresh_engine(args.database_url, folder, "in-process")
    tuned = not args.untuned

    def make(start: int, stop: int) -> list[dict[str, Any]]:
        return bodies(start, stop, "p", personal=args.personal)

    stage("in_process", lambda: in_process(n, make, engine, vault, profile, tuned=tuned))
    if args.relay:
        stage("relay", lambda: relay(engine, n, args.redis_url, folder))
    engine.dispose()
    if args.http:
        url = args.database_url or f"sqlite:///{folder / 'http'}.db"
        chunks = [  # request bodies as sent (other survey ids: one database may serve both)
            orjson.dumps(bodies(i, i + BATCH, "h", personal=args.personal))
            for i in range(0, n, BATCH)
        ]
        stage("http", lambda: over_http(chunks, url, folder, tuned=tuned))
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False))
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
