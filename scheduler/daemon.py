"""The crawl daemon: every scheduled site crawled on its own schedule, for ever.

The main thread owns the signals and the scheduling lock; APScheduler's thread decides what
is due; a pool of `max_concurrent` threads each supervises one `scrapy crawl` subprocess.
Nothing a crawl does (crash, hang, flood its log) reaches the main thread, and a database
outage only delays the schedule.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED

from crawler.registry import RegistryError, Site, load_registry
from scheduler import jobs, plan
from scheduler.lease import Lease
from scheduler.runner import CrawlOptions
from scheduler.settings import DaemonSettings
from scheduler.signals import RELOAD, STOP, SignalInbox
from scheduler.store import make_scheduler
from storage import make_sessionmaker, open_archive
from storage.daemon import create_daemon_tables, latest_runs

logger = logging.getLogger("tinbao.daemon")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """One daemon process. `tick(now)` is one heartbeat: tests drive it with their own `now`;
    `serve()` is the real loop."""

    def __init__(
        self,
        settings: DaemonSettings,
        *,
        load: Callable[[], dict[str, Site]] = load_registry,
        command: Callable[[str], Sequence[str]] | None = None,
        clock: Clock = utc_now,
    ):
        self.settings = settings
        self.load = load
        self.clock = clock
        self.registry = load()
        self.engine = open_archive(settings.database_url)
        create_daemon_tables(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.lease = Lease(self.sessions, settings.lease)
        options = CrawlOptions(
            database_url=settings.database_url,
            settings=dict(settings.crawl_settings),
            timeout=settings.timeout.total_seconds(),
            kill_grace=settings.kill_grace.total_seconds(),
            command=command,
        )
        self.workshop = jobs.Workshop(options)
        self.scheduler: Any = make_scheduler(self.engine, max_concurrent=settings.max_concurrent)
        self.active = False

    # -- one heartbeat ----------------------------------------------------------------------
    def tick(self, now: datetime) -> None:
        """Renew the lock; start scheduling when it became ours, stop when it was lost."""
        try:
            held = self.lease.renew(now)
            if held and not self.active:
                self._activate(now)
            elif not held and self.active:
                self.scheduler.pause()
                self.active = False
                logger.warning("scheduling paused: the lock is no longer ours; running crawls "
                               "finish, no new ones start")  # fmt: skip
        except Exception:
            logger.exception("daemon: heartbeat failed; trying again at the next one")

    def _activate(self, now: datetime) -> None:
        if self.scheduler.state == STATE_STOPPED:
            self.scheduler.start(paused=True)
        self.reconcile(now)
        self.scheduler.resume()
        self.active = True
        logger.info("scheduling %d sites: %s", len(self.scheduler.get_jobs()),
                    ", ".join(job.id for job in self.scheduler.get_jobs()) or "none")  # fmt: skip

    def reconcile(self, now: datetime) -> None:
        """Bring the job store in line with the registry (see scheduler.plan)."""
        missing = [key for key in self.settings.sites if key not in self.registry]
        if missing:
            logger.warning("sites not in the registry, not scheduled: %s", ", ".join(missing))
        sites = plan.wanted(self.registry, self.settings.sites)
        desired = plan.specs(sites, now=now, jitter=self.settings.jitter,
                             grace=self.settings.misfire_grace)  # fmt: skip
        stored = {job.id: job.name for job in self.scheduler.get_jobs()}
        with self.sessions() as session:
            last = {key: run.started_at for key, run in latest_runs(session).items()}
        plan.apply(self.scheduler, plan.plan(desired, stored), desired, last_started=last,
                   now=now)  # fmt: skip

    def reload(self, now: datetime) -> None:
        """Read the registry again (SIGHUP); a bad one is logged and the schedule kept."""
        try:
            self.registry = self.load()
        except RegistryError as exc:
            logger.error("registry not reloaded, schedule unchanged: %s", exc)
            return
        logger.info("registry reloaded: %d sites", len(self.registry))
        if self.active:
            try:
                self.reconcile(now)
            except Exception:
                logger.exception("daemon: could not apply the reloaded registry")

    # -- the process ------------------------------------------------------------------------
    def serve(self) -> int:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the registry. Exit status 0."""
        jobs.install(self.workshop)
        try:
            with SignalInbox() as inbox:
                logger.info("daemon %s started: at most %d crawls at once, timeout %s",
                            self.lease.holder, self.settings.max_concurrent,
                            self.settings.timeout)  # fmt: skip
                self.tick(self.clock())
                while True:
                    received = set(inbox.wait(self.settings.heartbeat.total_seconds()))
                    if received & STOP:
                        logger.info("stopping (signal %s)", ", ".join(map(str, received)))
                        break
                    if RELOAD in received:
                        self.reload(self.clock())
                    self.tick(self.clock())
                self.shutdown(inbox.wait)
        finally:
            jobs.install(None)
            self.engine.dispose()
        return 0

    def shutdown(self, wait: Callable[[float], list[int]] | None = None) -> None:
        """Start no new crawl; let running ones finish within `stop_grace` (a second SIGTERM
        or SIGINT cuts that short), then stop them; give the lock back."""
        self.workshop.closing.set()
        if self.scheduler.state == STATE_RUNNING:
            self.scheduler.pause()
        deadline = time.monotonic() + self.settings.stop_grace.total_seconds()
        renewed = time.monotonic()
        if self.workshop.crawling():
            logger.info("waiting up to %s for running crawls: %s", self.settings.stop_grace,
                        ", ".join(self.workshop.crawling()))  # fmt: skip
        while self.workshop.crawling() and time.monotonic() < deadline:
            if wait is None:
                time.sleep(0.1)
            elif set(wait(min(0.5, deadline - time.monotonic()))) & STOP:
                logger.info("second stop signal: stopping running crawls now")
                break
            if time.monotonic() - renewed > self.settings.heartbeat.total_seconds():
                self.lease.renew(self.clock())
                renewed = time.monotonic()
        if self.workshop.crawling():
            logger.warning("stopping running crawls: %s", ", ".join(self.workshop.crawling()))
        self.workshop.cancel.set()
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.shutdown(wait=True)
        self.active = False
        self.lease.release()
        logger.info("daemon %s stopped", self.lease.holder)
