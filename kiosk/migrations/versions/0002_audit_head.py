"""The audit log's HMACed head (row count + newest hash).

Revision ID: 0002_audit_head
Revises: 0001_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_audit_head"
down_revision = "0001_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_head")
