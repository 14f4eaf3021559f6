"""Print queue.

Revision ID: 0001_printing
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_printing"
down_revision = None
branch_labels = ("printing",)
depends_on = "0001_registry"


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "card_id", sa.LargeBinary(8), sa.ForeignKey("cards.card_id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed", sa.LargeBinary, nullable=True),
        sa.CheckConstraint("kind IN ('card', 'slip')", name="print_job_kind"),
    )


def downgrade() -> None:
    op.drop_table("print_jobs")
