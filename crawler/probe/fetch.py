"""Fetching for the probe: a few plain GETs with urllib, not a crawl.

A probe reads a robots.txt, a home page, a handful of candidate feeds and sitemaps and five
articles, once, when a person asks; Scrapy's scheduler, throttling and reactor would add nothing
but start-up time. It still behaves like the crawler: the same User-Agent, the proxies of
`http_proxy`/`https_proxy`/`no_proxy` (urllib's default handlers read them), a timeout and a cap
on how much of a response is read.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

from crawler.settings import USER_AGENT

TIMEOUT = 20.0
MAX_BYTES = 8 * 1024 * 1024
DELAY = 0.5  # seconds between two requests, as the crawler's DOWNLOAD_DELAY


@dataclass(frozen=True)
class Fetched:
    """One response: `url` is where redirects ended; `status` 0 means no HTTP answer at all
    (`error` says why)."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> str:
        return self.error or f"HTTP {self.status}"


Fetch = Callable[[str], Fetched]


def urllib_fetch(
    *,
    agent: str | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    delay: float = DELAY,
) -> Fetch:
    """A fetch function: GET with redirects followed, never raising for HTTP or network errors,
    at most one request every `delay` seconds. `agent` defaults to the crawler's User-Agent
    (settings.USER_AGENT, $TINBAO_USER_AGENT)."""
    opener = urllib.request.build_opener()
    headers = {"User-Agent": agent or USER_AGENT, "Accept-Language": "vi,en;q=0.5"}
    last = [float("-inf")]

    def fetch(url: str) -> Fetched:
        time.sleep(max(0.0, last[0] + delay - time.monotonic()))
        last[0] = time.monotonic()
        request = urllib.request.Request(url, headers=headers)
        try:
            with opener.open(request, timeout=timeout) as response:
                return Fetched(
                    response.geturl(), response.status, response.read(max_bytes),
                    _content_type(response.headers),
                )  # fmt: skip
        except urllib.error.HTTPError as exc:
            body = exc.read(max_bytes) if exc.fp is not None else b""
            return Fetched(exc.geturl() or url, exc.code, body, _content_type(exc.headers))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, 0, error=f"{type(exc).__name__}: {reason}")

    return fetch


def _content_type(headers: Message | None) -> str:
    if headers is None:
        return ""
    return str(headers.get("Content-Type", "")).split(";")[0].strip().lower()
