"""crawl_frontier: the pages a backfill still has to visit, so that it resumes after a crash

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table('crawl_frontier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('added_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site', 'url', name='uq_crawl_frontier_site_url')
    )
    with op.batch_alter_table('crawl_frontier', schema=None) as batch_op:
        batch_op.create_index('ix_crawl_frontier_site_state', ['site', 'state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crawl_frontier', schema=None) as batch_op:
        batch_op.drop_index('ix_crawl_frontier_site_state')

    op.drop_table('crawl_frontier')
