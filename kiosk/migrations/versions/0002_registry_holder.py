"""Holder look-up keys, sealed display name, confirmed field names, reissue link.

Revision ID: 0002_registry_holder
Revises: 0001_registry
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_registry_holder"
down_revision = "0001_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards") as table:
        table.add_column(sa.Column("lookup_key", sa.String(64), nullable=True))
        table.add_column(sa.Column("lookup_key_year", sa.String(64), nullable=True))
        table.add_column(sa.Column("holder_sealed", sa.LargeBinary, nullable=True))
        table.add_column(
            sa.Column("confirmed_fields", sa.String(64), nullable=False, server_default="")
        )
        table.add_column(sa.Column("replaces", sa.String(11), nullable=True))
        table.create_index("ix_cards_lookup_key", ["lookup_key"])
        table.create_index("ix_cards_lookup_key_year", ["lookup_key_year"])


def downgrade() -> None:
    with op.batch_alter_table("cards") as table:
        table.drop_index("ix_cards_lookup_key_year")
        table.drop_index("ix_cards_lookup_key")
        for column in ("replaces", "confirmed_fields", "holder_sealed", "lookup_key_year",
                       "lookup_key"):
            table.drop_column(column)
