"""crawl_runs.node, crawl_runs.job_id: the Scrapyd node and job of a dispatched crawl

Revision ID: 0019
Revises: 0021
Create Date: 2026-12-04

A daemon started with `--scrapyd URL` sends each crawl to a Scrapyd node instead of running it
as a subprocess (scheduler/scrapyd.py); the row says where it ran and under which job id, so
its log can be found on the node and a lost node's crawls told apart. Both are empty for local
crawls and for every older row: nothing to convert.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0021"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as table:
        table.add_column(sa.Column("node", sa.String(length=255), nullable=True))
        table.add_column(sa.Column("job_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as table:
        table.drop_column("job_id")
        table.drop_column("node")
