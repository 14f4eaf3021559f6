"""Every sign-in form keeps a server-side session: which form opened it.

Revision ID: 0003_staff_signin_sessions
Revises: 0001_staff
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_staff_signin_sessions"
down_revision = "0001_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_sessions") as table:
        table.add_column(
            sa.Column("area", sa.String(16), nullable=False, server_default="console")
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions") as table:
        table.drop_column("area")
