"""Each service's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import create_db_engine
from shared.migrations import upgrade

SERVICES = ("intake", "assessment", "support", "reporting", "access")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_when_upgraded_to_head(service: str, database_url: str) -> None:
    app = importlib.import_module(f"services.{service}.app")
    tables = importlib.import_module(f"services.{service}.adapters.tables")
    engine = create_db_engine(database_url)
    upgrade(engine, app.MIGRATIONS)
    upgrade(engine, app.MIGRATIONS)  # a second start changes nothing
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    engine.dispose()
    assert drift == [], f"{service}: models and migrations differ; add a revision"


def test_support_carries_former_disbursements_and_enrolments_into_the_ledger(
    database_url: str,
) -> None:
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from alembic import command

    from services.support.app import MIGRATIONS
    from shared.contracts.support import DisbursementPayload, SupportDisbursed
    from shared.contracts.training import EnrolmentPayload, TrainingEnrolled
    from shared.migrations import alembic_config

    engine = create_db_engine(database_url)
    command.upgrade(alembic_config(MIGRATIONS, engine), "0001")
    d = SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id="D-old",
            household_code="HH-1",
            commune_code="04570",
            kind="production",
            programme_code="NTP-P3.1",
            funding_source="central_budget",
            amount_vnd=6_000_000,
            repayable=True,
            disbursed_on=date(2025, 11, 5),
        ),
        producer="support",
    )
    t = TrainingEnrolled.create(
        EnrolmentPayload(
            enrolment_id="E-old",
            household_code="HH-1",
            commune_code="04570",
            member_no=2,
            course="May",
            provider="TT",
            starts_on=date(2025, 11, 10),
        ),
        producer="support",
    )
    meta = sa.MetaData()
    with engine.begin() as conn:
        old_d = sa.Table("disbursement", meta, autoload_with=conn)
        old_e = sa.Table("enrolment", meta, autoload_with=conn)
        conn.execute(
            sa.insert(old_d),
            [
                {
                    "disbursement_id": "D-old",
                    "household_code": "HH-1",
                    "commune_code": "04570",
                    "kind": "production",
                    "amount_vnd": 6_000_000,
                    "disbursed_on": date(2025, 11, 5),
                    "payload": d.to_json(),
                    "recorded_at": datetime(2025, 11, 5, tzinfo=UTC),
                }
            ],
        )
        conn.execute(
            sa.insert(old_e),
            [
                {
                    "enrolment_id": "E-old",
                    "household_code": "HH-1",
                    "member_no": 2,
                    "payload": t.to_json(),
                }
            ],
        )
    upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        rec = conn.execute(
            sa.text("SELECT programme_code, amount_vnd, status, repayable FROM support_record")
        ).one()
        enr = conn.execute(
            sa.text("SELECT member_no, course, status FROM training_enrolment")
        ).one()
        summed = conn.execute(sa.text("SELECT * FROM ledger_sum")).one()
        reached = conn.execute(sa.text("SELECT * FROM ledger_reach")).one()
    engine.dispose()
    assert tuple(rec) == ("NTP-P3.1", 6_000_000, "open", True)
    # the plans' sums start from the records already in the ledger
    assert tuple(summed) == (2025, "04570", "NTP-P3.1", "central_budget", 6_000_000, 1)
    assert tuple(reached) == (2025, "04570", "NTP-P3.1", "production", "HH-1")
    assert tuple(enr) == (2, "May", "enrolled")


def test_support_downgrades_to_the_former_schema_and_upgrades_again(database_url: str) -> None:
    from alembic import command

    from services.support.app import MIGRATIONS
    from shared.migrations import alembic_config

    engine = create_db_engine(database_url)
    upgrade(engine, MIGRATIONS)
    command.downgrade(alembic_config(MIGRATIONS, engine), "0001")
    upgrade(engine, MIGRATIONS)
    tables = importlib.import_module("services.support.adapters.tables")
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    engine.dispose()
    assert drift == []
