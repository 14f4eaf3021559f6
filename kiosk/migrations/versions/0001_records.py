"""Encrypted full records, their files and their access log.

Revision ID: 0001_records
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_records"
down_revision = None
branch_labels = ("records",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False, unique=True, index=True),
        sa.Column("manifest_id", sa.String(43), nullable=False, unique=True, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(256), nullable=True),
        sa.Column("pin_failures", sa.Integer, nullable=False),
        sa.Column("pin_not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_hash", sa.String(256), nullable=True),
        sa.Column("recovery_failures", sa.Integer, nullable=False),
        sa.Column("recovery_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "record_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "record_pk",
            sa.Integer,
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("file_id", sa.String(32), nullable=False, unique=True, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("jwe", sa.Text, nullable=False),
        sa.Column("masked", sa.Boolean, nullable=False),
        sa.Column("added_by", sa.String(160), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "record_access",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "record_pk",
            sa.Integer,
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(24), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("who", sa.String(160), nullable=False),
        sa.Column("facility", sa.String(160), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("files", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("record_access")
    op.drop_table("record_files")
    op.drop_table("records")
