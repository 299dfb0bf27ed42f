"""catalog: the terms products are searched by, and the vocabulary of their words

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:12:31.204518
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('catalog_product_terms',
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_catalog_product_terms_product_id_catalog_products')),
    sa.PrimaryKeyConstraint('kind', 'term', 'product_id', name=op.f('pk_catalog_product_terms'))
    )
    with op.batch_alter_table('catalog_product_terms', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_product_terms_product', ['product_id', 'kind', 'term'], unique=False)
    op.create_table('catalog_search_words',
    sa.Column('word', sa.String(length=64), nullable=False),
    sa.Column('tail', sa.String(length=63), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_catalog_search_words'))
    )
    with op.batch_alter_table('catalog_search_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_search_words_tail'), ['tail'], unique=False)
    _index_existing_products()


def _index_existing_products() -> None:
    """The products already in the catalog, indexed as the catalog indexes a new one."""
    from omnicanal.catalog.search import WORD, product_terms, tail_of

    connection = op.get_bind()
    products = sa.table(
        'catalog_products', sa.column('id'), sa.column('sku'), sa.column('gtin'),
        sa.column('name_fr'), sa.column('name_en'), sa.column('brand'),
        sa.column('attributes', sa.JSON()),
    )
    terms = sa.table('catalog_product_terms', sa.column('kind'), sa.column('term'),
                     sa.column('product_id'))
    words = sa.table('catalog_search_words', sa.column('word'), sa.column('tail'))
    rows = []
    vocabulary = set()
    for p in connection.execute(sa.select(products)):
        found = product_terms(p.sku, p.gtin, (p.name_fr, p.name_en), p.brand, p.attributes or {})
        rows.extend({'kind': k, 'term': t, 'product_id': p.id} for k, t in found)
        vocabulary.update(t for k, t in found if k == WORD)
        if len(rows) >= 10_000:
            connection.execute(terms.insert(), rows)
            rows = []
    if rows:
        connection.execute(terms.insert(), rows)
    if vocabulary:
        connection.execute(words.insert(), [{'word': w, 'tail': tail_of(w)} for w in sorted(vocabulary)])


def downgrade() -> None:
    with op.batch_alter_table('catalog_search_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_search_words_tail'))

    op.drop_table('catalog_search_words')
    with op.batch_alter_table('catalog_product_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_catalog_product_terms_product')

    op.drop_table('catalog_product_terms')
