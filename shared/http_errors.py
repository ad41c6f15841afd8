"""One HTTP error shape for every service, mapped in one place.

Every refusal is ``{"detail": [{"field", "type", "message_vi", "message_en"}, ...]}`` with the
status of its kind: :class:`shared.errors.DomainError` raised anywhere (use cases, access
rules), FastAPI's request validation (422), and Starlette's routing errors (404, 405, ...).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError

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


_STATUS_TEXT: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    401: ("unauthenticated", "Cần đăng nhập.", "Sign-in required."),
    403: ("forbidden", "Không có quyền thực hiện.", "Not allowed."),
    404: ("not_found", "Không tìm thấy.", "Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    409: ("conflict", "Xung đột với dữ liệu đã lưu.", "Conflicts with stored data."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn.", "Request body too large."),
    415: ("unsupported_media_type", "Định dạng không được hỗ trợ.", "Unsupported media type."),
    422: ("invalid", "Dữ liệu không hợp lệ.", "Invalid input."),
    429: (
        "too_many",
        "Quá nhiều yêu cầu, vui lòng thử lại sau.",
        "Too many requests; retry later.",
    ),
}


def error_body(problems: list[dict[str, Any]]) -> dict[str, Any]:
    return {"detail": problems}


def install(app: FastAPI) -> None:
    """Map every error a request can meet to the one shape (call once per app)."""

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            error_body([p.as_dict() for p in exc.problems]),
            status_code=exc.status,
            headers=exc.headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(field_errors(exc.errors())), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, vi, en = _STATUS_TEXT.get(exc.status_code, ("error", "Lỗi.", "Error."))
        detail = exc.detail
        if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
            problems = detail
        else:
            text = detail if isinstance(detail, str) and detail else en
            problems = [{"field": "(request)", "type": code, "message_vi": vi, "message_en": text}]
        return JSONResponse(
            error_body(problems), status_code=exc.status_code, headers=exc.headers or None
        )
