"""End-to-end benchmark: N synthetic surveys through the running pipeline, against the raw
Redis stream rate measured on the same server in the same run.

Surveys enter through intake's batch endpoint (as tablets syncing would), are classified by
assessment under both standards and counted by reporting; the clock stops when reporting has
applied all N governing classifications.
"""

from __future__ import annotations

import asyncio
import copy
import os
import resource
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import redis

from shared.contracts.classifications import HOUSEHOLD_CLASSIFIED_STREAM
from shared.contracts.envelope import WIRE_FIELD
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM
from tools.stack import Stack, free_service_ports, work_folder

VILLAGES = [
    ("04570", "04570-01"),
    ("04570", "04570-02"),
    ("04681", "04681-01"),
    ("04705", "04705-01"),
]

_TEMPLATE: dict[str, Any] = {
    "survey_id": "",
    "household_code": "",
    "commune_code": "",
    "village_code": "",
    "review_round": {"year": 2026, "kind": "periodic"},
    "surveyed_at": "2026-10-01T09:00:00+07:00",
    "livelihood_agriculture": True,
    "income": {"basis": "vnd_per_capita_month", "value": 0},
    "housing": {
        "pillars": "reinforced_concrete",
        "walls": "brick_stone",
        "roof": "tile",
        "floor_area_m2": 40.0,
    },
    "water_source": "piped",
    "latrine": "flush_septic",
    "uses_telecom": True,
    "uses_internet": True,
    "assets": ["television", "smartphone"],
    "members": [
        {
            "member_no": 1,
            "age": 42,
            "sex": "male",
            "relation": "head",
            "ethnicity": "tay",
            "employment": "employed",
            "has_health_insurance": True,
            "highest_qualification": "upper_secondary",
        },
        {
            "member_no": 2,
            "age": 39,
            "sex": "female",
            "relation": "spouse",
            "ethnicity": "tay",
            "employment": "employed",
            "has_health_insurance": True,
            "highest_qualification": "lower_secondary",
        },
        {
            "member_no": 3,
            "age": 12,
            "sex": "female",
            "relation": "child",
            "ethnicity": "tay",
            "employment": "not_in_labour_force",
            "has_health_insurance": True,
            "attending_school": "lower_secondary",
            "highest_qualification": "primary",
        },
        {
            "member_no": 4,
            "age": 70,
            "sex": "male",
            "relation": "parent",
            "ethnicity": "tay",
            "employment": "not_in_labour_force",
            "has_health_insurance": True,
            "work_capacity": "none",
        },
    ],
}


def synthetic_body(i: int, run: str = "b") -> dict[str, Any]:
    """A valid survey of household ``i`` with varied income and deprivations."""
    body = copy.deepcopy(_TEMPLATE)
    commune, village = VILLAGES[i % len(VILLAGES)]
    body.update(
        survey_id=f"{run}-S{i:08d}",
        household_code=f"{run}-H{i:08d}",
        commune_code=commune,
        village_code=village,
    )
    body["income"]["value"] = 800_000 + (i * 7919) % 2_500_000
    if i % 3 == 0:
        body["members"][3]["has_health_insurance"] = False
    if i % 4 == 0:
        body["water_source"] = "surface_water"
        body["latrine"] = "none"
    if i % 5 == 0:
        body["housing"]["floor_area_m2"] = 20.0
    return body


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> tuple[float, float] | None:
    """(resident now, peak resident) of a process in MB (Linux /proc), or None elsewhere."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = {
        k: int(v.split()[0])
        for k, _, v in (line.partition(":") for line in status.splitlines())
        if k in ("VmRSS", "VmHWM")
    }
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024


def redis_cpu_seconds(client: Any) -> float:
    """CPU seconds the Redis server has used (its own ``INFO cpu``: embedded or not)."""
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def postgres_cpu_seconds() -> float:
    """CPU seconds of this machine's PostgreSQL processes (0 without any, or without /proc):
    the databases' share when the services run on PostgreSQL."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += cpu_seconds(int(comm.parent.name)) or 0.0
        except OSError:
            continue
    return total


