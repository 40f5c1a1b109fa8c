"""A backfill's frontier for the spider: where to start or resume, and what each page added.

The state lives in the archive (storage/frontier.py), not in Scrapy's JOBDIR: a JOBDIR's queue
and seen-set are written on a clean shutdown only, so a backfill killed with -9 would resume
with a queue that lost the pages in hand — and a seen-set that forbids fetching them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from scrapy.crawler import Crawler

from crawler.archive_writes import guard
from storage import (
    add_pending,
    clear_frontier,
    frontier_size,
    make_sessionmaker,
    mark_done,
    open_archive,
    pending_after,
)


class BackfillFrontier:
    def __init__(self, database_url: str, site: str, crawler: Crawler):
        self.site = site
        self.crawler = crawler
        self.engine = open_archive(database_url)
        self.sessions = make_sessionmaker(self.engine)

    def start(
        self, entry_points: Iterable[tuple[str, str]], *, restart: bool
    ) -> Iterator[tuple[str, str]]:
        """The pending (url, kind) pairs: the entry points of a new backfill, or everything an
        interrupted one had not finished. `restart` forgets an earlier backfill first."""
        with guard(self.crawler, "the backfill's entry points"), self.sessions.begin() as session:
            if restart:
                clear_frontier(session, self.site)
            if not frontier_size(session, self.site):
                add_pending(session, self.site, entry_points, now=datetime.now(UTC))
        after = 0
        while True:
            with self.sessions() as session:
                batch = pending_after(session, self.site, after)
            if not batch:
                return
            yield from ((url, kind) for _, url, kind in batch)
            after = batch[-1][0]

    def record(
        self, page: str, found: Iterable[tuple[str, str]], *, also: str | None = None
    ) -> list[tuple[str, str]]:
        """Note what `page` links to and that it is done, in one transaction; return the links
        that are new to the frontier (the others were queued already). `page` is the URL the
        frontier asked for; `also` the one it was answered from after redirects, done too
        when the frontier holds it (a page reached under two addresses is walked once)."""
        with guard(self.crawler, f"the links of {page}"), self.sessions.begin() as session:
            new = add_pending(session, self.site, found, now=datetime.now(UTC))
            mark_done(session, self.site, page)
            if also is not None and also != page:
                mark_done(session, self.site, also)
        return new

    def size(self) -> dict[str, int]:
        with self.sessions() as session:
            return frontier_size(session, self.site)

    def close(self) -> None:
        self.engine.dispose()
