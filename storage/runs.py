"""The `crawl_runs` table: one row per crawl, opened when it starts and closed when it ends."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun


@dataclass(frozen=True)
class RunCounts:
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    duplicates: int = 0
    errors: int = 0


def start_run(
    session: Session, site: str, *, started_at: datetime, holder: str | None = None
) -> CrawlRun:
    """Record a crawl that has started (as the holder of its site's claim); the caller
    commits."""
    run = CrawlRun(site=site, started_at=started_at, status="running", holder=holder)
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    *,
    finished_at: datetime,
    status: str,
    counts: RunCounts,
    stats: Mapping[str, Any] | None = None,
) -> CrawlRun:
    """Close a run with how it ended and what it counted; the caller commits."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run with id {run_id}")
    run.finished_at = finished_at
    run.status = status
    run.pages_fetched = counts.pages_fetched
    run.articles_new = counts.articles_new
    run.articles_updated = counts.articles_updated
    run.duplicates = counts.duplicates
    run.errors = counts.errors
    run.stats = json.dumps(dict(stats), sort_keys=True, default=str) if stats else None
    return run


def recent_runs(
    session: Session, *, site: str | None = None, limit: int = 20
) -> Sequence[CrawlRun]:
    """The latest runs, newest first."""
    query = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    if site is not None:
        query = query.where(CrawlRun.site == site)
    return session.scalars(query).all()


def last_successful_run(session: Session, site: str) -> CrawlRun | None:
    """The latest crawl of `site` that finished on its own (status "finished")."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.site == site, CrawlRun.status == "finished")
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