def _own_cpu_seconds() -> float:
    """CPU seconds of this load generator (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _per_survey(title: str, micros: dict[str, float]) -> str:
    return title + ", ".join(f"{name} {us:,.0f}" for name, us in micros.items())


def _services_cpu(stack: Stack) -> dict[str, float]:
    return {
        name: sum(cpu_seconds(p.pid) or 0.0 for p in procs)
        for name, procs in stack.processes.items()
    }


def raw_redis_rates(url: str, n: int, size: int) -> tuple[float, float]:
    """(pipelined XADD/s, XREADGROUP+XACK/s) for ``n`` entries of ``size`` bytes."""
    client: Any = redis.Redis.from_url(url)  # stream replies are loosely typed by redis-py
    stream, group = "bench.raw", "bench"
    client.delete(stream)
    body = b"x" * size
    start = time.perf_counter()
    for i in range(0, n, 1000):
        pipe = client.pipeline(transaction=False)
        for _ in range(min(1000, n - i)):
            pipe.xadd(stream, {"event": body})
        pipe.execute()
    add_rate = n / (time.perf_counter() - start)
    client.xgroup_create(stream, group, id="0")
    start = time.perf_counter()
    done = 0
    while done < n:
        reply = client.xreadgroup(group, "c", {stream: ">"}, count=500)
        ids = [mid for _s, entries in reply for mid, _f in entries]
        client.xack(stream, group, *ids)
        done += len(ids)
    read_rate = n / (time.perf_counter() - start)
    client.delete(stream)
    client.close()
    return add_rate, read_rate


_SIZED = (HOUSEHOLD_SURVEYED_STREAM, HOUSEHOLD_CLASSIFIED_STREAM)


async def _push(
    base: str, n: int, run: str, token: str, concurrency: int = 4, chunk: int = 500
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for start in range(0, n, chunk):
            queue.put_nowait(start)

        async def worker() -> None:
            while not queue.empty():
                start = queue.get_nowait()
                bodies = [synthetic_body(i, run) for i in range(start, min(start + chunk, n))]
                r = await client.post("/surveys/batch", json=bodies)
                r.raise_for_status()
                if r.json()["counts"]["created"] != len(bodies):
                    msg = f"intake rejected part of a batch: {r.json()['counts']}"
                    raise RuntimeError(msg)

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def entry_bytes(client: Any, stream: str, sample: int = 200) -> float | None:
    """Average size of the newest entries' event bodies on ``stream`` (None when empty)."""
    entries = client.xrevrange(stream, count=sample)
    sizes = [len(fields[WIRE_FIELD.encode()]) for _id, fields in entries]
    return sum(sizes) / len(sizes) if sizes else None


def _applied(client: httpx.Client, stack: Stack) -> int:
    """Governing classifications reporting has applied (signing in again when the token has
    expired: a million surveys take longer than a token lives)."""
    answer = client.get("/reports/events")
    if answer.status_code == 401:
        client.headers["Authorization"] = f"Bearer {stack.token()}"
        answer = client.get("/reports/events")
    answer.raise_for_status()
    applied = answer.json()["applied"]
    return int(applied.get("HouseholdClassified", {}).get("vn-2022-2025", 0))


