"""source records: one index fewer on the real-time path (last name alone is served by the
names index; the raw phone is never looked up), the landline key indexed for search

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customer_source_records", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_source_records_last_name_key")
        batch_op.drop_index("ix_customer_source_records_phone")
        batch_op.create_index("ix_customer_source_records_landline", ["landline_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_source_records", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_source_records_landline")
        batch_op.create_index("ix_customer_source_records_phone", ["phone"], unique=False)
        batch_op.create_index(
            "ix_customer_source_records_last_name_key", ["last_name_key"], unique=False
        )
