"""The operator's command line: run the platform, one service, the benchmark, the docs.

giamngheo up                 # whole platform locally (embedded Redis + SQLite)
giamngheo serve assessment   # one service (what each container runs)
giamngheo migrate assessment # its database to the latest schema (before a rolling upgrade)
giamngheo rebuild-reporting  # reporting's projections rebuilt from the streams (replicas stopped)
giamngheo bench --n 100000   # end-to-end throughput
giamngheo asyncapi           # regenerate docs/asyncapi.yaml
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


class ServiceName(StrEnum):
    intake = "intake"
    assessment = "assessment"
    support = "support"
    reporting = "reporting"
    access = "access"


SETTINGS = {
    "intake": ("services.intake.settings", "IntakeSettings"),
    "assessment": ("services.assessment.settings", "AssessmentSettings"),
    "support": ("services.support.settings", "SupportSettings"),
    "reporting": ("services.reporting.settings", "ReportingSettings"),
    "access": ("services.access.settings", "AccessSettings"),
}


def settings_class(name: str) -> Any:
    module, cls = SETTINGS[name]
    return getattr(importlib.import_module(module), cls)


STACK_DIR_OPTION = typer.Option(
    Path("var"),
    "--stack-dir",
    envvar="GIAMNGHEO_STACK_DIR",
    help="Data folder of the running local stack (what `giamngheo up` was given).",
)


def local_settings(service: str, stack_dir: Path) -> Any:
    """One configuration for the stack and the CLI: the service's own environment when its
    database is set there (``<SERVICE>_DATABASE_URL``, as on a server), else the running local
    stack's Redis and database, found through its state file; else a clear refusal (exit 2)."""
    cls = settings_class(service)
    if os.environ.get(f"{service.upper()}_DATABASE_URL"):
        return cls()
    from tools.stack import STATE_FILE, read_state

    state = read_state(stack_dir.resolve())
    if state is None:
        typer.echo(
            f"Không tìm thấy nền tảng đang chạy trong '{stack_dir}' (không có {STATE_FILE} của "
            f"một `giamngheo up` đang chạy) và {service.upper()}_DATABASE_URL chưa được đặt: "
            "không làm gì cả. Hãy chạy scripts/up, chỉ --stack-dir, hoặc đặt biến môi trường.\n"
            f"No running local stack found in '{stack_dir}' (no {STATE_FILE} of a running "
            f"`giamngheo up`) and {service.upper()}_DATABASE_URL is not set: nothing was done. "
            "Start it with scripts/up, point --stack-dir at its data folder, or set the "
            "variables.",
            err=True,
        )
        raise typer.Exit(2)
    extra: dict[str, Any] = {}
    if service == "intake":  # the stack's own key (tools.stack.Stack.env_for)
        extra["personal_data_key_file"] = stack_dir.resolve() / "keys" / "personal-data.key"
    return cls(database_url=state.database_urls[service], redis_url=state.redis_url, **extra)


def build_app(name: str, settings: Any | None = None) -> Any:
    """The FastAPI app of service ``name``, built by its ``create_app`` factory."""
    factory = importlib.import_module(f"services.{name}.app").create_app
    return factory(settings or settings_class(name)())


GC_GEN0_THRESHOLD = 50_000


def tune_gc() -> None:
    """A service process keeps its start-up objects (modules, standards, catalogues) for life:
    freeze them out of the cyclic collector's scans, and collect the youngest generation less
    often. Decoding an event allocates many short-lived containers that form no cycles; at the
    default threshold (700) the collector ran every few events and tripled the decode cost."""
    import gc

    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


@app.command()
def serve(
    service: ServiceName,
    host: str | None = typer.Option(None, help="Listen address (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default from settings)."),
) -> None:
    """Run one service: its HTTP API, /metrics and its stream consumers."""
    import uvicorn

    settings = settings_class(service.value)()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app_ = build_app(service.value, settings)
    tune_gc()
    uvicorn.run(
        app_,
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_level="warning",
        timeout_graceful_shutdown=30,
    )


