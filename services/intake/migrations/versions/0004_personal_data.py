"""personal data kept apart from the survey payload; citizen ids sealed; village per household

Revision ID: 0004_personal_data
Revises: 0003_outbox_confirm
Create Date: 2026-11-29 02:00:00

Surveys stored before this revision hold the head's name and members' citizen ids inside the
payload (and in outbox rows not yet published). They are moved to ``survey_person`` (citizen
ids sealed with the personal-data key of the intake settings in the environment) and the
payloads rewritten without them.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401

revision: str = '0004_personal_data'
down_revision: Union[str, Sequence[str], None] = '0003_outbox_confirm'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'survey_person',
        sa.Column('survey_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('member_no', sa.Integer(), nullable=False),
        sa.Column('household_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('is_head', sa.Boolean(), nullable=False),
        sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column('given_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column('citizen_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('citizen_sealed', sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint('survey_id', 'member_no'),
    )
    for key in ('name_key', 'given_key'):  # heads only (see the model)
        op.create_index(
            f'ix_survey_person_{key}',
            'survey_person',
            [key],
            sqlite_where=sa.text(f'{key} IS NOT NULL'),
            postgresql_where=sa.text(f'{key} IS NOT NULL'),
        )
    op.create_index('ix_survey_person_citizen_key', 'survey_person', ['citizen_key'])
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'village_code',
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default='',
            )
        )
        batch_op.create_index('ix_household_village_code', ['village_code'])
        batch_op.create_index('ix_household_commune_code', ['commune_code'])
    from services.intake.adapters.personal_migration import move_personal_data

    move_personal_data(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_commune_code')
        batch_op.drop_index('ix_household_village_code')
        batch_op.drop_column('village_code')
    op.drop_index('ix_survey_person_citizen_key', table_name='survey_person')
    op.drop_index('ix_survey_person_given_key', table_name='survey_person')
    op.drop_index('ix_survey_person_name_key', table_name='survey_person')
    op.drop_table('survey_person')
