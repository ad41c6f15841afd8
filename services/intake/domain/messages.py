"""Catalogue of every message intake shows to a person, in Vietnamese and English.

Messages are looked up by key and formatted with named parameters, so a translation is fixed
in one place and a test can check that both languages exist and take the same parameters.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Message:
    """A message in both languages, already formatted."""

    key: str
    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    # --- cells -------------------------------------------------------------------------
    "required": ("Bắt buộc phải điền", "Required, must not be empty"),
    "not_integer": ("'{value}' không phải là số nguyên", "'{value}' is not a whole number"),
    "not_number": ("'{value}' không phải là số", "'{value}' is not a number"),
    "not_boolean": (
        "'{value}' không hợp lệ: điền 'có' hoặc 'không'",
        "'{value}' is not valid: enter 'yes' or 'no' ('có'/'không')",
    ),
    "not_date": (
        "'{value}' không phải là ngày hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)",
        "'{value}' is not a valid date (dd/mm/yyyy or yyyy-mm-dd)",
    ),
    "unknown_code": (
        "'{value}' không nằm trong danh mục; giá trị cho phép: {allowed}",
        "'{value}' is not in the code list; allowed values: {allowed}",
    ),
    "unknown_ethnicity": (
        "'{value}' không phải là dân tộc trong danh mục (xem trang Hướng dẫn)",
        "'{value}' is not an ethnic group in the code list (see the Instructions sheet)",
    ),
    "at_least": ("Phải lớn hơn hoặc bằng {limit}", "Must be at least {limit}"),
    "at_most": ("Không được lớn hơn {limit}", "Must be at most {limit}"),
    "negative": ("Không được là số âm", "Must not be negative"),
    "impossible_age": (
        "Tuổi {value} không hợp lý (phải từ 0 đến {limit})",
        "Age {value} is impossible (must be 0 to {limit})",
    ),
    "too_long": ("Dài quá {limit} ký tự", "Longer than {limit} characters"),
    "citizen_id": (
        "Số CCCD '{value}' không hợp lệ: phải gồm đúng 12 chữ số",
        "Citizen id '{value}' is not valid: it must be exactly 12 digits",
    ),
    "invalid": ("Giá trị không hợp lệ ({detail})", "Invalid value ({detail})"),
    "control_character": (
        "Có ký tự điều khiển không được phép (U+{code})",
        "Contains a control character that is not allowed (U+{code})",
    ),
    "invisible_in_code": (
        "Mã có ký tự ẩn hoặc ký tự điều khiển (U+{code}); hãy gõ lại mã",
        "The code holds an invisible or control character (U+{code}); type the code again",
    ),
    # --- household -----------------------------------------------------------------------
    "income_missing": (
        "Phải điền thu nhập bình quân hoặc điểm A",
        "Enter either the income per person or score A",
    ),
    "income_both": (
        "Chỉ điền một trong hai: thu nhập bình quân hoặc điểm A",
        "Enter only one of the two: income per person or score A",
    ),
    "members_missing": (
        "Hộ không có thành viên nào trong trang Thành viên (mã hộ '{household}')",
        "The household has no member rows in the Members sheet (household code '{household}')",
    ),
    "too_many_members": (
        "Hộ có {count} thành viên, tối đa {limit}",
        "The household has {count} members, at most {limit} allowed",
    ),
    "duplicate_member_no": (
        "STT thành viên {value} bị trùng trong hộ (dòng {rows})",
        "Member number {value} appears more than once in the household (rows {rows})",
    ),
    "no_head": (
        "Hộ không có thành viên nào là chủ hộ",
        "No member of the household has the relation 'head'",
    ),
    "several_heads": (
        "Hộ có {count} chủ hộ; chỉ được một",
        "The household has {count} heads; exactly one is allowed",
    ),
    "duplicate_household": (
        "Mã hộ '{value}' đã xuất hiện ở dòng {row}; mỗi hộ chỉ một dòng",
        "Household code '{value}' already appears on row {row}; one row per household",
    ),
    "orphan_member": (
        "Không có hộ nào mang mã '{value}' trong trang Hộ gia đình",
        "No household with code '{value}' in the Households sheet",
    ),
    "member_errors": (
        "Có thành viên bị lỗi, xem trang Thành viên",
        "Some members have errors, see the Members sheet",
    ),
    "household_rejected": (
        "Hộ bị từ chối do lỗi ở trang Hộ gia đình",
        "The household was rejected for errors in the Households sheet",
    ),
    "household_rejected_members": (
        "Hộ bị từ chối do lỗi ở thành viên khác của hộ (trang Thành viên, dòng {rows})",
        "The household was rejected for errors in other members' rows (Members sheet, rows {rows})",
    ),
    # --- areas ---------------------------------------------------------------------------
    "unknown_commune": (
        "Mã xã '{value}' không có trong danh mục đơn vị hành chính",
        "Commune code '{value}' is not in the list of administrative areas",
    ),
    "unknown_village": (
        "Mã thôn '{value}' không có trong danh mục",
        "Village code '{value}' is not in the list of administrative areas",
    ),
    "area_retired": (
        "Địa bàn '{value}' đã bị sáp nhập hoặc giải thể từ ngày {since}",
        "Area '{value}' was merged away or abolished on {since}",
    ),
    "area_not_allowed": (
        "Bạn không được gửi phiếu cho địa bàn '{value}' (ngoài địa bàn được giao)",
        "You may not submit surveys for area '{value}' (outside your assigned area)",
    ),
    "village_not_in_commune": (
        "Thôn '{value}' thuộc xã '{actual}', không thuộc xã '{commune}'",
        "Village '{value}' belongs to commune '{actual}', not to commune '{commune}'",
    ),
    "province_mismatch": (
        "Mã tỉnh '{value}' không khớp: xã '{commune}' thuộc tỉnh '{actual}'",
        "Province code '{value}' does not match: commune '{commune}' is in province '{actual}'",
    ),
    "area_row_invalid": (
        "Danh mục đơn vị hành chính, dòng {row}: {detail}",
        "Administrative area list, row {row}: {detail}",
    ),
    # --- files ---------------------------------------------------------------------------
    "unsupported_file": (
        "Tệp '{name}' không phải là CSV hay Excel (.xlsx){detail}",
        "File '{name}' is neither CSV nor Excel (.xlsx){detail}",
    ),
    "legacy_xls": (
        "Tệp '{name}' là Excel 97-2003 (.xls): hãy lưu lại dưới dạng .xlsx",
        "File '{name}' is Excel 97-2003 (.xls): save it again as .xlsx",
    ),
    "no_header": (
        "Không tìm thấy dòng tiêu đề trong {table}: cần các cột như '{example}'",
        "No header row found in {table}: columns such as '{example}' are expected",
    ),
    "missing_column": (
        "{table} thiếu cột bắt buộc '{column}' (hoặc '{alias}')",
        "{table} lacks the required column '{column}' (or '{alias}')",
    ),
    "duplicate_column": (
        "{table} có cột '{column}' hai lần",
        "{table} has the column '{column}' twice",
    ),
    "members_table_missing": (
        "Không tìm thấy danh sách thành viên (trang hoặc tệp 'Thành viên')",
        "The member list was not found (a 'Members' sheet or file)",
    ),
    "households_table_missing": (
        "Không tìm thấy danh sách hộ (trang hoặc tệp 'Hộ gia đình')",
        "The household list was not found (a 'Households' sheet or file)",
    ),
    "archive_too_large": (
        "Tệp '{name}' giải nén ra quá lớn: phần '{member}' là {size} MB (nén {ratio}:1); cho "
        "phép tối đa {limit} MB mỗi phần và tỉ lệ nén {max_ratio}:1",
        "File '{name}' expands too far: part '{member}' is {size} MB (compressed {ratio}:1); "
        "at most {limit} MB per part and a {max_ratio}:1 ratio are allowed",
    ),
    "archive_damaged": (
        "Tệp '{name}' bị hỏng hoặc kích thước bên trong không đúng ({detail})",
        "File '{name}' is damaged or misstates its contents ({detail})",
    ),
    "cell_too_large": (
        "Dòng {row}: có ô dài hơn {limit} ký tự (quá giới hạn của Excel); tệp không đọc được "
        "từ dòng này. Các hộ ở trước đã lưu vẫn giữ; nhập lại tệp đã sửa chỉ lưu phần còn thiếu",
        "Row {row}: a cell is longer than {limit} characters (beyond Excel's own limit); the "
        "file cannot be read from this row on. Households stored before it are kept; importing "
        "the corrected file again stores only what is missing",
    ),
    "csv_unreadable": (
        "Dòng {row}: không đọc được CSV ({detail}); tệp không đọc được từ dòng này",
        "Row {row}: the CSV cannot be read ({detail}); the file cannot be read from this row on",
    ),
    # --- KoBo ----------------------------------------------------------------------------
    "kobo_no_instance_id": (
        "Bản ghi KoBo không có meta/instanceID",
        "The KoBo submission has no meta/instanceID",
    ),
    "kobo_bad_instance_id": (
        "Mã bản ghi KoBo '{name}' không hợp lệ: tối đa {limit} ký tự, không có ký tự ẩn",
        "The KoBo id '{name}' is not valid: at most {limit} characters, none invisible",
    ),
}


def message(key: str, **params: object) -> Message:
    """The message ``key`` formatted with ``params`` in both languages."""
    vi, en = CATALOGUE[key]
    return Message(key=key, vi=vi.format(**params), en=en.format(**params))


def placeholders(template: str) -> frozenset[str]:
    """Names of the ``{placeholders}`` in a template (used to check translations match)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
