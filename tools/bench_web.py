"""Benchmark of the officers' pages: server time per page, measured in the web app
(``Server-Timing``, its API calls to the services included) and at the client through the
gateway.

``python -m tools.bench_web --households 3000`` starts the whole stack (services, web app,
gateway) on embedded Redis and SQLite, sends ``--households`` synthetic surveys of one commune
through intake's batch API, waits until assessment has classified them, signs in as the
administrator (province-wide: every page shows the most it can), then requests each page
``--repeats`` times and prints median and 95th percentile. ``--reporting-db URL`` points
reporting at a database filled by ``tools.bench_reporting`` (a large province) for the
reports page.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from shared.embedded_redis import free_ports
from tools.stack import Stack, free_service_ports
from tools.synthetic import iter_synthetic_surveys

COMMUNE = "04570"


def seed(stack: Stack, households: int) -> str:
    """Send the commune's surveys; returns one household code. Waits until classified."""
    batch: list[dict[str, object]] = []
    first = ""
    with httpx.Client(timeout=120, headers=stack.headers()) as client:
        for survey in iter_synthetic_surveys(households, commune_codes=[COMMUNE]):
            body = survey.model_dump(mode="json")
            body["village_code"] = f"{COMMUNE}-0{1 + len(batch) % 3}"
            first = first or str(body["household_code"])
            batch.append(body)
            if len(batch) == 1000:
                client.post(stack.url("intake") + "/surveys/batch", json=batch).raise_for_status()
                batch = []
        if batch:
            client.post(stack.url("intake") + "/surveys/batch", json=batch).raise_for_status()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            season = client.get(
                stack.url("assessment") + "/review/season", params={"commune": COMMUNE}
            ).json()
            if season["totals"]["surveyed"] >= households:
                return first
            time.sleep(1)
    msg = "assessment did not classify every household in 10 minutes"
    raise RuntimeError(msg)


def sign_in(client: httpx.Client, password: str) -> None:
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/dang-nhap",
        data={"csrf": token.group(1), "username": "admin", "password": password},
    )
    if answer.status_code != 303:
        msg = f"sign-in failed: {answer.status_code}"
        raise RuntimeError(msg)


def measure(client: httpx.Client, path: str, repeats: int) -> dict[str, float]:
    server: list[float] = []
    wall: list[float] = []
    client.get(path)  # warm
    for _ in range(repeats):
        start = time.perf_counter()
        answer = client.get(path)
        wall.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
        server.append(float(answer.headers["server-timing"].split("dur=")[1]))
    server.sort()
    wall.sort()
    p95 = max(0, round(0.95 * len(server)) - 1)
    return {
        "server_median": statistics.median(server),
        "server_p95": server[p95],
        "client_median": statistics.median(wall),
        "bytes": float(len(answer.content)),
    }


def season_at_scale(n: int, communes: int = 150, repeats: int = 5) -> None:
    """The season counts the home page asks for, over ``n`` households in assessment's table
    (SQLite, synthetic rows written directly): the province's, and one commune's with its
    first page of households."""
    import sqlalchemy as sa

    from services.assessment.adapters.tables import metadata, states
    from services.assessment.service import review_season

    with tempfile.TemporaryDirectory(prefix="bench-season-") as folder:
        engine = sa.create_engine(f"sqlite:///{folder}/assessment.db")
        metadata.create_all(engine)
        outcomes = (None, "agreed", "resurvey_required")
        with engine.begin() as conn:
            for start in range(0, n, 50_000):
                conn.execute(
                    states.insert(),
                    [
                        {
                            "household_code": f"H{i:08d}",
                            "commune_code": str(10000 + i % communes),
                            "latest_survey_id": f"S{i}",
                            "order_key": "k",
                            "proposed_status": "poor" if i % 20 == 0 else "not_poor",
                            "standard_id": "vn-2022-2025",
                            "meeting_outcome": outcomes[i % 3],
                            "recognised_status": "poor" if i % 3 == 1 else None,
                            "recognised_survey_id": f"S{i}" if i % 3 == 1 else None,
                        }
                        for i in range(start, min(n, start + 50_000))
                    ],
                )

        def median_ms(**kw: object) -> float:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                review_season(engine, **kw)  # type: ignore[arg-type]
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times)

        print(f"season counts, province of {n:,}: {median_ms(communes=None):.1f} ms")
        one = median_ms(communes={"10000"}, list_commune="10000", limit=200)
        print(f"season counts and first 200 households of one commune: {one:.1f} ms")
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--reporting-db", default=None, help="reporting database URL to use")
    parser.add_argument(
        "--season-n", type=int, default=0, help="only time the season counts over N households"
    )
    args = parser.parse_args(argv)
    if args.season_n:
        season_at_scale(args.season_n)
        return
    if args.reporting_db:
        os.environ["REPORTING_DATABASE_URL"] = args.reporting_db
    web_port, gateway_port = free_ports(2)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        stack = Stack(
            data_dir=Path(folder),
            ports=free_service_ports(),
            admin_must_change=False,
            web=True,
            web_port=web_port,
            gateway_port=gateway_port,
        )
        with stack:
            started = time.perf_counter()
            code = seed(stack, args.households)
            print(f"seeded {args.households} households in {time.perf_counter() - started:.0f} s")
            with httpx.Client(base_url=stack.web_url, timeout=60) as client:
                sign_in(client, stack.admin_password)
                pages = {
                    "home (season counts, province)": "/",
                    f"review screen, commune of {args.households}": f"/xet-duyet?commune={COMMUNE}",
                    "household page": f"/ho/{code}",
                    "support form with eligibility": f"/ho-tro?household={code}",
                    "one-household survey form": "/phieu/ho",
                    "reports (province)": "/bao-cao",
                    "reports XLSX (province)": "/bao-cao/xlsx",
                }
                print(f"{'page':<40} {'server med':>10} {'p95':>8} {'client med':>10} {'KiB':>6}")
                for name, path in pages.items():
                    m = measure(client, path, args.repeats)
                    print(
                        f"{name:<40} {m['server_median']:>8.1f}ms {m['server_p95']:>6.1f}ms "
                        f"{m['client_median']:>8.1f}ms {m['bytes'] / 1024:>6.0f}"
                    )
            print("load average:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
