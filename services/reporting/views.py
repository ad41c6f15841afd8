"""The JSON shapes of reporting's HTTP answers (response models, so the OpenAPI document
describes them), and their construction from the use cases' results.

Figures are integers; rates are percentages rounded half up to two decimals (exact values
stay in the use cases); ``null`` is a suppressed figure (or a rate resting on one).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.domain import mpi as af
from services.reporting.domain.areas import AreaRef
from services.reporting.domain.outcomes import ASSOCIATION_EN, ASSOCIATION_VI, Outcomes
from services.reporting.domain.plans import PlanVsActual
from services.reporting.domain.tables import Row, Table
from services.reporting.domain.values import Counts, Rate
from services.reporting.service import (
    Book,
    HouseholdList,
    MpiRow,
    SignoffView,
    TargetRow,
)


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaOut(View):
    code: str = Field(description="Area code (village, commune, former district, province).")
    level: str = Field(description="village, commune, former_district or province.")
    name_vi: str | None = Field(description="Vietnamese name (null: not in the registry).")
    name_en: str | None = Field(description="English name, where the registry has one.")
    parent_code: str | None = Field(description="The area this row is summed into.")


class RoundOut(View):
    standard_id: str = Field(description="Poverty standard the figures are classified under.")
    review_year: int = Field(description="Review round (year).")
    stage: str = Field(description="proposed (engine's result) or recognised (commune decision).")


class CountsOut(View):
    households: int
    persons: int


class RateOut(View):
    households: float = Field(description="Percentage of households, 2 decimals.")
    persons: float = Field(description="Percentage of persons, 2 decimals.")


class ColumnOut(View):
    key: str
    label_vi: str
    label_en: str


class RowOut(View):
    area: AreaOut
    children: list[str] = Field(description="Codes of the rows summed into this one.")
    values: dict[str, CountsOut | None] = Field(description="Column key → figures; null: hidden.")
    rates: dict[str, RateOut | None] = Field(description="Rate key → percentages; null: hidden.")


class TableOut(View):
    key: str = Field(description="Table key (see GET /reports/tables).")
    title_vi: str
    title_en: str
    persons_vi: str = Field(description="What 'persons' counts in this table (Vietnamese).")
    persons_en: str
    round: RoundOut
    area: AreaOut | None = Field(description="The area asked for (null: the whole province).")
    by: str = Field(description="Level of the rows at the report's grain.")
    suppressed: bool = Field(description="Small cells hidden (roles below province analyst).")
    suppression_threshold: int | None
    suppressed_cells: int
    columns: list[ColumnOut]
    rates: list[ColumnOut]
    rows: list[RowOut]


class BookOut(View):
    round: RoundOut
    area: AreaOut | None
    by: str
    suppressed: bool
    tables: list[TableOut]
    plan_vs_actual: PlanVsActualOut | None = Field(
        default=None,
        description="Plans of the round's year against what was committed, disbursed and "
        "reached in the area (with the whole book only).",
    )


class TableInfo(View):
    key: str
    title_vi: str
    title_en: str


class MpiFigures(View):
    n: int = Field(description="Households (or persons) in the area.")
    q: int = Field(description="Multidimensionally poor at the cutoff (AF-poor).")
    headcount: float | None = Field(description="H = q / n.")
    intensity: float | None = Field(description="A: average deprivation share of the AF-poor.")
    m0: float | None = Field(description="M0 = H × A (adjusted headcount ratio).")
    indicators: dict[str, float] = Field(description="Each indicator's share of M0.")
    dimensions: dict[str, float] = Field(description="Each dimension's share of M0.")


class MpiRowOut(View):
    area: AreaOut
    households: MpiFigures | None = Field(description="In households; null: suppressed.")
    persons: MpiFigures | None = Field(description="In persons; null: suppressed.")


class MpiOut(View):
    round: RoundOut
    cutoff: str = Field(description="Poverty cutoff k as a fraction (e.g. '1/4').")
    suppressed: bool
    note_vi: str
    note_en: str
    rows: list[MpiRowOut]


class ListedOut(View):
    household_code: str
    commune_code: str
    village_code: str
    status: str
    previous_status: str | None
    transition: str
    member_count: int
    head_ethnicity: str
    head_sex: str | None
    ethnic_minority: bool
    no_labour_capacity: bool
    causes: list[str]
    needs: list[str]
    deprivations: list[str]
    newly_escaped_until: date | None
    support_vnd: dict[str, int] = Field(description="Support received by kind, VND.")
    sponsor: str | None


class HouseholdListOut(View):
    round: RoundOut
    kind: str = Field(description="poor, near_poor or newly_escaped.")
    area: AreaOut | None
    total: int = Field(description="Households in the list (all pages).")
    limit: int
    offset: int
    rows: list[ListedOut]


class TargetIn(View):
    review_year: int = Field(ge=2000, le=2100)
    area_code: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9._-]+$")
    measure: Literal["poor_rate", "near_poor_rate", "minority_poor_rate"]
    planned_reduction: Decimal = Field(
        ge=-100, le=100, description="Planned reduction in percentage points (2 decimals)."
    )


class TargetsIn(View):
    items: list[TargetIn] = Field(min_length=1, max_length=2000)


class TargetSetOut(View):
    review_year: int
    area_code: str
    measure: str
    planned_reduction: str


class TargetOut(View):
    area: AreaOut
    review_year: int
    measure: str
    planned_reduction: str = Field(description="Planned reduction, percentage points.")
    start_rate: float | None = Field(description="Rate at the end of the previous round, %.")
    end_rate: float | None = Field(description="Rate at the end of this round, %.")
    actual_reduction: float | None = Field(description="start − end, points (4 decimals).")
    outcome: str = Field(description="exceeded, met, missed or no_baseline.")
    previous_year: int | None = Field(description="The round the start rate comes from.")
    set_by: str
    set_at: datetime


class TargetsOut(View):
    standard_id: str
    review_year: int
    rows: list[TargetOut]


class SignoffIn(View):
    standard: str = Field(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$")
    year: int = Field(ge=2000, le=2100, description="Review round.")
    reason: str | None = Field(
        default=None,
        max_length=1000,
        pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
        description="Why (required to return a submission or reopen an approved version).",
    )


class StepOut(View):
    step: str
    from_state: str
    to_state: str
    user_id: str
    level: str
    at: datetime
    reason: str | None
    content_hash: str | None
    version: int


class VersionOut(View):
    version: int
    content_hash: str
    submitted_by: str
    submitted_at: datetime
    approved_by: str
    approved_at: datetime


class FrozenOut(VersionOut):
    standard_id: str
    review_year: int
    commune_code: str
    figures: list[tuple[str, str, str, int, int]] = Field(
        description="(measure, village, category, households, persons), as approved."
    )


class SignoffOut(View):
    standard_id: str
    review_year: int
    commune_code: str
    state: str = Field(description="open, submitted or approved.")
    approved_version: int
    submitted_hash: str | None
    submitted_by: str | None
    submitted_at: datetime | None
    live_hash: str | None = Field(description="Hash of the figures now (null: none).")
    live_differs: bool = Field(description="Later events changed the figures since approval.")
    approved: VersionOut | None
    steps: list[StepOut]


# construction --------------------------------------------------------------------------------


def area_out(a: AreaRef) -> AreaOut:
    return AreaOut(
        code=a.code,
        level=a.level.value,
        name_vi=a.name_vi,
        name_en=a.name_en,
        parent_code=a.parent_code,
    )


def round_out(book: Book | HouseholdList) -> RoundOut:
    k = book.key
    return RoundOut(standard_id=k.standard_id, review_year=k.review_year, stage=k.stage.value)


def _counts(c: Counts | None) -> CountsOut | None:
    return None if c is None else CountsOut(households=c.households, persons=c.persons)


def _rate(rates: tuple[Rate, Rate] | None) -> RateOut | None:
    if rates is None:
        return None
    return RateOut(households=rates[0].percent(), persons=rates[1].percent())


def row_out(table: Table, r: Row) -> RowOut:
    return RowOut(
        area=area_out(r.area),
        children=list(r.children),
        values={c.key: _counts(r.values.get(c.key)) for c in table.columns},
        rates={rc.key: _rate(r.rate(rc)) for rc in table.rates},
    )


def table_out(book: Book, table: Table, rows: list[Row], suppressed: bool) -> TableOut:
    return TableOut(
        key=table.key,
        title_vi=table.title_vi,
        title_en=table.title_en,
        persons_vi=table.persons_vi,
        persons_en=table.persons_en,
        round=round_out(book),
        area=area_out(book.area) if book.area else None,
        by=book.by.value,
        suppressed=suppressed,
        suppression_threshold=table.suppression_threshold,
        suppressed_cells=table.suppressed_cells,
        columns=[
            ColumnOut(key=c.key, label_vi=c.label_vi, label_en=c.label_en) for c in table.columns
        ],
        rates=[ColumnOut(key=c.key, label_vi=c.label_vi, label_en=c.label_en) for c in table.rates],
        rows=[row_out(table, r) for r in rows],
    )


def _f(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def mpi_figures(m: af.Mpi | None) -> MpiFigures | None:
    if m is None:
        return None
    return MpiFigures(
        n=m.n,
        q=m.q,
        headcount=_f(m.headcount),
        intensity=_f(m.intensity),
        m0=_f(m.m0),
        indicators={k: float(v) for k, v in m.indicators.items()},
        dimensions={k: float(v) for k, v in m.dimensions.items()},
    )


def mpi_out(book: Book, rows: list[MpiRow], suppressed: bool) -> MpiOut:
    k = book.cutoff
    return MpiOut(
        round=round_out(book),
        cutoff=f"{k.numerator}/{k.denominator}",
        suppressed=suppressed,
        note_vi="M0 không phải tỷ lệ hộ nghèo chính thức (hộ nghèo còn cần thu nhập ≤ chuẩn).",
        note_en="M0 is not the official poverty rate (the poor also need income at or below "
        "the line).",
        rows=[
            MpiRowOut(
                area=area_out(r.area),
                households=mpi_figures(r.households),
                persons=mpi_figures(r.persons),
            )
            for r in rows
        ],
    )


def list_out(found: HouseholdList, limit: int, offset: int) -> HouseholdListOut:
    return HouseholdListOut(
        round=round_out(found),
        kind=found.kind.value,
        area=area_out(found.area) if found.area else None,
        total=found.total,
        limit=limit,
        offset=offset,
        rows=[
            ListedOut(
                household_code=h.facts.household_code,
                commune_code=h.facts.commune_code,
                village_code=h.facts.village_code,
                status=h.facts.status,
                previous_status=h.facts.previous_status,
                transition=h.facts.transition,
                member_count=h.facts.member_count,
                head_ethnicity=h.facts.head_ethnicity,
                head_sex=h.facts.head_sex,
                ethnic_minority=h.facts.minority,
                no_labour_capacity=h.facts.no_labour,
                causes=list(h.facts.causes),
                needs=list(h.facts.needs),
                deprivations=list(h.facts.deprived),
                newly_escaped_until=h.facts.newly_escaped_until,
                support_vnd=dict(h.support.by_kind),
                sponsor=h.support.sponsor,
            )
            for h in found.rows
        ],
    )


def _pct(r: Rate | None) -> float | None:
    return None if r is None or r.value is None else r.percent()


def target_out(t: TargetRow) -> TargetOut:
    res = t.result
    return TargetOut(
        area=area_out(t.area),
        review_year=res.target.review_year,
        measure=res.target.measure.value,
        planned_reduction=str(res.target.planned_reduction),
        start_rate=_pct(res.start),
        end_rate=_pct(res.end),
        actual_reduction=None
        if res.actual_reduction is None
        else round(float(res.actual_reduction), 4),
        outcome=res.outcome.value,
        previous_year=t.previous_year,
        set_by=t.set_by,
        set_at=t.set_at,
    )


def signoff_out(v: SignoffView) -> SignoffOut:
    s = v.signoff
    a = v.approved
    return SignoffOut(
        standard_id=s.standard_id,
        review_year=s.review_year,
        commune_code=s.commune_code,
        state=s.state.value,
        approved_version=s.approved_version,
        submitted_hash=s.submitted_hash,
        submitted_by=s.submitted_by,
        submitted_at=s.submitted_at,
        live_hash=v.live_hash,
        live_differs=v.live_differs,
        approved=None
        if a is None
        else VersionOut(
            version=a.version,
            content_hash=a.content_hash,
            submitted_by=a.submitted_by,
            submitted_at=a.submitted_at,
            approved_by=a.approved_by,
            approved_at=a.approved_at,
        ),
        steps=[
            StepOut(
                step=r.step.value,
                from_state=r.from_state.value,
                to_state=r.to_state.value,
                user_id=r.actor.user_id,
                level=r.actor.role.value,
                at=r.at,
                reason=r.reason,
                content_hash=r.content_hash,
                version=r.version,
            )
            for r in v.steps
        ],
    )


class CoverageOut(View):
    status: str = Field(description="poor or near_poor (in the round's list).")
    kind: str = Field(description="Kind of support.")
    received: int | None = Field(description="Households that received it; null: hidden.")
    households: int | None = Field(description="Households of that status; null: hidden.")
    percent: float | None


class LoanBookOut(View):
    as_of: date
    active_loans: int
    outstanding_vnd: int
    overdue_loans: int
    overdue_vnd: int = Field(description="Principal of open instalments due before as_of.")
    overdue_percent: float | None = Field(description="Overdue share of the outstanding, %.")


class TrainingOut(View):
    workers: int = Field(
        description="Members able to work in poor, near-poor and newly escaped households."
    )
    trained: int = Field(description="Of them, enrolled in vocational training.")
    percent: float | None
    goal_percent: float
    goal_met: bool | None


class ExitOut(View):
    kind: str
    supported: int | None
    supported_exit_percent: float | None
    not_supported: int | None
    not_supported_exit_percent: float | None


class ExitsOut(View):
    poor: int | None = Field(description="Households poor in the round.")
    reviewed_next: int | None = Field(description="Of them, classified in the next round.")
    exit_percent: float | None = Field(description="Of those, share no longer poor.")
    by_kind: list[ExitOut]
    association_only: Literal[True] = True
    note_vi: str
    note_en: str


class OutcomesOut(View):
    review_year: int
    support_from: date
    support_to: date
    suppressed: bool
    coverage: list[CoverageOut]
    loans: LoanBookOut
    training: TrainingOut
    exits: ExitsOut


def _pc(x: Fraction | None) -> float | None:
    return None if x is None else round(float(x) * 100, 2)


def outcomes_out(o: Outcomes, suppressed: bool) -> OutcomesOut:
    hide = o.hidden
    cov = []
    for c in o.coverage:
        h_hidden = f"households.{c.status}" in hide
        c_hidden = h_hidden or f"coverage.{c.status}.{c.kind}" in hide
        cov.append(
            CoverageOut(
                status=c.status,
                kind=c.kind,
                received=None if c_hidden else c.received,
                households=None if h_hidden else c.households,
                percent=None if c_hidden else _pc(c.share),
            )
        )
    e = o.exits
    total_hidden = "exits.total" in hide
    return OutcomesOut(
        review_year=o.review_year,
        support_from=o.support_from,
        support_to=o.support_to,
        suppressed=suppressed,
        coverage=cov,
        loans=LoanBookOut(
            as_of=o.loans.as_of,
            active_loans=o.loans.active,
            outstanding_vnd=o.loans.outstanding_vnd,
            overdue_loans=o.loans.overdue_loans,
            overdue_vnd=o.loans.overdue_vnd,
            overdue_percent=_pc(o.loans.overdue_share),
        ),
        training=TrainingOut(
            workers=o.training.workers,
            trained=o.training.trained,
            percent=_pc(o.training.share),
            goal_percent=float(o.training.goal * 100),
            goal_met=o.training.goal_met,
        ),
        exits=ExitsOut(
            poor=None if total_hidden else e.poor,
            reviewed_next=None if total_hidden else e.reviewed_next,
            exit_percent=None
            if total_hidden or not e.reviewed_next
            else _pc(Fraction(e.exited, e.reviewed_next)),
            by_kind=[
                ExitOut(
                    kind=k.kind,
                    supported=None,
                    supported_exit_percent=None,
                    not_supported=None,
                    not_supported_exit_percent=None,
                )
                if f"exits.{k.kind}" in hide
                else ExitOut(
                    kind=k.kind,
                    supported=k.supported,
                    supported_exit_percent=_pc(k.supported_rate),
                    not_supported=k.not_supported,
                    not_supported_exit_percent=_pc(k.not_supported_rate),
                )
                for k in e.by_kind
            ],
            note_vi=ASSOCIATION_VI,
            note_en=ASSOCIATION_EN,
        ),
    )


# plans against actual --------------------------------------------------------------------------


class PlanMoneyOut(View):
    component: str = Field(description="Programme component (catalogue code).")
    source: str = Field(description="Funding source of the plan.")
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int
    remaining_vnd: int = Field(description="Allocated less disbursed (negative: above plan).")
    disbursed_pct: Decimal | None = Field(description="Disbursed of allocated, %, one decimal.")
    above_plan: bool


class PlanTargetOut(View):
    component: str
    kind: str = Field(
        description="households, workers_trained, officials_trained, communication_events."
    )
    support_kind: str | None = Field(
        description="Kind of support of a household target (null: any kind)."
    )
    planned: int
    actual: int = Field(description="Distinct households for household targets.")
    pct: Decimal | None
    above_plan: bool


class PlanAreaOut(View):
    level: str
    area_code: str
    name_vi: str | None
    name_en: str | None
    parent_code: str | None
    plan_id: str | None = Field(description="The area's own plan of the year (null: none).")
    version: int | None
    department: str | None
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int
    disbursed_pct: Decimal | None
    above_plan: bool = Field(description="More disbursed than allocated over the whole plan.")
    money: list[PlanMoneyOut]
    targets: list[PlanTargetOut]


class PlanVsActualOut(View):
    year: int
    area_code: str | None = Field(description="The area asked for (null: each province).")
    rows: list[PlanAreaOut] = Field(
        description="The area, then (a province) each former district followed by its "
        "communes, or (a former district) its communes."
    )


def plan_vs_actual_out(t: PlanVsActual) -> PlanVsActualOut:
    return PlanVsActualOut(
        year=t.year,
        area_code=t.area.code if t.area else None,
        rows=[
            PlanAreaOut(
                level=r.area.level.value,
                area_code=r.area.code,
                name_vi=r.area.name_vi,
                name_en=r.area.name_en,
                parent_code=r.area.parent_code,
                plan_id=r.plan_id,
                version=r.version,
                department=r.department,
                allocated_vnd=r.allocated_vnd,
                committed_vnd=r.committed_vnd,
                disbursed_vnd=r.disbursed_vnd,
                disbursed_pct=r.disbursed_pct,
                above_plan=r.above_plan,
                money=[
                    PlanMoneyOut(
                        component=m.component,
                        source=m.source.value,
                        allocated_vnd=m.allocated_vnd,
                        committed_vnd=m.committed_vnd,
                        disbursed_vnd=m.disbursed_vnd,
                        remaining_vnd=m.remaining_vnd,
                        disbursed_pct=m.disbursed_pct,
                        above_plan=m.above_plan,
                    )
                    for m in r.money
                ],
                targets=[
                    PlanTargetOut(
                        component=g.component,
                        kind=g.kind.value,
                        support_kind=g.support_kind,
                        planned=g.planned,
                        actual=g.actual,
                        pct=g.pct,
                        above_plan=g.above_plan,
                    )
                    for g in r.targets
                ],
            )
            for r in t.rows
        ],
    )
