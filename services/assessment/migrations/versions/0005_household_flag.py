"""findings from intake holding households from recognition

Revision ID: 0005_household_flag
Revises: 0004_registry_hold
Create Date: 2026-11-29 03:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0005_household_flag'
down_revision: Union[str, Sequence[str], None] = '0004_registry_hold'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'household_flag',
        sa.Column('flag_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint('flag_id', 'household_code'),
    )


def downgrade() -> None:
    op.drop_table('household_flag')
