"""Each service's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

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


def test_intake_moves_personal_data_out_of_stored_payloads(
    database_url: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Surveys stored before personal data was kept apart: after the upgrade their payloads
    and pending outbox rows hold no name or citizen id, which are in ``survey_person`` (the
    citizen id sealed, found by its keyed hash); households know their village."""
    import json
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from alembic import command

    from services.intake.adapters.tables import households, people, surveys
    from services.intake.app import MIGRATIONS, open_vault
    from services.intake.settings import IntakeSettings
    from shared.migrations import alembic_config
    from tests.factories import survey

    payload = survey(1).model_dump(mode="json")
    payload["head_name"] = "Lò Thị Mai"
    payload["members"][0]["citizen_id"] = "015081234567"
    body = json.dumps({"event_id": "e-1", "payload": payload}).encode()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    engine = create_db_engine(database_url)
    command.upgrade(alembic_config(MIGRATIONS, engine), "0003_outbox_confirm")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO survey (survey_id, household_code, version, commune_code, channel,"
                " content_hash, citizen_id_missing, payload, received_at) VALUES"
                " (:s, :h, 1, :c, 'http', 'old', false, :p, :t)"
            ),
            {"s": payload["survey_id"], "h": payload["household_code"],
             "c": payload["commune_code"], "p": body, "t": now},
        )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO household (household_code, commune_code, latest_version,"
                " latest_survey_id, latest_order_key) VALUES (:h, :c, 1, :s, '')"
            ),
            {"h": payload["household_code"], "c": payload["commune_code"],
             "s": payload["survey_id"]},
        )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO outbox (stream, body, created_at) VALUES"
                " ('household.surveyed', :b, :t)"
            ),
            {"b": body, "t": now},
        )
    upgrade(engine, MIGRATIONS)
    vault = open_vault(IntakeSettings())
    with engine.connect() as conn:
        stored = conn.execute(sa.select(surveys.c.payload, surveys.c.content_hash)).one()
        outbox = conn.execute(sa.text("SELECT body FROM outbox")).scalar_one()
        person = conn.execute(sa.select(people)).one()
        village = conn.execute(sa.select(households.c.village_code)).scalar_one()
    engine.dispose()
    for blob in (stored.payload, outbox):
        assert b"015081234567" not in blob
        assert "Lò Thị Mai".encode() not in blob
        assert json.loads(blob)["payload"]["members"][0]["member_no"] == 1
    assert stored.content_hash != "old"
    assert person.full_name == "Lò Thị Mai"
    assert person.is_head
    assert person.citizen_key == vault.match_key("015081234567")
    assert vault.open(person.citizen_sealed) == "015081234567"
    assert village == payload["village_code"]


MIGRATE_AT_ONCE = """
import sys, time
from pathlib import Path
from shared.db import create_db_engine
from shared.migrations import upgrade
from services.assessment.app import MIGRATIONS
go = Path(sys.argv[2])
engine = create_db_engine(sys.argv[1])
engine.connect().close()
Path(sys.argv[3]).touch()  # imported and connected: ready
while not go.exists():
    time.sleep(0.002)
print(upgrade(engine, MIGRATIONS))
"""


def test_three_replicas_starting_together_migrate_the_database_once(
    database_url: str, tmp_path: Path
) -> None:
    """Replicas of a service (``--scale assessment=3``) all upgrade at start: one migrates,
    the others wait for its lock and find the schema at head (PostgreSQL: an advisory lock;
    SQLite: a file lock)."""
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(3)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_AT_ONCE, database_url, str(go), str(r)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in ready
    ]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready):  # all three imported, connected and waiting
        assert time.monotonic() < deadline, [p.poll() for p in procs]
        time.sleep(0.01)
    go.touch()
    answers = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-2000:] for _, err in answers]
    assert sorted(out.strip() for out, _ in answers) == ["False", "False", "True"]
    tables = importlib.import_module("services.assessment.adapters.tables")
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    engine.dispose()
    assert drift == []


def test_the_migrate_command_upgrades_once_then_finds_the_schema_at_head(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    monkeypatch.setenv("REPORTING_DATABASE_URL", database_url)
    first = CliRunner().invoke(app, ["migrate", "reporting"])
    assert first.exit_code == 0, first.output
    assert "reporting: migrated to" in first.output
    again = CliRunner().invoke(app, ["migrate", "reporting"])
    assert again.exit_code == 0, again.output
    assert "reporting: already at" in again.output