@app.command()
def web(
    host: str | None = typer.Option(None, help="Listen address (default WEB_HTTP_HOST)."),
    port: int | None = typer.Option(None, help="Port (default WEB_HTTP_PORT)."),
) -> None:
    """Run the officers' web app (pages over the services' APIs; no database of its own)."""
    import uvicorn

    from services.web.app import create_app
    from services.web.settings import WebSettings

    settings = WebSettings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    uvicorn.run(
        create_app(settings),
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_level="warning",
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


@app.command()
def up(
    data_dir: Path = typer.Option(Path("var"), help="Where databases, Redis data and logs go."),
    redis_url: str | None = typer.Option(
        None, envvar="REDIS_URL", help="Use this Redis instead of the embedded one."
    ),
) -> None:
    """Start the whole platform locally and keep it running until Ctrl-C."""
    from tools.stack import ADMIN, ADMIN_PASSWORD_FILE, SERVICES, Stack

    stack = Stack(data_dir=data_dir.resolve(), redis_url=redis_url or None, web=True)
    typer.echo(f"Starting Redis, the {len(SERVICES)} services, the web app and the gateway …")
    stack.start()
    typer.echo(f"Redis: {stack.redis_url}   data: {stack.data_dir}")
    for name in SERVICES:
        base = stack.url(name)
        typer.echo(f"  {name:<11} API {base}/docs   metrics {base}/metrics   health {base}/health")
    password_file = stack.data_dir / ADMIN_PASSWORD_FILE
    typer.echo(
        f"Sign in at {stack.web_url}/ (or POST {stack.url('access')}/token, or 'Authorize' in "
        f"any /docs page) as '{ADMIN}' with the one-time password in {password_file}; you are "
        "asked to change it."
    )
    typer.echo("")
    typer.echo(f"  ==> Officers' pages and every API (one address): {stack.web_url}/")
    if stack.gateway is not None:
        typer.echo(f"      APIs under {stack.web_url}/api/<service>/ (docs: /api/intake/docs …)")
    else:
        typer.echo("      (no gateway: nginx is not installed; APIs on the ports above)", err=True)
    typer.echo("")
    typer.echo("Press Ctrl-C to stop.")
    stopping = False

    def _stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping:
            for name, procs in stack.processes.items():
                for proc in procs:
                    if proc.poll() is not None:
                        typer.echo(f"{name} exited ({proc.returncode}); see {data_dir}", err=True)
                        stopping = True
            time.sleep(0.5)
    finally:
        typer.echo("Stopping …")
        stack.stop()


@app.command()
def migrate(service: ServiceName) -> None:
    """Bring one service's database to its latest schema and exit (the first step of a
    rolling upgrade: docker compose run --rm assessment migrate assessment)."""
    from shared.db import create_db_engine
    from shared.migrations import current_revision, upgrade

    settings = settings_class(service.value)()
    engine = create_db_engine(settings.database_url)
    try:
        changed = upgrade(
            engine, importlib.import_module(f"services.{service.value}.app").MIGRATIONS
        )
        state = "migrated to" if changed else "already at"
        typer.echo(f"{service.value}: {state} {current_revision(engine)}")
    finally:
        engine.dispose()


@app.command("check-secrets")
def check_secrets() -> None:
    """Refuse a missing, example or short POSTGRES_PASSWORD / REDIS_PASSWORD (and
    GRAFANA_ADMIN_PASSWORD when given); compose runs this before anything else starts."""
    from shared.settings import EXAMPLE_SECRETS

    problems = []
    optional = ["GRAFANA_ADMIN_PASSWORD"] if "GRAFANA_ADMIN_PASSWORD" in os.environ else []
    for name in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", *optional):
        value = os.environ.get(name, "")
        if not value:
            problems.append(f"{name} is not set")
        elif value.lower() in EXAMPLE_SECRETS:
            problems.append(f"{name} is the example value '{value}'")
        elif len(value) < 12:
            problems.append(f"{name} is shorter than 12 characters")
    for p in problems:
        typer.echo(f"Refused: {p}. Set a real secret in deploy/.env.", err=True)
    if problems:
        raise typer.Exit(2)
    typer.echo("secrets: ok")


@app.command()
def asyncapi(
    out: Path = typer.Option(Path("docs/asyncapi.yaml"), help="Where to write the document."),
) -> None:
    """Write the AsyncAPI document of every stream, generated from the code."""
    from tools.asyncapi import asyncapi_yaml

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(asyncapi_yaml(), encoding="utf-8")
    typer.echo(f"wrote {out}")


@app.command()
def bench(
    n: int = typer.Option(100_000, help="Synthetic surveys to push through the pipeline."),
    data_dir: Path | None = typer.Option(None, help="Working folder (default: a temp folder)."),
    redis_url: str | None = typer.Option(
        None, envvar="BENCH_REDIS_URL", help="Redis to use (default: embedded)."
    ),
) -> None:
    """Measure end-to-end surveys/s against the raw Redis stream rate, on this machine."""
    from tools.bench_pipeline import run_bench

    run_bench(n=n, data_dir=data_dir, redis_url=redis_url)


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Households CSV/XLSX."),
    members: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Members CSV, when it is a separate file."
    ),
    errors: Path | None = typer.Option(
        None, help="Write rejected rows here (.xlsx or .csv) to fix and import again."
    ),
    publish: bool = typer.Option(True, help="Publish the imported surveys to Redis now."),
    stack_dir: Path = STACK_DIR_OPTION,
) -> None:
    """Import a bulk survey file into intake's database (and on to the stream): the running
    local stack's, or the one INTAKE_DATABASE_URL names."""
    import uuid
    from datetime import UTC, datetime

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from services.intake.adapters.areas_repo import load_registry
    from services.intake.adapters.files import BulkFileError, write_error_report
    from services.intake.adapters.tables import plumbing
    from services.intake.app import MIGRATIONS, open_vault
    from services.intake.importer import import_bulk
    from services.intake.settings import IntakeSettings
    from shared.db import create_db_engine
    from shared.migrations import upgrade
    from shared.outbox import OutboxRelay

    settings: IntakeSettings = local_settings("intake", stack_dir)
    engine = create_db_engine(settings.database_url)
    upgrade(engine, MIGRATIONS)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} hộ / households"),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task(f"Nhập / importing {file.name}", total=None)
        try:
            report = import_bulk(
                engine,
                load_registry(
                    settings.areas_file, settings.area_changes_file, on=datetime.now(UTC).date()
                ),
                file,
                file.name,
                members=members,
                channel="file",
                correlation_id=str(uuid.uuid4()),
                progress=lambda done: bar.update(task, completed=done),
                vault=open_vault(settings),
            )
        except BulkFileError as exc:
            for problem in exc.problems:
                typer.echo(f"{problem.vi} / {problem.en}", err=True)
            raise typer.Exit(2) from exc
    typer.echo(
        f"{report.households_read:,} households read in {report.seconds:.1f} s: "
        f"{report.created:,} stored, {report.duplicates:,} already stored, "
        f"{report.conflicts:,} conflicts, {report.households_rejected:,} rejected"
        + (
            f"; {report.orphan_member_rows:,} member rows of no household"
            if report.orphan_member_rows
            else ""
        )
    )
    if report.rejected:
        for item in report.rejected[:10]:
            for e in item.errors[:3]:
                typer.echo(f"  {e}")
        if errors is not None:
            written = write_error_report(
                errors, report, report.rejected, csv_format=errors.suffix.lower() == ".csv"
            )
            typer.echo("error report: " + ", ".join(str(p) for p in written))
    if publish and report.created:
        relay = OutboxRelay(engine, plumbing, settings.redis_url)
        try:
            sent = relay.publish_pending()
            typer.echo(f"{sent:,} surveys published to Redis")
        except Exception as exc:  # the outbox keeps them; the intake service publishes later
            typer.echo(f"Redis not reachable ({exc}); intake publishes them when it is.")
        finally:
            relay.close()
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def whatif(
    alternative: str = typer.Option("vn-2027-2030", help="Standard to re-classify under."),
    baseline: str = typer.Option("vn-2022-2025", help="Standard to compare with."),
    commune: str | None = typer.Option(None, help="Only this commune (default: all)."),
    out: Path | None = typer.Option(None, help="Write the changes to .xlsx or .csv."),
    stack_dir: Path = STACK_DIR_OPTION,
) -> None:
    """Who would change class under another standard (reads assessment's database: the running
    local stack's, or the one ASSESSMENT_DATABASE_URL names; recognised statuses are not
    touched)."""
    import sqlalchemy as sa

    from services.assessment.adapters.standards_repo import load_with_overrides
    from services.assessment.adapters.whatif_export import write_whatif
    from services.assessment.service import Rules, what_if
    from shared.db import create_db_engine

    settings = local_settings("assessment", stack_dir)
    engine = create_db_engine(settings.database_url)
    if not sa.inspect(engine).has_table("household_state"):
        typer.echo(
            f"Cơ sở dữ liệu của assessment chưa có dữ liệu ({settings.database_url}): dịch vụ "
            "assessment chưa từng chạy trên nó.\n"
            f"Assessment's database holds no data yet ({settings.database_url}): the assessment "
            "service has never run on it.",
            err=True,
        )
        raise typer.Exit(2)
    rules = Rules(load_with_overrides(settings.standard_overrides))
    started = time.perf_counter()
    report = what_if(
        engine, rules, baseline_id=baseline, alternative_id=alternative, commune_code=commune
    )
    seconds = time.perf_counter() - started
    typer.echo(
        f"{report.households:,} households re-classified in {seconds:.1f} s; "
        f"{len(report.changes):,} change class; "
        f"{len(report.not_classifiable):,} not classifiable under one of the two standards."
    )
    before, after = report.totals(alternative=False), report.totals(alternative=True)
    typer.echo(f"{'status':<12}{baseline:>16}{alternative:>16}")
    for status in before:
        typer.echo(f"{status.value:<12}{before[status]:>16,}{after[status]:>16,}")
    if out is not None:
        write_whatif(out, report)
        typer.echo(f"changes written to {out}")


