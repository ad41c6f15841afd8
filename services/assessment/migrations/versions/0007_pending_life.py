"""life events of households not classified yet, kept until their first classification

Revision ID: 0007_pending_life
Revises: 0006_season_index
Create Date: 2026-11-29 03:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0007_pending_life'
down_revision: Union[str, Sequence[str], None] = '0006_season_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'pending_life_event',
        sa.Column('change_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('change_id'),
    )
    op.create_index(
        'ix_pending_life_event_household_code', 'pending_life_event', ['household_code']
    )


def downgrade() -> None:
    op.drop_index('ix_pending_life_event_household_code', table_name='pending_life_event')
    op.drop_table('pending_life_event')
