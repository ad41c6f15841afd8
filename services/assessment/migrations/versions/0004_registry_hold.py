"""household state holds from intake's life events (split, merged, dissolved)

Revision ID: 0004_registry_hold
Revises: 0003_outbox_confirm
Create Date: 2026-11-29 03:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0004_registry_hold'
down_revision: Union[str, Sequence[str], None] = '0003_outbox_confirm'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('household_state', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('hold', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column('hold_since', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('household_state', schema=None) as batch_op:
        batch_op.drop_column('hold_since')
        batch_op.drop_column('hold')
