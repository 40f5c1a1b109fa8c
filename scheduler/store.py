"""APScheduler on the archive: its jobs in the archive's own database (table
`apscheduler_jobs`), so a restarted daemon finds every site's next run time where it left it.

Jobs are pickled there: each is a reference to `scheduler.jobs:crawl_job` and a site key.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import Engine

JOBS_TABLE = "apscheduler_jobs"
logger = logging.getLogger("tinbao.daemon")


class SturdyScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler whose thread survives a database error while it saves a job's
    next run time (APScheduler 3 guards only the read of due jobs): it retries later. It also
    submits nothing unless running: a wait computed before `pause()` may end during shutdown,
    and APScheduler checks only for "paused"."""

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        try:
            wait: float | None = super()._process_jobs()
        except Exception:
            logger.exception("scheduler: processing jobs failed; retrying")
            return float(self.jobstore_retry_interval)
        return wait


def make_scheduler(engine: Engine, *, max_concurrent: int) -> Any:
    """A scheduler (not started) on the archive's job store. At most `max_concurrent` crawls
    run at once: the thread pool is the global cap; a job due while every thread is busy
    waits for one (up to its misfire grace time)."""
    return SturdyScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=max_concurrent)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=UTC,
    )


def stored_jobs(engine: Engine) -> dict[str, datetime | None]:
    """Site key -> next run time as stored, read without starting a scheduler."""
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
    store.jobs_t.create(engine, checkfirst=True)
    return {job.id: job.next_run_time for job in store.get_all_jobs()}
