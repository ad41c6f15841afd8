"""What access control costs per request: token verification cold (signature checked) and warm
(a token already verified, as on every request after an officer's first), and the difference
it makes to a whole in-process HTTP request (guarded route against a public one).

    python -m tools.bench_access --n 20000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI

from services.access.adapters.keys import Signer
from shared.access import Access, Caller, Perm, TokenVerifier, path
from shared.access.guard import document_rules
from shared.access.tokens import TrustedIssuer

CLAIMS = {"name": "can-bo", "grants": [{"role": "commune_officer", "areas": ["commune:04570"]}]}


def _signer(folder: Path) -> Signer:
    return Signer.load_or_create(folder, "giamngheo", "giamngheo")


async def _verify(verifier: TokenVerifier, tokens: list[str]) -> float:
    start = time.perf_counter()
    for t in tokens:
        await verifier.verify(t)
    return (time.perf_counter() - start) / len(tokens) * 1e6


def _app(verifier: TokenVerifier) -> FastAPI:
    access = Access(verifier, "/token")
    router = APIRouter()
    guarded = access.requires(Perm.HOUSEHOLD_READ, path("commune"))
    public = access.public("benchmark baseline")

    @router.get("/guarded/{commune}")
    async def guarded_route(commune: str, caller: Caller = guarded) -> dict[str, str]:
        return {"commune": commune}

    @router.get("/public/{commune}", dependencies=[public])
    async def public_route(commune: str) -> dict[str, str]:
        return {"commune": commune}

    app = FastAPI()
    app.include_router(router)
    document_rules(app)
    return app


async def _requests(app: FastAPI, url: str, headers: dict[str, str], n: int) -> float:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(200):
            await client.get(url, headers=headers)
        start = time.perf_counter()
        for _ in range(n):
            r = await client.get(url, headers=headers)
        assert r.status_code == 200, r.text
        return (time.perf_counter() - start) / n * 1e6


def run(n: int, repeats: int = 3) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="giamngheo-bench-keys-"))
    signer = _signer(folder)
    issuer = TrustedIssuer("giamngheo", "giamngheo", jwks_file=folder / "jwks.json")
    cold, warm, guarded, public = [], [], [], []
    for _ in range(repeats):
        verifier = TokenVerifier([issuer], cache_size=n + 10)
        fresh = [signer.sign(f"u-{i}", ttl_s=600, claims=CLAIMS) for i in range(n // 10)]
        cold.append(asyncio.run(_verify(verifier, fresh)))
        warm.append(asyncio.run(_verify(verifier, [fresh[0]] * n)))
        app = _app(verifier)
        headers = {"Authorization": f"Bearer {fresh[0]}"}
        guarded.append(asyncio.run(_requests(app, "/guarded/04570", headers, n // 4)))
        public.append(asyncio.run(_requests(app, "/public/04570", {}, n // 4)))
    out = {
        "verify_cold_us": statistics.median(cold),
        "verify_warm_us": statistics.median(warm),
        "request_guarded_us": statistics.median(guarded),
        "request_public_us": statistics.median(public),
    }
    out["added_per_request_us"] = out["request_guarded_us"] - out["request_public_us"]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args(argv)
    load = os.getloadavg()
    figures: dict[str, Any] = run(args.n)
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"token verification, first use (signature checked): {figures['verify_cold_us']:.1f} µs")
    print(f"token verification, token already verified:        {figures['verify_warm_us']:.1f} µs")
    print(
        f"in-process HTTP request: guarded {figures['request_guarded_us']:.0f} µs, "
        f"public {figures['request_public_us']:.0f} µs → access control adds "
        f"{figures['added_per_request_us']:.0f} µs per request"
    )


if __name__ == "__main__":
    main()
