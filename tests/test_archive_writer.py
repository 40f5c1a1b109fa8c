"""The crawl's archive writer (crawler/archive_writer.py): articles saved on its own thread in
batched transactions, each future resolved only after its batch committed, one article's bug
dropping only that article."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from storage import (
    Article,
    ArticleUrl,
    HttpValidator,
    SaveOutcome,
    create_schema,
    make_batch_engine,
    make_engine,
    save_article,
)
from tests.test_storage import T0, Record


def record(n: int) -> Record:
    return replace(Record(), url=f"https://baocantho.com.vn/bai-{n}-a{n}.html",
                   body=f"Bài số {n}.\n{Record().body}", lead=f"Tin {n}.")  # fmt: skip


def save(session: Session, item: Record) -> SaveOutcome:
    return save_article(session, "baocantho", item, now=T0)


@pytest.fixture
def batch_engine(tmp_path: Path) -> Engine:
    engine = make_batch_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    create_schema(engine)
    return engine


def stored_urls(batch_engine: Engine) -> set[str]:
    """What another connection sees stored (the batch engine's own would wait for the lock)."""
    reader = make_engine(batch_engine.url.render_as_string(hide_password=False))
    with reader.connect() as connection:
        urls = set(connection.scalars(select(Article.url)))
    reader.dispose()
    return urls


def test_articles_are_committed_in_batches_and_their_futures_wait_for_the_commit(
    batch_engine: Engine,
) -> None:
    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save, batch=4, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(10)]
    writer.close()
    assert [f.result(timeout=0) for f in futures] == [SaveOutcome.NEW] * 10
    assert writer.commits == 3  # 4 + 4 + the last 2, committed when the writer closed
    assert len(stored_urls(batch_engine)) == 10
    batch_engine.dispose()


def test_nothing_is_reported_saved_before_its_batch_commits(batch_engine: Engine) -> None:
    third_saved, go_on = threading.Event(), threading.Event()

    def save_and_wait(session: Session, item: Record) -> SaveOutcome:
        outcome = save(session, item)
        if "bai-2-" in item.url:  # the batch's last: its transaction is still open
            third_saved.set()
            assert go_on.wait(timeout=60)
        return outcome

    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save_and_wait, batch=3, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(3)]
    assert third_saved.wait(timeout=60)
    assert not [f for f in futures if f.done()]  # saved in the open transaction: not yet stored
    assert stored_urls(batch_engine) == set()
    go_on.set()
    writer.close()
    assert [f.result(timeout=0) for f in futures] == [SaveOutcome.NEW] * 3
    assert len(stored_urls(batch_engine)) == 3
    batch_engine.dispose()


def test_a_batch_of_one_is_a_commit_per_article(batch_engine: Engine) -> None:
    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save, batch=1, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(3)]
    writer.close()
    assert [f.result(timeout=0) for f in futures] == [SaveOutcome.NEW] * 3
    assert writer.commits == 3
    batch_engine.dispose()


def test_an_article_that_hits_a_bug_is_dropped_and_the_rest_of_its_batch_stored(
    batch_engine: Engine,
) -> None:
    def save_or_fail(session: Session, item: Record) -> SaveOutcome:
        outcome = save(session, item)  # its rows are written, then the savepoint is undone
        if "bai-2-" in item.url:
            raise IntegrityError("INSERT", {}, Exception("a bug of tinbao's"))
        return outcome

    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save_or_fail, batch=10, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(5)]
    writer.close()
    with pytest.raises(IntegrityError, match="a bug of tinbao's"):
        futures[2].result(timeout=0)
    assert [futures[n].result(timeout=0) for n in (0, 1, 3, 4)] == [SaveOutcome.NEW] * 4
    assert writer.commits == 1
    assert stored_urls(batch_engine) == {record(n).url for n in (0, 1, 3, 4)}
    with Session(batch_engine) as session:  # nothing of the dropped one: not its URLs either
        assert session.scalar(select(func.count()).select_from(ArticleUrl)) == 4
    batch_engine.dispose()


def test_a_batch_without_a_bug_is_written_without_savepoints(batch_engine: Engine) -> None:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(batch_engine, "before_cursor_execute", note)
    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save, batch=10, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(3)]
    writer.close()
    assert [f.result(timeout=0) for f in futures] == [SaveOutcome.NEW] * 3
    assert writer.commits == 1
    assert not [s for s in seen if "SAVEPOINT" in s.upper()]
    batch_engine.dispose()


def test_the_same_article_twice_in_one_batch_is_new_then_unchanged(batch_engine: Engine) -> None:
    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save, batch=10, interval=3600
    )
    futures = [writer.submit(record(1)), writer.submit(record(1))]
    writer.close()
    assert [f.result(timeout=0) for f in futures] == [SaveOutcome.NEW, SaveOutcome.UNCHANGED]
    batch_engine.dispose()


def test_the_crawls_other_writes_wait_for_a_batch_and_then_succeed(batch_engine: Engine) -> None:
    batch_open, go_on = threading.Event(), threading.Event()

    def save_and_wait(session: Session, item: Record) -> SaveOutcome:
        outcome = save(session, item)
        batch_open.set()
        assert go_on.wait(timeout=60)
        return outcome

    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, save_and_wait, batch=1, interval=0
    )
    future = writer.submit(record(1))
    assert batch_open.wait(timeout=60)  # the writer holds SQLite's write lock now
    other = make_engine(batch_engine.url.render_as_string(hide_password=False))
    done: list[object] = []

    def validator_write() -> None:  # as the reactor's HTTP validators or crawl_runs row would
        try:
            with other.begin() as connection:
                connection.execute(insert(HttpValidator).values(
                    url="https://baocantho.com.vn/rss", etag='"1"', stored_at=T0))  # fmt: skip
            done.append("written")
        except Exception as error:  # a failure, not a wait, would be the bug
            done.append(error)

    writing = threading.Thread(target=validator_write)
    writing.start()
    writing.join(timeout=0.5)
    assert done == []  # it waits for the lock (busy_timeout) rather than failing
    go_on.set()
    writing.join(timeout=60)
    writer.close()
    assert done == ["written"]
    assert future.result(timeout=0) is SaveOutcome.NEW
    other.dispose()
    batch_engine.dispose()


class Crash(BaseException):
    """What no save should raise: the writer's thread ends with it."""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_writer_whose_thread_dies_leaves_no_save_waiting(batch_engine: Engine) -> None:
    all_submitted = threading.Event()

    def crash(session: Session, item: Record) -> SaveOutcome:
        assert all_submitted.wait(timeout=60)
        raise Crash

    writer: ArchiveWriter[Record, SaveOutcome] = ArchiveWriter(
        batch_engine, crash, batch=2, interval=3600
    )
    futures = [writer.submit(record(n)) for n in range(5)]
    all_submitted.set()
    for future in futures:  # the batch's and the queued ones alike
        assert isinstance(future.exception(timeout=60), Crash)
    writer.close()
    with pytest.raises(RuntimeError, match="has stopped"):
        writer.submit(record(9)).result(timeout=0)
    batch_engine.dispose()
