"""The function every scheduled job calls, and the daemon state it reads.

A job is this module's `crawl_job` and a site key; everything else (crawl options, the registry
snapshot crawls read, the stop flag) lives in the `Workshop` the running daemon installs here.
`crawl_job` never raises: a crawl that crashes is logged and recorded, and the daemon carries
on. A site whose claim is held by a live crawl (started by another daemon, a user, a daemon
that lost its lock) is not started again; the crawl itself checks the claim too.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from scheduler.runner import CrawlOptions, crawl_site
from storage.claims import live_claim

if TYPE_CHECKING:
    from scheduler.scrapyd import Dispatcher

logger = logging.getLogger("tinbao.daemon")


@dataclass
class Workshop:
    """What crawl jobs share: how to crawl, whether to start new crawls at all (`closing`),
    a signal for the running ones to stop (`cancel`), and which sites are crawling now."""

    options: CrawlOptions
    sessions: sessionmaker[Session] | None = None
    sites_file: str | None = None  # the registry snapshot crawls read (scheduler.snapshot)
    dispatcher: Dispatcher | None = None  # crawls go to Scrapyd nodes (scheduler.scrapyd)
    closing: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    running: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def crawling(self) -> list[str]:
        with self._lock:
            return sorted(self.running)

    def enter(self, site: str) -> bool:
        with self._lock:
            if self.closing.is_set() or site in self.running:
                return False
            self.running.add(site)
            return True

    def leave(self, site: str) -> None:
        with self._lock:
            self.running.discard(site)


_workshop: Workshop | None = None


def install(workshop: Workshop | None) -> None:
    """Make `workshop` the one jobs use (None: no daemon runs in this process)."""
    global _workshop
    _workshop = workshop


def crawl_job(site: str) -> None:
    """Crawl `site` now, unless the daemon is closing; never raises."""
    workshop = _workshop
    if workshop is None:
        logger.error("crawl %s: no daemon runs in this process; skipped", site)
        return
    if not workshop.enter(site):
        logger.info("crawl %s: not started (daemon stopping or crawl already running)", site)
        return
    try:
        if workshop.sessions is not None:
            with workshop.sessions() as session:
                claim = live_claim(session, site, now=datetime.now(UTC))
            if claim is not None:
                logger.info("crawl %s: not started, a crawl of it is still running (%s)", site,
                            claim.holder)  # fmt: skip
                return
        if workshop.dispatcher is not None:  # the node reads its own registry
            workshop.dispatcher.crawl(site, workshop.options, cancel=workshop.cancel)
            return
        options = dataclasses.replace(workshop.options, sites_file=workshop.sites_file)
        crawl_site(site, options, cancel=workshop.cancel)
    except Exception:
        logger.exception("crawl %s: could not be run", site)
    finally:
        workshop.leave(site)
