"""The survey's fields as columns: headers (Vietnamese, English), kinds and cell converters.

One definition serves the bulk files, the template, the XLSForm and KoBo submissions: the
English header of a column is also its field name in the XLSForm and in KoBo's JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

from services.intake.domain.codelists import (
    ASSET,
    EMPLOYMENT,
    ETHNICITY,
    LATRINE,
    MATERIAL,
    POVERTY_CAUSE,
    QUALIFICATION,
    RELATION,
    REVIEW_KIND,
    SCHOOL_LEVEL,
    SEX,
    SUPPORT_KIND,
    WASTE_HANDLING,
    WATER_SOURCE,
    WORK_CAPACITY,
    YES_NO,
    CodeList,
    fold,
)
from services.intake.domain.messages import Message, message
from services.intake.domain.text import CODE_KEYS, nfc, text_problem

VIETNAM_TZ: Final = timezone(timedelta(hours=7), "ICT")
"""Dates written without a time zone are Vietnam time (UTC+7, no daylight saving)."""

LIST_SEPARATOR: Final = ";"
ERROR_HEADER: Final = "Lỗi / Error"
_EXCEL_EPOCH: Final = datetime(1899, 12, 30)  # noqa: DTZ001 - a serial-number origin, not a time


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CODE = "code"
    CODES = "codes"
    DATETIME = "datetime"
    CITIZEN_ID = "citizen_id"


class CellError(ValueError):
    """A cell that cannot be read as its column's kind."""

    def __init__(self, msg: Message) -> None:
        super().__init__(str(msg))
        self.message = msg


Converter = Callable[[object], object]


@dataclass(frozen=True, slots=True)
class Column:
    """One survey field. ``key`` is the English header and the XLSForm field name."""

    key: str
    vi: str
    kind: Kind
    required: bool = False
    codes: CodeList | None = None
    hint_vi: str = ""
    hint_en: str = ""
    maximum: int | None = None

    @property
    def en(self) -> str:
        return self.key


class TableName(StrEnum):
    HOUSEHOLDS = "households"
    MEMBERS = "members"


