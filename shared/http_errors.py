"""Field-level validation errors for people: which field, and why, in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

_VI: dict[str, str] = {
    "missing": "Thiếu trường bắt buộc",
    "greater_than_equal": "Giá trị quá nhỏ",
    "less_than_equal": "Giá trị quá lớn",
    "greater_than": "Giá trị quá nhỏ",
    "less_than": "Giá trị quá lớn",
    "int_parsing": "Phải là số nguyên",
    "int_type": "Phải là số nguyên",
    "float_parsing": "Phải là số",
    "bool_parsing": "Phải là có/không (true/false)",
    "enum": "Giá trị không nằm trong danh mục",
    "literal_error": "Giá trị không nằm trong danh mục",
    "string_too_short": "Không được để trống",
    "string_too_long": "Quá dài",
    "string_pattern_mismatch": "Sai định dạng",
    "too_short": "Danh sách không được để trống",
    "too_long": "Danh sách quá dài",
    "extra_forbidden": "Trường không được phép",
    "datetime_parsing": "Sai định dạng ngày giờ",
    "timezone_aware": "Ngày giờ phải có múi giờ (ví dụ +07:00)",
    "date_from_datetime_parsing": "Sai định dạng ngày",
    "value_error": "Giá trị không hợp lệ",
    "json_invalid": "Dữ liệu JSON không hợp lệ",
    "model_attributes_type": "Sai kiểu dữ liệu",
    "dict_type": "Sai kiểu dữ liệu",
    "list_type": "Phải là danh sách",
}


def field_errors(errors: Any) -> list[dict[str, Any]]:
    """Pydantic/FastAPI errors as ``{field, type, message_en, message_vi}``."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "(body)"
        msg = str(err.get("msg", "invalid"))
        out.append(
            {
                "field": field,
                "type": err.get("type", "invalid"),
                "message_en": msg,
                "message_vi": f"{_VI.get(err.get('type', ''), 'Giá trị không hợp lệ')} ({msg})",
            }
        )
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)