@app.command()
def report(
    round_: int | None = typer.Option(
        None, "--round", help="Review round (year); default: the latest with figures."
    ),
    out: Path = typer.Option(
        Path("baocao.xlsx"), help="File to write: .xlsx (every table) or .csv (one per table)."
    ),
    standard: str = typer.Option("vn-2022-2025", help="Poverty standard."),
    stage: str | None = typer.Option(None, help="proposed or recognised (default)."),
    area: str | None = typer.Option(None, help="Area code (default: the whole province)."),
    by: str | None = typer.Option(None, help="Rows by former_district, commune or village."),
    table: list[str] = typer.Option([], help="Only these tables (default: all)."),
    unsuppressed: bool = typer.Option(
        False, help="Keep small cells (internal use only; published books hide them)."
    ),
    stack_dir: Path = STACK_DIR_OPTION,
) -> None:
    """Write the year-end book of a round (reads reporting's database: the running local
    stack's, or the one REPORTING_DATABASE_URL names). Small cells are hidden unless
    --unsuppressed."""
    from services.reporting.adapters.definitions_file import load_definitions
    from services.reporting.adapters.export_book import csv_bytes, write_xlsx
    from services.reporting.adapters.repository import ReportingUnitOfWork
    from services.reporting.service import ReportConfig, report_book
    from shared.db import create_db_engine
    from shared.errors import DomainError

    settings = local_settings("reporting", stack_dir)
    engine = create_db_engine(settings.database_url)
    config = ReportConfig(
        definitions=load_definitions(settings.definitions_file),
        threshold=settings.suppression_threshold,
    )
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        typer.echo("--out phải là .xlsx hoặc .csv / --out must end in .xlsx or .csv", err=True)
        raise typer.Exit(2)
    started = time.perf_counter()
    try:
        book = report_book(
            ReportingUnitOfWork(engine),
            standard_id=standard,
            review_year=round_,
            stage=stage,
            area=area,
            by=by,
            tables=table or None,
            suppress=not unsuppressed,
            config=config,
        )
    except DomainError as exc:
        for problem in exc.problems:
            typer.echo(f"{problem.message_vi} / {problem.message_en}", err=True)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    written: list[Path] = []
    if suffix == ".xlsx":
        write_xlsx(book, str(out))
        written.append(out)
    else:
        for t in book.tables:
            path = out.with_name(f"{out.stem}-{t.key}.csv") if len(book.tables) > 1 else out
            path.write_bytes(csv_bytes(t))
            written.append(path)
    k = book.key
    typer.echo(
        f"{len(book.tables)} tables of round {k.review_year} ({k.standard_id}, {k.stage.value}"
        f"{', small cells hidden' if not unsuppressed else ''}) in "
        f"{time.perf_counter() - started:.1f} s: " + ", ".join(str(p) for p in written)
    )


