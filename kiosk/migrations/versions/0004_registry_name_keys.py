"""Holder look-up keys by name token: staff find a holder by any spelling.

The two look-up keys of a card (whole normalised ICAO name with the birth date,
and with the year) give way to one row per name token and birth year in
`holder_name_keys`. Existing cards are indexed again from their sealed names
when the kiosk starts (holder_index.reindex_holders): a migration has no
instance secret.

Revision ID: 0004_registry_name_keys
Revises: 0003_registry_issuance_key
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_registry_name_keys"
down_revision = "0003_registry_issuance_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holder_name_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column(
            "card_row", sa.Integer, sa.ForeignKey("cards.id", ondelete="CASCADE"), nullable=False
        ),
        sa.UniqueConstraint("key", "card_row"),
    )
    op.create_index("ix_holder_name_keys_card_row", "holder_name_keys", ["card_row"])
    with op.batch_alter_table("cards") as table:
        table.drop_index("ix_cards_lookup_key_year")
        table.drop_index("ix_cards_lookup_key")
        table.drop_column("lookup_key_year")
        table.drop_column("lookup_key")
        table.add_column(sa.Column("name_index", sa.Integer, nullable=True))


def downgrade() -> None:
    # The old keys cannot be rebuilt without the instance secret: cards are found by code
    # until `holder_name_keys` is back.
    with op.batch_alter_table("cards") as table:
        table.drop_column("name_index")
        table.add_column(sa.Column("lookup_key", sa.String(64), nullable=True))
        table.add_column(sa.Column("lookup_key_year", sa.String(64), nullable=True))
        table.create_index("ix_cards_lookup_key", ["lookup_key"])
        table.create_index("ix_cards_lookup_key_year", ["lookup_key_year"])
    op.drop_index("ix_holder_name_keys_card_row", "holder_name_keys")
    op.drop_table("holder_name_keys")
