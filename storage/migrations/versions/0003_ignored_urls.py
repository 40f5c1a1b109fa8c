"""ignored_urls: URLs that hold no article (robots.txt, no text, 404 before storing)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table('ignored_urls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('first_seen_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    with op.batch_alter_table('ignored_urls', schema=None) as batch_op:
        batch_op.create_index('ix_ignored_urls_site', ['site'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ignored_urls', schema=None) as batch_op:
        batch_op.drop_index('ix_ignored_urls_site')

    op.drop_table('ignored_urls')
