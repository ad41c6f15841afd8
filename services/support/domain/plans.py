"""Plans and their execution: what a level (province, former district, commune) allocated per
programme component and funding source for a year, its physical targets, revisions with a
reason, and execution = committed and disbursed against allocated.

Components are catalogue codes (``NTP2021.P3.1``); a support record under a sub-programme counts
toward an allocation to its parent component (``NTP2021.P3`` covers ``NTP2021.P3.1``). The
2021–2025 programme's components and their funding are set by Decision 90/QĐ-TTg (18/01/2022);
how a province splits them into yearly plans is local practice (Trấn Yên's district plan per
component, each with a responsible department).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.plans import (
    PLAN_SOURCE_OF,
    NeedStatus,
    ObstacleStatus,
    PlanSource,
    TargetKind,
)
from shared.errors import DomainError, ErrorKind
from shared.plan_execution import ExecutionLine, component_in, pct

SOURCE_OF: Mapping[FundingSource, PlanSource] = PLAN_SOURCE_OF
"""The plan source a ledger entry's funding source counts toward (the contract's mapping)."""

Line = ExecutionLine
"""Execution of one (component, source) of a plan in an area (``shared.plan_execution``)."""

Key = tuple[str, PlanSource]
"""(component, source) of a plan line."""


@dataclass(frozen=True, slots=True)
class PlanLines:
    """What a plan allocates and targets, as execution reads it."""

    plan_id: str
    allocated: Mapping[Key, int]
    targets: tuple[tuple[str, TargetKind, SupportKind | None, int], ...]
    """(component, kind, support kind, quantity)."""


def execution(
    allocated: Mapping[Key, int],
    actual: Mapping[tuple[str, PlanSource], Sequence[int]],
) -> list[Line]:
    """Lines for every planned (component, source) and every one with spending but no plan.

    ``actual`` maps (programme code, source) to (committed, disbursed) as recorded in the
    ledger; each programme code is counted once, under the most specific planned component
    covering it (or under its own code when no component covers it: spending outside the
    plan shows as a line with nothing allocated)."""
    components = frozenset(c for c, _ in allocated)
    sums: dict[Key, list[int]] = {k: [0, 0] for k in allocated}
    for (code, source), (committed, disbursed) in actual.items():
        comp = component_in(components, code) or code
        acc = sums.setdefault((comp, source), [0, 0])
        acc[0] += committed
        acc[1] += disbursed
    return [
        Line(comp, source, allocated.get((comp, source), 0), c, d)
        for (comp, source), (c, d) in sorted(sums.items())
    ]


@dataclass(frozen=True, slots=True)
class Totals:
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int

    @property
    def disbursed_pct(self) -> Decimal | None:
        return pct(self.disbursed_vnd, self.allocated_vnd)

    @property
    def above_plan(self) -> bool:
        """The year-end verdict "above the plan target": more disbursed than allocated."""
        return self.allocated_vnd > 0 and self.disbursed_vnd > self.allocated_vnd


def totals(lines: Iterable[Line]) -> Totals:
    a = c = d = 0
    for line in lines:
        a += line.allocated_vnd
        c += line.committed_vnd
        d += line.disbursed_vnd
    return Totals(a, c, d)


@dataclass(frozen=True, slots=True)
class Change:
    """One allocation a revision changed (0: absent)."""

    component: str
    source: PlanSource
    before_vnd: int
    after_vnd: int


def changes(before: Mapping[Key, int], after: Mapping[Key, int]) -> list[Change]:
    """What a revision changed, line by line: allocations added, removed or re-sized (a
    revision replaces a plan's lines as a whole; the history shows the difference)."""
    return [
        Change(c, s, before.get((c, s), 0), after.get((c, s), 0))
        for c, s in sorted(set(before) | set(after))
        if before.get((c, s), 0) != after.get((c, s), 0)
        or (c, s) not in before
        or (c, s) not in after
    ]


def check_room(
    plan_id: str,
    component: str,
    source: PlanSource,
    allocated: int,
    used: int,
    amount: int,
    *,
    override_reason: str | None,
    may_override: bool,
) -> bool:
    """Whether a disbursement of ``amount`` fits what is left of an allocation (``allocated``
    less ``used`` so far). Above it: 422, unless an officer allowed to override gives a reason
    (then ``True``: recorded as an override of the plan). Nothing spent (a card the state pays
    nothing for) never exceeds a plan, even one already overspent."""
    left = allocated - used
    if amount <= 0 or amount <= left:
        return False
    if override_reason and may_override:
        return True
    raise DomainError(
        "amount_vnd",
        f"Vượt kế hoạch {plan_id}: thành phần {component}, nguồn {source.value} còn "
        f"{max(left, 0):,} đồng, khoản chi {amount:,} đồng. Cần người có quyền duyệt vượt và "
        "ghi lý do (override_reason).",
        f"Above plan {plan_id}: component {component}, source {source.value} has "
        f"{max(left, 0):,} VND left, this disbursement is {amount:,} VND. An officer allowed "
        "to override must give a reason (override_reason).",
        code="above_plan",
    )


def check_components(components: Iterable[str], known: Iterable[str], field: str) -> None:
    """Every component must be a programme of the catalogue."""
    have = set(known)
    unknown = sorted({c for c in components if c not in have})
    if unknown:
        listed = ", ".join(unknown)
        raise DomainError(
            field,
            f"Thành phần chương trình không có trong danh mục: {listed}.",
            f"Programme components not in the catalogue: {listed}.",
            code="unknown_component",
        )


def check_unique(keys: Iterable[tuple[object, ...]], field: str) -> None:
    seen: set[tuple[object, ...]] = set()
    for k in keys:
        if k in seen:
            shown = " / ".join(str(p) for p in k)
            raise DomainError(
                field,
                f"Dòng kế hoạch bị lặp: {shown}.",
                f"Plan line given twice: {shown}.",
                code="duplicate_line",
            )
        seen.add(k)


# ---------------------------------------------------------------------- needs registration

NEXT: Mapping[NeedStatus, frozenset[NeedStatus]] = {
    NeedStatus.REGISTERED: frozenset({NeedStatus.APPROVED, NeedStatus.DECLINED}),
    NeedStatus.APPROVED: frozenset({NeedStatus.SERVED, NeedStatus.DECLINED}),
    NeedStatus.SERVED: frozenset(),
    NeedStatus.DECLINED: frozenset(),
}
"""A registration moves registered → approved → served, or is declined before it is served."""


def advance(
    need_id: str,
    current: NeedStatus,
    to: NeedStatus,
    *,
    reason: str | None,
    record_id: str | None,
) -> NeedStatus:
    """The status after a decision, or a 422 naming what is allowed."""
    if to not in NEXT[current]:
        allowed = ", ".join(sorted(s.value for s in NEXT[current])) or "—"
        raise DomainError(
            "status",
            f"Đăng ký {need_id} đang ở trạng thái «{current.value}», không chuyển sang "
            f"«{to.value}» được (được phép: {allowed}).",
            f"Registration {need_id} is {current.value}; it cannot become {to.value} "
            f"(allowed: {allowed}).",
            ErrorKind.CONFLICT,
            code="need_transition",
        )
    if to is NeedStatus.DECLINED and not reason:
        raise DomainError(
            "reason",
            "Từ chối đăng ký phải ghi lý do.",
            "A declined registration needs a reason.",
        )
    if to is NeedStatus.SERVED and not record_id:
        raise DomainError(
            "record_id",
            "Đăng ký đã đáp ứng phải gắn với khoản hỗ trợ đã ghi.",
            "A served registration must name the support record that served it.",
        )
    return to


def check_open(obstacle_id: str, status: str) -> None:
    if status != ObstacleStatus.OPEN:
        raise DomainError(
            "obstacle_id",
            f"Kiến nghị {obstacle_id} đã có quyết định.",
            f"Obstacle {obstacle_id} has already been decided.",
            ErrorKind.CONFLICT,
            code="obstacle_decided",
        )


# ---------------------------------------------------------------------- escape commitments

ESCAPED = frozenset({"near_poor", "average", "not_poor"})
"""Recognised statuses out of poverty (a near-poor household has left the poor list)."""


def escape_outcome(target_year: int, statuses: Iterable[tuple[int, str]]) -> str:
    """Whether a household that committed to leave poverty by ``target_year`` did, read from
    the recognised statuses of the annual reviews (``(review_year, status)``): ``met`` when a
    review of ``target_year`` or earlier recognised it out of poverty and it stayed out,
    ``not_met`` when the review of ``target_year`` (or a later one, if that one is missing)
    still recognises it poor, ``pending`` while no such review exists."""
    by_year: dict[int, str] = {}
    for year, status in statuses:
        by_year[year] = status
    upto = [y for y in by_year if y <= target_year]
    if upto:
        last = by_year[max(upto)]
        if last in ESCAPED:
            return "met"
        if target_year in by_year:
            return "not_met"
    later = sorted(y for y in by_year if y > target_year)
    if later:
        return "not_met" if by_year[later[0]] not in ESCAPED else "late"
    return "pending"
