"""retry_ledger: URLs whose request failed for a passing reason, fetched again by later crawls

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-03

A timeout, reset, 5xx or 429 that outlasted a crawl's retries used to be final: behind a 304, the
lastmod filter or the known-listing stop no later incremental crawl asked again. The ledger
keeps each such URL with the number of crawls it failed in and when it is next due, until it
is reached or given up (storage/retry_ledger.py). A new, empty table: nothing to convert.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0017"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    when = storage.models.UTCDateTime(timezone=True)
    op.create_table(
        "retry_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=False),
        sa.Column("first_failed_at", when, nullable=False),
        sa.Column("last_failed_at", when, nullable=False),
        sa.Column("due_at", when, nullable=True),
        sa.Column("given_up_at", when, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "url", name="uq_retry_ledger_site_url"),
    )
    op.create_index("ix_retry_ledger_site_state", "retry_ledger", ["site", "state"])


def downgrade() -> None:
    op.drop_index("ix_retry_ledger_site_state", table_name="retry_ledger")
    op.drop_table("retry_ledger")
