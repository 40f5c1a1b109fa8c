"""Reading ahead: an iterator driven by a thread of its own, up to `depth` items before its
consumer, so that what produces the items and what consumes them overlap.

Why: an import reads the archive file, feeds the extraction pool and saves the results. Saved
from the same thread, every transaction (a batch of pages, seconds of SQLAlchemy) left the pool
without new pages: its workers sat idle while the importer wrote, and an import ran at a third
of the machine's limit with a third of its CPU unused. With the reading and the feeding in a
thread of their own, the workers are kept busy while the importer saves; the saving stays in
the caller's thread, so its errors and its progress reports are raised and shown where they
were. Memory stays bounded: at most `depth` items wait.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
_POLL = 0.1  # how often a producer blocked on a full queue looks whether it should stop
_JOIN = 10.0  # at most this long to let the producer finish the item it is on


class _End:
    """The producer's last word: the items ended, or raised `error`."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


class ReadAhead(Generic[T]):
    """`with ReadAhead(items, depth) as ahead: for item in ahead: ...`; an error of `items`
    is raised by the loop, at the place it would have been met; leaving the block early stops
    the producer (at its next item)."""

    def __init__(self, items: Iterator[T], depth: int):
        self._items = items
        self._queue: queue.Queue[T | _End] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="read-ahead", daemon=True)

    def __enter__(self) -> Iterator[T]:
        self._thread.start()
        return self._consume()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(_JOIN)

    def _consume(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item

    def _produce(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            self._put(_End(error))
            return
        self._put(_End())

    def _put(self, item: T | _End) -> bool:
        """Queue `item`, waiting for room; False when the consumer left."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False
