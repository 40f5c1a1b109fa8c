"""Sitemaps and sitemap indexes, plain or gzipped, including Google News sitemaps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

from scrapy.utils.gz import gunzip

from crawler.discovery.xml import local_name, parse_xml_checked
from crawler.extraction.dates import parse_machine

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str = ""


@dataclass(frozen=True)
class Sitemap:
    """`kind`: "index" (entries are sitemaps), "urlset" (entries are pages) or "" (neither)."""

    kind: str
    entries: tuple[SitemapEntry, ...] = ()
    well_formed: bool = True


def read_sitemap(body: bytes, base_url: str, *, max_size: int = 0) -> Sitemap:
    """Parse a sitemap body; gzip is undone with at most `max_size` bytes out (0: no cap)."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError):
            return Sitemap(kind="")
    root, well_formed = parse_xml_checked(body)
    if root is None:
        return Sitemap(kind="", well_formed=False)
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(local_name(root), "")
    if not kind:
        return Sitemap(kind="")
    entries = []
    for element in root:
        if local_name(element) not in ("sitemap", "url"):
            continue
        loc, lastmod = "", ""
        for child in element.iter():
            name = local_name(child)
            if name == "loc" and not loc:
                loc = (child.text or "").strip()
            elif name == "lastmod" or (name == "publication_date" and not lastmod):
                lastmod = (child.text or "").strip()
        if loc:
            entries.append(SitemapEntry(url=urljoin(base_url, loc), lastmod=lastmod))
    return Sitemap(kind=kind, entries=tuple(entries), well_formed=well_formed)


def changed_since(
    entries: Iterable[SitemapEntry], since: datetime | None, *, margin: timedelta
) -> Iterator[tuple[SitemapEntry, bool]]:
    """Each entry with whether it may have changed since `since` (a crawl that completed):
    True without a `lastmod` or a `since`, or when `lastmod` is later than `since - margin`."""
    for entry in entries:
        stamp = parse_machine(entry.lastmod) if entry.lastmod and since else None
        yield entry, stamp is None or since is None or stamp.value >= since - margin
