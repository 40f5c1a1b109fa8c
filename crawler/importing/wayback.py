"""The Wayback Machine for what the sites no longer serve: a site's archived article URLs are
listed through the CDX API, the capture closest to publication of each (its earliest 200
capture: nothing is captured before it is published) is fetched raw (`<timestamp>id_/<url>`),
and what the archive lacks is stored — also the text of articles that were gone from the site
before tinbao could store them (remembered as 404/410/soft-404 pages).

Politely: one request at a time, `TINBAO_WAYBACK_DELAY` seconds apart (default 1), a 429/503's
Retry-After honoured (up to 10 minutes), other failures retried with growing pauses. Resumable
like a backfill: the chosen captures are kept in `wayback_captures`, each `done` once stored,
and the listing's position (the CDX resume key) in `import_files`.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from crawler.importing.records import Capture
from crawler.importing.remote import USER_AGENT
from crawler.registry import Site

CDX_ENV, WEB_ENV, DELAY_ENV = "TINBAO_WAYBACK_CDX_URL", "TINBAO_WAYBACK_URL", "TINBAO_WAYBACK_DELAY"
DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
DEFAULT_WEB = "https://web.archive.org/web/"
PAGE_SIZE = 5000  # CDX rows per request
MAX_RETRY_AFTER = 600.0
RETRIES = 4
MAX_BODY = 10 * 1024 * 1024
log = logging.getLogger(__name__)


class WaybackError(Exception):
    """The Wayback Machine could not be asked (after the retries)."""


@dataclass(frozen=True)
class Endpoints:
    cdx: str
    web: str
    delay: float

    @classmethod
    def from_environment(cls) -> Endpoints:
        web = os.environ.get(WEB_ENV) or DEFAULT_WEB
        return cls(os.environ.get(CDX_ENV) or DEFAULT_CDX, web if web.endswith("/") else web + "/",
                   float(os.environ.get(DELAY_ENV) or 1.0))  # fmt: skip


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class PoliteClient:
    """GET one URL at a time, `delay` seconds apart, Retry-After honoured, failures retried."""

    def __init__(self, delay: float, *, sleep: Callable[[float], None] = time.sleep):
        self.delay = delay
        self.sleep = sleep
        self._last = 0.0

    def get(self, url: str) -> Answer:
        for attempt in range(RETRIES + 1):
            self._wait()
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return Answer(response.status, list(response.headers.items()),
                                  response.read(MAX_BODY + 1))  # fmt: skip
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 500, 502, 503, 504) or attempt == RETRIES:
                    return Answer(exc.code, [], b"")
                self._pause(exc.headers.get("Retry-After"), attempt)
            except (urllib.error.URLError, OSError) as exc:
                if attempt == RETRIES:
                    raise WaybackError(f"{url}: {getattr(exc, 'reason', exc)}") from None
                self._pause(None, attempt)
        raise AssertionError("unreachable")

    def _wait(self) -> None:
        gap = self.delay - (time.monotonic() - self._last)
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def _pause(self, retry_after: str | None, attempt: int) -> None:
        asked = _seconds(retry_after)
        self.sleep(min(2.0 * 2**attempt if asked is None else asked, MAX_RETRY_AFTER))


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds, from a number or an HTTP date."""
    if not retry_after:
        return None
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def cdx_pages(
    client: PoliteClient, endpoints: Endpoints, site: Site, resume_key: str = ""
) -> Iterator[tuple[list[tuple[str, str]], str]]:
    """Pages of (timestamp, original URL) of the site's 200 HTML captures, each with the resume
    key of the page after it ("" after the last)."""
    while True:
        query = {
            "url": f"{site.domains[0]}/*",
            "output": "json",
            "fl": "timestamp,original",
            "filter": "statuscode:200",
            "limit": str(PAGE_SIZE),
            "showResumeKey": "true",
        }
        if resume_key:
            query["resumeKey"] = resume_key
        answer = client.get(endpoints.cdx + "?" + urllib.parse.urlencode(query))
        if answer.status != 200:
            raise WaybackError(f"the CDX API answered {answer.status} for {site.key}")
        try:
            rows = json.loads(answer.body or b"[]")
        except ValueError:
            raise WaybackError(f"the CDX API answered no JSON for {site.key}") from None
        resume_key = ""
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            resume_key = str(rows[-1][0])
            rows = rows[:-2]
        found = [(str(r[0]), str(r[1])) for r in rows[1:] if len(r) >= 2]  # row 0 names fields
        yield found, resume_key
        if not resume_key:
            return


def fetch_capture(
    client: PoliteClient, endpoints: Endpoints, timestamp: str, url: str
) -> Capture | str:
    """The raw capture (`id_`: the page's bytes as captured), or why there is none."""
    try:
        captured = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return f"bad capture time {timestamp!r}"
    answer = client.get(f"{endpoints.web}{timestamp}id_/{url}")
    if answer.status != 200:
        return f"the Wayback Machine answered {answer.status}"
    if len(answer.body) > MAX_BODY:
        return "the capture is over 10 MB"
    headers = [(n, v) for n, v in answer.headers if n.lower() == "content-type"]
    return Capture(url, 200, headers or [("Content-Type", "text/html")], answer.body, captured, 0)
