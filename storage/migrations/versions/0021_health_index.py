"""health_index: articles by (site, first_seen_at, id), for the extraction health of a site

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-04

`tinbao status` reads each site's newest articles by when they were first seen
(storage/extraction_health.py). Without this index that was a ranked pass over the whole
table (2.4 s at 300,000 articles on SQLite, growing with the archive); with it, a short
backward index scan per site. Only an index: nothing to convert.
"""

from __future__ import annotations

from alembic import op

revision: str = "0021"
down_revision: str | None = "0017"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_articles_site_first_seen_at", "articles", ["site", "first_seen_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_articles_site_first_seen_at", table_name="articles")
