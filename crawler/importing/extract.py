"""Extraction of captured pages on every core: a pool of worker processes, each reading one
page at a time as the spider reads a fetched page (crawler/reextract.py's `read_article`), so an
imported article is extracted exactly as a crawled one.

A worker also computes the story signature of the article it read (`story_signature`, the
MinHash of its text: the costliest part of giving a new article its story), so that the
importer's one saving process, which holds the import below the machine's limit, does not.

The pool is fed through a window of pages in flight (a few per worker): enough to keep every
worker busy, small enough that memory stays bounded however large the file. Pages go to a
worker `PAGES_PER_TASK` at a time: one round trip between the processes (a task queued, its
results sent back, a future settled on each side) for several pages, not one a page.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from crawler.extraction import Article, Hints
from crawler.pool.extraction import start_worker
from crawler.reextract import Unreadable, read_article
from crawler.warc import RawPage
from storage.similarity import Signature
from storage.stories import story_signature

T = TypeVar("T")
PAGES_PER_TASK = 4  # pages a worker is given at once
TASKS_PER_WORKER = 2  # tasks in flight per worker: one being read, one waiting


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def read_capture(page: RawPage, hints: Hints) -> Article | str:
    """The article of a captured page, or why it holds none (a sentence); never raises."""
    try:
        return read_article(page, hints)
    except Unreadable as exc:
        return str(exc)
    except Exception as exc:  # an extractor bug costs this page only
        return f"extraction failed: {type(exc).__name__}"


def read_signed(page: RawPage, hints: Hints) -> tuple[Article | str, Signature | None]:
    """`read_capture`, with the article's story signature (None for no article)."""
    result = read_capture(page, hints)
    if isinstance(result, str):
        return result, None
    try:
        return result, story_signature(result)
    except Exception:  # the saver computes it again; a bug here must not cost the page
        return result, None


def read_many(pages: list[tuple[RawPage, Hints]]) -> list[tuple[Article | str, Signature | None]]:
    """`read_signed` for each of a task's pages (in a worker)."""
    return [read_signed(page, hints) for page, hints in pages]


@dataclass
class Done(Generic[T]):
    """A page given to the pool, with what came back (and its article's story signature)."""

    item: T
    result: Article | str
    signature: Signature | None = None


class ExtractionPool:
    """`map(pages)`: results in the order the pages were given, extracted `workers` at once."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        # spawn: a worker inherits no open database connection or file of the importer; it
        # exits when the importer's process is gone (killed, it left its workers behind)
        self._executor = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker
        )

    def map(self, pages: Iterable[tuple[T, RawPage, Hints]]) -> Iterator[Done[T]]:
        window: deque[tuple[list[T], Future[list[tuple[Article | str, Signature | None]]]]]
        window = deque()
        limit = self.workers * TASKS_PER_WORKER
        items: list[T] = []
        task: list[tuple[RawPage, Hints]] = []
        for item, page, hints in pages:
            items.append(item)
            task.append((page, hints))
            if len(task) < PAGES_PER_TASK:
                continue
            window.append((items, self._executor.submit(read_many, task)))
            items, task = [], []
            while len(window) >= limit:
                yield from self._take(window)
        if task:
            window.append((items, self._executor.submit(read_many, task)))
        while window:
            yield from self._take(window)

    @staticmethod
    def _take(
        window: deque[tuple[list[T], Future[list[tuple[Article | str, Signature | None]]]]],
    ) -> Iterator[Done[T]]:
        items, future = window.popleft()
        for item, (result, signature) in zip(items, future.result(), strict=True):
            yield Done(item, result, signature)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
