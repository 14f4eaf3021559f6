"""Record files that are IPS documents list the item files they cover.

Revision ID: 0002_records_ips_documents
Revises: 0001_records
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_records_ips_documents"
down_revision = "0001_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record_files") as table:
        table.add_column(sa.Column("covers", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("record_files") as table:
        table.drop_column("covers")
