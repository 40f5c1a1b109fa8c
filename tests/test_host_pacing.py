"""HostPacing on its own, in an event loop: the Crawl-delay holds between the moments requests
leave it, also when one of them was woken late, and they leave in the order they came."""

from __future__ import annotations

import asyncio
import itertools
import time

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import HostPacing

SPACING = 0.4


def pacing() -> HostPacing:
    middleware = HostPacing(get_crawler())
    middleware.spacing["news.example"] = SPACING
    return middleware


async def leave(middleware: HostPacing, name: str, left: list[tuple[str, float]]) -> None:
    await middleware.process_request(Request(f"https://news.example/{name}"))
    left.append((name, time.monotonic()))


async def busy_reactor(seconds: float, after: float) -> None:
    """The loop blocked (a long callback) just before a waiter's time comes."""
    await asyncio.sleep(after)
    time.sleep(seconds)


def test_a_request_woken_late_still_has_the_next_wait_a_full_delay() -> None:
    async def crawl() -> list[tuple[str, float]]:
        middleware, left = pacing(), list[tuple[str, float]]()
        await leave(middleware, "a", left)
        # b is due 0.4 s after a; the loop is busy from 0.35 s to 0.65 s, so b leaves late
        await asyncio.gather(
            leave(middleware, "b", left),
            leave(middleware, "c", left),
            busy_reactor(0.3, after=SPACING - 0.05),
        )
        return left

    left = asyncio.run(crawl())
    assert [name for name, _ in left] == ["a", "b", "c"]
    gaps = [later - earlier for (_, earlier), (_, later) in itertools.pairwise(left)]
    assert gaps[0] >= SPACING  # b: late, never early
    assert gaps[1] >= SPACING - 0.02, gaps  # c: a whole delay after b left, not after b was due


def test_waiting_requests_leave_one_by_one_in_the_order_they_came() -> None:
    async def crawl() -> list[tuple[str, float]]:
        middleware, left = pacing(), list[tuple[str, float]]()
        await asyncio.gather(*(leave(middleware, name, left) for name in "abcde"))
        return left

    left = asyncio.run(crawl())
    assert [name for name, _ in left] == list("abcde")
    gaps = [later - earlier for (_, earlier), (_, later) in itertools.pairwise(left)]
    assert min(gaps) >= SPACING - 0.02, gaps
