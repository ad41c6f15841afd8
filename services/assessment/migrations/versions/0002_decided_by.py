"""recognition decisions record the deciding user

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recognition_decision") as batch_op:
        batch_op.add_column(
            sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "decided_by_name", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("recognition_decision") as batch_op:
        batch_op.drop_column("decided_by_name")
        batch_op.drop_column("decided_by")