@app.command("rebuild-reporting")
def rebuild_reporting(
    workers: int = typer.Option(2, min=0, help="Processes decoding classifications (0: none)."),
    chunk: int = typer.Option(5000, min=100, help="Stream entries read at a time."),
    stack_dir: Path = STACK_DIR_OPTION,
) -> None:
    """Empty reporting's projections and rebuild them from the streams (stop reporting's
    replicas first). Classifications are rebuilt here in bulk; the other streams are replayed
    by reporting's consumers when it starts again. Areas, targets and sign-offs are kept."""
    from services.reporting.replay import ConsumersRunning
    from services.reporting.replay import rebuild_reporting as rebuild

    settings = local_settings("reporting", stack_dir)
    try:
        done = rebuild(settings, workers=workers, chunk=chunk)
    except ConsumersRunning as exc:
        typer.echo(
            f"Reporting vẫn đang chạy, hãy dừng nó trước / reporting is still running, stop its "
            f"replicas first: {exc}",
            err=True,
        )
        raise typer.Exit(2) from exc
    rate = done.classifications / done.seconds if done.seconds else 0.0
    typer.echo(
        f"{done.classifications:,} classifications read ({done.invalid:,} not valid, skipped), "
        f"{done.households:,} household rows "
        f"written in {done.seconds:.1f} s ({rate:,.0f} events/s); replayed by the consumers "
        f"when reporting starts: {', '.join(done.replayed_streams) or 'nothing'}"
    )


