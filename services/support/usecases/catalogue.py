"""The programme catalogue as people read it, and a household's eligibility for a programme and
kind of support on a day (shown before an officer records it)."""

from __future__ import annotations

from datetime import date

from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue, Programme
from services.support.domain.eligibility import KIND_LABELS, decide
from services.support.domain.groups import LABELS, TargetGroup
from services.support.usecases.common import household, member, standing_of
from services.support.views import (
    EligibilityView,
    Label,
    LimitView,
    ProgrammeView,
    RateView,
    RuleView,
)
from shared.contracts.codes import FundingSource, SupportKind
from shared.errors import DomainError, ErrorKind

SOURCE_LABELS: dict[FundingSource, tuple[str, str]] = {
    FundingSource.CENTRAL_BUDGET: ("ngân sách trung ương", "central budget"),
    FundingSource.LOCAL_BUDGET: ("ngân sách địa phương", "local budget"),
    FundingSource.POLICY_CREDIT: ("tín dụng chính sách", "policy credit"),
    FundingSource.SOCIAL_MOBILISATION: ("huy động xã hội", "social mobilisation"),
    FundingSource.HOUSEHOLD_CONTRIBUTION: ("hộ đóng góp", "household contribution"),
}

NOT_ELIGIBLE = "not_eligible"
"""The refusal an override may set aside (the household is outside the programme's groups)."""


def group_label(g: TargetGroup) -> Label:
    return Label(code=g.value, name_vi=LABELS[g][0], name_en=LABELS[g][1])


def kind_label(k: SupportKind) -> Label:
    return Label(code=k.value, name_vi=KIND_LABELS[k][0], name_en=KIND_LABELS[k][1])


def _groups(groups: frozenset[TargetGroup]) -> list[Label]:
    return [group_label(g) for g in TargetGroup if g in groups]


def programme_view(p: Programme) -> ProgrammeView:
    return ProgrammeView(
        code=p.code,
        parent=p.parent,
        name_vi=p.name_vi,
        name_en=p.name_en,
        period=p.period,
        valid_from=p.validity.since,
        valid_to=p.validity.until,
        legal_basis=p.legal_basis,
        confirmed=p.confirmed,
        province_code=p.province_code,
        kinds=[kind_label(k) for k in SupportKind if k in p.kinds],
        funding_sources=[
            Label(code=s.value, name_vi=SOURCE_LABELS[s][0], name_en=SOURCE_LABELS[s][1])
            for s in FundingSource
            if s in p.funding_sources
        ],
        eligibility=[
            RuleView(
                groups=_groups(r.groups),
                requires=_groups(r.requires),
                kinds=sorted(k.value for k in r.kinds),
            )
            for r in p.eligibility
        ],
        limits=[
            LimitView(
                max_vnd=lim.max_vnd,
                kinds=sorted(k.value for k in lim.kinds),
                variant=lim.variant,
                groups=sorted(g.value for g in lim.groups),
                valid_from=lim.validity.since,
                valid_to=lim.validity.until,
                legal_basis=lim.legal_basis,
                confirmed=lim.confirmed,
            )
            for lim in p.limits
        ],
        rates=[
            RateView(
                rate_pct=r.rate_pct,
                groups=sorted(g.value for g in r.groups),
                valid_from=r.validity.since,
                valid_to=r.validity.until,
                confirmed=r.confirmed,
            )
            for r in (p.credit.rates if p.credit else ())
        ],
        max_term_months=p.credit.max_term_months if p.credit else None,
        once_per_person=p.once_per_person,
    )


def list_programmes(
    catalogue: Catalogue, on: date | None = None, kind: SupportKind | None = None
) -> list[ProgrammeView]:
    """The catalogue (in force on ``on`` and funding ``kind``, when given), by code."""
    return [
        programme_view(p)
        for code, p in sorted(catalogue.programmes.items())
        if (on is None or p.validity.covers(on)) and (kind is None or kind in p.kinds)
    ]


def programme_detail(catalogue: Catalogue, code: str) -> ProgrammeView:
    p = catalogue.find(code)
    if p is None:
        raise DomainError(
            "programme_code",
            f"Không có chương trình, dự án mã «{code}» trong danh mục.",
            f"There is no programme '{code}' in the catalogue.",
            ErrorKind.NOT_FOUND,
            code="unknown_programme",
        )
    return programme_view(p)


def eligibility(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    household_code: str,
    programme_code: str,
    kind: SupportKind,
    on: date,
    *,
    member_no: int | None = None,
    may_override: bool = False,
) -> EligibilityView:
    """Whether the record would be accepted, by the same rules as recording it (programme in
    force on the day and funding the kind, the household's or member's groups that day), with
    the reasons in Vietnamese and English, the cap that applies, and whether an override could
    let it through. An unknown household or member is an error (404 / 422), not a refusal."""
    with uow:
        hh = household(uow, household_code)
    if member_no is not None:
        member(hh, member_no)
    st = standing_of(hh, catalogue, on, member_no)
    group: Label | None = None
    reasons: list[dict[str, str]] = []
    overridable = False
    max_vnd: int | None = None
    try:
        programme = catalogue.programme(programme_code, on)
        limit = programme.cap(kind, None, st.groups, on)
        max_vnd = limit.max_vnd if limit else None
        verdict = decide(programme, kind, st, household_code=hh.household_code, member_no=member_no)
        group = group_label(verdict.group) if verdict.group else None
    except DomainError as refusal:
        reasons = [p.as_dict() for p in refusal.problems]
        overridable = all(p.code == NOT_ELIGIBLE for p in refusal.problems)
    return EligibilityView(
        household_code=hh.household_code,
        member_no=member_no,
        programme_code=programme_code,
        kind=kind.value,
        on=on,
        eligible=not reasons,
        group=group,
        recognised_status=st.status.value if st.status else None,
        groups=_groups(st.groups),
        max_vnd=max_vnd,
        reasons=reasons,
        overridable=overridable,
        may_override=may_override and overridable,
    )
