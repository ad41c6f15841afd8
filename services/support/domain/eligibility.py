"""Eligibility: may this household receive this kind of support from this programme on this
day? Checked against the status the commune recognised and in force on the record's date
(see ``groups.standing``). A household outside the programme's groups is refused with the
reason, unless an officer allowed to override gives a reason: the record then carries the
reason and who overrode, and is reported as an override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.support.domain.catalogue import Limit, Programme
from services.support.domain.groups import STATUS_LABELS, Standing, TargetGroup, labels
from services.support.domain.money import vnd
from shared.contracts.codes import SupportKind
from shared.errors import DomainError, ErrorKind

KIND_LABELS: dict[SupportKind, tuple[str, str]] = {
    SupportKind.PRODUCTION: ("hỗ trợ sản xuất", "production support"),
    SupportKind.CREDIT: ("tín dụng", "credit"),
    SupportKind.HOUSING: ("nhà ở", "housing"),
    SupportKind.VOCATIONAL_TRAINING: ("đào tạo nghề", "vocational training"),
    SupportKind.JOB_PLACEMENT: ("việc làm", "job placement"),
    SupportKind.HEALTH_INSURANCE: ("bảo hiểm y tế", "health insurance"),
    SupportKind.EDUCATION: ("giáo dục", "education"),
    SupportKind.OTHER: ("hỗ trợ khác", "other support"),
}

MAX_OVERRIDE_REASON = 500


@dataclass(frozen=True, slots=True)
class Verdict:
    """Outcome of the check: the group through which the household qualified, or the
    override that let the record through."""

    group: TargetGroup | None
    overridden: bool
    override_reason: str | None = None
    overridden_by: str | None = None


def _who(household_code: str, member_no: int | None) -> tuple[str, str]:
    if member_no is None:
        return f"Hộ {household_code}", f"Household {household_code}"
    return (
        f"Thành viên số {member_no} của hộ {household_code}",
        f"Member {member_no} of household {household_code}",
    )


def check_kind(programme: Programme, kind: SupportKind) -> None:
    """422 unless ``programme`` funds support of ``kind`` for households."""
    if kind not in programme.kinds:
        k_vi, k_en = KIND_LABELS[kind]
        raise DomainError(
            "kind",
            f"Chương trình «{programme.code}» không hỗ trợ {k_vi} cho hộ gia đình.",
            f"Programme '{programme.code}' does not fund {k_en} for households.",
            code="kind_not_funded",
        )


def decide(
    programme: Programme,
    kind: SupportKind,
    standing: Standing,
    *,
    household_code: str,
    member_no: int | None = None,
    override_reason: str | None = None,
    may_override: bool = False,
    actor: str | None = None,
) -> Verdict:
    """Accept the record (returning the qualifying group) or refuse it with the reason.

    - the programme must fund ``kind`` (never overridable);
    - the household (or member) must be in a group one of the programme's rules for ``kind``
      names, and in every group the rule requires, on the record's date;
    - otherwise, with ``override_reason`` and ``may_override`` the record is accepted as an
      override; with a reason but without the right: 403; without a reason: 422.
    A reason given for a household that qualifies anyway is not an override and is dropped.
    """
    check_kind(programme, kind)
    for rule in programme.rules_for(kind):
        group = rule.matched(standing.groups)
        if group is not None:
            return Verdict(group, overridden=False)
    return gate(
        refusal(programme, kind, standing, household_code, member_no),
        override_reason=override_reason,
        may_override=may_override,
        actor=actor,
    )


def gate(
    problem: DomainError,
    *,
    override_reason: str | None,
    may_override: bool,
    actor: str | None,
    group: TargetGroup | None = None,
) -> Verdict:
    """Let a record a rule refuses through as an override, or raise why not: with a reason but
    without the right to override, 403; without a reason, the rule's own 422."""
    reason = (override_reason or "").strip()
    if not reason:
        raise problem
    if not may_override:
        raise DomainError(
            "override_reason",
            "Bạn không có quyền ghi nhận hỗ trợ ngoài quy định của chương trình.",
            "You are not allowed to override a programme's rules.",
            ErrorKind.FORBIDDEN,
            code="override_not_allowed",
        )
    return Verdict(group, overridden=True, override_reason=reason, overridden_by=actor)


def refusal(
    programme: Programme,
    kind: SupportKind,
    standing: Standing,
    household_code: str,
    member_no: int | None,
) -> DomainError:
    """The 422 explaining who the programme serves and what the household was that day."""
    who_vi, who_en = _who(household_code, member_no)
    st_vi, st_en = STATUS_LABELS[standing.status]
    wanted_vi: list[str] = []
    wanted_en: list[str] = []
    for rule in programme.rules_for(kind):
        g_vi, g_en = labels(rule.groups)
        if rule.requires:
            r_vi, r_en = labels(rule.requires)
            g_vi, g_en = f"{g_vi} (và thuộc: {r_vi})", f"{g_en} (and: {r_en})"
        wanted_vi.append(g_vi)
        wanted_en.append(g_en)
    k_vi, k_en = KIND_LABELS[kind]
    day = standing.on.isoformat()
    return DomainError(
        "household_code",
        f"{who_vi} là «{st_vi}» vào ngày {day}; {k_vi} của chương trình «{programme.code}» "
        f"chỉ dành cho: {'; '.join(wanted_vi)}. Cán bộ có thẩm quyền có thể ghi nhận ngoại lệ "
        "kèm lý do.",
        f"{who_en} was '{st_en}' on {day}; {k_en} from programme '{programme.code}' is for: "
        f"{'; '.join(wanted_en)}. An officer allowed to override may record it with a reason.",
        code="not_eligible",
    )


def check_cap(
    programme: Programme,
    kind: SupportKind,
    amount_vnd: int,
    groups: frozenset[TargetGroup],
    on: date,
    *,
    variant: str | None = None,
    field_name: str = "amount_vnd",
) -> Limit | None:
    """422 if ``amount_vnd`` exceeds the most generous limit that applies (legal caps are not
    overridable); returns that limit."""
    limit = programme.cap(kind, variant, groups, on)
    if limit is not None and amount_vnd > limit.max_vnd:
        basis = f" ({limit.legal_basis})" if limit.legal_basis else ""
        raise DomainError(
            field_name,
            f"Mức hỗ trợ {vnd(amount_vnd)} vượt mức tối đa {vnd(limit.max_vnd)} của chương "
            f"trình «{programme.code}»{basis}.",
            f"{vnd(amount_vnd)} exceeds the maximum of {vnd(limit.max_vnd)} for programme "
            f"'{programme.code}'{basis}.",
            code="over_limit",
        )
    return limit
