"""Reception flows in progress (sealed answers with an expiry).

Revision ID: 0001_reception
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_reception"
down_revision = None
branch_labels = ("reception",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reception_flows",
        sa.Column("lookup", sa.String(64), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("reception_flows")
