"""A bulk file goes through the outbox to the real stream; bad rows come back with reasons."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import redis
import sqlalchemy as sa

from services.intake.adapters.files import load_areas, read_sheet_values, write_error_report
from services.intake.adapters.tables import metadata, plumbing, surveys
from services.intake.domain.layout import ERROR_HEADER, HOUSEHOLDS, MEMBERS, TableName, TableSpec
from services.intake.importer import ImportReport, import_bulk
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.db import create_db_engine
from shared.outbox import OutboxRelay
from tests.factories import fixed_vault
from tests.unit.intake.builders import family, household, member

GOOD = ("HH-1", "HH-3", "HH-5")


def _tables() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    households = [
        household("HH-1"),
        household("HH-2", commune_code="99999"),  # unknown commune
        household("HH-3", income_vnd="", score_a=40),
        household("HH-4"),
        household("HH-5"),
    ]
    members = [*family("HH-1"), *family("HH-2"), *family("HH-3"), *family("HH-5")]
    members += [member("HH-4", 1), member("HH-4", 2, age="bốn mươi", relation="Con")]
    return households, members


def _rows(spec: TableSpec, records: list[dict[str, Any]]) -> list[list[Any]]:
    return [[c.vi for c in spec.columns], *[[r.get(c.key) for c in spec.columns] for r in records]]


def _write(folder: Path, kind: str) -> Path:
    households, members = _tables()
    if kind == "xlsx":
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, spec, records in (
            ("Hộ gia đình", HOUSEHOLDS, households),
            ("Thành viên", MEMBERS, members),
        ):
            sheet = book.create_sheet(title)
            for row in _rows(spec, records):
                sheet.append(row)
        path = folder / "ra-soat.xlsx"
        book.save(path)
        return path
    path = folder / "ra-soat.csv"
    for target, spec, records in (
        (path, HOUSEHOLDS, households),
        (folder / "ra-soat.thanh-vien.csv", MEMBERS, members),
    ):
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(_rows(spec, records))
    return path


def _streamed(redis_url: str) -> list[HouseholdSurveyed]:
    client = redis.Redis.from_url(redis_url)
    try:
        entries = client.xrange(HOUSEHOLD_SURVEYED_STREAM)
    finally:
        client.close()
    return [HouseholdSurveyed.from_fields(fields) for _, fields in entries]


@pytest.mark.parametrize(("kind", "workers"), [("csv", 0), ("xlsx", 0), ("csv", 2), ("xlsx", 2)])
def test_accepted_households_reach_the_stream_once_when_a_file_is_imported_twice(
    tmp_path: Path, redis_url: str, database_url: str, kind: str, workers: int
) -> None:
    path = _write(tmp_path, kind)
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    relay = OutboxRelay(engine, plumbing, redis_url)
    done: list[int] = []
    try:
        first = import_bulk(
            engine,
            load_areas(),
            path,
            path.name,
            correlation_id="upload-1",
            progress=done.append,
            chunk=2,
            workers=workers,
            vault=fixed_vault(),
        )
        assert relay.publish_pending() == len(GOOD)
        again = import_bulk(
            engine,
            load_areas(),
            path,
            path.name,
            correlation_id="upload-2",
            workers=workers,
            vault=fixed_vault(),
        )
        assert relay.publish_pending() == 0
        with engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(surveys)).scalar_one()
    finally:
        relay.close()
        engine.dispose()

    assert (first.accepted, first.created, first.households_read) == (3, 3, 5)
    assert first.format == kind
    assert done[-1] == 5
    assert done == sorted(done)
    events = _streamed(redis_url)
    assert sorted(e.payload.household_code for e in events) == list(GOOD)
    assert {e.correlation_id for e in events} == {"upload-1"}
    assert (again.accepted, again.duplicates, again.created, stored) == (3, 3, 0, 3)
    assert _reasons(first) == {
        ("HH-2", TableName.HOUSEHOLDS, 3, "Mã xã", "unknown_commune"),
        ("HH-4", TableName.MEMBERS, 11, "Tuổi", "not_integer"),
    }


def _reasons(report: ImportReport) -> set[tuple[str | None, TableName, int, str, str]]:
    return {
        (r.household_code, e.table, e.row, e.field, e.message.key)
        for r in report.rejected
        for e in r.errors
    }


def test_rejected_rows_are_written_back_in_the_uploaded_layout_with_their_reasons(
    tmp_path: Path, database_url: str
) -> None:
    path = _write(tmp_path, "xlsx")
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    try:
        report = import_bulk(
            engine,
            load_areas(),
            path,
            path.name,
            correlation_id="upload-1",
            workers=0,
            vault=fixed_vault(),
        )
    finally:
        engine.dispose()

    written = write_error_report(tmp_path / "loi.xlsx", report, report.rejected)
    sheets = read_sheet_values(written[0])
    households = sheets[HOUSEHOLDS.vi_title]
    assert households[0][-1] == ERROR_HEADER
    assert [row[1] for row in households[1:]] == ["HH-2", "HH-4"]
    assert "Mã xã" in str(households[1][-1])
    assert any("Tuổi" in str(row[-1]) for row in sheets[MEMBERS.vi_title][1:])
