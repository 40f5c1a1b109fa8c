"""Re-extraction: the current extractor run again over the raw pages kept in WARC files
(crawler/warc.py), without fetching anything; the articles whose reading changed are corrected
in place (storage/reextraction.py). `tinbao reextract` is its command.

A page is read as the spider reads it: the response class and charset from the stored headers
and body (crawler/encoding.py corrects a wrong charset), the site's current registry hints, the
same checks for HTML, empty and binary bodies. Articles are taken by id, a batch at a time, so
memory stays constant: the batch's rows are read and that transaction ended, each article's
record is extracted (the slow part) with no transaction open, then the batch's articles are
written in short transactions of up to 50 articles (crawler/reextract_writes.py: an article
read as it was stored needs no write, only a check), so an interrupted run keeps what it did
and a crawl is never kept waiting long. A write reads the row again, locked, and applies the
new reading only when the row still points to the record that was read and still holds the
same text: a crawl that revised the article in between (a newer record, a newer text) is not
overwritten with the reading of the older record; the article is skipped (logged, counted
apart, no failure).

Extraction runs on every core: `workers` processes of the crawl's extraction pool
(crawler/pool) each read records from their WARC file and extract them, four a task (one round
trip between the processes for four pages), two tasks a worker ahead of the writes (a sliding
window), so they do not wait while this process writes; the writes stay here, in id order.
With no workers, each page is read, extracted and written before the next, in this process.

An article that cannot be re-extracted (no WARC file, an unreadable record, a record of another
page, an extractor error, a page that no longer reads as an article, a text another article
already has, a database error in its write) is counted as failed and logged with its id and
URL; the run goes on.
"""

from __future__ import annotations

import dataclasses
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import crawler.extraction as extraction
from crawler.encoding import page_text
from crawler.extraction import Article as Record
from crawler.extraction import Hints
from crawler.pages import NO_ARTICLE, UNUSABLE, no_article, unusable
from crawler.pool import ExtractionPool
from crawler.reextract_writes import (
    GROUP,
    Extracted,
    Outcome,
    Read,
    Unreadable,
    Writes,
    stored_columns,
)
from crawler.registry import Site
from crawler.warc import RawPage, WarcRef, read_page
from storage.articles import article_values
from storage.export import Selection
from storage.models import Article

BATCH = 200
PAGES_PER_TASK = 4  # records a worker is given at once: one round trip for four pages
TASKS_PER_WORKER = 2  # tasks given to each worker ahead of the writes

