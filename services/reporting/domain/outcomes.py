"""Support outcomes: who among the listed households received each kind of support, the
loan book (outstanding, overdue), training coverage against the programme's goal, and the
next round's exit rate of households that received a kind of support against those that
did not.

The exit-rate comparison is an **association**, not an effect: households were not assigned
support at random (those judged most able to use a loan get one), so a higher exit rate among
supported households does not show that the support caused it.

Pure: the shell reads households, support and loans and passes them in with the date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from shared.contracts.codes import PovertyStatus

POOR, NEAR_POOR = PovertyStatus.POOR.value, PovertyStatus.NEAR_POOR.value

ASSOCIATION_VI = (
    "Tỷ lệ thoát nghèo của hộ được hỗ trợ so với hộ không được hỗ trợ chỉ cho thấy mối liên "
    "hệ, không phải tác động của hỗ trợ (hộ không được chọn ngẫu nhiên để hỗ trợ)."
)
ASSOCIATION_EN = (
    "The exit rate of supported against unsupported households shows an association, not the "
    "effect of the support (households were not chosen for support at random)."
)


@dataclass(frozen=True, slots=True)
class ListedHousehold:
    """A household of round Y (poor, near-poor or newly escaped) and where it stands in round
    Y+1 (``next_status`` None: not classified there)."""

    household_code: str
    commune_code: str
    status: str
    newly_escaped: bool
    workers: int
    next_status: str | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """Households of a status that received a kind of support, of all of that status."""

    status: str
    kind: str
    received: int
    households: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.received, self.households) if self.households else None


def coverage(
    households: Iterable[ListedHousehold],
    received: Mapping[str, frozenset[str]],
    kinds: Sequence[str],
) -> list[Coverage]:
    """For poor and near-poor households: how many received each kind (any amount)."""
    totals = {POOR: 0, NEAR_POOR: 0}
    got = {(s, k): 0 for s in totals for k in kinds}
    for h in households:
        if h.status not in totals:
            continue
        totals[h.status] += 1
        for k in received.get(h.household_code, frozenset()):
            if (h.status, k) in got:
                got[(h.status, k)] += 1
    return [Coverage(s, k, got[(s, k)], totals[s]) for s in totals for k in kinds]


@dataclass(frozen=True, slots=True)
class ExitComparison:
    """Of the households poor in round Y and classified again in Y+1: how many of those that
    received ``kind`` left the poor list, and how many of those that did not."""

    kind: str
    supported: int
    supported_exited: int
    not_supported: int
    not_supported_exited: int

    @property
    def supported_rate(self) -> Fraction | None:
        return Fraction(self.supported_exited, self.supported) if self.supported else None

    @property
    def not_supported_rate(self) -> Fraction | None:
        return (
            Fraction(self.not_supported_exited, self.not_supported) if self.not_supported else None
        )


@dataclass(frozen=True, slots=True)
class ExitRates:
    poor: int
    """Households poor in round Y."""
    reviewed_next: int
    """Of them, classified in round Y+1 (the comparison's base)."""
    exited: int
    """Of those, no longer poor in Y+1."""
    by_kind: tuple[ExitComparison, ...]


def exit_rates(
    households: Iterable[ListedHousehold],
    received: Mapping[str, frozenset[str]],
    kinds: Sequence[str],
) -> ExitRates:
    poor = [h for h in households if h.status == POOR]
    base = [h for h in poor if h.next_status is not None]
    out = []
    for k in kinds:
        s = [h for h in base if k in received.get(h.household_code, frozenset())]
        n = [h for h in base if k not in received.get(h.household_code, frozenset())]
        out.append(
            ExitComparison(
                k,
                len(s),
                sum(1 for h in s if h.next_status != POOR),
                len(n),
                sum(1 for h in n if h.next_status != POOR),
            )
        )
    exited = sum(1 for h in base if h.next_status != POOR)
    return ExitRates(len(poor), len(base), exited, tuple(out))


@dataclass(frozen=True, slots=True)
class TrainingCoverage:
    """Workers (members able to work) of poor, near-poor and newly escaped households and how
    many of them were enrolled in vocational training, against the goal."""

    workers: int
    trained: int
    goal: Fraction

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.trained, self.workers) if self.workers else None

    @property
    def goal_met(self) -> bool | None:
        s = self.share
        return None if s is None else s >= self.goal


def training_coverage(
    households: Iterable[ListedHousehold], trainees: Mapping[str, int], goal: Fraction
) -> TrainingCoverage:
    """``trainees``: distinct members enrolled per household (counted up to its workers, so
    that a member trained twice or a trainee not counted as a worker never lifts coverage
    above 100%)."""
    workers = trained = 0
    for h in households:
        if h.status in (POOR, NEAR_POOR) or h.newly_escaped:
            workers += h.workers
            trained += min(h.workers, trainees.get(h.household_code, 0))
    return TrainingCoverage(workers, trained, goal)


@dataclass(frozen=True, slots=True)
class Loan:
    loan_id: str
    commune_code: str
    status: str
    outstanding_vnd: int
    open_instalments: tuple[tuple[date, int], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class LoanBook:
    """Active loans at a date: how many, principal outstanding, and the part overdue (open
    instalments due before the date)."""

    as_of: date
    active: int
    outstanding_vnd: int
    overdue_loans: int
    overdue_vnd: int

    @property
    def overdue_share(self) -> Fraction | None:
        return Fraction(self.overdue_vnd, self.outstanding_vnd) if self.outstanding_vnd else None


def loan_book(loans: Iterable[Loan], as_of: date) -> LoanBook:
    active = outstanding = overdue_n = overdue = 0
    for loan in loans:
        if loan.status != "active":
            continue
        active += 1
        outstanding += loan.outstanding_vnd
        late = sum(p for due, p in loan.open_instalments if due < as_of)
        if late:
            overdue_n += 1
            overdue += late
    return LoanBook(as_of, active, outstanding, overdue_n, overdue)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The support outcomes of one round in one area."""

    review_year: int
    support_from: date
    support_to: date
    coverage: tuple[Coverage, ...]
    loans: LoanBook
    training: TrainingCoverage
    exits: ExitRates
    hidden: frozenset[str] = frozenset()
    """Keys of figures hidden by suppression (see :func:`suppress_outcomes`)."""


def suppress_outcomes(o: Outcomes, threshold: int) -> Outcomes:
    """Hide counts of 1 to ``threshold - 1`` households, and their complements within the
    same total (received / not received, supported / not supported), so that none can be
    recovered by subtraction from the totals published alongside."""
    hidden: set[str] = set()

    def small(n: int) -> bool:
        return 0 < n < threshold

    for c in o.coverage:
        if small(c.households):
            hidden.add(f"households.{c.status}")
        if small(c.received) or small(c.households - c.received):
            hidden.add(f"coverage.{c.status}.{c.kind}")
    for e in o.exits.by_kind:
        if (
            small(e.supported)
            or small(e.not_supported)
            or small(e.supported_exited)
            or small(e.supported - e.supported_exited)
            or small(e.not_supported_exited)
            or small(e.not_supported - e.not_supported_exited)
        ):
            hidden.add(f"exits.{e.kind}")
    if small(o.exits.poor) or small(o.exits.reviewed_next) or small(o.exits.exited):
        hidden.add("exits.total")
    return Outcomes(
        o.review_year,
        o.support_from,
        o.support_to,
        o.coverage,
        o.loans,
        o.training,
        o.exits,
        frozenset(hidden),
    )
