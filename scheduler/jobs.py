"""The function every scheduled job calls, and the daemon state it reads.

APScheduler's SQLAlchemyJobStore pickles jobs, so a job is a reference to this module's
`crawl_job` and a site key; everything else (crawl options, the stop flag) lives in the
`Workshop` the running daemon installs here. `crawl_job` never raises: a crawl that crashes is
logged and recorded, and the daemon carries on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from scheduler.runner import CrawlOptions, crawl_site

logger = logging.getLogger("tinbao.daemon")


@dataclass
class Workshop:
    """What crawl jobs share: how to crawl, whether to start new crawls at all (`closing`),
    a signal for the running ones to stop (`cancel`), and which sites are crawling now."""

    options: CrawlOptions
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
        crawl_site(site, workshop.options, cancel=workshop.cancel)
    except Exception:
        logger.exception("crawl %s: could not be run", site)
    finally:
        workshop.leave(site)
