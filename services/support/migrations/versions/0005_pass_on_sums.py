"""ledger_sum without pass-ons: an animal handed on by the household that received it reaches
the next household but spends no money (the giver's record was the disbursement).

Revision ID: 0005_pass_on_sums
Revises: 0004_plans
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_pass_on_sums"
down_revision: str | Sequence[str] | None = "0004_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _resum(amount: str) -> None:
    bind = op.get_bind()
    year = (
        "CAST(strftime('%Y', given_on) AS INTEGER)"
        if bind.dialect.name == "sqlite"
        else "CAST(EXTRACT(YEAR FROM given_on) AS INTEGER)"
    )
    op.execute("DELETE FROM ledger_sum")
    op.execute(
        "INSERT INTO ledger_sum (year, commune_code, programme_code, funding_source, "
        f"amount_vnd, records) SELECT {year}, commune_code, programme_code, funding_source, "
        f"SUM({amount}), COUNT(*) FROM support_record "
        f"GROUP BY {year}, commune_code, programme_code, funding_source"
    )


def upgrade() -> None:
    _resum("CASE WHEN passed_from_record_id IS NULL THEN amount_vnd ELSE 0 END")


def downgrade() -> None:
    _resum("amount_vnd")
