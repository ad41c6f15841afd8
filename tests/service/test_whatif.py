"""What-if across standards from assessment's stored surveys: API-level use case and CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook
from typer.testing import CliRunner

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata, states
from services.assessment.service import AssessmentUnitOfWork, Rules, assess_surveys, what_if
from services.cli import app
from shared.contracts.codes import PovertyStatus
from shared.db import create_db_engine
from tests.factories import surveyed_event


def registry(folder: Path) -> str:
    """Three households: one between the 2022 and 2027 rural lines, two far from both."""
    url = f"sqlite:///{folder}/assessment.db"
    engine = create_db_engine(url)
    metadata.create_all(engine)
    events = [
        surveyed_event(1, income={"basis": "vnd_per_capita_month", "value": 1_800_000}),
        surveyed_event(2, income={"basis": "vnd_per_capita_month", "value": 5_000_000}),
        surveyed_event(3, income={"basis": "vnd_per_capita_month", "value": 1_000_000}),
    ]
    assess_surveys(
        AssessmentUnitOfWork(engine), events, Rules(load_with_overrides()), datetime.now(UTC)
    )
    engine.dispose()
    return url


def test_household_between_the_two_lines_changes_class_because_of_the_line(
    tmp_path: Path,
) -> None:
    engine = create_db_engine(registry(tmp_path))
    with engine.connect() as conn:
        before = conn.execute(sa.select(states.c.household_code, states.c.recognised_status)).all()
    report = what_if(
        engine,
        Rules(load_with_overrides()),
        baseline_id="vn-2022-2025",
        alternative_id="vn-2027-2030",
    )
    (change,) = report.changes
    assert change.household_code == "HH-0000001"
    assert (change.from_status, change.to_status) == (
        PovertyStatus.AVERAGE,
        PovertyStatus.NEAR_POOR,
    )
    assert any("line" in cause for cause in change.causes)
    assert report.households == 3
    with engine.connect() as conn:  # recognised statuses untouched
        after = conn.execute(sa.select(states.c.household_code, states.c.recognised_status)).all()
    assert before == after


def test_cli_writes_the_changes_for_excel_when_asked(tmp_path: Path) -> None:
    url = registry(tmp_path)
    out = tmp_path / "changes.xlsx"
    result = CliRunner().invoke(
        app,
        ["whatif", "--alternative", "vn-2027-2030", "--out", str(out)],
        env={"ASSESSMENT_DATABASE_URL": url},
    )
    assert result.exit_code == 0, result.output
    assert "3 households re-classified" in result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hộ"
    assert rows[2][:4] == ("HH-0000001", "04570", "Hộ có mức sống trung bình", "Hộ cận nghèo")
