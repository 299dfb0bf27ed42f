"""order history: the channel systems' own references of fulfilments and returns

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_fulfilments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_order_fulfilments_reference"), ["order_id", "reference"]
        )
    with op.batch_alter_table("order_returns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_order_returns_reference"), ["reference"]
        )


def downgrade() -> None:
    with op.batch_alter_table("order_returns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_order_returns_reference"), type_="unique")
        batch_op.drop_column("reference")
    with op.batch_alter_table("order_fulfilments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_order_fulfilments_reference"), type_="unique")
        batch_op.drop_column("reference")