@app.command("bench-whatif")
def bench_whatif(
    n: int = typer.Option(1_000_000, help="Households in the registry."),
    data_dir: Path | None = typer.Option(None, help="Working folder (default: a temp folder)."),
) -> None:
    """Time a what-if over N households read from an assessment database (SQLite)."""
    from tools.bench_pipeline import run_whatif_bench

    run_whatif_bench(n=n, data_dir=data_dir)


users = typer.Typer(no_args_is_help=True, help="Accounts, roles and areas (access service).")
app.add_typer(users, name="users")
CLI_ACTOR = ("cli", "operator", "cli")


def _access() -> Any:
    """The access use cases on the configured database (migrated), as the operator."""
    from services.access.adapters.keys import Signer
    from services.access.app import MIGRATIONS
    from services.access.service import AccessService
    from services.access.settings import AccessSettings
    from shared.db import create_db_engine
    from shared.migrations import upgrade

    settings = AccessSettings()
    engine = create_db_engine(settings.database_url)
    upgrade(engine, MIGRATIONS)
    signer = Signer.load_or_create(
        Path(settings.keys_dir), settings.auth_issuer, settings.auth_audience
    )
    return AccessService(engine, signer, settings)


def _announce(svc: Any, rev: Any) -> None:
    """Tell every running service at once (they re-sync from the database within 15 s)."""
    import asyncio

    from redis.asyncio import Redis

    from shared.access.tokens import publish_revocation

    async def send() -> None:
        client = Redis.from_url(svc.settings.redis_url, socket_connect_timeout=3)
        try:
            await publish_revocation(client, rev.user_id, rev.not_before)
        finally:
            await client.aclose()

    try:
        asyncio.run(send())
    except Exception as exc:  # saved in the database; the access service repeats it
        typer.echo(f"Redis not reachable ({exc}); services re-sync within 15 s.", err=True)


