"""Vietnamese and English labels of statuses, transitions, dimensions and indicators, for
human-readable explanations. Indicator names also live in each standard's data file; this
table is the fallback when only a code is at hand (e.g. in a stored classification)."""

from __future__ import annotations

from typing import Literal

from shared.contracts.codes import PovertyStatus, Transition

Lang = Literal["vi", "en"]

STATUS_LABELS: dict[str, dict[Lang, str]] = {
    PovertyStatus.POOR: {"vi": "Hộ nghèo", "en": "Poor household"},
    PovertyStatus.NEAR_POOR: {"vi": "Hộ cận nghèo", "en": "Near-poor household"},
    PovertyStatus.AVERAGE: {
        "vi": "Hộ có mức sống trung bình",
        "en": "Household of average living standard",
    },
    PovertyStatus.NOT_POOR: {"vi": "Hộ không nghèo", "en": "Not poor"},
}

TRANSITION_LABELS: dict[str, dict[Lang, str]] = {
    Transition.UNCHANGED: {"vi": "Không thay đổi", "en": "Unchanged"},
    Transition.NEWLY_POOR: {"vi": "Hộ nghèo phát sinh mới", "en": "Newly poor"},
    Transition.NEWLY_NEAR_POOR: {"vi": "Hộ cận nghèo phát sinh mới", "en": "Newly near-poor"},
    Transition.POOR_TO_NEAR_POOR: {"vi": "Từ hộ nghèo sang cận nghèo", "en": "Poor to near-poor"},
    Transition.NEAR_POOR_TO_POOR: {"vi": "Từ hộ cận nghèo sang nghèo", "en": "Near-poor to poor"},
    Transition.ESCAPED_POVERTY: {"vi": "Thoát nghèo", "en": "Escaped poverty"},
    Transition.ESCAPED_NEAR_POVERTY: {"vi": "Thoát cận nghèo", "en": "Escaped near-poverty"},
    Transition.FELL_BACK_POOR: {"vi": "Tái nghèo", "en": "Fell back into poverty"},
    Transition.FELL_BACK_NEAR_POOR: {"vi": "Tái cận nghèo", "en": "Fell back into near-poverty"},
    Transition.NOT_LISTED: {"vi": "Không thuộc danh sách", "en": "Not listed"},
}

DIMENSION_LABELS: dict[str, dict[Lang, str]] = {
    "employment": {"vi": "Việc làm", "en": "Employment"},
    "health": {"vi": "Y tế", "en": "Health"},
    "education": {"vi": "Giáo dục", "en": "Education"},
    "housing": {"vi": "Nhà ở", "en": "Housing"},
    "water_sanitation": {
        "vi": "Nước sinh hoạt, vệ sinh (và môi trường)",
        "en": "Water, sanitation (and environment)",
    },
    "information": {"vi": "Thông tin", "en": "Information"},
}

INDICATOR_LABELS: dict[str, dict[Lang, str]] = {
    "employment": {"vi": "Việc làm", "en": "Employment"},
    "dependants": {"vi": "Người phụ thuộc trong hộ gia đình", "en": "Dependants"},
    "nutrition": {"vi": "Dinh dưỡng", "en": "Nutrition"},
    "health_insurance": {"vi": "Bảo hiểm y tế", "en": "Health insurance"},
    "adult_education": {"vi": "Trình độ giáo dục của người lớn", "en": "Adult education"},
    "child_schooling": {"vi": "Tình trạng đi học của trẻ em", "en": "Child schooling"},
    "housing_quality": {"vi": "Chất lượng nhà ở", "en": "Housing quality"},
    "housing_area": {"vi": "Diện tích nhà ở bình quân đầu người", "en": "Floor area per person"},
    "water_source": {"vi": "Nguồn nước sinh hoạt", "en": "Domestic water source"},
    "latrine": {"vi": "Nhà tiêu hợp vệ sinh", "en": "Hygienic latrine"},
    "telecom": {"vi": "Sử dụng dịch vụ viễn thông", "en": "Telecommunication services"},
    "information_assets": {
        "vi": "Phương tiện phục vụ tiếp cận thông tin",
        "en": "Means of access to information",
    },
    "digital_services": {"vi": "Sử dụng dịch vụ số, internet", "en": "Digital services"},
    "waste_handling": {"vi": "Thu gom, xử lý rác thải sinh hoạt", "en": "Waste handling"},
}

AREA_LABELS: dict[str, dict[Lang, str]] = {
    "rural": {"vi": "nông thôn", "en": "rural"},
    "urban": {"vi": "thành thị", "en": "urban"},
}


def label(table: dict[str, dict[Lang, str]], code: str, lang: Lang) -> str:
    """The label of ``code`` in ``lang``, or the code itself if the table lacks it."""
    entry = table.get(code)
    return entry[lang] if entry else code
