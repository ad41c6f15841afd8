"""one index fewer on every survey written: the household's versions are found through the
unique (household_code, version) index, whose leading column is the household code

Revision ID: 0007_survey_household_index
Revises: 0006_duplicates
Create Date: 2026-11-29 05:10:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0007_survey_household_index'
down_revision: Union[str, Sequence[str], None] = '0006_duplicates'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_survey_household_code', table_name='survey')


def downgrade() -> None:
    op.create_index('ix_survey_household_code', 'survey', ['household_code'], unique=False)
