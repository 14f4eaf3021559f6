"""The issuance key of the kiosk flow that issued a card: one card per flow, however often
its final submit arrives.

Revision ID: 0003_registry_issuance_key
Revises: 0002_registry_holder
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_registry_issuance_key"
down_revision = "0002_registry_holder"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards") as table:
        table.add_column(sa.Column("issuance_key", sa.String(64), nullable=True))
        table.create_index("ix_cards_issuance_key", ["issuance_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("cards") as table:
        table.drop_index("ix_cards_issuance_key")
        table.drop_column("issuance_key")