def _grants(specs: list[str]) -> list[Any]:
    """``role=area,area`` → grants (e.g. ``commune_officer=commune:04570,commune:04681``)."""
    from services.access.service import GrantSpec

    out = []
    for text in specs:
        role, sep, areas = text.partition("=")
        if not sep:
            typer.echo(f"'{text}': write role=area[,area…]", err=True)
            raise typer.Exit(2)
        out.append(GrantSpec(role.strip(), tuple(a.strip() for a in areas.split(",") if a)))
    return out


def _run(action: Any) -> Any:
    from shared.errors import DomainError

    try:
        return action()
    except DomainError as exc:
        for p in exc.problems:
            typer.echo(f"{p.message_vi} / {p.message_en}", err=True)
        raise typer.Exit(2) from exc


@users.command("add")
def users_add(
    username: str,
    grant: list[str] = typer.Option(..., help="role=area[,area] (repeatable)."),
    name: str = typer.Option("", help="Full name."),
) -> None:
    """Create an account; prints its one-time password (changed at the first sign-in)."""
    from datetime import UTC, datetime

    from shared.access.model import Actor

    svc = _access()
    view, one_time = _run(
        lambda: svc.add_user(
            Actor(*CLI_ACTOR), username, _grants(grant), datetime.now(UTC), display_name=name
        )
    )
    typer.echo(f"{view.username}: one-time password {one_time}")


@users.command("list")
def users_list() -> None:
    """Every account with its roles and areas."""
    for v in _access().list_users():
        state = (
            "disabled"
            if v.disabled
            else ("must change password" if v.must_change_password else "active")
        )
        grants = "; ".join(f"{g.role}@{','.join(g.areas)}" for g in v.grants)
        typer.echo(f"{v.username:<24} {v.kind:<8} {state:<22} {grants}")


@users.command("disable")
def users_disable(username: str) -> None:
    """Disable an account: its tokens are refused at once."""
    from datetime import UTC, datetime

    from shared.access.model import Actor

    svc = _access()
    rev = _run(lambda: svc.set_disabled(Actor(*CLI_ACTOR), username, True, datetime.now(UTC)))
    _announce(svc, rev)
    typer.echo(f"{username}: disabled")


@users.command("reset-password")
def users_reset_password(username: str) -> None:
    """A new one-time password; earlier tokens are refused."""
    from datetime import UTC, datetime

    from shared.access.model import Actor

    svc = _access()
    one_time, rev = _run(lambda: svc.reset_password(Actor(*CLI_ACTOR), username, datetime.now(UTC)))
    _announce(svc, rev)
    typer.echo(f"{username}: one-time password {one_time}")


@users.command("grant")
def users_grant(
    username: str,
    grant: list[str] = typer.Option(..., help="role=area[,area] (repeatable); replaces all."),
) -> None:
    """Replace an account's roles and areas."""
    from datetime import UTC, datetime

    from shared.access.model import Actor

    svc = _access()
    view, rev = _run(
        lambda: svc.set_grants(Actor(*CLI_ACTOR), username, _grants(grant), datetime.now(UTC))
    )
    _announce(svc, rev)
    typer.echo(
        f"{view.username}: " + "; ".join(f"{g.role}@{','.join(g.areas)}" for g in view.grants)
    )


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(app())


if __name__ == "__main__":
    main()
