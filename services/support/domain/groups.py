"""Target groups and a household's standing on a date.

Programmes name the groups they serve (``POOR``, ``NEAR``, ``ESC`` …, the codes of the
programme catalogue). Which groups a household belongs to on a day follows from the statuses
the commune recognised for it (the dated history kept from ``household.classified``), its
latest survey (head's ethnic group, members with a disability) and the area lists of the
catalogue (poor districts, extremely difficult communes …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

from shared.contracts.codes import PovertyStatus

VN_TZ = timezone(timedelta(hours=7), "ICT")
"""Vietnam's time zone (no daylight saving): dates of records are local dates."""

MAJORITY_ETHNICITY = "kinh"
"""Ethnic group code of the majority; every other code counts as an ethnic minority."""


class TargetGroup(StrEnum):
    """Groups a programme may serve (codes of the programme catalogue)."""

    POOR = "POOR"
    NEAR = "NEAR"
    ESC = "ESC"
    AVG = "AVG"
    LIW = "LIW"
    PD = "PD"
    EDC = "EDC"
    PC = "PC"
    DIFFICULT = "DIFFICULT"
    EM = "EM"
    PWD = "PWD"  # noqa: S105  (persons with disabilities)
    ANY = "ANY"


HOUSEHOLD_STATUS_GROUPS = (TargetGroup.POOR, TargetGroup.NEAR, TargetGroup.ESC, TargetGroup.AVG)
AREA_GROUPS = frozenset({TargetGroup.PD, TargetGroup.EDC, TargetGroup.PC, TargetGroup.DIFFICULT})
"""Groups defined by where the household lives (lists of communes in the catalogue)."""

LABELS: dict[TargetGroup, tuple[str, str]] = {
    TargetGroup.POOR: ("hộ nghèo", "poor households"),
    TargetGroup.NEAR: ("hộ cận nghèo", "near-poor households"),
    TargetGroup.ESC: ("hộ mới thoát nghèo (trong 36 tháng)", "newly escaped (within 36 months)"),
    TargetGroup.AVG: ("hộ có mức sống trung bình", "average-living households"),
    TargetGroup.LIW: ("người lao động có thu nhập thấp", "low-income workers"),
    TargetGroup.PD: ("huyện nghèo", "poor districts"),
    TargetGroup.EDC: (
        "xã đặc biệt khó khăn vùng bãi ngang",
        "extremely difficult coastal communes",
    ),
    TargetGroup.PC: ("xã nghèo", "poor communes"),
    TargetGroup.DIFFICULT: ("vùng khó khăn, đặc biệt khó khăn", "difficult areas"),
    TargetGroup.EM: ("đồng bào dân tộc thiểu số", "ethnic minorities"),
    TargetGroup.PWD: ("người khuyết tật", "persons with disabilities"),
    TargetGroup.ANY: ("mọi hộ", "any household"),
}

STATUS_LABELS: dict[PovertyStatus | None, tuple[str, str]] = {
    PovertyStatus.POOR: ("hộ nghèo", "poor"),
    PovertyStatus.NEAR_POOR: ("hộ cận nghèo", "near-poor"),
    PovertyStatus.AVERAGE: ("hộ có mức sống trung bình", "average living standard"),
    PovertyStatus.NOT_POOR: ("hộ không nghèo", "not poor"),
    None: ("chưa được công nhận", "not recognised"),
}


def labels(groups: Iterable[TargetGroup]) -> tuple[str, str]:
    """Vietnamese and English enumerations of ``groups`` for messages."""
    ordered = [g for g in TargetGroup if g in set(groups)]
    return (
        ", ".join(LABELS[g][0] for g in ordered),
        ", ".join(LABELS[g][1] for g in ordered),
    )


@dataclass(frozen=True, slots=True)
class RecognisedEntry:
    """One status the commune recognised for a household, in force from ``effective_on``."""

    effective_on: date
    status: PovertyStatus
    newly_escaped_until: date | None
    low_income_worker: bool
    order_key: str
    """Sorts entries of one day (survey order); the greater wins."""


def recognition_effective_on(
    occurred_at: datetime, surveyed_at: datetime, review_year: int
) -> date:
    """The day a recognised status takes effect for support.

    A status is in force from the commune's decision (Decision 24/2021/QĐ-TTg). The
    classification event carries no decision date, so the event's time stands for it (local
    date), kept within the round it belongs to: not before the interview, not after the end of
    its review year (an event replayed or recorded late still dates from its own round).
    """
    local = occurred_at.astimezone(VN_TZ).date()
    surveyed = surveyed_at.astimezone(VN_TZ).date()
    return min(max(local, surveyed), date(review_year, 12, 31))


def status_on(history: Sequence[RecognisedEntry], day: date) -> RecognisedEntry | None:
    """The recognised status in force on ``day`` (the latest taking effect on or before it)."""
    best: RecognisedEntry | None = None
    for e in history:
        if e.effective_on > day:
            continue
        if best is None or (e.effective_on, e.order_key) > (best.effective_on, best.order_key):
            best = e
    return best


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What eligibility needs of one member of the latest survey."""

    member_no: int
    age: int
    working_age: bool
    able_to_work: bool
    disability: bool


@dataclass(frozen=True, slots=True)
class Standing:
    """Which groups a household (or one of its members) belongs to on ``on``."""

    on: date
    status: PovertyStatus | None
    groups: frozenset[TargetGroup]


def standing(
    history: Sequence[RecognisedEntry],
    on: date,
    *,
    head_ethnicity: str | None,
    members: Sequence[MemberFacts] = (),
    member_no: int | None = None,
    area_groups: frozenset[TargetGroup] = frozenset(),
) -> Standing:
    """The household's groups on ``on``.

    - ``POOR`` / ``NEAR`` / ``AVG``: the status recognised and in force on the day;
    - ``ESC``: not poor or near-poor on the day, and the day is within the 36-month
      "newly escaped" period the recognition carries (end date inclusive);
    - ``LIW``: neither poor nor near-poor and flagged as a low-income worker household
      (Decree 30/2025/NĐ-CP);
    - ``EM``: the head's ethnic group is not Kinh (latest survey);
    - ``PWD``: the member concerned (or, for household support, any member) has a disability;
    - area groups: from the catalogue's commune lists; ``ANY``: always.
    """
    entry = status_on(history, on)
    status = entry.status if entry else None
    groups: set[TargetGroup] = {TargetGroup.ANY, *area_groups}
    if status is PovertyStatus.POOR:
        groups.add(TargetGroup.POOR)
    elif status is PovertyStatus.NEAR_POOR:
        groups.add(TargetGroup.NEAR)
    elif entry is not None:
        if status is PovertyStatus.AVERAGE:
            groups.add(TargetGroup.AVG)
        if entry.newly_escaped_until is not None and on <= entry.newly_escaped_until:
            groups.add(TargetGroup.ESC)
        if entry.low_income_worker:
            groups.add(TargetGroup.LIW)
    if head_ethnicity and head_ethnicity.strip().lower() != MAJORITY_ETHNICITY:
        groups.add(TargetGroup.EM)
    concerned = [m for m in members if member_no is None or m.member_no == member_no]
    if any(m.disability for m in concerned):
        groups.add(TargetGroup.PWD)
    return Standing(on, status, frozenset(groups))


def now_local_date(now: datetime) -> date:
    """Local (Vietnam) date of an aware ``now``."""
    return now.astimezone(VN_TZ).date() if now.tzinfo else now.replace(tzinfo=UTC).date()
