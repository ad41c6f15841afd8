"""one person in two households: findings held until resolved; households by latest survey

Revision ID: 0006_duplicates
Revises: 0005_life_events
Create Date: 2026-11-29 03:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0006_duplicates'
down_revision: Union[str, Sequence[str], None] = '0005_life_events'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'duplicate_person',
        sa.Column('duplicate_id', S(length=64), nullable=False),
        sa.Column('citizen_key', S(length=64), nullable=False),
        sa.Column('household_a', S(length=64), nullable=False),
        sa.Column('household_b', S(length=64), nullable=False),
        sa.Column('commune_a', S(length=16), nullable=False),
        sa.Column('commune_b', S(length=16), nullable=False),
        sa.Column('member_a', sa.Integer(), nullable=False),
        sa.Column('member_b', sa.Integer(), nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolution', S(length=32), nullable=True),
        sa.Column('note', S(length=500), nullable=True),
        sa.Column('resolved_by', S(length=128), nullable=True),
        sa.PrimaryKeyConstraint('duplicate_id'),
    )
    op.create_index('ix_duplicate_person_household_a', 'duplicate_person', ['household_a'])
    op.create_index('ix_duplicate_person_household_b', 'duplicate_person', ['household_b'])
    op.create_index('ix_household_latest_survey_id', 'household', ['latest_survey_id'])


def downgrade() -> None:
    op.drop_index('ix_household_latest_survey_id', table_name='household')
    op.drop_index('ix_duplicate_person_household_b', table_name='duplicate_person')
    op.drop_index('ix_duplicate_person_household_a', table_name='duplicate_person')
    op.drop_table('duplicate_person')
