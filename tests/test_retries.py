"""The spider's side of the retry ledger (crawler/retries.py) on literal failures: which failures
may pass, what a crawl asks for first, what it holds back, and that a site's entry points are
never given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.ending import ENDING
from crawler.errors import is_transient
from crawler.retries import Retries
from storage import RetryPolicy, load_retries, make_sessionmaker, open_archive

FEED = "https://baothu.vn/rss/"
ARTICLE = "https://baothu.vn/tin-mot-a1.html"
STORED = "https://baothu.vn/tin-hai-a2.html"


def failure(error: BaseException, **meta: object) -> Failure:
    caught = Failure(error)  # type: ignore[no-untyped-call]
    caught.request = scrapy.Request(ARTICLE, meta=meta)  # type: ignore[attr-defined]
    return caught


def http(status: int) -> HttpError:
    return HttpError(Response(ARTICLE, status=status, request=scrapy.Request(ARTICLE)))


@pytest.mark.parametrize(
    ("error", "meta", "passing"),
    [
        (http(503), {}, True),
        (http(429), {}, True),
        (http(500), {}, True),
        (http(404), {}, False),
        (http(410), {}, False),
        (TimeoutError(), {}, True),  # type: ignore[no-untyped-call]
        (ConnectionLost(), {}, True),
        (DNSLookupError(), {}, True),
        (IgnoreRequest("Forbidden by robots.txt"), {}, False),
        (IgnoreRequest(ENDING), {}, False),  # never tried: the crawl ended first
        (IgnoreRequest(ENDING), {"retry_times": 2}, True),  # its retry dropped
    ],
)
def test_which_failures_may_pass(error: BaseException, meta: dict[str, int], passing: bool) -> None:
    assert is_transient(failure(error, **meta)) is passing


def retries(database: str, now: datetime, limit: int = 2) -> Retries:
    crawler = get_crawler(scrapy.Spider)
    policy = RetryPolicy(limit=limit, spacing=timedelta(hours=1))
    return Retries(database, "baothu", policy, crawler, roots=[FEED], clock=lambda: now)


def test_a_crawl_asks_first_for_what_is_due_and_holds_back_the_rest(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'archive.db'}"
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    first = retries(database, now)
    for url in (FEED, ARTICLE, STORED):
        first.failed(url, "feed" if url == FEED else "article", "http_503")
    first.close()
    second = retries(database, now + timedelta(minutes=30))
    # the feed is an entry point (requested anyway); STORED was stored since: settled
    assert second.first(lambda url: url == STORED) == [(ARTICLE, "article")]
    assert second.holds(FEED) and not second.holds(STORED)
    second.failed(ARTICLE, "article", "timeout")  # its second failed crawl: due in an hour
    assert second.waiting(ARTICLE) and not second.waiting(FEED)
    for _ in range(5):
        second.failed(FEED, "feed", "http_503")
    second.close()
    engine = open_archive(database)
    with make_sessionmaker(engine)() as session:
        ledger = load_retries(session, "baothu")
    engine.dispose()
    assert set(ledger) == {FEED, ARTICLE}
    assert (ledger[ARTICLE].state, ledger[ARTICLE].failures) == ("given_up", 2)
    assert (ledger[FEED].state, ledger[FEED].failures) == ("pending", 6)  # never given up


def test_without_an_archive_nothing_is_noted() -> None:
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    none = Retries(None, "baothu", RetryPolicy(), get_crawler(scrapy.Spider), clock=lambda: now)
    none.failed(ARTICLE, "article", "http_503")
    none.reached(ARTICLE)
    assert none.first(lambda url: False) == [] and not none.waiting(ARTICLE)