__all__ = ["Counts", "Outcome", "Unreadable", "extract_records", "read_article", "reextract"]


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

    def count(self, outcome: Outcome) -> None:
        self.read += 1
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


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
    `workers` processes read and extract the pages (crawler/pool), a few tasks of a few pages
    each ahead of the writes, which stay in this process in id order
    (crawler/reextract_writes.py); with 0, everything happens here, a page at a time."""
    counts = Counts()
    # with no workers, each page is read, extracted and written before the next
    writes = Writes(sessions, extraction.EXTRACTOR_VERSION, dry_run, counts.count,
                    group=GROUP if workers else 1)  # fmt: skip
    pool = ExtractionPool(workers)
    pool.start()
    window: deque[tuple[list[_Job], Future[list[Extracted]]]] = deque()
    size = PAGES_PER_TASK if workers else 1
    ahead = max(1, workers * TASKS_PER_WORKER)

    def finish(jobs: list[_Job], future: Future[list[Extracted]]) -> None:
        for job, extracted in zip(jobs, future.result(), strict=True):
            if job.read is None:
                counts.without_raw += 1
                continue
            writes.add(job.read, extracted)
            if extracted.pid:
                counts.processes.add(extracted.pid)
        if jobs[-1].done is not None:  # a task ends with its batch: the batch is written
            writes.flush()
            if progress is not None:
                progress(jobs[-1].done)

    try:
        for task in _tasks(_jobs(sessions, selection or Selection(), batch), size):
            window.append((task, _submit(pool, task, folder, registry)))
            while len(window) >= ahead:
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
        writes.flush()
    finally:
        pool.close()
    return counts


@dataclass(frozen=True)
class _Job:
    """One selected article: its row as read (None when it has no raw page), and, for the last
    of a batch, how many selected articles are gone through once it is written."""

    read: Read | None
    done: int | None


def _jobs(sessions: sessionmaker[Session], selection: Selection, batch: int) -> Iterator[_Job]:
    """The selected articles by id, `batch` rows a read transaction, ended before they go on."""
    columns = (Article.id, Article.url, Article.site, Article.warc_file, Article.warc_offset,
               Article.content_hash, *stored_columns())  # fmt: skip
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
            read = Read(row.id, row.url, row.site, row.warc_file, row.warc_offset,
                        row.content_hash, tuple(row[6:])) if row.warc_file else None  # fmt: skip
            yield _Job(read, done if number == len(rows) else None)


def _tasks(jobs: Iterator[_Job], size: int) -> Iterator[list[_Job]]:
    """The jobs in tasks of up to `size`, a batch's last job ending a task (so that a batch is
    written, and its progress told, as soon as its pages are read)."""
    task: list[_Job] = []
    for job in jobs:
        task.append(job)
        if len(task) >= size or job.done is not None:
            yield task
            task = []
    if task:
        yield task


def _submit(
    pool: ExtractionPool, task: list[_Job], folder: Path, registry: Mapping[str, Site]
) -> Future[list[Extracted]]:
    """The task's records to a worker (only what it reads them by); what needs no reading,
    settled here."""
    settled: dict[int, Extracted] = {}
    wanted: list[tuple[int, Read, Hints]] = []
    for number, job in enumerate(task):
        if job.read is None:
            settled[number] = Extracted()
            continue
        site = registry.get(job.read.site)
        if site is None:
            settled[number] = Extracted(failure=f"site {job.read.site!r} is not in the registry")
            continue
        # `stored` stays here: a worker needs only where the record is and the row's URL
        wanted.append((number, dataclasses.replace(job.read, stored=()), site.hints))
    if not wanted:
        done: Future[list[Extracted]] = Future()
        done.set_result([settled[number] for number in range(len(task))])
        return done
    extracted = pool.submit(extract_records, [(read, hints) for _, read, hints in wanted], folder)
    result: Future[list[Extracted]] = Future()

    def merge(future: Future[list[Extracted]]) -> None:
        error = future.exception()
        if error is not None:
            result.set_exception(error)
            return
        found = dict(zip((number for number, _, _ in wanted), future.result(), strict=True))
        result.set_result([settled.get(number) or found[number] for number in range(len(task))])

    extracted.add_done_callback(merge)
    return result


def extract_records(reads: list[tuple[Read, Hints]], folder: Path) -> list[Extracted]:
    """Read and extract a task's records (in a worker); never raises."""
    return [extract_record(read, folder, hints) for read, hints in reads]


def extract_record(read: Read, folder: Path, hints: Hints) -> Extracted:
    """Read and extract one article's record; never raises."""
    try:
        url, values = _new_values(read, folder, hints)
    except Unreadable as exc:
        return Extracted(failure=str(exc), pid=os.getpid())
    except Exception as exc:  # an extractor bug must not end the run
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return Extracted(failure=reason, pid=os.getpid())
    return Extracted(url, values, pid=os.getpid())


def _new_values(read: Read, folder: Path, hints: Hints) -> tuple[str, dict[str, Any]]:
    """(the URL the raw page was fetched from, the row's values as the extractor reads it now)."""
    page = _raw_page(folder, WarcRef(read.warc_file, read.warc_offset or 0))
    record = read_article(page, hints)
    # the URL is the row's identity: a canonical link the page now declares does not move it
    return page.url, article_values(read.site, dataclasses.replace(record, url=read.url))


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
