"""The crawl daemon: every scheduled site crawled on its own schedule, for ever.

The main thread owns the signals and the scheduling lock; APScheduler's thread decides what
is due; a pool of `max_concurrent` threads each supervises one `scrapy crawl` subprocess.
Nothing a crawl does (crash, hang, flood its log) reaches the main thread, and a database
outage only delays the schedule. Nor does a registry file: a reload that fails for any reason
is one logged error, and the registry (and the snapshot of it crawls read) stays as it was.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED

from crawler.registry import SITES_ENV, RegistryError, Site
from scheduler import jobs, plan, timing
from scheduler.lease import Lease
from scheduler.runner import CrawlOptions
from scheduler.scrapyd import Dispatcher
from scheduler.settings import DaemonSettings
from scheduler.signals import RELOAD, STOP, SignalInbox
from scheduler.snapshot import RegistrySnapshots
from scheduler.store import current_runs, make_scheduler
from storage import make_sessionmaker, open_archive
from storage.claims import settle_lost_runs
from storage.daemon import latest_runs, save_schedule, saved_schedule

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
        registry_file: str | Path | None = None,
        command: Callable[[str], Sequence[str]] | None = None,
        clock: Clock = utc_now,
    ):
        self.settings = settings
        self.clock = clock
        source = registry_file if registry_file is not None else os.environ.get(SITES_ENV)
        self.snapshots = RegistrySnapshots(source)
        try:
            self.registry, snapshot = self.snapshots.candidate()
            self.snapshots.adopt(snapshot)
            self.engine = open_archive(settings.database_url)
        except BaseException:
            self.snapshots.close()
            raise
        self.sessions = make_sessionmaker(self.engine)
        self.lease = Lease(self.sessions, settings.lease)
        options = CrawlOptions(
            database_url=settings.database_url,
            settings=dict(settings.crawl_settings),
            timeout=settings.timeout.total_seconds(),
            kill_grace=settings.kill_grace.total_seconds(),
            command=command,
            log_dir=settings.crawl_log_dir,
        )
        self.workshop = jobs.Workshop(options, self.sessions, self.snapshots.current)
        if settings.scrapyd_nodes:
            self.workshop.dispatcher = Dispatcher(
                settings.scrapyd_nodes, poll=settings.scrapyd_poll.total_seconds(),
                lost_after=settings.scrapyd_lost_after.total_seconds(),
            )  # fmt: skip
        self.scheduler: Any = make_scheduler(max_concurrent=settings.max_concurrent)
        self.active = False

    # -- one heartbeat ----------------------------------------------------------------------
    def tick(self, now: datetime) -> None:
        """Renew the lock; start scheduling when it became ours, stop when it was lost. While
        ours: save the schedule, settle the runs whose crawl is gone."""
        try:
            held = self.lease.renew(now)
            if held and not self.active:
                self._activate(now)
            elif not held and self.active:
                self.scheduler.pause()
                self.active = False
                logger.warning("scheduling paused: the lock is no longer ours; running crawls "
                               "finish, no new ones start")  # fmt: skip
            if self.active:
                self._save(now)
                self.settle(now)
        except Exception:
            logger.exception("daemon: heartbeat failed; trying again at the next one")

    def _activate(self, now: datetime) -> None:
        if self.scheduler.state == STATE_STOPPED:
            self.scheduler.start(paused=True)
        self.reconcile(now, load=True)
        self.scheduler.resume()
        self.active = True
        logger.info("scheduling %d sites: %s", len(self.scheduler.get_jobs()),
                    ", ".join(job.id for job in self.scheduler.get_jobs()) or "none")  # fmt: skip

    def desired(self, registry: Mapping[str, Site], now: datetime) -> dict[str, plan.JobSpec]:
        """The jobs `registry` asks for, each trigger built once: whatever a registry could
        hold that the scheduler would choke on fails here, before anything changed."""
        sites = plan.wanted(registry, self.settings.sites)
        specs = plan.specs(sites, now=now, jitter=self.settings.jitter,
                           grace=self.settings.misfire_grace)  # fmt: skip
        for spec in specs.values():  # the first two runs: an interval past year 9999 fails
            trigger = timing.build_trigger(spec.site.interval, start=now, jitter=spec.jitter)
            first = trigger.get_next_fire_time(None, now)
            trigger.get_next_fire_time(first, first)
            timing.first_run(spec.site.interval, last_started=now, now=now)
        return specs

    def reconcile(self, now: datetime, *, load: bool = False) -> None:
        """Bring the scheduler in line with the registry (see scheduler.plan). With `load`
        (the lock just became ours) the saved schedule is the starting point, else the
        scheduler's own jobs."""
        missing = [key for key in self.settings.sites if key not in self.registry]
        if missing:
            logger.warning("sites not in the registry, not scheduled: %s", ", ".join(missing))
        desired = self.desired(self.registry, now)
        with self.sessions() as session:
            saved = saved_schedule(session) if load else current_runs(self.scheduler)
            last = {key: run.started_at for key, run in latest_runs(session).items()}
        stored = {key: run.label for key, run in saved.items()}
        plan.apply(self.scheduler, plan.plan(desired, stored), desired, saved=saved,
                   last_started=last, now=now, load=load)  # fmt: skip
        self._save(now)

    def _save(self, now: datetime) -> None:
        with self.sessions.begin() as session:
            save_schedule(session, current_runs(self.scheduler), now=now)

    def settle(self, now: datetime) -> None:
        """Close the runs whose crawl is gone (storage.claims), one log line each."""
        with self.sessions.begin() as session:
            for run in settle_lost_runs(session, now=now):
                logger.warning("crawl %s: run %d had lost its process: %s, %d articles stored",
                               run.site, run.id, run.status, run.articles_new)  # fmt: skip

    def reload(self, now: datetime) -> None:
        """Read the registry again (SIGHUP). Whatever goes wrong (the file unreadable, not
        UTF-8, nested too deep, a value the scheduler cannot use) is one logged error: the
        registry, its snapshot and the schedule stay as they were."""
        snapshot = ""
        try:
            registry, snapshot = self.snapshots.candidate()
            self.desired(registry, now)
        except Exception as exc:
            self.snapshots.discard(snapshot)
            logger.error("registry not reloaded, schedule unchanged: %s", _one_line(exc))
            return
        previous = self.registry
        self.registry = registry
        if self.active:
            try:
                self.reconcile(now)
            except Exception as exc:
                self.registry = previous
                self.snapshots.discard(snapshot)
                logger.error("registry not reloaded, schedule unchanged: %s", _one_line(exc))
                return
        self.snapshots.adopt(snapshot)
        self.workshop.sites_file = snapshot
        logger.info("registry reloaded: %d sites", len(self.registry))

    # -- the process ------------------------------------------------------------------------
    def serve(self) -> int:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the registry. Exit status 0."""
        jobs.install(self.workshop)
        try:
            with SignalInbox() as inbox:
                logger.info("daemon %s started: at most %d crawls at once, timeout %s",
                            self.lease.holder, self.settings.max_concurrent,
                            self.settings.timeout)  # fmt: skip
                for node in self.settings.scrapyd_nodes:
                    logger.info("crawls go to Scrapyd node %s (%d slots)", node.url,
                                node.max_proc)  # fmt: skip
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
            self.close()
        return 0

    def close(self) -> None:
        """Let go of the archive and the registry snapshots (after `shutdown`)."""
        self.engine.dispose()
        self.snapshots.close()

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
        if self.active:  # before the scheduler's shutdown, after which it lists no jobs
            try:
                self._save(self.clock())
            except Exception:
                logger.exception("daemon: could not save the schedule")
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.shutdown(wait=True)
        self.active = False
        self.lease.release()
        logger.info("daemon %s stopped", self.lease.holder)


def _one_line(exc: BaseException) -> str:
    """An error as one line: a RegistryError's message, else its kind and first line."""
    if isinstance(exc, RegistryError):
        return str(exc).splitlines()[0] if str(exc) else "bad registry"
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
