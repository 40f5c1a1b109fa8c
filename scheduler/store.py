"""APScheduler in memory, its schedule saved in the archive as plain data.

The scheduler's jobs live in a MemoryJobStore; what must outlive the daemon (each site's next
run, and the schedule it was computed for) is written to `daemon_schedule` by the holder of the
scheduling lock at every heartbeat and read back when a daemon takes the lock. APScheduler's
SQLAlchemyJobStore is not used: it unpickles its rows, so whoever could write one row of the
archive could run code in the daemon.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import Engine

from storage import make_sessionmaker
from storage.daemon import SavedRun, saved_schedule

logger = logging.getLogger("tinbao.daemon")


class GuardedScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler that submits nothing unless running: a wait computed before
    `pause()` may end during shutdown, and APScheduler checks only for "paused". Its thread
    survives an unexpected error while processing jobs: it retries later."""

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        try:
            wait: float | None = super()._process_jobs()
        except Exception:
            logger.exception("scheduler: processing jobs failed; retrying")
            return float(self.jobstore_retry_interval)
        return wait


def make_scheduler(*, max_concurrent: int) -> Any:
    """A scheduler (not started). At most `max_concurrent` crawls run at once: the thread pool
    is the global cap; a job due while every thread is busy waits for one (up to its misfire
    grace time)."""
    return GuardedScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=max_concurrent)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=UTC,
    )


def current_runs(scheduler: Any) -> dict[str, SavedRun]:
    """The scheduler's jobs as the plain data saved in the archive."""
    return {job.id: SavedRun(job.name, job.next_run_time) for job in scheduler.get_jobs()}


def stored_jobs(engine: Engine) -> dict[str, datetime | None]:
    """Site key -> next run time as stored, read without starting a scheduler."""
    with make_sessionmaker(engine)() as session:
        return {site: run.next_run_at for site, run in saved_schedule(session).items()}
