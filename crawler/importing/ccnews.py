"""Common Crawl's CC-NEWS: a month's WARC files, listed by `warc.paths.gz`, each streamed and
filtered by the registry's hosts (crawler/importing/records.py skips other hosts' records on
their URL alone), resumable per file.

The base URL is a setting (`TINBAO_CC_NEWS_URL`, default https://data.commoncrawl.org/), so
tests run against a replica on 127.0.0.1. A month's listing is
`<base>crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`, one path per line relative to the base.
"""

from __future__ import annotations

import gzip
import os
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

from crawler.importing.remote import USER_AGENT
from crawler.importing.run import Source
from crawler.importing.sources import remote_source

CC_NEWS_ENV = "TINBAO_CC_NEWS_URL"
DEFAULT_CC_NEWS_URL = "https://data.commoncrawl.org/"


class CcNewsError(Exception):
    """The month's listing could not be read."""


def base_url() -> str:
    url = os.environ.get(CC_NEWS_ENV) or DEFAULT_CC_NEWS_URL
    return url if url.endswith("/") else url + "/"


def listing_url(month: str, base: str | None = None) -> str:
    year, number = month.split("-")
    return f"{base or base_url()}crawl-data/CC-NEWS/{year}/{number}/warc.paths.gz"


def month_paths(month: str, base: str | None = None) -> list[str]:
    """The WARC paths of a CC-NEWS month (YYYY-MM), in the listing's order."""
    url = listing_url(month, base)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        raise CcNewsError(f"no CC-NEWS listing for {month} at {url} (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CcNewsError(f"CC-NEWS listing {url} could not be fetched: {reason}") from None
    try:
        text = gzip.decompress(data).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        raise CcNewsError(f"CC-NEWS listing {url} is not a gzipped list of paths") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def cc_news_sources(month: str, folder: Path, base: str | None = None) -> list[Source]:
    """One source per WARC file of the month; kept records go to `folder/cc-news/...`."""
    root = base or base_url()
    return [
        remote_source(root + path, "cc-news", folder,
                      "cc-news/" + PurePosixPath(path).name.removesuffix(".gz") + ".tinbao.gz")
        for path in month_paths(month, root)
    ]  # fmt: skip