def run_bench(
    n: int, data_dir: Path | None = None, redis_url: str | None = None
) -> dict[str, float]:
    ports = free_service_ports()
    with (
        work_folder(data_dir, "giamngheo-bench-") as work,
        Stack(work, redis_url=redis_url, ports=ports, admin_must_change=False) as stack,
    ):
        assert stack.redis_url
        size = len(orjson.dumps(synthetic_body(0)))  # survey JSON; the envelope adds ~300 B
        add_rate, read_rate = raw_redis_rates(stack.redis_url, min(n, 200_000), size + 300)
        print(
            f"raw Redis ({size + 300} B entries): XADD {add_rate:,.0f}/s pipelined, "
            f"XREADGROUP+XACK {read_rate:,.0f}/s"
        )
        token = stack.token()
        headers = {"Authorization": f"Bearer {token}"}
        redis_client: Any = redis.Redis.from_url(stack.redis_url)
        with httpx.Client(
            base_url=stack.url("reporting"), timeout=30, headers=headers
        ) as reporting:
            before = _services_cpu(stack)
            redis_before, own_before = redis_cpu_seconds(redis_client), _own_cpu_seconds()
            postgres_before = postgres_cpu_seconds()
            load_before = os.getloadavg()
            start = time.perf_counter()
            asyncio.run(_push(stack.url("intake"), n, run=f"r{int(time.time())}", token=token))
            accepted = time.perf_counter()
            sizes: dict[str, float | None] = dict.fromkeys(_SIZED)
            while _applied(reporting, stack) < n:
                for stream in _SIZED:  # while they flow: retention may trim them afterwards
                    sizes[stream] = sizes[stream] or entry_bytes(redis_client, stream)
                time.sleep(0.25)
            done = time.perf_counter()
            cpu = _services_cpu(stack)
            redis_cpu = redis_cpu_seconds(redis_client) - redis_before
            own_cpu = _own_cpu_seconds() - own_before
            postgres_cpu = postgres_cpu_seconds() - postgres_before
            load_after = os.getloadavg()
            rss = {
                name: [r for p in procs if (r := _rss_mb(p.pid)) is not None]
                for name, procs in stack.processes.items()
            }
            surveyed, classified = (sizes[s] for s in _SIZED)
            floor = None
            if surveyed and classified:
                from tools.bench_floor import messaging_floor  # it reads Redis's CPU from here

                floor = messaging_floor(
                    stack.redis_url, min(n, 100_000), round(surveyed), round(classified)
                )
        redis_client.close()
        e2e = n / (done - start)
        intake_rate = n / (accepted - start)
        print(
            f"intake accepted {n:,} surveys in {accepted - start:.1f} s "
            f"({intake_rate:,.0f} surveys/s, HTTP batches of 500)"
        )
        print(
            f"end to end (intake → assessment → reporting, 2 standards each): "
            f"{n:,} surveys in {done - start:.1f} s = {e2e:,.0f} surveys/s"
        )
        print(
            f"ratio end-to-end / raw XADD: {e2e / add_rate:.3f}; "
            f"/ raw XREADGROUP+XACK: {e2e / read_rate:.3f}"
        )
        per = {name: 1e6 * seconds / n for name, seconds in cpu.items()}
        total = sum(per.values())
        cores = os.cpu_count() or 1
        if total:
            print(
                _per_survey("CPU per survey, whole run incl. start-up (µs): ", per)
                + f"; total {total:,.0f} µs → on {cores} cores at most "
                f"{cores * 1e6 / total:,.0f} surveys/s, before Redis and the load generator"
            )
        flowing = {name: 1e6 * (cpu[name] - before.get(name, 0.0)) / n for name in cpu}
        services = sum(flowing.values())
        redis_us, own_us = 1e6 * redis_cpu / n, 1e6 * own_cpu / n
        postgres_us = 1e6 * postgres_cpu / n
        everything = services + redis_us + own_us + postgres_us
        postgres = f" + PostgreSQL {postgres_us:,.0f}" if postgres_us >= 1 else ""
        if services:
            print(
                _per_survey("CPU per survey while the surveys flowed (µs): ", flowing)
                + f"; services {services:,.0f} + Redis {redis_us:,.0f}{postgres} + this load "
                f"generator {own_us:,.0f} = {everything:,.0f} µs → on {cores} cores at most "
                f"{cores * 1e6 / everything:,.0f} surveys/s"
            )
        if floor is None:
            print("messaging alone: not measured (no event was seen on the streams to size it)")
        else:
            print(
                f"messaging alone (the same streams and groups, {surveyed:,.0f} B survey and "
                f"{classified:,.0f} B classification entries, stages that only move them): "
                f"{floor.surveys_per_s:,.0f} surveys/s, ratio to raw XADD "
                f"{floor.surveys_per_s / add_rate:.3f}; CPU per survey: Redis "
                f"{floor.redis_cpu_us:,.0f} + stages {floor.stages_cpu_us:,.0f} µs; the "
                f"pipeline ran at {e2e / floor.surveys_per_s:.2f} of it"
            )
        print(
            "RSS after the run, MB now (peak): "
            + ", ".join(
                f"{name} " + " + ".join(f"{now:,.0f} ({peak:,.0f})" for now, peak in found)
                for name, found in rss.items()
                if found
            )
        )
        print(
            "load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
                *load_before, *load_after
            )
        )
    return {
        "raw_xadd_per_s": add_rate,
        "raw_read_ack_per_s": read_rate,
        "intake_per_s": intake_rate,
        "end_to_end_per_s": e2e,
        "messaging_floor_per_s": floor.surveys_per_s if floor else 0.0,
    }


