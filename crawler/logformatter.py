"""Log lines that name the page, not the whole article: Scrapy's default prints every dropped
or failed item in full, which buries a long crawl's log under article bodies. And no library
noise: Alembic's "Context impl SQLiteImpl." / "Will assume non-transactional DDL." each time the
archive is opened, the 80-line Twisted traceback Scrapy logs for a robots.txt that could not be
fetched (its one-line message says it all)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def _url(item: Any) -> str:
    return str(getattr(item, "url", "") or type(item).__name__)


class ArticleLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        return {**result, "msg": "Error processing %(url)s", "args": {"url": _url(item)}}


_ALEMBIC_CHATTER = ("Context impl ", "Will assume ")
# failures of the network, not of the code: their message is the whole story
_NETWORK_ERRORS = (
    "CannotResolveHostError",
    "DownloadConnectionRefusedError",
    "DownloadTimeoutError",
    "DownloadFailedError",
    "ResponseNeverReceived",
    "ConnectionRefusedError",
    "DNSLookupError",
    "TimeoutError",
    "SSLError",
)


def _not_alembic_chatter(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(_ALEMBIC_CHATTER)


def _without_network_traceback(record: logging.LogRecord) -> bool:
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and type(error).__name__ in _NETWORK_ERRORS:
        record.exc_info = None
        record.exc_text = None
    return True


def quiet_library_noise() -> None:
    """Filter the libraries' noise out of a crawl's log (idempotent)."""
    for name, rule in (
        ("alembic.runtime.migration", _not_alembic_chatter),
        ("scrapy.downloadermiddlewares.robotstxt", _without_network_traceback),
    ):
        logger = logging.getLogger(name)
        if rule not in logger.filters:
            logger.addFilter(rule)
