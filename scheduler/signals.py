"""SIGTERM, SIGINT and SIGHUP as messages to the daemon's main loop.

A handler only notes the signal; the main thread acts on it between two waits, never in the
middle of a database call. The wakeup fd makes `wait` return at once when a signal arrives.
"""

from __future__ import annotations

import select
import signal
import socket
from collections import deque
from collections.abc import Iterable
from types import FrameType, TracebackType
from typing import Any, Self

STOP = frozenset({signal.SIGTERM, signal.SIGINT})
RELOAD = signal.SIGHUP


class SignalInbox:
    """`with SignalInbox() as inbox: inbox.wait(5)` -> the signals received meanwhile.

    Must be entered in the main thread (Python runs signal handlers there only); the previous
    handlers come back on exit.
    """

    def __init__(self, signals: Iterable[int] = (*STOP, RELOAD)):
        self.signals = tuple(signals)
        self._pending: deque[int] = deque()
        self._previous: dict[int, Any] = {}
        self._previous_fd = -1
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)

    def __enter__(self) -> Self:
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()

    def _note(self, signum: int, _frame: FrameType | None) -> None:
        self._pending.append(signum)

    def wait(self, timeout: float) -> list[int]:
        """The signals received, waiting up to `timeout` seconds for one when none is."""
        if not self._pending:
            select.select([self._reader], [], [], max(0.0, timeout))
        try:
            while self._reader.recv(512):
                pass
        except BlockingIOError:
            pass
        received = []
        while self._pending:
            received.append(self._pending.popleft())
        return received
