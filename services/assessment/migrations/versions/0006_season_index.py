"""covering index for the review-season counts

Revision ID: 0006_season_index
Revises: 0005_household_flag
Create Date: 2026-11-29 02:30:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0006_season_index'
down_revision: Union[str, Sequence[str], None] = '0005_household_flag'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index(
        "ix_household_state_season",
        "household_state",
        [
            "commune_code",
            "meeting_outcome",
            "recognised_status",
            "recognised_survey_id",
            "latest_survey_id",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_household_state_season", table_name="household_state")
