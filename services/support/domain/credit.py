"""Policy credit (Vietnam Bank for Social Policies): a loan's schedule, its repayments,
extensions and write-offs, and its state on a day: outstanding principal, interest, overdue
principal and its ageing bucket.

Conventions (the legal terms are in the programme catalogue; these are the ledger's):

- **Schedule**, fixed at disbursement (Decree 78/2002/NĐ-CP; VBSP practice): principal in
  equal instalments every ``every_months`` after ``grace_months``, the last one at maturity
  (``term_months`` after disbursement) taking the remainder of the division; interest is
  collected monthly.
- **Day count**: actual/365 (or actual/360 if the programme says so) on the outstanding
  principal. Interest for day *x* accrues on the principal outstanding after the repayments
  of day *x*, so a loan repaid on the day it is disbursed costs nothing and a repayment on
  *t* pays the interest of the days before *t*. In a leap year February has 29 days and the
  year 366 interest days, each 1/365 of the annual rate (actual/365 "fixed").
- **Overdue** (Decision 976/QĐ-TTg of 2015): only the unpaid, unextended part of an
  instalment whose due date has passed; it is overdue from the day after its due date. Its
  interest accrues at ``overdue_rate_factor`` (130%) of the contract rate.
- **Allocation**: principal repaid or written off settles instalments in due-date order; an
  early repayment therefore settles the next instalments first and interest falls from the day
  it is made.
- **Extension** (gia hạn nợ): the unpaid part of one instalment moves to a later date, at most
  ``max_extension_months`` beyond the original maturity.
- **Write-off** (xóa nợ): principal and/or interest cancelled, with a reason; a loan whose
  principal is all settled is ``closed`` if all was repaid and ``written_off`` if any was
  written off.

Amounts are rounded to whole dong only when reported (interest is summed exactly).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from services.support.domain.dates import add_months
from services.support.domain.money import MAX_VND, round_vnd, vnd
from shared.contracts.codes import LoanStatus, OverdueBucket
from shared.errors import DomainError, ErrorKind

MAX_TERM_MONTHS = 600


BUCKET_BOUNDS = ((OverdueBucket.DAYS_1_30, 1, 30), (OverdueBucket.DAYS_31_90, 31, 90))


def bucket_of(days_past_due: int) -> OverdueBucket:
    if days_past_due <= 0:
        return OverdueBucket.CURRENT
    for bucket, lo, hi in BUCKET_BOUNDS:
        if lo <= days_past_due <= hi:
            return bucket
    return OverdueBucket.OVER_90


class FactKind(StrEnum):
    REPAYMENT = "repayment"
    EXTENSION = "extension"
    WRITE_OFF = "write_off"


@dataclass(frozen=True, slots=True)
class LoanTerms:
    principal_vnd: int
    rate_pct: Decimal
    """Annual contract rate, per cent."""
    term_months: int
    disbursed_on: date
    grace_months: int = 0
    every_months: int = 12
    days_in_year: int = 365
    overdue_rate_factor: Decimal = Decimal("1.3")

    @property
    def maturity_on(self) -> date:
        return add_months(self.disbursed_on, self.term_months)


@dataclass(frozen=True, slots=True)
class Instalment:
    due_on: date
    principal_vnd: int


@dataclass(frozen=True, slots=True)
class LoanFact:
    """A repayment, extension or write-off, as recorded."""

    fact_id: str
    kind: FactKind
    on: date
    principal_vnd: int = 0
    interest_vnd: int = 0
    instalment_due_on: date | None = None
    new_due_on: date | None = None


@dataclass(frozen=True, slots=True)
class LoanState:
    as_of: date
    status: LoanStatus
    outstanding_vnd: int
    principal_paid_vnd: int
    principal_written_off_vnd: int
    interest_accrued_vnd: int
    interest_paid_vnd: int
    interest_written_off_vnd: int
    open_instalments: tuple[Instalment, ...]
    """Unpaid part of every instalment not yet settled, in due order."""
    overdue_vnd: int
    oldest_unpaid_due_on: date | None
    days_past_due: int
    bucket: OverdueBucket
    maturity_on: date
    """Due date of the last instalment (after extensions)."""
    closed_on: date | None

    @property
    def interest_due_vnd(self) -> int:
        """Interest accrued and neither paid nor written off (0 if paid ahead)."""
        due = self.interest_accrued_vnd - self.interest_paid_vnd - self.interest_written_off_vnd
        return max(0, due)


def _invalid(field: str, vi: str, en: str, code: str = "invalid") -> DomainError:
    return DomainError(field, vi, en, code=code)


def validate_terms(terms: LoanTerms) -> None:
    problems = []
    if not 0 < terms.principal_vnd <= MAX_VND:
        problems.append(
            (
                "principal_vnd",
                "Số tiền vay phải lớn hơn 0 và không quá 10^12 đồng.",
                "The principal must be above 0 and at most 10^12 VND.",
            )
        )
    if not Decimal(0) < terms.rate_pct <= Decimal(100):
        problems.append(
            (
                "rate_pct",
                "Lãi suất phải lớn hơn 0 và không quá 100%/năm.",
                "The rate must be above 0 and at most 100% a year.",
            )
        )
    if not 1 <= terms.term_months <= MAX_TERM_MONTHS:
        problems.append(
            (
                "term_months",
                "Thời hạn vay phải từ 1 đến 600 tháng.",
                "The term must be 1 to 600 months.",
            )
        )
    elif not 0 <= terms.grace_months < terms.term_months:
        problems.append(
            (
                "grace_months",
                "Thời gian ân hạn phải ngắn hơn thời hạn vay.",
                "The grace period must be shorter than the term.",
            )
        )
    if not 1 <= terms.every_months <= MAX_TERM_MONTHS:
        problems.append(
            (
                "every_months",
                "Kỳ hạn trả gốc phải từ 1 đến 600 tháng.",
                "The instalment period must be 1 to 600 months.",
            )
        )
    if problems:
        f, vi, en = problems[0]
        raise _invalid(f, vi, en)


def schedule(terms: LoanTerms) -> tuple[Instalment, ...]:
    """Principal instalments fixed at disbursement (see the module docstring)."""
    validate_terms(terms)
    months: list[int] = []
    m = terms.grace_months + terms.every_months
    while m < terms.term_months:
        months.append(m)
        m += terms.every_months
    months.append(terms.term_months)
    n = len(months)
    share = terms.principal_vnd // n
    amounts = [share] * (n - 1) + [terms.principal_vnd - share * (n - 1)]
    return tuple(
        Instalment(add_months(terms.disbursed_on, mo), a)
        for mo, a in zip(months, amounts, strict=True)
    )


class _Book:
    """Mutable working state of one evaluation."""

    def __init__(self, terms: LoanTerms, instalments: Sequence[Instalment]) -> None:
        self.terms = terms
        self.due: list[date] = []
        self.amount: list[int] = []
        for i in instalments:
            self.put(i.due_on, i.principal_vnd)
        self.settled = 0  # principal repaid or written off
        self.paid = 0
        self.written_off = 0
        self.interest_paid = 0
        self.interest_written_off = 0
        self.interest = Fraction(0)
        self.last_fact: date | None = None

    def put(self, due: date, amount: int) -> None:
        i = bisect_left(self.due, due)
        if i < len(self.due) and self.due[i] == due:
            self.amount[i] += amount
        else:
            self.due.insert(i, due)
            self.amount.insert(i, amount)

    @property
    def outstanding(self) -> int:
        return self.terms.principal_vnd - self.settled

    def unpaid(self) -> list[tuple[date, int]]:
        """(due date, unpaid part) of every instalment not settled, in due order."""
        out = []
        cum = 0
        for d, a in zip(self.due, self.amount, strict=True):
            settled_here = min(a, max(0, self.settled - cum))
            cum += a
            if a > settled_here:
                out.append((d, a - settled_here))
        return out

    def overdue_on(self, day: date) -> int:
        """Unpaid principal of instalments due before ``day``."""
        return sum(p for d, p in self.unpaid() if d < day)

    def accrue(self, start: date, end: date) -> None:
        """Add the interest of the days ``start`` ≤ x < ``end`` at the current balances."""
        if end <= start or self.outstanding <= 0:
            return
        t = self.terms
        rate = Fraction(t.rate_pct) / 100 / t.days_in_year
        penalty = rate * Fraction(t.overdue_rate_factor)
        day = timedelta(days=1)
        cuts = sorted({d + day for d in self.due if start < d + day < end})
        points = [start, *cuts, end]
        for a, b in pairwise(points):
            days = (b - a).days
            overdue = self.overdue_on(a)
            normal = self.outstanding - overdue
            self.interest += days * (normal * rate + overdue * penalty)


def evaluate(
    terms: LoanTerms,
    facts: Sequence[LoanFact],
    as_of: date,
    *,
    max_extension_months: int = 0,
    instalments: Sequence[Instalment] | None = None,
) -> LoanState:
    """The loan's state on ``as_of`` after the facts dated on or before it (in date order, then
    the order given). Raises a ``DomainError`` naming the first fact that does not fit: a date
    before disbursement, more principal than outstanding, a fact on a finished loan, an
    extension of a settled instalment or beyond the allowed limit."""
    book = _Book(terms, instalments if instalments is not None else schedule(terms))
    cursor = terms.disbursed_on
    latest_due = add_months(terms.maturity_on, max_extension_months)
    ordered = sorted(enumerate(facts), key=lambda p: (p[1].on, p[0]))
    for _, f in ordered:
        if f.on > as_of:
            break
        if f.on < terms.disbursed_on:
            raise _invalid(
                "on",
                f"Ngày {f.on.isoformat()} ({f.fact_id}) trước ngày giải ngân "
                f"{terms.disbursed_on.isoformat()}.",
                f"{f.fact_id}: {f.on.isoformat()} is before the disbursement on "
                f"{terms.disbursed_on.isoformat()}.",
            )
        if book.outstanding <= 0:
            raise _invalid(
                "loan_id",
                f"Khoản vay đã tất toán trước ngày {f.on.isoformat()} ({f.fact_id}).",
                f"{f.fact_id}: the loan was settled before {f.on.isoformat()}.",
                "loan_settled",
            )
        book.accrue(cursor, f.on)
        cursor = f.on
        _apply(book, f, latest_due, max_extension_months)
        book.last_fact = f.on
    book.accrue(cursor, as_of)
    return _state(book, as_of)


def _apply(book: _Book, f: LoanFact, latest_due: date, max_extension_months: int) -> None:
    if f.principal_vnd < 0 or f.interest_vnd < 0:
        raise _invalid("principal_vnd", "Số tiền không được âm.", "Amounts cannot be negative.")
    if f.kind in (FactKind.REPAYMENT, FactKind.WRITE_OFF):
        if f.principal_vnd > book.outstanding:
            raise _invalid(
                "principal_vnd",
                f"{f.fact_id}: số gốc {vnd(f.principal_vnd)} lớn hơn dư nợ "
                f"{vnd(book.outstanding)} ngày {f.on.isoformat()}.",
                f"{f.fact_id}: principal {vnd(f.principal_vnd)} exceeds the outstanding "
                f"{vnd(book.outstanding)} on {f.on.isoformat()}.",
                "over_outstanding",
            )
        if f.principal_vnd == 0 and f.interest_vnd == 0:
            raise _invalid(
                "principal_vnd",
                "Số tiền gốc và lãi đều bằng 0.",
                "Both principal and interest are zero.",
            )
        book.settled += f.principal_vnd
        if f.kind is FactKind.REPAYMENT:
            book.paid += f.principal_vnd
            book.interest_paid += f.interest_vnd
        else:
            book.written_off += f.principal_vnd
            book.interest_written_off += f.interest_vnd
        return
    # extension
    due, new_due = f.instalment_due_on, f.new_due_on
    if due is None or new_due is None:
        raise _invalid(
            "instalment_due_on",
            "Thiếu kỳ hạn được gia hạn hoặc hạn mới.",
            "The instalment and its new due date are required.",
        )
    unpaid = dict(book.unpaid())
    if unpaid.get(due, 0) <= 0:
        raise _invalid(
            "instalment_due_on",
            f"Không có kỳ trả nợ chưa trả hạn {due.isoformat()} để gia hạn.",
            f"There is no unpaid instalment due on {due.isoformat()} to extend.",
            "no_such_instalment",
        )
    if new_due <= due or new_due <= f.on:
        raise _invalid(
            "new_due_on",
            "Hạn mới phải sau hạn cũ và sau ngày gia hạn.",
            "The new due date must be after the old one and the extension date.",
        )
    if new_due > latest_due:
        raise _invalid(
            "new_due_on",
            f"Hạn mới {new_due.isoformat()} vượt quá thời gian gia hạn tối đa "
            f"({max_extension_months} tháng sau ngày đáo hạn ban đầu, "
            f"{latest_due.isoformat()}).",
            f"The new due date {new_due.isoformat()} is beyond the longest extension "
            f"({max_extension_months} months after the original maturity, "
            f"{latest_due.isoformat()}).",
            "extension_too_long",
        )
    part = unpaid[due]
    i = book.due.index(due)
    book.amount[i] -= part
    if book.amount[i] == 0:
        del book.due[i], book.amount[i]
    book.put(new_due, part)
    # Allocation stays consistent: every instalment after one with an unpaid part is wholly
    # unpaid (principal settles in due order), so moving exactly the unpaid part leaves the
    # settled prefix where it was.


def _state(book: _Book, as_of: date) -> LoanState:
    unpaid = book.unpaid()
    overdue = [(d, p) for d, p in unpaid if d < as_of]
    oldest = overdue[0][0] if overdue else None
    days = (as_of - oldest).days if oldest else 0
    if book.outstanding > 0:
        status = LoanStatus.ACTIVE
    elif book.written_off > 0:
        status = LoanStatus.WRITTEN_OFF
    else:
        status = LoanStatus.CLOSED
    return LoanState(
        as_of=as_of,
        status=status,
        outstanding_vnd=book.outstanding,
        principal_paid_vnd=book.paid,
        principal_written_off_vnd=book.written_off,
        interest_accrued_vnd=round_vnd(book.interest),
        interest_paid_vnd=book.interest_paid,
        interest_written_off_vnd=book.interest_written_off,
        open_instalments=tuple(Instalment(d, p) for d, p in unpaid),
        overdue_vnd=sum(p for _, p in overdue),
        oldest_unpaid_due_on=oldest,
        days_past_due=days,
        bucket=bucket_of(days),
        maturity_on=book.due[-1] if book.due else book.terms.maturity_on,
        closed_on=book.last_fact if status is not LoanStatus.ACTIVE else None,
    )


def forbid_future(on: date, today: date, field: str = "on") -> None:
    if on > today:
        raise DomainError(
            field,
            f"Ngày {on.isoformat()} ở tương lai.",
            f"{on.isoformat()} is in the future.",
            ErrorKind.INVALID,
            code="future_date",
        )


class LoanReason(StrEnum):
    """Causes recorded for an extension or a write-off (the objective causes of Decision
    50/2010/QĐ-TTg as amended by Decision 08/2021/QĐ-TTg, and the borrower's death or
    disappearance for a write-off)."""

    NATURAL_DISASTER = "natural_disaster"
    EPIDEMIC = "epidemic"
    CROP_OR_LIVESTOCK_DISEASE = "crop_or_livestock_disease"
    FIRE = "fire"
    ILLNESS = "illness"
    DEATH = "death"
    MISSING = "missing"
    OTHER = "other"


def default_every_months(term_months: int, grace_months: int) -> int:
    """Instalment period when none is given: one payment at maturity for loans up to a year,
    yearly instalments after the grace period for longer ones (VBSP practice)."""
    return term_months - grace_months if term_months <= 12 else 12
