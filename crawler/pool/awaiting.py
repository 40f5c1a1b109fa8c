"""Await a `concurrent.futures.Future` (a worker process's or a writer thread's result) from a
Scrapy callback or pipeline, whichever reactor runs it."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any, TypeVar

from twisted.internet.defer import Deferred

T = TypeVar("T")


async def result_of(future: Future[T]) -> T:
    """The future's result, awaited without blocking the event loop: through asyncio when a
    loop runs (Scrapy's default asyncio reactor, or plain asyncio), else a Deferred fired from
    the reactor's thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return await asyncio.wrap_future(future)
    from twisted.internet import reactor

    deferred: Deferred[T] = Deferred()

    def settle(done: Future[T]) -> None:
        error = done.exception()
        if error is not None:
            deferred.errback(error)
        else:
            deferred.callback(done.result())

    def done_in_any_thread(done: Future[T]) -> None:
        reactor.callFromThread(settle, done)

    future.add_done_callback(done_in_any_thread)
    result: Any = await deferred
    return result  # type: ignore[no-any-return]
