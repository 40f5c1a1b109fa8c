"""incremental crawling: article URLs, gone articles, HTTP validators

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table('http_validators',
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('stored_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('url')
    )
    op.create_table('article_urls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('first_seen_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    with op.batch_alter_table('article_urls', schema=None) as batch_op:
        batch_op.create_index('ix_article_urls_article_id', ['article_id'], unique=False)
        batch_op.create_index('ix_article_urls_site', ['site'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gone_at', storage.models.UTCDateTime(timezone=True), nullable=True))

    # every stored article is known under its canonical URL
    op.execute(
        "INSERT INTO article_urls (url, article_id, site, first_seen_at) "
        "SELECT url, id, site, first_seen_at FROM articles"
    )



def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('gone_at')

    with op.batch_alter_table('article_urls', schema=None) as batch_op:
        batch_op.drop_index('ix_article_urls_site')
        batch_op.drop_index('ix_article_urls_article_id')

    op.drop_table('article_urls')
    op.drop_table('http_validators')
