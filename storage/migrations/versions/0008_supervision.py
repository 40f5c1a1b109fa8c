"""crawl claims and plain-data schedule: crawl_runs.holder/heartbeat_at/log_file, the daemon's
tables under migrations, APScheduler's pickled job store replaced

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

`daemon_locks` and `apscheduler_jobs` used to be created by the daemon on first use. The lock
table is now part of the schema (created here when the daemon never ran; its name widened for
the per-site claims "crawl:<site>"). APScheduler's table held each job as a pickle, which
anyone able to write one row could turn into code run by `tinbao daemon`: only its two plain
columns (job id = site key, next run time as a Unix time) are copied to `daemon_schedule`, the
`job_state` column is never read, and the table is dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

OLD_JOBS = "apscheduler_jobs"


def _lock_columns() -> tuple[sa.schema.SchemaItem, ...]:
    return (
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("acquired_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    op.add_column("crawl_runs", sa.Column("holder", sa.String(length=255), nullable=True))
    op.add_column(
        "crawl_runs",
        sa.Column("heartbeat_at", storage.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("crawl_runs", sa.Column("log_file", sa.String(length=1024), nullable=True))
    op.create_index("ix_crawl_runs_holder", "crawl_runs", ["holder"])
    op.create_index("ix_crawl_runs_status", "crawl_runs", ["status"])
    if "daemon_locks" not in tables:
        op.create_table("daemon_locks", *_lock_columns())
    elif bind.dialect.name != "sqlite":  # SQLite does not enforce a VARCHAR's length
        op.alter_column(
            "daemon_locks",
            "name",
            type_=sa.String(length=128),
            existing_type=sa.String(length=64),
            existing_nullable=False,
        )
    schedule = op.create_table(
        "daemon_schedule",
        sa.Column("site", sa.String(length=128), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("next_run_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("saved_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("site"),
    )
    if OLD_JOBS in tables:
        # Plain columns only: job_state is a pickle and is never read.
        rows = bind.execute(sa.text(f"SELECT id, next_run_time FROM {OLD_JOBS}")).all()
        carried = [
            {
                "site": str(site)[:128],
                "label": None,
                "next_run_at": _from_unix(next_run),
                "saved_at": None,
            }
            for site, next_run in rows
        ]
        if carried:
            op.bulk_insert(schedule, carried)
        op.drop_table(OLD_JOBS)


def _from_unix(value: object) -> datetime | None:
    """APScheduler's next_run_time (seconds since 1970, NULL for a paused job)."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def downgrade() -> None:
    # The older daemon creates its own tables again (an empty job store: every site's first run
    # is then derived from its last crawl).
    op.drop_table("daemon_schedule")
    op.drop_table("daemon_locks")
    op.drop_index("ix_crawl_runs_status", table_name="crawl_runs")
    op.drop_index("ix_crawl_runs_holder", table_name="crawl_runs")
    for column in ("log_file", "heartbeat_at", "holder"):
        op.drop_column("crawl_runs", column)  # SQLite 3.35+ drops columns in place
