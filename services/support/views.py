"""What support's read side returns: frozen values, ready to serialise as JSON by the routes.

Amounts are whole VND (Python integers: totals cannot overflow). Household and member codes
only; names of individual donors, visit notes and override reasons are ledger content shown
to officers of the area, never put on a stream.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Area(View):
    """Where a household (or what belongs to it) is: what access rules look at."""

    commune_code: str
    village_code: str


class Recorded(View):
    """Outcome of a write: the id, whether it was new (False: an identical repeat), and the
    household's area."""

    id: str
    created: bool
    commune_code: str = ""
    village_code: str = ""
    overridden: bool = False
    eligible_group: str | None = None
    events: int = 0
    """Events staged in the outbox (0 for a repeat)."""


class RecordView(View):
    record_id: str
    household_code: str
    commune_code: str
    village_code: str
    member_no: int | None
    programme_code: str
    kind: str
    funding_source: str
    funding_detail: str | None
    amount_vnd: int
    quantity: Decimal | None
    unit: str | None
    item: str | None
    given_on: date
    record_type: str
    case_id: str | None
    status: str
    repayable: bool
    revolving_model: str | None
    passed_from_record_id: str | None
    pairing_id: str | None
    helping_organisation: str | None
    eligible_group: str | None
    overridden: bool
    override_reason: str | None
    overridden_by: str | None


class Totals(View):
    records: int
    amount_vnd: int
    by_kind: dict[str, int]
    by_funding_source: dict[str, int]
    by_programme: dict[str, int]
    overridden: int


