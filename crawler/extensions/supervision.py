"""One live crawl per site, and no crawl left behind: the site's claim, its heartbeat, and a
watchdog for the supervisor and the time limit.

When the spider opens, the crawl takes its site's claim in the archive (storage/claims.py)
before its crawl_runs row is written (this extension comes before RecordCrawlRun). A crawl
refused the claim says so in one line and closes as "failed: already running"; one that got it
first settles the runs of its site whose process is gone ("crashed: lost"). The crawls of one
shared frontier (TINBAO_FRONTIER, docs/frontier.md) take the site's claim together, each with
a member claim of its own: they run side by side, never beside an exclusive crawl.

A thread, independent of the reactor, then decides whether the crawl must stop
(crawler.supervised.Watch: its supervisor died, its time limit passed) and renews the claim
every quarter of its lease, noting the counts so far on the crawl's row. It sleeps in
`select` on the supervisor's pipe, so it wakes at once when the supervisor dies and otherwise
only for the heartbeat or a deadline: a thread that woke often would now and then hold the
interpreter lock while the system has it waiting for a CPU, and delay the reactor (requests
paced by Crawl-delay would bunch up). A crawl that
must stop is closed with the reason; one that has not ended `TINBAO_STOP_GRACE` seconds later
(a request hanging up to its download timeout) marks its row, gives its claim back and exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import _schedule_coro
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.archive_writes import guard
from crawler.extensions.crawl_runs import run_counts
from crawler.frontier.keys import FrontierKeys
from crawler.frontier.settings import frontier_url
from crawler.supervised import ALREADY_RUNNING, CLAIM_LOST, Watch, holder_for
from storage import make_sessionmaker, open_archive
from storage.claims import (
    ClaimAnswer,
    record_heartbeat,
    release_claim,
    release_shared_claim,
    settle_lost_runs,
    take_claim,
    take_shared_claim,
)

logger = logging.getLogger(__name__)
PARENT_POLL_SECONDS = 2.0  # without the supervisor's pipe: how often its pid is checked


def utc_now() -> datetime:
    return datetime.now(UTC)


class SuperviseCrawl:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.database_url = settings.get("TINBAO_DATABASE_URL")
        self.holder = holder_for(crawler, settings.get("TINBAO_CLAIM_TOKEN"))
        self.lease = timedelta(seconds=settings.getfloat("TINBAO_CLAIM_LEASE", 60.0))
        self.grace = settings.getfloat("TINBAO_STOP_GRACE", 15.0)
        self.log_file = settings.get("TINBAO_CRAWL_LOG") or None
        limit = settings.getfloat("TINBAO_TIME_LIMIT", 0.0)
        self.watch = Watch(
            supervisor=settings.getint("TINBAO_SUPERVISOR_PID", 0),
            deadline=utc_now() + timedelta(seconds=limit) if limit > 0 else None,
        )
        self.spider: Spider | None = None
        self.frontier: str | None = None  # the shared frontier's key prefix, if any
        self.engine: Engine | None = None
        self.sessions: Any = None
        self.claimed = False
        self.valid_until: datetime | None = None
        self.stopping: str | None = None
        self._stop_by = 0.0
        self.pipe = _open_fd(settings.getint("TINBAO_SUPERVISOR_FD", -1))
        self._hung_up = False
        self._wake_reader, self._wake_writer = os.pipe()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tinbao-watchdog", daemon=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SuperviseCrawl:
        if not crawler.settings.getbool("TINBAO_RECORD_RUNS", True):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        extension._thread.start()  # an orphan is caught even before its spider opens
        return extension

    # -- the claim ----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        if frontier_url(self.crawler.settings):
            pattern = self.crawler.settings.get("TINBAO_FRONTIER_KEY", "")
            self.frontier = FrontierKeys.for_site(spider.name, pattern).base
        self.engine = open_archive(self.database_url)
        self.sessions = make_sessionmaker(self.engine)
        now = utc_now()
        with guard(self.crawler, "the site's claim"), self.sessions.begin() as session:
            answer = self._take(session, now)
        # Connected now, so that it runs after RecordCrawlRun has closed the row.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        if not answer.taken:
            holder, until = "?", "?"
            if answer.current is not None:
                holder = answer.current.holder
                until = answer.current.expires_at.isoformat(timespec="seconds")
            self._stop(ALREADY_RUNNING, "%s is being crawled already (by %s, claim valid until "
                       "%s): not crawled twice at once", spider.name, holder, until)  # fmt: skip
            return
        self.claimed, self.valid_until = True, now + self.lease
        with guard(self.crawler, "the settled runs"), self.sessions.begin() as session:
            for run in settle_lost_runs(session, now=now, site=spider.name):
                logger.warning("run %d of %s (started %s) had lost its process: %s, %d "
                               "articles stored", run.id, run.site,
                               run.started_at.isoformat(timespec="seconds"), run.status,
                               run.articles_new)  # fmt: skip

    def _take(self, session: Any, now: datetime) -> ClaimAnswer:
        """Take or renew the site's claim: alone, or with the crawls sharing its frontier."""
        if self.frontier is None:
            return take_claim(session, self._site(), self.holder, now=now, lease=self.lease)
        return take_shared_claim(session, self._site(), self.holder, frontier=self.frontier,
                                 now=now, lease=self.lease)  # fmt: skip

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._finish()
        self._give_back()
        if self.engine is not None:
            self.engine.dispose()

    def engine_stopped(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if not self._done.is_set():
            self._done.set()
            with contextlib.suppress(OSError):  # the thread may have closed its end already
                os.write(self._wake_writer, b".")
            os.close(self._wake_writer)

    def _give_back(self) -> None:
        if not self.claimed or self.stopping == CLAIM_LOST:
            return
        self.claimed = False
        try:
            with self.sessions.begin() as session:
                if self.frontier is None:
                    release_claim(session, self._site(), self.holder)
                else:
                    release_shared_claim(session, self._site(), self.holder,
                                         frontier=self.frontier, now=utc_now())  # fmt: skip
        except SQLAlchemyError as exc:
            logger.warning("could not give the claim of %s back (%s): it expires by itself",
                           self._site(), type(exc).__name__)  # fmt: skip

    def _site(self) -> str:
        assert self.spider is not None
        return str(self.spider.name)

    # -- the watchdog thread ------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._watch()
        finally:
            os.close(self._wake_reader)  # the writer is _finish's to close

    def _watch(self) -> None:
        beat = self.lease.total_seconds() / 4
        next_beat = time.monotonic() + beat
        while not self._done.is_set():
            self._sleep(self._until_next(next_beat))
            if self._done.is_set():
                break
            now = utc_now()
            if self.stopping is None:
                reason = self.watch.verdict(now=now, parent=os.getppid(), hung_up=self._hung_up)
                if reason is not None:
                    self._stop(reason)
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat
                if self.claimed and self.stopping is None:
                    self._beat(now)
            if self.stopping is not None and time.monotonic() >= self._stop_by:
                self._exit_now()

    def _until_next(self, next_beat: float) -> float:
        """Seconds until something is due: the heartbeat, the time limit, the end of the stop
        grace, a check of the supervisor's pid when there is no pipe to tell."""
        waits = [next_beat - time.monotonic()]
        if self.stopping is not None:
            waits.append(self._stop_by - time.monotonic())
        if self.watch.deadline is not None:
            waits.append((self.watch.deadline - utc_now()).total_seconds())
        if self.watch.supervisor and self.pipe is None and not self._hung_up:
            waits.append(PARENT_POLL_SECONDS)
        return max(0.0, min(waits))

    def _sleep(self, seconds: float) -> None:
        """Wait `seconds`, or less when the supervisor's pipe closes or the crawl ends."""
        watched = [self._wake_reader] + ([self.pipe] if self.pipe is not None else [])
        ready, _, _ = select.select(watched, [], [], seconds)
        if self.pipe is not None and self.pipe in ready and not os.read(self.pipe, 1):
            os.close(self.pipe)
            self.pipe, self._hung_up = None, True

    def _stop(self, reason: str, message: str = "stopping the crawl: %s", *args: object) -> None:
        """Close the crawl with `reason` (saying why in one line), and exit if it has not ended
        after the grace."""
        self.stopping = reason
        self._stop_by = time.monotonic() + (self.grace if self.spider is not None else 0.0)
        logger.error(message, *(args or (reason,)))
        if self.spider is not None:
            # imported here: importing the module must not install a reactor (Scrapy installs
            # the asyncio one once the crawl command has loaded its modules)
            from twisted.internet import reactor

            reactor.callFromThread(self._close, reason)

    def _close(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            _schedule_coro(engine.close_spider_async(reason=reason))

    def _beat(self, now: datetime) -> None:
        """Renew the claim and note the counts so far; stop when the claim is no longer ours."""
        assert self.crawler.stats is not None
        counts = run_counts(dict(self.crawler.stats.get_stats()))
        try:
            with self.sessions.begin() as session:
                answer = self._take(session, now)
                if answer.taken:
                    record_heartbeat(session, self.holder, now=now, counts=counts,
                                     log_file=self.log_file)  # fmt: skip
        except SQLAlchemyError as exc:
            logger.warning("claim of %s not renewed (%s)", self._site(), type(exc).__name__)
            if self.valid_until is not None and now >= self.valid_until:
                self._stop(CLAIM_LOST)
            return
        if not answer.taken:
            holder = answer.current.holder if answer.current else "?"
            logger.error("the claim of %s was taken over by %s", self._site(), holder)
            self._stop(CLAIM_LOST)
        else:
            self.valid_until = now + self.lease

    def _exit_now(self) -> None:
        """The crawl did not close in time (or never opened): record why, give the claim back,
        leave without waiting for anything."""
        reason = self.stopping or "failed"
        logger.error("the crawl did not stop within %gs: exiting (%s)", self.grace, reason)
        if self.spider is not None and self.sessions is not None:
            try:
                assert self.crawler.stats is not None
                counts = run_counts(dict(self.crawler.stats.get_stats()))
                with self.sessions.begin() as session:
                    record_heartbeat(session, self.holder, now=utc_now(), counts=counts,
                                     log_file=self.log_file, status=reason)  # fmt: skip
            except SQLAlchemyError:
                pass
            self._give_back()
        logging.shutdown()
        os._exit(1)


def _open_fd(fd: int) -> int | None:
    """`fd` when it is an open file descriptor of this process (the supervisor's pipe)."""
    if fd < 0:
        return None
    try:
        os.fstat(fd)
    except OSError:
        return None
    return fd
