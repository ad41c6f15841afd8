"""outbox rows kept until Redis has persisted them

Revision ID: 0002_outbox_confirm
Revises: 0001
Create Date: 2026-12-02 09:30:00

"""
from typing import Sequence, Union

from shared.migrations import add_outbox_confirmation, drop_outbox_confirmation


revision: str = '0002_outbox_confirm'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    add_outbox_confirmation()


def downgrade() -> None:
    drop_outbox_confirmation()
