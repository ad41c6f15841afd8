"""Intake's bulk-file route: upload a households file (CSV or XLSX, with members) and get back
the counts, every rejected row with its field and reason, or the error report itself."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import re
import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Header, Query, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from services.intake.adapters.files import TEMPLATE_PATH, BulkFileError, write_error_report
from services.intake.adapters.vault import Vault
from services.intake.api import caller_registry
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.text import nfc
from services.intake.importer import ImportReport, import_bulk
from services.intake.metrics import IntakeMetrics
from shared.access import Caller, Perm, body
from shared.errors import DomainError, ErrorKind, Problem
from shared.runtime import Runtime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            upload.filename or "file",
            f"Tệp lớn hơn {limit // 2**20} MB cho phép.",
            f"The file is larger than the {limit // 2**20} MB allowed.",
            ErrorKind.TOO_LARGE,
            code="too_large",
        )
    return data


_STEM_CHARS = re.compile(r"[^\w.-]+")


def report_stem(filename: str | None, limit: int = 60) -> str:
    """A short, safe stem for the error report's file name, from the uploaded file's name
    (a name of any length or characters: only the stem's word characters are kept)."""
    stem = Path((filename or "upload").replace("\\", "/")).stem
    safe = _STEM_CHARS.sub("-", nfc(stem)).strip("-.")[:limit].strip("-.")
    return safe or "upload"


def _summary(report: ImportReport, limit: int = 1000) -> dict[str, Any]:
    return {
        "format": report.format,
        "households_read": report.households_read,
        "created": report.created,
        "duplicates": report.duplicates,
        "conflicts": report.conflicts,
        "rejected": report.households_rejected,
        "orphan_member_rows": report.orphan_member_rows,
        "errors": [
            {
                "table": e.table.value,
                "row": e.row,
                "field": e.field,
                "type": e.message.key,
                "message_vi": e.message.vi,
                "message_en": e.message.en,
            }
            for r in report.rejected[:limit]
            for e in r.errors
        ],
        "seconds": round(report.seconds, 2),
    }


def router(
    rt: Runtime, registry: AreaRegistry, metrics: IntakeMetrics, vault: Vault, max_upload_mb: int
) -> APIRouter:
    api = APIRouter(tags=["bulk files"])
    limit = max_upload_mb * 2**20

    @api.get("/surveys/files/template", response_model=None)
    async def get_survey_file_template(
        _caller: Annotated[Caller, rt.access.signed_in("the template holds no data")],
    ) -> FileResponse:
        """The bulk-file template (XLSX: households and members sheets, drop-down lists)."""
        return FileResponse(TEMPLATE_PATH, media_type=XLSX, filename="mau-phieu-khao-sat.xlsx")

    @api.post("/surveys/files", response_model=None)
    async def post_survey_file(
        caller: Annotated[
            Caller, rt.access.requires(Perm.SURVEY_SUBMIT, body("commune_code,village_code"))
        ],
        file: UploadFile = File(description="Households (CSV or XLSX; XLSX may hold both sheets)"),
        members: UploadFile | None = File(default=None, description="Members CSV, if separate"),
        report: Literal["json", "xlsx", "csv"] = Query(
            default="json", description="json: counts and errors; xlsx/csv: the error report"
        ),
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any] | Response:
        """Import a bulk file in the documented layout (see the template). Accepted households
        are stored even when other rows are rejected; every rejected row names the field and
        the reason in Vietnamese and English (rows outside the caller's area included).
        Re-uploading a file stores nothing twice."""
        data = await _read_capped(file, limit)
        member_data = await _read_capped(members, limit) if members is not None else None
        try:
            result = await asyncio.to_thread(
                import_bulk,
                rt.engine,
                caller_registry(caller, registry, Perm.SURVEY_SUBMIT),
                data,
                file.filename or "upload",
                members=member_data,
                channel="file",
                correlation_id=x_correlation_id or str(uuid.uuid4()),
                actor=caller.actor,
                vault=vault,
            )
        except BulkFileError as exc:
            metrics.rejected.labels("file").inc()
            raise DomainError.of(
                [Problem(file.filename or "file", p.vi, p.en, p.key) for p in exc.problems]
            ) from exc
        metrics.accepted.labels("file").inc(result.created)
        metrics.duplicates.labels("file").inc(result.duplicates)
        metrics.rejected.labels("file").inc(result.households_rejected)
        if result.created:
            rt.relay.notify()
        if report == "json" or not result.rejected:
            return _summary(result)
        folder = Path(tempfile.mkdtemp(prefix="giamngheo-errors-"))
        target = folder / f"loi-{report_stem(file.filename)}.{report}"
        try:
            paths = await asyncio.to_thread(
                write_error_report, target, result, result.rejected, csv_format=report == "csv"
            )
        except BaseException:
            _remove(folder)
            raise
        headers = {
            "X-Created": str(result.created),
            "X-Rejected": str(result.households_rejected),
            "X-Orphan-Member-Rows": str(result.orphan_member_rows),
        }
        if len(paths) == 1:
            return FileResponse(
                paths[0],
                media_type=XLSX if report == "xlsx" else "text/csv",
                filename=paths[0].name,
                headers=headers,
                background=BackgroundTask(_remove, folder),
            )
        return _zip(paths, folder, headers)

    return api


def _zip(paths: list[Path], folder: Path, headers: dict[str, str]) -> Response:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for p in paths:
            archive.write(p, p.name)
    _remove(folder)
    headers = {**headers, "Content-Disposition": 'attachment; filename="loi-nhap-tep.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
