"""An import: the wanted records of archive files, extracted on every core, saved with the
archive's dedup, with each file's progress recorded in the same transaction as its articles.

A file is read once: its records are scanned in order (records of other hosts skipped on the
URL alone), the candidates go through the extraction pool, and the results are saved in small
transactions (every `batch` pages or `flush_seconds`), each one also moving the file's offset
past the records it stored. Killed at any moment, an import loses nothing: the next run starts
at the recorded offset and reads again at most one batch, which the dedup recognises.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import EXTRACTOR_VERSION, Article, Hints
from crawler.importing.ahead import ReadAhead
from crawler.importing.extract import Done, ExtractionPool
from crawler.importing.records import Capture, ScanCounts, captures
from crawler.importing.sites import SiteMatcher
from crawler.registry import Site
from crawler.urls import clean_url
from crawler.warc import RawPage, WarcRef
from storage.imports import DONE, advance_file, begin_file, save_capture, stored_urls
from storage.similarity import Signature
from storage.stories import lock_stories

log = logging.getLogger(__name__)
BATCH = 200
FLUSH_SECONDS = 2.0


class ImportFailed(Exception):
    """The import cannot go on (the archive cannot be written); what was saved stays."""


@dataclass
class ImportCounts:
    """What an import did, over all its files."""

    files: int = 0
    files_done_before: int = 0
    scan: ScanCounts = field(default_factory=ScanCounts)
    not_ok: int = 0  # captures of redirects, errors: no page to read
    pages: int = 0  # captures extracted
    outcomes: Counter[str] = field(default_factory=Counter)  # new, updated, unchanged, duplicate
    no_article: Counter[str] = field(default_factory=Counter)  # why, for pages with none

    def summary(self) -> str:
        skipped = f", {self.files_done_before} already imported" if self.files_done_before else ""
        return (
            f"{self.files} files{skipped}: {self.scan.records:,} records, "
            f"{self.pages:,} article pages read: {self.outcomes['new']:,} new, "
            f"{self.outcomes['updated']:,} updated, {self.outcomes['unchanged']:,} known, "
            f"{self.outcomes['duplicate']:,} duplicates, {sum(self.no_article.values()):,} no "
            f"article; {self.scan.skipped:,} of other hosts or no article URL, "
            f"{self.scan.revisits:,} revisits, {self.not_ok:,} not 200, "
            f"{self.scan.broken:,} broken"
        )


@dataclass(frozen=True)
class Source:
    """One file to import: its identity in `import_files`, how to open it, where its kept
    records are referenced (`keep`: the file itself, or a copy written for a remote one)."""

    name: str
    kind: str
    size: int | None
    open: Callable[[], AbstractContextManager[BinaryIO]]
    keep: Callable[[Capture], WarcRef | None]


@dataclass(frozen=True)
class Scanned:
    """A capture, with the scan's counts when it was read: what a flush records as done."""

    capture: Capture
    records: int
    broken: int


