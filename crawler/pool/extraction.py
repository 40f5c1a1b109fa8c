"""Page extraction in a pool of worker processes, so that every core reads pages while the
crawl's own process downloads, follows listings and saves.

`TINBAO_EXTRACT_WORKERS` workers (default: the cores this process may run on; 0: extract in
the crawl's own process, as before the pool). The workers are started clean (spawn: no copy of
the reactor or its threads), import the extractor once, ignore Ctrl-C (the crawl itself decides
how to stop) and exit when the crawl's process dies, so a crawl killed with -9 leaves none.
Each holds one page and its tree at a time: about 60-90 MB of RSS per worker.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

import crawler.extraction as extraction
from crawler.extraction import Article, Hints
from crawler.pool.awaiting import result_of

T = TypeVar("T")
SETTING = "TINBAO_EXTRACT_WORKERS"


def pool_size(configured: int | None = None) -> int:
    """Workers for a setting's value: None or negative means one per usable core."""
    if configured is not None and configured >= 0:
        return configured
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """`workers` processes that extract pages; with 0, pages are extracted in this process.
    Nothing is started before `start`, so that unit tests of a spider extract inline."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pids: set[int] = set()  # the processes that extracted a page
        self._executor: ProcessPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._executor is not None

    def start(self) -> None:
        """Start every worker now, so that the first pages do not wait for them."""
        if self.workers <= 0 or self._executor is not None:
            return
        self._executor = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker
        )
        for _ in range(self.workers):  # each submit finds no idle worker: one more starts
            self._executor.submit(os.getpid)

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Run `function(*args)` in a worker (in this process when the pool is not running)."""
        if self._executor is not None:
            return self._executor.submit(function, *args)
        future: Future[T] = Future()
        try:
            future.set_result(function(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    async def extract(self, html: str, url: str, hints: Hints | None = None) -> Article:
        """`crawler.extraction.extract(html, url, hints)`, in a worker."""
        article, pid = await result_of(self.submit(extract_in_worker, html, url, hints))
        self.pids.add(pid)
        return article

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def extract_in_worker(html: str, url: str, hints: Hints | None) -> tuple[Article, int]:
    """What a worker runs for one page: its article, and which process read it."""
    return extraction.extract(html, url, hints), os.getpid()


def start_worker() -> None:
    """A worker's start: the extractor imported once, Ctrl-C left to the crawl, and an exit
    as soon as the crawl's process is gone (also the start of `tinbao import`'s workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import crawler.extraction.compose  # noqa: F401  (trafilatura and lxml, once)

    parent = multiprocessing.parent_process()
    if parent is not None:
        sentinel = parent.sentinel
        threading.Thread(target=_exit_with_parent, args=(sentinel,), daemon=True).start()


def _exit_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