def run_whatif_bench(n: int, data_dir: Path | None = None) -> dict[str, float]:
    """What-if over ``n`` households stored in an assessment database (SQLite), timed from
    the query to the finished report."""
    with work_folder(data_dir, "giamngheo-whatif-") as work:
        return _whatif_bench(n, work)


def _whatif_bench(n: int, work: Path) -> dict[str, float]:
    import sqlalchemy as sa

    from services.assessment.adapters.standards_repo import load_with_overrides
    from services.assessment.adapters.tables import snapshots, states
    from services.assessment.app import MIGRATIONS
    from services.assessment.domain.facts import facts_of, facts_to_json
    from services.assessment.service import Rules, what_if
    from shared.db import create_db_engine
    from shared.migrations import upgrade
    from tools.synthetic import synthetic_surveys

    engine = create_db_engine(f"sqlite:///{work / 'assessment.db'}")
    upgrade(engine, MIGRATIONS)
    samples = synthetic_surveys(min(n, 20_000))
    facts = [facts_to_json(facts_of(s)) for s in samples]
    communes = [s.commune_code for s in samples]
    print(f"loading {n:,} households into {work / 'assessment.db'} …")
    with engine.begin() as conn:
        for start in range(0, n, 50_000):
            idx = range(start, min(start + 50_000, n))
            conn.execute(
                sa.insert(states),
                [
                    {
                        "household_code": f"H{i:08d}",
                        "commune_code": communes[i % len(facts)],
                        "latest_survey_id": f"S{i:08d}",
                        "order_key": "2026",
                        "proposed_status": "-",
                        "standard_id": "vn-2022-2025",
                    }
                    for i in idx
                ],
            )
            conn.execute(
                sa.insert(snapshots),
                [
                    {
                        "survey_id": f"S{i:08d}",
                        "household_code": f"H{i:08d}",
                        "commune_code": communes[i % len(facts)],
                        "order_key": "2026",
                        "payload": b"{}",
                        "facts": facts[i % len(facts)],
                    }
                    for i in idx
                ],
            )
    rules = Rules(load_with_overrides())
    started = time.perf_counter()
    report = what_if(engine, rules, baseline_id="vn-2022-2025", alternative_id="vn-2027-2030")
    seconds = time.perf_counter() - started
    engine.dispose()
    print(
        f"what-if vn-2022-2025 → vn-2027-2030 over {report.households:,} households "
        f"(+{len(report.not_classifiable):,} not classifiable) read from SQLite: "
        f"{seconds:.1f} s; {len(report.changes):,} change class"
    )
    return {"households": float(n), "seconds": seconds}
