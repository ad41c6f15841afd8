"""Schema migrations with Alembic: one migration history per service, in
``services/<name>/migrations/``. A service upgrades its database to head when it starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def alembic_config(script_location: Path, engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["engine"] = engine
    return cfg


MIGRATION_LOCK_KEY = 0x6769616D6E67
"""PostgreSQL advisory lock held while a replica migrates (the others wait, then find the
schema at head)."""


@contextlib.contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """Replicas starting together migrate one at a time: without this, two of them created
    the same table at once and one exited."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, script_location: Path) -> bool:
    """Bring the database to the latest schema of the service (one replica at a time).
    Returns whether this call changed the schema (the replicas that waited find it at head)."""
    with _one_migrator(engine):
        before = current_revision(engine)
        command.upgrade(alembic_config(script_location, engine), "head")
        after = current_revision(engine)
    if before != after:
        log.info("%s: schema migrated from %s to %s", script_location.parent.name, before, after)
    return before != after


def run_env(metadata: sa.MetaData) -> None:
    """Body of every service's ``env.py``: migrate the engine handed over in the config
    (or ``DATABASE_URL``-less offline SQL generation)."""
    engine: Engine | None = context.config.attributes.get("engine")
    if engine is None:
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url") or "sqlite://",
            target_metadata=metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=metadata,
            render_as_batch=conn.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()


def create_plumbing_tables() -> None:
    """Migration step shared by every service: its outbox and processed-event tables."""
    from alembic import op

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stream", sa.String(length=128), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "processed_event",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )


def add_outbox_confirmation() -> None:
    """Migration step shared by every service: an outbox row is kept after publishing until
    Redis is known to have persisted it (``published_at``, ``redis_run``, ``entry_id``)."""
    from alembic import op

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("redis_run", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("entry_id", sa.String(length=48), nullable=True))
        batch_op.create_index("ix_outbox_published_at_id", ["published_at", "id"], unique=False)


def drop_outbox_confirmation() -> None:
    from alembic import op

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_published_at_id")
        batch_op.drop_column("entry_id")
        batch_op.drop_column("redis_run")
        batch_op.drop_column("published_at")


def drop_plumbing_tables() -> None:
    from alembic import op

    op.drop_table("processed_event")
    op.drop_table("outbox")
