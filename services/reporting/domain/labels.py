"""Bilingual labels of the codes reporting shows as columns (Vietnamese first).

Codes of open lists (ethnic groups, indicators of a standard) are shown as their code until a
catalogue of their names reaches reporting."""

from __future__ import annotations

from shared.contracts.codes import PovertyCause, PovertyStatus, SupportKind

STATUS: dict[str, tuple[str, str]] = {
    PovertyStatus.POOR: ("Hộ nghèo", "Poor households"),
    PovertyStatus.NEAR_POOR: ("Hộ cận nghèo", "Near-poor households"),
    PovertyStatus.AVERAGE: ("Hộ có mức sống trung bình", "Average-living households"),
    PovertyStatus.NOT_POOR: ("Hộ không nghèo", "Not poor"),
}

CAUSE: dict[str, tuple[str, str]] = {
    PovertyCause.LACK_LAND: ("Thiếu đất sản xuất", "Lack of production land"),
    PovertyCause.LACK_CAPITAL: ("Thiếu vốn", "Lack of capital"),
    PovertyCause.LACK_LABOUR: ("Thiếu lao động", "Lack of labour"),
    PovertyCause.LACK_TOOLS: ("Thiếu công cụ sản xuất", "Lack of production tools"),
    PovertyCause.LACK_KNOW_HOW: ("Thiếu kiến thức sản xuất", "Lack of know-how"),
    PovertyCause.LACK_SKILLS: ("Thiếu kỹ năng, tay nghề", "Lack of skills or a trade"),
    PovertyCause.ILLNESS_ACCIDENT: ("Ốm đau, tai nạn", "Illness or accident"),
    PovertyCause.OTHER: ("Nguyên nhân khác", "Other"),
}

NEED: dict[str, tuple[str, str]] = {
    SupportKind.PRODUCTION: ("Hỗ trợ sản xuất", "Production support"),
    SupportKind.CREDIT: ("Vay vốn", "Credit"),
    SupportKind.HOUSING: ("Nhà ở", "Housing"),
    SupportKind.VOCATIONAL_TRAINING: ("Đào tạo nghề", "Vocational training"),
    SupportKind.JOB_PLACEMENT: ("Giới thiệu việc làm", "Job placement"),
    SupportKind.HEALTH_INSURANCE: ("Bảo hiểm y tế", "Health insurance"),
    SupportKind.EDUCATION: ("Giáo dục", "Education"),
    SupportKind.OTHER: ("Khác", "Other"),
}

SEX: dict[str, tuple[str, str]] = {
    "male": ("Chủ hộ nam", "Male head"),
    "female": ("Chủ hộ nữ", "Female head"),
    "": ("Chưa rõ giới tính chủ hộ", "Sex of head not known"),
}

CHILDREN: dict[str, tuple[str, str]] = {
    "children": ("Trẻ em dưới 16 tuổi", "Children under 16"),
    "uninsured": ("Không có bảo hiểm y tế", "Without health insurance"),
    "malnourished": ("Suy dinh dưỡng", "Malnourished"),
    "out_of_school": ("Không đi học", "Out of school"),
}


def status(code: str) -> tuple[str, str]:
    return STATUS.get(code, (code, code))


PLAN_SOURCE: dict[str, tuple[str, str]] = {
    "central": ("Ngân sách trung ương", "Central budget"),
    "local": ("Ngân sách địa phương", "Local budget"),
    "social_mobilisation": ("Huy động xã hội", "Social mobilisation"),
    "credit": ("Tín dụng chính sách", "Policy credit"),
    "other": ("Nguồn khác", "Other"),
}

PLAN_TARGET: dict[str, tuple[str, str]] = {
    "households": ("Số hộ được hỗ trợ", "Households supported"),
    "workers_trained": ("Lao động được đào tạo nghề", "Workers trained"),
    "officials_trained": ("Lượt cán bộ được tập huấn", "Officials trained"),
    "communication_events": ("Sự kiện truyền thông", "Communication events"),
}


def bilingual(labels: dict[str, tuple[str, str]], code: str) -> str:
    """``Vietnamese / English`` of a code (the code itself when it has no label)."""
    vi, en = labels.get(code, (code, code))
    return f"{vi} / {en}"
