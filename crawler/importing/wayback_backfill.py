"""`tinbao backfill SITE --wayback`: a site's history from the Wayback Machine, in two resumable
steps. First the listing: every page of the CDX answer, each page's chosen captures (the
earliest per article URL) saved with the listing's resume key in one transaction. Then the
fetching: each pending capture the archive lacks is fetched (politely, crawler/importing/
wayback.py), extracted in the pool, stored, and marked done in one transaction; captures of
articles the archive has are marked done unfetched. Killed at any point, it loses nothing and
fetches again at most the capture in hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import Hints
from crawler.importing.records import Capture
from crawler.importing.run import Importer
from crawler.importing.wayback import Endpoints, PoliteClient, cdx_pages, fetch_capture
from crawler.registry import Site
from crawler.urls import clean_url, url_key
from crawler.warc import RawPage, WarcFile, WarcRef
from storage.imports import advance_file, begin_file, imported_file
from storage.models import Article, ArticleUrl
from storage.wayback import (
    capture_counts,
    choose_captures,
    forget_captures,
    pending_captures,
    settle_capture,
)

LISTED = "listed"  # the listing's note once it reached its end
log = logging.getLogger(__name__)


@dataclass
class WaybackCounts:
    listed: int = 0
    known: int = 0
    fetched: int = 0
    failed: int = 0

    def summary(self, states: dict[str, int]) -> str:
        return (
            f"{self.listed:,} article URLs listed, {self.fetched:,} captures fetched, "
            f"{self.known:,} already in the archive, {self.failed:,} failed; "
            f"captures pending {states.get('pending', 0):,}, done {states.get('done', 0):,}, "
            f"given up {states.get('failed', 0):,}"
        )


class WaybackBackfill:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        importer: Importer,
        site: Site,
        *,
        endpoints: Endpoints,
        warc_folder: Path,
        client: PoliteClient | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        self.sessions = sessions
        self.importer = importer
        self.site = site
        self.endpoints = endpoints
        self.client = client or PoliteClient(endpoints.delay)
        self.folder = warc_folder
        self.progress = progress
        self.source = f"wayback:{site.key}"
        self.counts = WaybackCounts()
        self._copy: WarcFile | None = None

    def run(self, *, restart: bool = False) -> dict[str, int]:
        now = datetime.now(UTC)
        with self.sessions.begin() as session:
            if restart:
                forget_captures(session, self.site.key)
            row = begin_file(session, self.source, kind="wayback", size=None, now=now)
            if restart:
                row.note, row.state, row.finished_at = None, "running", None
            resume_key = row.note or ""
        try:
            if resume_key != LISTED:
                self._list(resume_key)
            self._fetch()
        finally:
            if self._copy is not None:
                self._copy.close()
        with self.sessions.begin() as session:
            states = capture_counts(session, self.site.key)
            if not states.get("pending"):
                advance_file(session, self.source, offset=0, done_at=datetime.now(UTC))
        return states

    def _list(self, resume_key: str) -> None:
        for page, next_key in cdx_pages(self.client, self.endpoints, self.site, resume_key):
            chosen: dict[str, tuple[str, str]] = {}
            for timestamp, original in page:
                url = clean_url(original)
                if not (self.site.is_on_site(url) and self.site.is_article_url(url)):
                    continue
                key = url_key(url)
                if key not in chosen or timestamp < chosen[key][0]:
                    chosen[key] = (timestamp, url)
            with self.sessions.begin() as session:
                self.counts.listed += choose_captures(session, self.site.key, chosen.values())
                row = imported_file(session, self.source)
                assert row is not None
                row.note = next_key or LISTED
            if self.progress is not None:
                self.progress(f"listed {self.counts.listed:,} article URLs")

    def _fetch(self) -> None:
        after = 0
        while True:
            with self.sessions() as session:
                batch = pending_captures(session, self.site.key, after)
                known = _stored(session, [url for _, _, url in batch])
            if not batch:
                return
            after = batch[-1][0]
            todo = []
            for capture_id, timestamp, url in batch:
                if url_key(url) in known:
                    with self.sessions.begin() as session:
                        settle_capture(session, capture_id, ok=True, note="already stored")
                    self.counts.known += 1
                else:
                    todo.append((capture_id, timestamp, url))
            for done in self.importer.pool.map(self._captures(todo)):
                capture_id, capture = done.item
                with self.sessions.begin() as session:
                    outcome = self.importer.save_one(session, capture, done.result,
                                                     origin="wayback", keep=self._keep,
                                                     story_signature=done.signature)  # fmt: skip
                    settle_capture(session, capture_id, ok=True)
                if outcome is not None:
                    self.importer.counts.outcomes[outcome] += 1
                self.counts.fetched += 1
            if self.progress is not None:
                self.progress(f"fetched {self.counts.fetched:,} captures")

    def _captures(
        self, todo: list[tuple[int, str, str]]
    ) -> Iterator[tuple[tuple[int, Capture], RawPage, Hints]]:
        for capture_id, timestamp, url in todo:
            capture = fetch_capture(self.client, self.endpoints, timestamp, url)
            if isinstance(capture, str):
                log.warning("wayback capture %s of %s not fetched: %s", timestamp, url, capture)
                with self.sessions.begin() as session:
                    settle_capture(session, capture_id, ok=False, note=capture)
                self.counts.failed += 1
                continue
            page = RawPage(capture.url, capture.status, capture.headers, capture.body,
                           capture.captured_at)  # fmt: skip
            yield (capture_id, capture), page, self.site.hints

    def _keep(self, capture: Capture) -> WarcRef:
        if self._copy is None:
            (self.folder / "wayback").mkdir(parents=True, exist_ok=True)
            self._copy = WarcFile(self.folder, f"wayback/{self.site.key}.warc.gz")
        page = RawPage(capture.url, capture.status, capture.headers, capture.body,
                       capture.captured_at)  # fmt: skip
        return self._copy.write(page)


def _stored(session: Session, urls: list[str]) -> set[str]:
    """The url_key of those `urls` the archive has as an article (under any spelling of
    scheme and `www.`); pages remembered as gone or ignored are not articles."""
    spellings = {spelling: url for url in urls for spelling in _spellings(url)}
    if not spellings:
        return set()
    found = session.scalars(
        select(ArticleUrl.url)
        .join(Article, Article.id == ArticleUrl.article_id)
        .where(ArticleUrl.url.in_(list(spellings)))
    )
    return {url_key(spellings[url]) for url in found}


def _spellings(url: str) -> list[str]:
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return [
        urlunsplit((scheme, netloc, parts.path, parts.query, ""))
        for scheme in ("https", "http")
        for netloc in (host, "www." + host)
    ]
