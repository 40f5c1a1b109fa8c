"""Re-extraction: the current extractor run again over the raw pages kept in WARC files
(crawler/warc.py), without fetching anything; the articles whose reading changed are corrected
in place (storage/reextraction.py). `tinbao reextract` is its command.

A page is read as the spider reads it: the response class and charset from the stored headers
and body (crawler/encoding.py corrects a wrong charset), the site's current registry hints, the
same checks for HTML, empty and binary bodies. Articles are taken by id, a batch at a time, so
memory stays constant: the batch's rows are read and that transaction ended, each article's
record is extracted (the slow part) with no transaction open, then each article is written in a
short transaction of its own, so an interrupted run keeps what it did and a crawl is never kept
waiting long. That write reads the row again, locked, and applies the new reading only when the
row still points to the record that was read and still holds the same text: a crawl that
revised the article in between (a newer record, a newer text) is not overwritten with the
reading of the older record; the article is skipped (logged, counted apart, no failure).

Extraction runs on every core: `workers` processes of the crawl's extraction pool
(crawler/pool) each read a record from its WARC file and extract it, and are given a few pages
each ahead of the writes (a sliding window), so they do not wait while this process writes;
the writes stay here, one short transaction an article, in id order. With no workers,
each page is read, extracted and written before the next, in this process.

An article that cannot be re-extracted (no WARC file, an unreadable record, a record of another
page, an extractor error, a page that no longer reads as an article, a text another article
already has, a database error in its write) is counted as failed and logged with its id and
URL; the run goes on.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import crawler.extraction as extraction
from crawler.encoding import page_text
from crawler.extraction import Article as Record
from crawler.extraction import Hints
from crawler.pages import NO_ARTICLE, UNUSABLE, no_article, unusable
from crawler.pool import ExtractionPool
from crawler.registry import Site
from crawler.warc import RawPage, WarcRef, read_page
from storage.articles import article_values
from storage.export import Selection
from storage.models import Article
from storage.reextraction import TextClash, apply_extraction, is_page_of

BATCH = 200
PAGES_PER_WORKER = 4  # pages given to each worker ahead of the writes
log = logging.getLogger(__name__)


class Unreadable(Exception):
    """Why one article's raw page gave no article record."""


