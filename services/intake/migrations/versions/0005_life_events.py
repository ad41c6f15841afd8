"""household life events: moved, split, merged, dissolved

Revision ID: 0005_life_events
Revises: 0004_personal_data
Create Date: 2026-11-29 03:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0005_life_events'
down_revision: Union[str, Sequence[str], None] = '0004_personal_data'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'household_event',
        sa.Column('change_id', S(length=64), nullable=False),
        sa.Column('household_code', S(length=64), nullable=False),
        sa.Column('kind', S(length=16), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('from_commune_code', S(length=16), nullable=False),
        sa.Column('from_village_code', S(length=32), nullable=False),
        sa.Column('to_commune_code', S(length=16), nullable=False),
        sa.Column('to_village_code', S(length=32), nullable=False),
        sa.Column('related_household_code', S(length=64), nullable=True),
        sa.Column('member_nos', S(length=256), nullable=False),
        sa.Column('cause', S(length=16), nullable=True),
        sa.Column('note', S(length=500), nullable=True),
        sa.Column('content_hash', S(length=64), nullable=False),
        sa.Column('recorded_by', S(length=128), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('change_id'),
    )
    op.create_index(
        'ix_household_event_household_code', 'household_event', ['household_code']
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('state', S(length=16), nullable=False, server_default='active')
        )
        batch_op.add_column(
            sa.Column('needs_survey', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('needs_survey')
        batch_op.drop_column('state')
    op.drop_index('ix_household_event_household_code', table_name='household_event')
    op.drop_table('household_event')
