"""Labels and accepted spellings of the code values on the survey, in Vietnamese and English.

The contracts keep stable English identifiers; officers write Vietnamese labels, English
labels, the identifiers themselves, or the same without diacritics. ``CodeList.lookup`` turns
any of these into the identifier; the template and the XLSForm print the labels from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from shared.contracts.codes import (
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    PovertyCause,
    Qualification,
    Relation,
    ReviewKind,
    SchoolLevel,
    Sex,
    SupportKind,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)

_FOLD_TABLE: Final = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower case, no diacritics, runs of anything but letters and digits as one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE).casefold())
    out: list[str] = []
    space = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ch.isalnum():
            if space and out:
                out.append(" ")
            out.append(ch)
            space = False
        else:
            space = True
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Code:
    """One allowed value: identifier, labels, and extra spellings officers use."""

    value: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeList:
    """An ordered list of codes with a lookup by any accepted spelling."""

    name: str
    vi_title: str
    en_title: str
    codes: tuple[Code, ...]
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for code in self.codes:
            for spelling in (code.value, code.vi, code.en, *code.aliases):
                key = fold(spelling)
                if index.setdefault(key, code.value) != code.value:
                    msg = f"code list {self.name}: '{spelling}' is ambiguous"
                    raise ValueError(msg)
        object.__setattr__(self, "_index", index)

    def lookup(self, text: str) -> str | None:
        """The identifier written as ``text`` in any accepted spelling, or None."""
        return self._index.get(fold(text))

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.codes)

    def allowed_vi(self) -> str:
        """Short list of the Vietnamese labels, for error messages."""
        return ", ".join(c.vi for c in self.codes)


def _from_enum(
    enum: type[StrEnum],
    vi_title: str,
    en_title: str,
    labels: dict[str, tuple[str, str] | tuple[str, str, tuple[str, ...]]],
) -> CodeList:
    missing = set(enum) - set(labels)
    if missing:
        msg = f"{enum.__name__}: no labels for {sorted(missing)}"
        raise ValueError(msg)
    codes = []
    for member in enum:
        entry = labels[member.value]
        aliases = entry[2] if len(entry) == 3 else ()
        codes.append(Code(member.value, entry[0], entry[1], aliases))
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", enum.__name__).lower()
    return CodeList(name, vi_title, en_title, tuple(codes))


YES_NO: Final = CodeList(
    "yes_no",
    "Có / Không",
    "Yes / No",
    (
        Code("yes", "Có", "Yes", ("c", "x", "1", "true", "y", "đúng", "TRUE", "co")),
        Code("no", "Không", "No", ("k", "0", "false", "n", "sai", "ko", "kh")),
    ),
)

REVIEW_KIND: Final = _from_enum(
    ReviewKind,
    "Loại rà soát",
    "Review kind",
    {
        "periodic": ("Định kỳ", "Periodic", ("hằng năm", "annual")),
        "regular": ("Thường xuyên", "Regular", ("hằng tháng", "monthly")),
    },
)

INCOME_BASIS: Final = _from_enum(
    IncomeBasis,
    "Cách ghi thu nhập",
    "Income basis",
    {
        "vnd_per_capita_month": ("Thu nhập (đồng/người/tháng)", "Income (VND/person/month)"),
        "score_a": ("Điểm A", "Score A"),
    },
)

SEX: Final = _from_enum(
    Sex, "Giới tính", "Sex", {"male": ("Nam", "Male", ("m",)), "female": ("Nữ", "Female", ("f",))}
)

RELATION: Final = _from_enum(
    Relation,
    "Quan hệ với chủ hộ",
    "Relation to the head",
    {
        "head": ("Chủ hộ", "Head"),
        "spouse": ("Vợ/chồng", "Spouse", ("vợ", "chồng", "wife", "husband")),
        "child": ("Con", "Child", ("con đẻ", "con nuôi", "con dâu", "con rể")),
        "parent": ("Bố/mẹ", "Parent", ("bố", "mẹ", "cha", "cha/mẹ", "father", "mother")),
        "grandchild": ("Cháu", "Grandchild"),
        "sibling": ("Anh/chị/em", "Sibling", ("anh", "chị", "em", "anh chị em")),
        "other": ("Khác", "Other"),
    },
)

WORK_CAPACITY: Final = _from_enum(
    WorkCapacity,
    "Khả năng lao động",
    "Work capacity",
    {
        "full": ("Có khả năng lao động", "Full", ("đầy đủ", "có")),
        "partial": ("Suy giảm khả năng lao động", "Partial", ("một phần", "suy giảm")),
        "none": ("Không có khả năng lao động", "None", ("không", "mất khả năng lao động")),
    },
)

EMPLOYMENT: Final = _from_enum(
    Employment,
    "Tình trạng việc làm",
    "Employment",
    {
        "employed": ("Có việc làm", "Employed", ("đang làm việc",)),
        "unemployed": ("Thất nghiệp", "Unemployed", ("không có việc làm",)),
        "not_in_labour_force": (
            "Không tham gia lao động",
            "Not in labour force",
            ("ngoài lực lượng lao động", "không tham gia lực lượng lao động"),
        ),
    },
)

SCHOOL_LEVEL: Final = _from_enum(
    SchoolLevel,
    "Đang đi học (cấp học)",
    "Attending school (level)",
    {
        "none": ("Không đi học", "Not attending", ("không",)),
        "preschool": ("Mầm non", "Preschool", ("mẫu giáo",)),
        "primary": ("Tiểu học", "Primary", ("cấp 1",)),
        "lower_secondary": ("Trung học cơ sở", "Lower secondary", ("THCS", "cấp 2")),
        "upper_secondary": ("Trung học phổ thông", "Upper secondary", ("THPT", "cấp 3")),
        "vocational": ("Giáo dục nghề nghiệp", "Vocational", ("học nghề",)),
        "higher": ("Cao đẳng, đại học", "Higher education", ("đại học", "cao đẳng")),
    },
)

QUALIFICATION: Final = _from_enum(
    Qualification,
    "Bằng cấp cao nhất",
    "Highest qualification",
    {
        "none": ("Chưa có bằng cấp", "None", ("không", "không có")),
        "primary": ("Tiểu học", "Primary", ("cấp 1",)),
        "lower_secondary": ("Trung học cơ sở", "Lower secondary", ("THCS", "cấp 2")),
        "upper_secondary": ("Trung học phổ thông", "Upper secondary", ("THPT", "cấp 3")),
        "vocational_elementary": ("Sơ cấp nghề", "Vocational elementary", ("sơ cấp",)),
        "vocational_intermediate": ("Trung cấp", "Vocational intermediate", ("trung cấp nghề",)),
        "college": ("Cao đẳng", "College"),
        "university": ("Đại học trở lên", "University or higher", ("đại học",)),
    },
)

MATERIAL: Final = _from_enum(
    Material,
    "Vật liệu (cột, tường, mái)",
    "Material (pillars, walls, roof)",
    {
        "reinforced_concrete": ("Bê tông cốt thép", "Reinforced concrete", ("bê tông",)),
        "brick_stone": ("Gạch, đá", "Brick or stone", ("gạch", "đá")),
        "steel": ("Sắt, thép", "Steel", ("sắt", "thép")),
        "durable_wood": ("Gỗ bền chắc", "Durable wood", ("gỗ",)),
        "tile": ("Ngói", "Tile"),
        "fibre_cement_metal_sheet": (
            "Tấm xi măng, tôn",
            "Fibre-cement or metal sheet",
            ("tôn", "fibro xi măng", "tấm lợp"),
        ),
        "bamboo": ("Tre, nứa", "Bamboo", ("tre", "nứa", "luồng")),
        "leaves_thatch": ("Lá, rơm rạ", "Leaves or thatch", ("lá", "rơm rạ", "tranh")),
        "mud_earth": ("Đất, vách đất", "Mud or earth", ("đất",)),
        "tarpaulin_other": ("Bạt, vật liệu khác", "Tarpaulin or other", ("bạt", "khác")),
    },
)

WATER_SOURCE: Final = _from_enum(
    WaterSource,
    "Nguồn nước sinh hoạt",
    "Domestic water source",
    {
        "piped": ("Nước máy", "Piped water"),
        "drilled_well": ("Giếng khoan", "Drilled well"),
        "protected_dug_well": ("Giếng đào được bảo vệ", "Protected dug well"),
        "protected_spring": ("Nước khe, mó được bảo vệ", "Protected spring"),
        "rainwater": ("Nước mưa", "Rainwater"),
        "bottled": ("Nước đóng bình, đóng chai", "Bottled water"),
        "unprotected_dug_well": ("Giếng đào không được bảo vệ", "Unprotected dug well"),
        "unprotected_spring": ("Nước khe, mó không được bảo vệ", "Unprotected spring"),
        "surface_water": ("Nước sông, suối, ao, hồ", "Surface water"),
        "other": ("Khác", "Other"),
    },
)

LATRINE: Final = _from_enum(
    Latrine,
    "Loại nhà tiêu",
    "Latrine",
    {
        "flush_septic": ("Tự hoại", "Flush to septic tank", ("bể tự hoại",)),
        "flush_sewer": ("Dội nước vào cống", "Flush to sewer"),
        "double_vault": ("Hai ngăn", "Double vault"),
        "ventilated_pit": ("Chìm có ống thông hơi", "Ventilated pit"),
        "biogas": ("Biogas", "Biogas"),
        "unimproved_pit": ("Hố xí không hợp vệ sinh", "Unimproved pit"),
        "hanging_over_water": ("Cầu tiêu trên ao, sông", "Hanging over water"),
        "none": ("Không có nhà tiêu", "No latrine", ("không", "không có")),
    },
)

WASTE_HANDLING: Final = _from_enum(
    WasteHandling,
    "Xử lý rác thải",
    "Waste handling",
    {
        "collected": ("Được thu gom", "Collected", ("thu gom",)),
        "treated_on_site": ("Xử lý tại hộ", "Treated on site", ("ủ", "chôn lấp")),
        "burned_open": ("Đốt lộ thiên", "Burned in the open", ("đốt",)),
        "dumped": ("Vứt bừa bãi", "Dumped", ("vứt",)),
        "other": ("Khác", "Other"),
    },
)

ASSET: Final = _from_enum(
    Asset,
    "Tài sản, phương tiện",
    "Assets and devices",
    {
        "television": ("Ti vi", "Television", ("tivi", "TV")),
        "radio": ("Đài, radio", "Radio", ("đài",)),
        "computer": ("Máy vi tính", "Computer", ("máy tính",)),
        "landline_phone": ("Điện thoại cố định", "Landline phone"),
        "mobile_phone": ("Điện thoại di động", "Mobile phone"),
        "smartphone": ("Điện thoại thông minh", "Smartphone"),
        "tablet": ("Máy tính bảng", "Tablet"),
        "motorbike": ("Xe máy", "Motorbike", ("xe gắn máy",)),
        "car": ("Ô tô", "Car", ("xe ô tô",)),
        "refrigerator": ("Tủ lạnh", "Refrigerator", ("fridge",)),
        "washing_machine": ("Máy giặt", "Washing machine"),
        "air_conditioner": ("Điều hòa", "Air conditioner", ("điều hoà", "máy lạnh")),
    },
)

POVERTY_CAUSE: Final = _from_enum(
    PovertyCause,
    "Nguyên nhân nghèo",
    "Causes of poverty",
    {
        "lack_land": ("Thiếu đất sản xuất", "Lack of production land", ("thiếu đất",)),
        "lack_capital": ("Thiếu vốn", "Lack of capital"),
        "lack_labour": ("Thiếu lao động", "Lack of labour"),
        "lack_tools": ("Thiếu công cụ sản xuất", "Lack of production tools"),
        "lack_know_how": ("Thiếu kiến thức sản xuất", "Lack of know-how"),
        "lack_skills": ("Thiếu kỹ năng, tay nghề", "Lack of skills or a trade"),
        "illness_accident": ("Ốm đau, tai nạn", "Illness or accident", ("ốm đau", "tai nạn")),
        "other": ("Khác", "Other"),
    },
)

SUPPORT_KIND: Final = _from_enum(
    SupportKind,
    "Nhu cầu hỗ trợ",
    "Support needs",
    {
        "production": ("Hỗ trợ sản xuất", "Production support", ("giống cây con", "sản xuất")),
        "credit": ("Vay vốn", "Credit", ("vốn", "tín dụng")),
        "housing": ("Nhà ở", "Housing"),
        "vocational_training": ("Đào tạo nghề", "Vocational training", ("học nghề",)),
        "job_placement": ("Giới thiệu việc làm", "Job placement", ("việc làm",)),
        "health_insurance": ("Bảo hiểm y tế", "Health insurance", ("BHYT",)),
        "education": ("Giáo dục", "Education"),
        "other": ("Khác", "Other"),
    },
)

_ETHNIC_GROUPS: Final = (
    ("kinh", "Kinh"), ("tay", "Tày"), ("thai", "Thái"), ("muong", "Mường"),
    ("khmer", "Khmer"), ("hoa", "Hoa"), ("nung", "Nùng"), ("hmong", "Mông"),
    ("dao", "Dao"), ("gia_rai", "Gia Rai"), ("e_de", "Ê Đê"), ("ba_na", "Ba Na"),
    ("san_chay", "Sán Chay"), ("cham", "Chăm"), ("co_ho", "Cơ Ho"), ("xo_dang", "Xơ Đăng"),
    ("san_diu", "Sán Dìu"), ("hre", "Hrê"), ("ra_glai", "Ra Glai"), ("mnong", "Mnông"),
    ("tho", "Thổ"), ("xtieng", "Xtiêng"), ("kho_mu", "Khơ Mú"), ("bru_van_kieu", "Bru Vân Kiều"),
    ("co_tu", "Cơ Tu"), ("giay", "Giáy"), ("ta_oi", "Tà Ôi"), ("ma", "Mạ"),
    ("gie_trieng", "Giẻ Triêng"), ("co", "Co"), ("cho_ro", "Chơ Ro"), ("xinh_mun", "Xinh Mun"),
    ("ha_nhi", "Hà Nhì"), ("chu_ru", "Chu Ru"), ("lao", "Lào"), ("la_chi", "La Chí"),
    ("khang", "Kháng"), ("phu_la", "Phù Lá"), ("la_hu", "La Hủ"), ("la_ha", "La Ha"),
    ("pa_then", "Pà Thẻn"), ("lu", "Lự"), ("ngai", "Ngái"), ("chut", "Chứt"),
    ("lo_lo", "Lô Lô"), ("mang", "Mảng"), ("co_lao", "Cờ Lao"), ("bo_y", "Bố Y"),
    ("cong", "Cống"), ("si_la", "Si La"), ("pu_peo", "Pu Péo"), ("ro_mam", "Rơ Măm"),
    ("brau", "Brâu"), ("o_du", "Ơ Đu"),
)  # fmt: skip
_ETHNIC_ALIASES: Final = {"hmong": ("H'Mông", "Hmong", "Mèo"), "kinh": ("Việt",)}

ETHNICITY: Final = CodeList(
    "ethnicity",
    "Dân tộc (54 dân tộc Việt Nam)",
    "Ethnic group (Vietnam's 54 groups)",
    tuple(Code(code, vi, vi, _ETHNIC_ALIASES.get(code, ())) for code, vi in _ETHNIC_GROUPS),
)

ALL_CODE_LISTS: Final = (
    YES_NO,
    REVIEW_KIND,
    INCOME_BASIS,
    SEX,
    RELATION,
    WORK_CAPACITY,
    EMPLOYMENT,
    SCHOOL_LEVEL,
    QUALIFICATION,
    MATERIAL,
    WATER_SOURCE,
    LATRINE,
    WASTE_HANDLING,
    ASSET,
    POVERTY_CAUSE,
    SUPPORT_KIND,
    ETHNICITY,
)
