"""Revocation list counters taken in commit order: one row per issuer, locked by each revocation.

Before, a list's counter was its issuer's newest revocation id; ids are handed out
before commit, so of two concurrent revocations the one committed last could carry
the lower id and a verifier already at the higher counter never got it. Existing
entries keep their id as their counter, so no verifier's cached counter goes back.

Revision ID: 0005_registry_list_counters
Revises: 0004_registry_name_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_registry_list_counters"
down_revision = "0004_registry_name_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revocation_lists",
        sa.Column("issuer_kid", sa.LargeBinary(8), primary_key=True),
        sa.Column("counter", sa.BigInteger, nullable=False),
    )
    with op.batch_alter_table("revocations") as table:
        table.add_column(sa.Column("counter", sa.BigInteger, nullable=True))
    op.execute("UPDATE revocations SET counter = id")
    op.execute(
        "INSERT INTO revocation_lists (issuer_kid, counter) "
        "SELECT issuer_kid, MAX(id) FROM revocations GROUP BY issuer_kid"
    )
    with op.batch_alter_table("revocations") as table:
        table.alter_column("counter", existing_type=sa.BigInteger, nullable=False)
        table.create_index("ix_revocations_issuer_counter", ["issuer_kid", "counter"])


def downgrade() -> None:
    with op.batch_alter_table("revocations") as table:
        table.drop_index("ix_revocations_issuer_counter")
        table.drop_column("counter")
    op.drop_table("revocation_lists")