@dataclass(frozen=True)
class TableSpec:
    name: TableName
    vi_title: str
    en_title: str
    columns: tuple[Column, ...]
    by_key: Mapping[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    @property
    def title(self) -> str:
        return f"{self.vi_title} / {self.en_title}"


def _codes(key: str, vi: str, codes: CodeList, *, required: bool = True) -> Column:
    return Column(key, vi, Kind.CODE, required=required, codes=codes)


def _yes_no(key: str, vi: str, *, required: bool = True, hint_en: str = "") -> Column:
    return Column(key, vi, Kind.BOOLEAN, required=required, codes=YES_NO, hint_en=hint_en)


HOUSEHOLDS: Final = TableSpec(
    TableName.HOUSEHOLDS,
    "Hộ gia đình",
    "Households",
    (
        Column(
            "survey_id",
            "Mã phiếu",
            Kind.TEXT,
            hint_vi="Để trống: hệ thống tự tạo",
            hint_en="Leave empty to have one made from the row",
            maximum=64,
        ),
        Column("household_code", "Mã hộ", Kind.TEXT, required=True, maximum=64),
        Column(
            "province_code",
            "Mã tỉnh",
            Kind.TEXT,
            hint_vi="Không bắt buộc; lấy theo mã xã",
            hint_en="Optional; taken from the commune",
        ),
        Column("commune_code", "Mã xã", Kind.TEXT, required=True),
        Column("village_code", "Mã thôn", Kind.TEXT, required=True),
        Column("review_year", "Năm rà soát", Kind.INTEGER, required=True),
        _codes("review_kind", "Loại rà soát", REVIEW_KIND),
        Column(
            "surveyed_at",
            "Ngày khảo sát",
            Kind.DATETIME,
            required=True,
            hint_vi="dd/mm/yyyy hoặc dd/mm/yyyy hh:mm (giờ Việt Nam)",
            hint_en="dd/mm/yyyy or yyyy-mm-dd, optional hh:mm (Vietnam time)",
        ),
        Column("head_name", "Họ tên chủ hộ", Kind.TEXT, maximum=128),
        _yes_no(
            "livelihood_agriculture",
            "Sống bằng nông, lâm, ngư, diêm nghiệp",
            hint_en="Lives from agriculture, forestry, fishery or salt making",
        ),
        Column(
            "income_vnd",
            "Thu nhập bình quân (đồng/người/tháng)",
            Kind.INTEGER,
            hint_vi="Điền thu nhập HOẶC điểm A",
            hint_en="Income per person per month in VND, OR score A",
        ),
        Column(
            "score_a",
            "Điểm A",
            Kind.INTEGER,
            hint_vi="Điểm thu nhập A của phiếu B",
            hint_en="Income score A of form B",
        ),
        _codes("pillars", "Vật liệu cột (khung)", MATERIAL),
        _codes("walls", "Vật liệu tường", MATERIAL),
        _codes("roof", "Vật liệu mái", MATERIAL),
        Column("floor_area_m2", "Diện tích nhà ở (m²)", Kind.DECIMAL, required=True),
        _codes("water_source", "Nguồn nước sinh hoạt", WATER_SOURCE),
        _codes("latrine", "Nhà tiêu", LATRINE),
        _yes_no(
            "uses_telecom",
            "Sử dụng dịch vụ viễn thông",
            hint_en="At least one member uses telephone or internet",
        ),
        _yes_no("uses_internet", "Sử dụng internet", required=False),
        Column(
            "assets",
            "Tài sản, phương tiện",
            Kind.CODES,
            codes=ASSET,
            hint_vi="Nhiều giá trị cách nhau bằng dấu ;",
            hint_en="Several values separated by ;",
        ),
        _codes("waste_handling", "Xử lý rác thải", WASTE_HANDLING, required=False),
        Column("causes", "Nguyên nhân nghèo", Kind.CODES, codes=POVERTY_CAUSE),
        Column("needs", "Nhu cầu hỗ trợ", Kind.CODES, codes=SUPPORT_KIND),
    ),
)

MEMBERS: Final = TableSpec(
    TableName.MEMBERS,
    "Thành viên",
    "Members",
    (
        Column("household_code", "Mã hộ", Kind.TEXT, required=True, maximum=64),
        Column("member_no", "STT thành viên", Kind.INTEGER, required=True),
        Column(
            "full_name",
            "Họ và tên",
            Kind.TEXT,
            hint_vi="Chỉ để đối chiếu, không gửi đi",
            hint_en="For checking only; not sent on",
            maximum=128,
        ),
        Column("age", "Tuổi", Kind.INTEGER, required=True),
        _codes("sex", "Giới tính", SEX),
        _codes("relation", "Quan hệ với chủ hộ", RELATION),
        _codes("ethnicity", "Dân tộc", ETHNICITY),
        Column(
            "citizen_id",
            "Số CCCD",
            Kind.CITIZEN_ID,
            hint_vi="12 chữ số; để trống nếu chưa có",
            hint_en="12 digits; empty if unknown",
        ),
        _yes_no("has_disability", "Khuyết tật", required=False),
        _codes("work_capacity", "Khả năng lao động", WORK_CAPACITY, required=False),
        _codes("employment", "Tình trạng việc làm", EMPLOYMENT),
        _yes_no("wants_work", "Có nhu cầu làm việc", required=False),
        _yes_no("wage_worker", "Làm công ăn lương", required=False),
        _yes_no("has_labour_contract", "Có hợp đồng lao động", required=False),
        _yes_no("has_health_insurance", "Có thẻ BHYT"),
        _codes("attending_school", "Đang đi học (cấp học)", SCHOOL_LEVEL, required=False),
        _codes("highest_qualification", "Bằng cấp cao nhất", QUALIFICATION, required=False),
        _yes_no("stunted", "Trẻ dưới 16 tuổi thấp còi", required=False),
        _yes_no("underweight", "Trẻ dưới 16 tuổi nhẹ cân", required=False),
    ),
)

TABLES: Final = (HOUSEHOLDS, MEMBERS)


# --- cell converters ----------------------------------------------------------------------

_GROUPED_INT: Final = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_text(value: object) -> str:
    """A cell as text, in NFC (see ``domain.text``); no check of its characters."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return nfc(str(value).strip())


def to_free_text(value: object) -> str:
    """A name or other free text: no control characters."""
    text = to_text(value)
    problem = text_problem(text, code=False)
    if problem is not None:
        raise CellError(problem)
    return text


def to_code_text(value: object) -> str:
    """A code (household, commune, …): nothing invisible, no control characters."""
    text = to_text(value)
    problem = text_problem(text, code=True)
    if problem is not None:
        raise CellError(problem)
    return text


def to_int(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(message("not_integer", value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(message("not_integer", value=_shown(value)))
    text = str(value).strip().replace("\u00a0", " ")
    if _GROUPED_INT.match(text):
        text = re.sub(r"[.,\s]", "", text)
    try:
        return int(text)
    except ValueError:
        raise CellError(message("not_integer", value=text)) from None


def to_decimal(value: object) -> float:
    if isinstance(value, bool):
        raise CellError(message("not_number", value=value))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma, as Vietnamese Excel writes it
    try:
        number = float(text)
    except ValueError:
        raise CellError(message("not_number", value=text)) from None
    if not math.isfinite(number):
        raise CellError(message("not_number", value=text))
    return number


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    found = YES_NO.lookup(_shown(value))
    if found is None:
        raise CellError(message("not_boolean", value=_shown(value)))
    return found == "yes"


def code_converter(codes: CodeList) -> Converter:
    def convert(value: object) -> str:
        found = codes.lookup(_shown(value))
        if found is None:
            if codes is ETHNICITY:
                raise CellError(message("unknown_ethnicity", value=_shown(value)))
            raise CellError(
                message("unknown_code", value=_shown(value), allowed=codes.allowed_vi())
            )
        return found

    return convert


def codes_converter(codes: CodeList, separator: str = LIST_SEPARATOR) -> Converter:
    one = code_converter(codes)

    def convert(value: object) -> list[str]:
        parts = (p.strip() for p in str(value).replace("\n", separator).split(separator))
        found: list[str] = []
        for part in parts:
            if part and (code := str(one(part))) not in found:
                found.append(code)
        return found

    return convert


_DATE_FORMATS: Final = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
)


def to_datetime(value: object) -> datetime:
    """A cell as an aware datetime; naive values are Vietnam time, numbers Excel serials."""
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's 1900 date system, up to year 9999
            # to the nearest second: 08:30 is 0.3541666… of a day, which may land a hair early
            moment = _EXCEL_EPOCH + timedelta(seconds=round(float(value) * 86_400))
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    moment = datetime.strptime(text, fmt)  # noqa: DTZ007 - zone added below
                    break
                except ValueError:
                    continue
    if moment is None:
        raise CellError(message("not_date", value=_shown(value)))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment


_CITIZEN_ID_DIGITS: Final = 12


def to_citizen_id(value: object) -> str:
    """The 12-digit id as text; a number that lost its leading zero in Excel gets it back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(message("citizen_id", value=_shown(value)))
        text = str(int(value))
        if len(text) == _CITIZEN_ID_DIGITS - 1:
            text = "0" + text
    else:
        text = str(value).strip().replace(" ", "").replace(".", "")
    if len(text) != _CITIZEN_ID_DIGITS or not text.isdigit() or not text.isascii():
        raise CellError(message("citizen_id", value=_shown(value)))
    return text


def _memoised(convert: Converter) -> Converter:
    """Code and yes/no cells repeat a few values: remember what each spelling meant."""
    cache: dict[object, object] = {}
    texts: dict[str, object] = {}

    def cached(value: object) -> object:
        if value.__class__ is str:  # nearly every cell of a CSV: no key tuple to build
            try:
                return texts[value]
            except KeyError:
                result = convert(value)
                if len(texts) < 10_000:
                    texts[value] = result
                return result
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:
            return convert(value)
        result = convert(value)
        if len(cache) < 10_000:
            cache[key] = result
        return result

    return cached


def converter_for(column: Column, *, list_separator: str = LIST_SEPARATOR) -> Converter:
    """The function turning a cell of ``column`` into its value (raises ``CellError``)."""
    if column.kind is Kind.CODE and column.codes is not None:
        return _memoised(code_converter(column.codes))
    if column.kind is Kind.CODES and column.codes is not None:
        return _memoised(codes_converter(column.codes, list_separator))
    simple: dict[Kind, Converter] = {
        Kind.TEXT: to_code_text if column.key in CODE_KEYS else to_free_text,
        Kind.INTEGER: _memoised(to_int),  # ages, member numbers, years repeat
        Kind.DECIMAL: to_decimal,
        Kind.BOOLEAN: _memoised(to_bool),
        Kind.DATETIME: _memoised(to_datetime),
        Kind.CITIZEN_ID: to_citizen_id,
    }
    return simple[column.kind]


# --- headers ------------------------------------------------------------------------------


def header_index(spec: TableSpec) -> dict[str, Column]:
    """Folded header spelling -> column, for the Vietnamese and the English header."""
    index: dict[str, Column] = {}
    for column in spec.columns:
        for spelling in (column.vi, column.key):
            index[fold(spelling)] = column
    return index


def match_header(spec: TableSpec, header: str) -> Column | None:
    """The column a header cell names, ignoring case, diacritics and punctuation."""
    return header_index(spec).get(fold(header))


def error_text(errors: Sequence[tuple[str, Message]]) -> str:
    """Error-column text: one line per problem, field first, Vietnamese then English."""
    return "\n".join(f"[{name}] {msg.vi} / {msg.en}" for name, msg in errors)
