"""support outcomes: loans, trainees' members and dates, sponsors

Adds the loan book (latest state of each loan from the credit streams), the member and start
date of each training enrolment and the organisation helping a household. Rows projected
before this revision lack the new fields: replay support.disbursed and training.enrolled from
the start (``XGROUP SETID <stream> reporting 0``) to fill them; the credit streams are read
from the start by the new consumer group anyway.

Revision ID: 0004_support_outcomes
Revises: 0003_outbox_confirm
Create Date: 2026-11-29 02:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (column types of SQLModel tables)


revision: str = '0004_support_outcomes'
down_revision: Union[str, Sequence[str], None] = '0003_outbox_confirm'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('loan',
    sa.Column('loan_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('commune_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('programme_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('outstanding_vnd', COUNT, nullable=False),
    sa.Column('open_instalments', sa.Text(), nullable=False),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.PrimaryKeyConstraint('loan_id')
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_commune_code'), ['commune_code'], unique=False)
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helping_organisation', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_no', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_training_household_code'), ['household_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_household_code'))
        batch_op.drop_column('starts_on')
        batch_op.drop_column('member_no')
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.drop_column('helping_organisation')
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_commune_code'))
    op.drop_table('loan')
