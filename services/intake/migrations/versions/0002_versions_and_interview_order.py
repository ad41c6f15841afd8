"""survey versions unique per household; household latest by interview order

Revision ID: 0002_intake_order
Revises: 0001
Create Date: 2026-12-02 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision: str = '0002_intake_order'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # versions that collided under concurrent writers are renumbered in arrival order first
    op.execute(
        "UPDATE survey SET version = (SELECT r.n FROM (SELECT survey_id, ROW_NUMBER() OVER "
        "(PARTITION BY household_code ORDER BY version, received_at, survey_id) AS n "
        "FROM survey) r WHERE r.survey_id = survey.survey_id)"
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_survey_household_version', ['household_code', 'version']
        )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'latest_order_key',
                sqlmodel.sql.sqltypes.AutoString(length=128),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('latest_order_key')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_household_version', type_='unique')
