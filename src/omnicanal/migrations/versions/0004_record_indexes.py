"""source records: one index fewer on the real-time path (last name alone is served by the
names index; the raw phone is never looked up), the landline key indexed for search, both
names after the postal code (a name with the other's initial read from the index alone)

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


_POSTAL = {
    "ix_customer_source_records_postal_first": ["first_name_key", "last_name_key"],
    "ix_customer_source_records_postal_last": ["last_name_key", "first_name_key"],
}


def upgrade() -> None:
    with op.batch_alter_table("customer_source_records", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_source_records_last_name_key")
        batch_op.drop_index("ix_customer_source_records_phone")
        batch_op.create_index("ix_customer_source_records_landline", ["landline_key"], unique=False)
        for name, names in _POSTAL.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ["postal_code", *names], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_source_records", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_source_records_landline")
        for name, names in _POSTAL.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ["postal_code", names[0]], unique=False)
        batch_op.create_index("ix_customer_source_records_phone", ["phone"], unique=False)
        batch_op.create_index(
            "ix_customer_source_records_last_name_key", ["last_name_key"], unique=False
        )
