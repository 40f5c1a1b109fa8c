"""Two batched archive writers on one PostgreSQL archive, saving the same texts in opposite
orders (two crawls of papers sharing wire stories): no deadlock, each text stored once.

Without the story lock taken before a save's INSERT, writer B inserts its copy, then waits for
the story lock that A holds; A's next INSERT meets B's uncommitted copy and waits for B: a
deadlock, which PostgreSQL breaks by failing one batch (and its crawl)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from storage import Article, ArticleUrl, SaveOutcome, make_batch_engine, open_archive
from tests.test_archive_writer import record, save
from tests.test_storage import Record

pytestmark = pytest.mark.postgres


def copy_of(original: Record, paper: str) -> Record:
    return replace(original, url=original.url.replace("baocantho.com.vn", paper))


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def lock_waiters(engine: Engine) -> int:
    """Sessions of this database waiting for a lock now."""
    with engine.connect() as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        return int(connection.scalar(text(query)) or 0)


def test_two_batched_writers_saving_copies_in_opposite_orders_do_not_deadlock(
    empty_postgres_url: str,
) -> None:
    watcher = open_archive(empty_postgres_url)
    first_saved, go_on = threading.Event(), threading.Event()

    def save_then_pause(session: Session, item: Record) -> SaveOutcome:
        outcome = save(session, item)
        if "bai-1-" in item.url:  # A holds the story lock now, its batch still open
            first_saved.set()
            assert go_on.wait(timeout=60)
        return outcome

    a = ArchiveWriter(make_batch_engine(empty_postgres_url), save_then_pause, batch=2, interval=60)
    b = ArchiveWriter(make_batch_engine(empty_postgres_url), save, batch=2, interval=60)
    a_done = [a.submit(record(1)), a.submit(record(2))]
    assert first_saved.wait(timeout=60)
    b_done = [b.submit(copy_of(record(2), "baohaugiang.com.vn")),
              b.submit(copy_of(record(1), "baohaugiang.com.vn"))]  # fmt: skip
    wait_until(lambda: lock_waiters(watcher) > 0)  # B waits for the story lock
    go_on.set()
    a.close()
    b.close()
    assert [f.result(timeout=0) for f in a_done] == [SaveOutcome.NEW] * 2
    assert [f.result(timeout=0) for f in b_done] == [SaveOutcome.DUPLICATE] * 2
    with Session(watcher) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2
        assert session.scalar(select(func.count()).select_from(ArticleUrl)) == 4
    for engine in (a.engine, b.engine, watcher):
        engine.dispose()
