"""Naming what went wrong with a request, for the `tinbao/errors/<kind>` stats and the logs.

A request the crawler refused on purpose (robots.txt, a 304 Not Modified) is no error; a
redirect loop, a redirect off the site or a page over the size cap is one. A request dropped
because the crawl is ending is none either: the breaker counts the failure before it, if any.
"""

from __future__ import annotations

from OpenSSL import SSL
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.ending import ENDING
from crawler.middlewares.conditional import NotModified

_TIMEOUT = (scrapy_errors.DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError)
_DNS = (scrapy_errors.CannotResolveHostError, net.DNSLookupError)
_REFUSED = (
    scrapy_errors.DownloadConnectionRefusedError,
    net.ConnectionRefusedError,
    net.ConnectError,
)
_LOST = (
    scrapy_errors.DownloadFailedError,
    net.ConnectionLost,
    net.ConnectionDone,
    ResponseFailed,
    ResponseNeverReceived,
)
_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    (_TIMEOUT, "timeout"),
    (_DNS, "dns"),
    (_REFUSED, "connection_refused"),
    ((scrapy_errors.DownloadCancelledError,), "too_large"),
    ((scrapy_errors.ResponseDataLossError,), "data_loss"),
    (_LOST, "connection_lost"),
)
_IGNORED = (
    ("robots.txt", None),
    ("max redirections", "redirect_loop"),
    ("redirect loop", "redirect_loop"),
    ("offsite", "offsite_redirect"),
    ("redirect_refused", "redirect_refused"),
    ("address_refused", "address_refused"),
    ("download_maxsize", "too_large"),
)


def error_kind(failure: Failure | BaseException) -> str | None:
    """A short name for a failed request, or None when the crawler refused it on purpose."""
    error = failure.value if isinstance(failure, Failure) else failure
    if error is not None and _is_tls(error):
        return "tls"
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, NotModified):
        return None
    if isinstance(error, IgnoreRequest):
        message = str(error).lower()
        return next((kind for text, kind in _IGNORED if text in message), None)
    for types, kind in _KINDS:
        if isinstance(error, types):
            return kind
    return type(error).__name__.lower()


def _is_tls(error: BaseException, depth: int = 0) -> bool:
    """Whether a TLS handshake or record error is at the root of `error`: Scrapy wraps it in
    DownloadFailedError, around Twisted's ResponseNeverReceived and its list of reasons."""
    if isinstance(error, SSL.Error | net.SSLError):
        return True
    if depth > 5:
        return False
    causes = [error.__cause__, error.__context__]
    if isinstance(error, ResponseFailed):
        causes += [reason.value for reason in error.reasons if isinstance(reason, Failure)]
    return any(c is not None and _is_tls(c, depth + 1) for c in causes)


_PASSING = frozenset({"timeout", "dns", "connection_refused", "connection_lost", "data_loss"})


def is_transient(failure: Failure) -> bool:
    """Whether a request failed for a reason that may pass, so a later crawl should ask again:
    a timeout, a refused or lost connection, a DNS failure, a truncated body, HTTP 5xx, 408 or
    429 (after the crawl's own retries), or a retry the ending crawl dropped."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        return status >= 500 or status in (408, 429)
    if isinstance(error, IgnoreRequest):
        return is_ending(error) and _retried(failure)
    return error_kind(failure) in _PASSING


def is_ending(error: BaseException | None) -> bool:
    """Whether a request was dropped because the crawl is ending (crawler/ending.py)."""
    return isinstance(error, IgnoreRequest) and ENDING in str(error)


def _retried(failure: Failure) -> bool:
    request = getattr(failure, "request", None)
    return request is not None and int(request.meta.get("retry_times", 0)) > 0


def refusal_reason(error: BaseException | None) -> str | None:
    """Why an article URL is for good no article to fetch again: robots.txt forbids it, or it
    redirects off the site. None for anything a later crawl should try again."""
    if not isinstance(error, IgnoreRequest) or isinstance(error, NotModified):
        return None
    message = str(error).lower()
    if "robots.txt" in message:
        return "robots"
    if "offsite" in message:
        return "offsite_redirect"
    return None
