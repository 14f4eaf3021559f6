"""Card registry and revocations.

Revision ID: 0001_registry
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_registry"
down_revision = None
branch_labels = ("registry",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.LargeBinary(8), nullable=False, unique=True),
        sa.Column("card_code", sa.String(11), nullable=False, unique=True, index=True),
        sa.Column("issuer_kid", sa.LargeBinary(8), nullable=False, index=True),
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("expires", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "revocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer_kid", sa.LargeBinary(8), nullable=False, index=True),
        sa.Column("rid", sa.LargeBinary(8), nullable=False),
        sa.Column("reason", sa.Integer, nullable=False),
        sa.Column("revoked_on", sa.Date, nullable=False),
        sa.Column("until", sa.Date, nullable=True),
        sa.UniqueConstraint("issuer_kid", "rid"),
    )


def downgrade() -> None:
    op.drop_table("revocations")
    op.drop_table("cards")
