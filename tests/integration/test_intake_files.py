"""Bulk files through intake's HTTP upload and the operator CLI, on a real Redis and database."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import redis
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.cli import app as cli
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM
from tests.helpers import eventually
from tests.integration.test_bulk_import import _write as write_sample_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(
    redis_url: str, database_url: str, admin_headers: dict[str, str], **settings: object
) -> TestClient:
    cfg = IntakeSettings(redis_url=redis_url, database_url=database_url, **settings)
    return TestClient(create_app(cfg), headers=admin_headers)


async def test_upload_stores_good_households_and_names_the_field_of_each_bad_row(
    tmp_path: Path, redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    path = write_sample_file(tmp_path, "xlsx")
    with client_for(redis_url, database_url, admin_headers) as client:
        response = client.post("/surveys/files", files={"file": (path.name, path.read_bytes())})
        stream = redis.Redis.from_url(redis_url)
        await eventually(lambda: stream.xlen(HOUSEHOLD_SURVEYED_STREAM) == 3)
        stream.close()
    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["rejected"]) == (3, 2)
    fields = {e["field"] for e in body["errors"]}
    assert any("xã" in f.lower() or "commune" in f.lower() for f in fields), fields
    assert all(e["message_vi"] and e["message_en"] for e in body["errors"])


def test_upload_returns_the_error_report_in_the_file_layout_when_asked(
    tmp_path: Path, redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    path = write_sample_file(tmp_path, "xlsx")
    with client_for(redis_url, database_url, admin_headers) as client:
        response = client.post(
            "/surveys/files?report=xlsx", files={"file": (path.name, path.read_bytes())}
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["x-rejected"] == "2"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert "Lỗi / Error" in header


def test_upload_of_a_file_that_is_not_csv_or_xlsx_is_refused_with_a_reason(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    with client_for(redis_url, database_url, admin_headers) as client:
        response = client.post(
            "/surveys/files", files={"file": ("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 200)}
        )
    assert response.status_code == 422
    (problem,) = response.json()["detail"][:1]
    assert problem["message_vi"]
    assert problem["message_en"]


def test_upload_larger_than_the_limit_is_refused(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    with client_for(redis_url, database_url, admin_headers, max_upload_mb=1) as client:
        response = client.post("/surveys/files", files={"file": ("big.csv", b"a," * (600 * 1024))})
    assert response.status_code == 413
    assert "MB" in response.json()["detail"][0]["message_en"]


def test_cli_import_publishes_good_rows_and_writes_the_error_report(
    tmp_path: Path, redis_url: str, database_url: str
) -> None:
    path = write_sample_file(tmp_path, "csv")
    report = tmp_path / "loi.xlsx"
    result = CliRunner().invoke(
        cli,
        ["import", str(path), "--errors", str(report)],
        env={"INTAKE_DATABASE_URL": database_url, "REDIS_URL": redis_url},
    )
    assert result.exit_code == 1, result.output  # some rows were rejected
    assert "3 stored" in result.output
    assert "2 rejected" in result.output
    assert report.exists()
    stream = redis.Redis.from_url(redis_url)
    assert stream.xlen(HOUSEHOLD_SURVEYED_STREAM) == 3
    stream.close()


def _long_cell_csv(folder: Path) -> tuple[Path, Path]:
    from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
    from tests.unit.intake.builders import family, household
    from tests.unit.intake.test_files import _records, csv_bytes

    rows = [household("A"), household("B", head_name="x" * 140_000)]
    households = folder / "dai.csv"
    households.write_bytes(csv_bytes(_records(rows, HOUSEHOLDS)))
    members = folder / "dai.thanh-vien.csv"
    members.write_bytes(csv_bytes(_records(family("A") + family("B"), MEMBERS)))
    return households, members


def test_upload_with_a_csv_cell_over_the_reader_limit_is_a_422_naming_the_row(
    tmp_path: Path, redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    households, members = _long_cell_csv(tmp_path)
    with client_for(redis_url, database_url, admin_headers) as client:
        response = client.post(
            "/surveys/files",
            files={
                "file": (households.name, households.read_bytes()),
                "members": (members.name, members.read_bytes()),
            },
        )
    assert response.status_code == 422, response.text
    problem = response.json()["detail"][0]
    assert problem["type"] == "cell_too_large"
    assert "Row 3" in problem["message_en"]
    assert "Dòng 3" in problem["message_vi"]


def test_cli_import_exits_2_when_a_csv_cell_is_over_the_reader_limit(
    tmp_path: Path, redis_url: str, database_url: str
) -> None:
    households, _members = _long_cell_csv(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["import", str(households)],
        env={"INTAKE_DATABASE_URL": database_url, "REDIS_URL": redis_url},
    )
    assert result.exit_code == 2, result.output
    assert "131072" in result.output