class Outcome(Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Counts:
    """What a run did: `read` articles with a raw page, each `changed`, `unchanged`, `failed`
    or `skipped` (a crawl changed it while it was re-extracted); `without_raw` selected
    articles had none (stored before pages were kept)."""

    read: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    without_raw: int = 0
    processes: set[int] = field(default_factory=set, compare=False)  # which read the records

    def summary(self) -> str:
        line = (
            f"read {self.read}, changed {self.changed}, unchanged {self.unchanged}, "
            f"failed {self.failed}"
        )
        return line + (f", skipped {self.skipped}" if self.skipped else "")


@dataclass(frozen=True)
class _Read:
    """An article as the batch read it: what its record is read from, and what it then held."""

    id: int
    url: str
    site: str
    warc_file: str
    warc_offset: int | None
    content_hash: str


def reextract(
    sessions: sessionmaker[Session],
    folder: Path,
    registry: Mapping[str, Site],
    selection: Selection | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    workers: int = 0,
) -> Counts:
    """Re-extract the selected articles (by site and publication time; any `limit` is ignored)
    whose raw page is in `folder`. `progress` is told how many selected articles were gone
    through after each batch. A dry run counts what would change and rolls every write back.
    `workers` processes read and extract the pages (crawler/pool), a few pages each ahead of
    the writes, which stay in this process in id order; with 0, everything happens here."""
    version = extraction.EXTRACTOR_VERSION
    counts = Counts()
    pool = ExtractionPool(workers)
    pool.start()
    window: deque[tuple[_Job, Future[_Extracted]]] = deque()
    ahead = max(1, workers * PAGES_PER_WORKER)  # with none, each page is written before the next

    def finish(job: _Job, future: Future[_Extracted]) -> None:
        extracted = future.result()
        if job.read is None:
            counts.without_raw += 1
        else:
            _count(counts, _settle(sessions, job.read, extracted, version, dry_run))
            if extracted.pid:
                counts.processes.add(extracted.pid)
        if job.done is not None and progress is not None:
            progress(job.done)

    try:
        for job in _jobs(sessions, selection or Selection(), batch):
            window.append((job, _submit(pool, job, folder, registry)))
            while len(window) >= ahead:
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
    finally:
        pool.close()
    return counts


@dataclass(frozen=True)
class _Job:
    """One selected article: its row as read (None when it has no raw page), and, for the last
    of a batch, how many selected articles are gone through once it is written."""

    read: _Read | None
    done: int | None


def _jobs(sessions: sessionmaker[Session], selection: Selection, batch: int) -> Iterator[_Job]:
    """The selected articles by id, `batch` rows a read transaction, ended before they go on."""
    columns = (Article.id, Article.url, Article.site, Article.warc_file, Article.warc_offset,
               Article.content_hash)  # fmt: skip
    after, done = 0, 0
    while True:
        with sessions() as session:  # closing it ends the read transaction
            rows = session.execute(
                selection.where(select(*columns))
                .where(Article.id > after)
                .order_by(Article.id)
                .limit(batch)
            ).all()
        if not rows:
            return
        after = rows[-1].id
        done += len(rows)
        for number, row in enumerate(rows, 1):
            read = (
                _Read(row.id, row.url, row.site, row.warc_file, row.warc_offset, row.content_hash)
                if row.warc_file
                else None
            )
            yield _Job(read, done if number == len(rows) else None)


@dataclass(frozen=True)
class _Extracted:
    """What a worker made of one article's record: the URL it was fetched from and the row's
    new values, or why there are none; and which process read it."""

    url: str = ""
    values: dict[str, Any] | None = None
    failure: str = ""
    pid: int = 0


def _submit(
    pool: ExtractionPool, job: _Job, folder: Path, registry: Mapping[str, Site]
) -> Future[_Extracted]:
    if job.read is None:
        nothing: Future[_Extracted] = Future()
        nothing.set_result(_Extracted())
        return nothing
    site = registry.get(job.read.site)
    if site is None:
        failed: Future[_Extracted] = Future()
        failed.set_result(_Extracted(failure=f"site {job.read.site!r} is not in the registry"))
        return failed
    return pool.submit(extract_record, job.read, folder, site.hints)


def extract_record(read: _Read, folder: Path, hints: Hints) -> _Extracted:
    """Read and extract one article's record (in a worker); never raises."""
    try:
        url, values = _new_values(read, folder, hints)
    except Unreadable as exc:
        return _Extracted(failure=str(exc), pid=os.getpid())
    except Exception as exc:  # an extractor bug must not end the run
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return _Extracted(failure=reason, pid=os.getpid())
    return _Extracted(url, values, pid=os.getpid())


def _settle(
    sessions: sessionmaker[Session],
    read: _Read,
    extracted: _Extracted,
    version: str,
    dry_run: bool,
) -> Outcome:
    """Write the new reading in a transaction of its own; failures are logged."""
    reason = extracted.failure
    if extracted.values is not None:
        try:
            return _write(sessions, read, extracted.url, extracted.values, version, dry_run)
        except (Unreadable, TextClash) as exc:
            reason = str(exc)
        except SQLAlchemyError as exc:  # e.g. SQLite busy: this article only
            reason = f"database error: {_database_error(exc)}"
    log.warning("article %d not re-extracted (%s): %s", read.id, read.url, reason)
    return Outcome.FAILED


def _write(
    sessions: sessionmaker[Session],
    read: _Read,
    url: str,
    values: dict[str, Any],
    version: str,
    dry_run: bool,
) -> Outcome:
    """Apply the new reading of `read`'s record when the row still holds what was read."""
    with sessions() as session:
        _begin_write(session)
        article = session.scalar(select(Article).where(Article.id == read.id).with_for_update())
        if article is None or (article.warc_file, article.warc_offset, article.content_hash) != (
            read.warc_file, read.warc_offset, read.content_hash
        ):  # fmt: skip
            session.rollback()
            log.info(
                "article %d skipped (%s): changed by a crawl while it was re-extracted",
                read.id,
                read.url,
            )
            return Outcome.SKIPPED
        if not is_page_of(session, article, url):
            raise Unreadable(f"the record at {read.warc_file}:{read.warc_offset} is of {url}")
        changed = apply_extraction(session, article, values, version)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return Outcome.CHANGED if changed else Outcome.UNCHANGED


def _begin_write(session: Session) -> None:
    """On SQLite, take the write lock before the row is read again (waiting for a crawl's
    write as long as the busy timeout lets it), so that nothing is written between that read
    and this write; on PostgreSQL the row lock (SELECT ... FOR UPDATE) does it."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _database_error(exc: SQLAlchemyError) -> str:
    """The driver's message without the SQL statement SQLAlchemy adds."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return f"{type(cause).__name__}: {str(cause).strip()}"


def _new_values(read: _Read, folder: Path, hints: Hints) -> tuple[str, dict[str, Any]]:
    """(the URL the raw page was fetched from, the row's values as the extractor reads it now)."""
    page = _raw_page(folder, WarcRef(read.warc_file, read.warc_offset or 0))
    record = read_article(page, hints)
    # the URL is the row's identity: a canonical link the page now declares does not move it
    return page.url, article_values(read.site, dataclasses.replace(record, url=read.url))


def _count(counts: Counts, outcome: Outcome) -> None:
    counts.read += 1
    if outcome is Outcome.CHANGED:
        counts.changed += 1
    elif outcome is Outcome.UNCHANGED:
        counts.unchanged += 1
    elif outcome is Outcome.SKIPPED:
        counts.skipped += 1
    else:
        counts.failed += 1


def _raw_page(folder: Path, ref: WarcRef) -> RawPage:
    path = folder / ref.file
    if not path.is_file():
        raise Unreadable(f"WARC file {path} is missing")
    try:
        return read_page(folder, ref)
    except Exception as exc:
        raise Unreadable(
            f"no readable record at {ref.file}:{ref.offset}: {type(exc).__name__}: {exc}"
        ) from exc


def read_article(page: RawPage, hints: Hints) -> Record:
    """The article record of a stored page, read as the spider reads a fetched one."""
    headers = Headers()
    for name, value in page.headers:
        headers.appendlist(name, value)
    kind = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
    response = kind(url=page.url, status=page.status, headers=headers, body=page.body)
    problem = unusable(response)
    if problem is not None:
        raise Unreadable(UNUSABLE[problem])
    assert isinstance(response, TextResponse)
    text, _ = page_text(response)
    record = extraction.extract(text, page.url, hints)
    verdict = no_article(record)
    if verdict is not None:
        raise Unreadable(NO_ARTICLE[verdict])
    return record
