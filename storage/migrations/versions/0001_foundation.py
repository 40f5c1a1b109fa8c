"""The foundation schema: articles and crawl_runs, as tinbao 0.1 created them.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text()),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text()),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("section", sa.Text()),
        sa.Column("tags", sa.Text()),
        sa.Column("image_url", sa.String(2048)),
        sa.Column("language", sa.String(16)),
        sa.Column("source", sa.Text()),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("url"),
        sa.UniqueConstraint("content_hash"),
    )
    op.create_index("ix_articles_site_published_at", "articles", ["site", "published_at"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("stats", sa.Text()),
    )
    op.create_index("ix_crawl_runs_site_started_at", "crawl_runs", ["site", "started_at"])


def downgrade() -> None:
    op.drop_table("crawl_runs")
    op.drop_table("articles")