class Page(View, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class Instalment(View):
    due_on: date
    principal_vnd: int


class LoanView(View):
    loan_id: str
    household_code: str
    commune_code: str
    village_code: str
    programme_code: str
    principal_vnd: int
    rate_pct: Decimal
    term_months: int
    grace_months: int
    every_months: int
    disbursed_on: date
    maturity_on: date
    status: str
    as_of: date
    outstanding_vnd: int
    principal_paid_vnd: int
    principal_written_off_vnd: int
    interest_accrued_vnd: int
    interest_paid_vnd: int
    interest_due_vnd: int
    overdue_vnd: int
    days_past_due: int
    bucket: str
    open_instalments: list[Instalment]
    schedule: list[Instalment]
    """The schedule fixed at disbursement."""


class LoanFactView(View):
    fact_id: str
    kind: str
    on: date
    principal_vnd: int
    interest_vnd: int
    instalment_due_on: date | None
    new_due_on: date | None
    reason_code: str | None
    decision_no: str | None
    loss_pct: Decimal | None


class LoanDetail(View):
    loan: LoanView
    facts: list[LoanFactView]


class BucketFigures(View):
    loans: int
    overdue_vnd: int
    outstanding_vnd: int


class PortfolioRow(View):
    commune_code: str
    """``*`` for all communes together."""
    loans: int
    outstanding_vnd: int
    overdue_vnd: int
    buckets: dict[str, BucketFigures]
    by_programme: dict[str, int]
    """Outstanding principal by programme."""


class Portfolio(View):
    as_of: date
    rows: list[PortfolioRow]


class ObligationView(View):
    obligation_id: str
    model_code: str
    record_id: str
    household_code: str
    generation: int
    received: int
    on_hand: int
    quantity_owed: int
    amount_owed_vnd: int
    repaid_vnd: int
    passed_on: int
    waived: int
    converted_vnd: int
    due_on: date
    status: str
    overdue: bool


class ChainLinkView(View):
    record_id: str
    household_code: str
    given_on: date
    generation: int
    parent_record_id: str | None


class ChainView(View):
    root_record_id: str
    generations: int
    households: int
    links: list[ChainLinkView]


class FundView(View):
    model_code: str
    capital_vnd: int
    given_vnd: int
    repaid_vnd: int
    balance_vnd: int
    owed_vnd: int
    owed_heads: int
    waived_heads: int
    open_obligations: int
    overdue_obligations: int


class HousingView(View):
    case_id: str
    household_code: str
    programme_code: str
    kind: str
    status: str
    started_on: date
    completed_on: date | None
    central_budget_vnd: int
    local_budget_vnd: int
    fund_for_the_poor_vnd: int
    other_mobilisation_vnd: int
    household_vnd: int
    labour_days: int
    total_vnd: int
    floor_area_m2: float | None
    loan_id: str | None
    overridden: bool


class CardView(View):
    card_id: str
    household_code: str
    member_no: int
    programme_code: str
    basis_group: str | None
    state_share_pct: Decimal
    free: bool
    valid_from: date
    valid_to: date
    premium_vnd: int | None
    state_paid_vnd: int | None


class TrainingView(View):
    enrolment_id: str
    household_code: str
    member_no: int
    programme_code: str
    course: str
    provider: str
    starts_on: date
    job_linkage: bool
    fee_support_vnd: int
    status: str
    completed_on: date | None
    certificate: str | None
    occupation: str | None
    dropped_on: date | None
    drop_reason_code: str | None
    outcome: str | None
    employed_on: date | None


class CoverageRow(View):
    commune_code: str
    workers: int
    trained: int
    placed: int
    trained_pct: float
    placed_pct: float
    untrained: int
    goal_pct: int = 100


class OrganisationView(View):
    organisation_code: str
    name: str
    kind: str
    commune_code: str | None


class CommitmentView(View):
    kind: str
    value_vnd: int
    description: str | None = None


class VisitView(View):
    visit_id: str
    visited_on: date
    visitor: str | None
    notes: str | None


class PairingView(View):
    pairing_id: str
    organisation_code: str
    household_code: str
    commune_code: str
    village_code: str
    starts_on: date
    ends_on: date | None
    target_year: int | None
    commitments: list[CommitmentView]
    status: str
    ended_on: date | None
    outcome: str | None
    visits: int
    last_visit_on: date | None
    support_records: int
    support_vnd: int


class HouseholdInfo(View):
    household_code: str
    commune_code: str
    village_code: str
    latest_status: str
    latest_stage: str
    recognised_status: str | None
    recognised_on: date | None
    newly_escaped_until: date | None
    members: int
    causes: list[str]
    """Causes of poverty recorded on the latest survey."""
    needs: list[str]
    """Support needs recorded on the latest survey (codes of the support kinds)."""


class HouseholdHistory(View):
    household: HouseholdInfo
    records: list[RecordView] = Field(description="Every support record, oldest first.")
    totals: Totals
    loans: list[LoanView]
    obligations: list[ObligationView]
    housing: list[HousingView]
    cards: list[CardView]
    trainings: list[TrainingView]
    pairings: list[PairingView]


class Written(View):
    """Answer to a write: the id, whether it was new (``False``: an identical repeat, nothing
    changed), where the household is, and whether the record passed by an override."""

    id: str
    created: bool
    commune_code: str = ""
    village_code: str = ""
    overridden: bool = False
    eligible_group: str | None = None


class Label(View):
    """A code with its names for people."""

    code: str
    name_vi: str
    name_en: str


class RuleView(View):
    groups: list[Label] = Field(description="The household is in any of these groups …")
    requires: list[Label] = Field(description="… and in all of these.")
    kinds: list[str] = Field(description="Kinds of support the rule is for (empty: all).")


class LimitView(View):
    max_vnd: int
    kinds: list[str]
    variant: str | None
    groups: list[str]
    valid_from: date
    valid_to: date | None
    legal_basis: str
    confirmed: bool


class RateView(View):
    rate_pct: Decimal
    groups: list[str]
    valid_from: date
    valid_to: date | None
    confirmed: bool


class ProgrammeView(View):
    code: str
    parent: str | None
    name_vi: str
    name_en: str
    period: str
    valid_from: date
    valid_to: date | None
    legal_basis: str
    confirmed: bool
    province_code: str | None
    kinds: list[Label]
    funding_sources: list[Label]
    eligibility: list[RuleView]
    limits: list[LimitView]
    rates: list[RateView] = Field(description="Interest rates (policy credit only).")
    max_term_months: int | None = None
    once_per_person: bool


class EligibilityView(View):
    """May this household (or member) receive this kind of support from this programme on
    this day, and why (or why not)."""

    household_code: str
    member_no: int | None
    programme_code: str
    kind: str
    on: date
    eligible: bool
    group: Label | None = Field(description="The group through which it qualifies.")
    recognised_status: str | None = Field(description="Status recognised and in force that day.")
    groups: list[Label] = Field(description="Every group the household is in that day.")
    max_vnd: int | None = Field(description="Most one record may carry (legal cap), if any.")
    reasons: list[dict[str, str]] = Field(
        description="Why not, in Vietnamese and English (empty when eligible)."
    )
    overridable: bool = Field(
        description="The refusal is about the household's groups, which an officer allowed to "
        "override may set aside with a reason (a programme not in force, a kind it does not "
        "fund or a legal cap are never overridden)."
    )
    may_override: bool = Field(description="The caller may record an override here.")


class ModelView(View):
    model_code: str
    name: str
    programme_code: str
    commune_code: str
    village_code: str | None
    asset: str
    species: str | None
    pass_on_per_head: int
    pass_on_due_months: int
    repay_share_pct: Decimal
    repay_due_months: int
    started_on: date


class PairingDetail(View):
    """A pairing as its sponsor and the officers of the area see it: the household (codes,
    status, causes and needs; no names), the visits, and the support given through it."""

    pairing: PairingView
    household: HouseholdInfo
    visits: list[VisitView]
    records: list[RecordView]
