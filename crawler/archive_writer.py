"""The crawl's archive writer: one thread with its own connection saves the articles the
pipeline hands it, in small batched transactions, so that the reactor never waits on the
archive and a commit is paid once per batch instead of once per article.

A batch is written and committed once it holds `batch` articles or `interval` seconds have
passed since its first one, whichever comes first. It is first written without savepoints
(two statements an article fewer: a tenth of a save's CPU); when an article hits a bug (an
IntegrityError, ...) the batch is rolled back and written again with each article in a
SAVEPOINT of its own, so that one is dropped with its traceback and the others of its batch
are stored. An article's future is resolved only once its batch has
COMMITTED: whatever the crawl reports stored (stats, log, the item passed on) is in the
archive, also after a kill -9. When the batch's transaction fails (the archive refuses the
commit, the server is gone), every article of the batch fails with that error. With
`batch=1` every article is its own transaction, as before the writer.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.archive_writes import refusal
from storage import make_sessionmaker

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


@dataclass
class _Save(Generic[Item, Outcome]):
    item: Item
    future: Future[Outcome] = field(default_factory=Future)


class ArchiveWriter(Generic[Item, Outcome]):
    """Saves items with `save(session, item)` on a thread of its own, on `engine` (made for
    it: see storage.make_batch_engine); `submit` returns a future resolved after the commit."""

    def __init__(
        self,
        engine: Engine,
        save: Callable[[Session, Item], Outcome],
        *,
        batch: int,
        interval: float,
    ) -> None:
        self.engine = engine
        self.batch = max(1, batch)
        self.interval = max(0.0, interval)
        self.commits = 0  # transactions committed (a test checks that batching happens)
        self._save = save
        self._sessions = make_sessionmaker(engine)
        self._queue: queue.SimpleQueue[_Save[Item, Outcome] | None] = queue.SimpleQueue()
        self._stopping = False  # the stop sign was taken out of the queue inside a batch
        self._thread = threading.Thread(target=self._run, name="tinbao-archive-writer", daemon=True)
        self._thread.start()

    def submit(self, item: Item) -> Future[Outcome]:
        """Queue `item`; its future gives the save's outcome once it is committed."""
        save: _Save[Item, Outcome] = _Save(item)
        if not self._thread.is_alive():
            save.future.set_exception(RuntimeError("the archive writer has stopped"))
        else:
            self._queue.put(save)
        return save.future

    def close(self) -> None:
        """Commit what is queued, then stop the thread (waits for it)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stopping and (first := self._queue.get()) is not None:
                self._write_batch(self._gather(first))
        except BaseException as error:  # never leave a save waiting for a thread that is gone
            self._stopping = True
            while True:
                try:
                    save = self._queue.get_nowait()
                except queue.Empty:
                    break
                if save is not None and not save.future.done():
                    save.future.set_exception(error)
            raise

    def _gather(self, first: _Save[Item, Outcome]) -> list[_Save[Item, Outcome]]:
        """`first` and what arrives after it until the batch is full or its time is up (or
        the writer is told to stop). No transaction is open meanwhile: on SQLite the write
        lock is held only while the batch is written, so the crawl's other writes (HTTP
        validators, its run's row) wait for a few milliseconds, not for a whole interval."""
        deadline = time.monotonic() + self.interval
        batch = [first]
        while len(batch) < self.batch:
            remaining = deadline - time.monotonic()
            try:
                save = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            if save is None:
                self._stopping = True
                break
            batch.append(save)
        return batch

    def _write_batch(self, batch: list[_Save[Item, Outcome]]) -> None:
        """Save each item of `batch` in one transaction, commit, then resolve the futures:
        without savepoints first, again with one an item when an item hit a bug."""
        if len(batch) > 1:
            try:
                saved = self._transaction(batch, self._save_plain)
            except BaseException as error:
                if not isinstance(error, Exception) or refusal(error) is not None:
                    self._fail(batch, error)  # the archive refused: so would a second try
                    if not isinstance(error, Exception):
                        raise
                    return
            else:
                self._resolve(saved)
                return
        try:
            saved = self._transaction(batch, self._save_one)
        except BaseException as error:  # the batch's transaction failed: nothing of it is stored
            self._fail(batch, error)
            if not isinstance(error, Exception):
                raise
            return
        self._resolve(saved)

    def _transaction(
        self,
        batch: list[_Save[Item, Outcome]],
        save_one: Callable[[Session, _Save[Item, Outcome]], Outcome | None],
    ) -> list[tuple[_Save[Item, Outcome], Outcome]]:
        """The items of `batch` saved by `save_one` in one committed transaction."""
        saved: list[tuple[_Save[Item, Outcome], Outcome]] = []
        session = self._sessions()
        try:
            with session.begin():
                for save in batch:
                    outcome = save_one(session, save)
                    if outcome is not None:
                        saved.append((save, outcome))
        finally:
            session.close()
        self.commits += 1
        return saved

    @staticmethod
    def _resolve(saved: list[tuple[_Save[Item, Outcome], Outcome]]) -> None:
        for save, outcome in saved:
            save.future.set_result(outcome)

    @staticmethod
    def _fail(batch: list[_Save[Item, Outcome]], error: BaseException) -> None:
        for save in batch:
            if not save.future.done():
                save.future.set_exception(error)

    def _save_plain(self, session: Session, save: _Save[Item, Outcome]) -> Outcome:
        return self._save(session, save.item)

    def _save_one(self, session: Session, save: _Save[Item, Outcome]) -> Outcome | None:
        """Save one item in a savepoint; a bug of its own fails its future only, the archive
        refusing the write fails the batch (raised)."""
        try:
            with session.begin_nested():
                return self._save(session, save.item)
        except Exception as error:
            if refusal(error) is not None:
                raise
            save.future.set_exception(error)
            return None
