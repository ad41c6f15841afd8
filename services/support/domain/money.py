"""Amounts in VND: whole dong, 64-bit, with a sane ceiling per record.

Every amount the ledger accepts is an ``int`` between 0 and :data:`MAX_VND` (10^12 dong, a
thousand billion: above any single household support or loan). Totals are summed as Python
integers (unbounded) or, in SQL, split so that no partial sum can overflow 64 bits
(see ``services.support.adapters.sums``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from shared.contracts.support import MAX_AMOUNT_VND

MAX_VND = MAX_AMOUNT_VND
"""Ceiling of one amount in one record (10^12 VND; the event contract's bound)."""

MAX_QUANTITY = Decimal(1_000_000)
"""Ceiling of a quantity of goods in one record (heads, kg, seedlings …)."""


def round_vnd(value: Fraction | Decimal) -> int:
    """Whole dong, half away from zero (amounts here are never negative)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount_vnd: int, pct: Decimal) -> int:
    """``pct`` per cent of ``amount_vnd``, rounded to whole dong."""
    return round_vnd(Fraction(amount_vnd) * Fraction(pct) / 100)


def vnd(amount: int) -> str:
    """``1.234.567 đ`` as written in Vietnamese documents."""
    return f"{amount:,}".replace(",", ".") + " đ"