class Importer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        registry: Mapping[str, Site],
        pool: ExtractionPool,
        *,
        sites: tuple[str, ...] = (),
        batch: int = BATCH,
        flush_seconds: float = FLUSH_SECONDS,
        progress: Callable[[str, int, int | None], None] | None = None,
    ):
        self.sessions = sessions
        self.matcher = SiteMatcher.of(registry, sites)
        self.pool = pool
        self.batch = batch
        self.flush_seconds = flush_seconds
        self.progress = progress
        self.counts = ImportCounts()

    def wanted(self, url: str) -> bool:
        return self.matcher.article_site(url) is not None

    def run(self, source: Source) -> None:
        """Import one file from where its last import stopped (nothing when it is done)."""
        now = datetime.now(UTC)
        with self.sessions.begin() as session:
            row = begin_file(session, source.name, kind=source.kind, size=source.size, now=now)
            state, offset = row.state, row.offset
        if state == DONE:
            self.counts.files_done_before += 1
            log.info("already imported: %s", source.name)
            return
        self.counts.files += 1
        with source.open() as stream:
            scan = ScanCounts()
            found = captures(stream, self.wanted, scan, start=max(offset - 1, 0))
            fresh = (c for c in found if c.offset >= offset)
            # the file is read and the pool fed in a thread, a batch ahead of the saves
            with ReadAhead(self.pool.map(self._pages(fresh, scan)), self.batch) as results:
                self._save_all(source, results, scan, stream)
        self._add_scan(scan)

    def _pages(
        self, found: Iterator[Capture], scan: ScanCounts
    ) -> Iterator[tuple[Scanned, RawPage, Hints]]:
        for capture in found:
            site = self.matcher.article_site(capture.url)
            if site is None:
                continue
            if capture.status != 200:
                self.counts.not_ok += 1
                continue
            page = RawPage(capture.url, capture.status, capture.headers, capture.body,
                           capture.captured_at)  # fmt: skip
            yield Scanned(capture, scan.records, scan.broken), page, site.hints

    def _save_all(
        self, source: Source, results: Iterator[Done[Scanned]], scan: ScanCounts, stream: BinaryIO
    ) -> None:
        pending: list[Done[Scanned]] = []
        flushed = time.monotonic()
        saved_scan = ScanCounts()
        for done in results:
            pending.append(done)
            if len(pending) >= self.batch or time.monotonic() - flushed > self.flush_seconds:
                self._flush(source, pending, scan, saved_scan, last=False)
                pending, flushed = [], time.monotonic()
                if self.progress is not None:
                    self.progress(source.name, _position(stream), source.size)
        self._flush(source, pending, scan, saved_scan, last=True)

    def _flush(
        self,
        source: Source,
        pending: list[Done[Scanned]],
        scan: ScanCounts,
        saved_scan: ScanCounts,
        *,
        last: bool,
    ) -> None:
        outcomes: Counter[str] = Counter()
        try:
            with self.sessions.begin() as session:
                # one look-up for the batch's URLs, not one a page (most are new); the story
                # lock first (PostgreSQL), which every writer takes before it adds an article,
                # so that none adds one of these URLs between the look-up and the saves
                urls = [url for done in pending for url in self._urls(done)]
                if urls:
                    lock_stories(session)
                stored = stored_urls(session, urls)
                for done in pending:
                    outcome = self._save(session, source, done, stored)
                    if outcome is not None:
                        outcomes[outcome] += 1
                # the scan as it stood at the last page saved (the reading is ahead of it),
                # or all of it at the end of the file
                upto = scan if last or not pending else pending[-1].item
                offset = pending[-1].item.capture.offset + 1 if pending else 0
                advance_file(session, source.name, offset=offset,
                             records=upto.records - saved_scan.records, new=outcomes["new"],
                             duplicates=outcomes["duplicate"],
                             broken=upto.broken - saved_scan.broken,
                             done_at=datetime.now(UTC) if last else None)  # fmt: skip
        except SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            raise ImportFailed(f"the archive could not be written: {cause}") from exc
        saved_scan.records, saved_scan.broken = upto.records, upto.broken
        self.counts.outcomes.update(outcomes)

    def _save(
        self, session: Session, source: Source, done: Done[Scanned], stored: set[str]
    ) -> str | None:
        return self.save_one(session, done.item.capture, done.result, origin=source.kind,
                             keep=source.keep, story_signature=done.signature,
                             stored=stored)  # fmt: skip

    def _urls(self, done: Done[Scanned]) -> list[str]:
        """The URLs `save_one` saves the page's article under (none for no article)."""
        capture, result = done.item.capture, done.result
        site = self.matcher.article_site(capture.url)
        if isinstance(result, str) or site is None:
            return []
        record = _as_stored(result, capture, site)
        return [record.url, *_aliases(record, capture)]

    def save_one(
        self,
        session: Session,
        capture: Capture,
        result: Article | str,
        *,
        origin: str,
        keep: Callable[[Capture], WarcRef | None],
        story_signature: Signature | None = None,
        stored: set[str] | None = None,
    ) -> str | None:
        """Save the extraction of one capture (counted); its outcome, None for no article.
        `story_signature`: the article's, as its extraction worker computed it; `stored`: see
        `save_capture`."""
        self.counts.pages += 1
        if isinstance(result, str):
            self.counts.no_article[result] += 1
            return None
        site = self.matcher.article_site(capture.url)
        assert site is not None
        ref = keep(capture)
        record = _as_stored(result, capture, site)
        outcome = save_capture(session, site.key, record, captured_at=capture.captured_at,
                               origin=origin, aliases=_aliases(record, capture),
                               warc_file=ref.file if ref else None,
                               warc_offset=ref.offset if ref else None,
                               extractor_version=EXTRACTOR_VERSION,
                               story_signature=story_signature, stored=stored)  # fmt: skip
        return outcome.value

    def _add_scan(self, scan: ScanCounts) -> None:
        total = self.counts.scan
        for name in ("records", "skipped", "not_responses", "revisits", "broken"):
            setattr(total, name, getattr(total, name) + getattr(scan, name))


def _as_stored(record: Article, capture: Capture, site: Site) -> Article:
    """The record under its canonical URL when that is on the same site, else the captured one
    (a canonical link to another paper does not move an article there)."""
    url = clean_url(record.url)
    if not site.is_on_site(url):
        url = clean_url(capture.url)
    return dataclasses.replace(record, url=url, site=site.key)


def _aliases(record: Article, capture: Capture) -> list[str]:
    fetched = clean_url(capture.url)
    return [fetched] if fetched != record.url else []


def _position(stream: BinaryIO) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return 0
