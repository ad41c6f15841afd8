"""life events and area changes

Adds ``household_change`` (households' moves, splits, merges and dissolutions from
``household.changed``, counted in the change tables' other rows) and ``area_change`` (the
area list's dated changes, copied at start like ``area``). The new consumer group reads
``household.changed`` from the start, so nothing needs replaying by hand.

Revision ID: 0006_life_events
Revises: 0005_plan_execution
Create Date: 2026-11-29 05:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (column types of SQLModel tables)


revision: str = '0006_life_events'
down_revision: Union[str, Sequence[str], None] = '0005_plan_execution'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('household_change',
    sa.Column('change_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('province_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('from_commune_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('from_village_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('to_commune_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('to_village_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('related_household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('cause', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.PrimaryKeyConstraint('change_id')
    )
    with op.batch_alter_table('household_change', schema=None) as batch_op:
        batch_op.create_index('ix_household_change_effective', ['effective_on'], unique=False)
        batch_op.create_index('ix_household_change_related', ['related_household_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_change_household_code'), ['household_code'], unique=False)
    op.create_table('area_change',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('new_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('new_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('new_parent_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.PrimaryKeyConstraint('seq')
    )


def downgrade() -> None:
    op.drop_table('area_change')
    with op.batch_alter_table('household_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_change_household_code'))
        batch_op.drop_index('ix_household_change_related')
        batch_op.drop_index('ix_household_change_effective')
    op.drop_table('household_change')
