"""Links on a listing or home page, sorted into article links and later pages of the listing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urldefrag

from crawler.discovery.pagination import is_next_page


@dataclass
class PageLinks:
    articles: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def page_links(
    listing_url: str, hrefs: Iterable[str], is_article: Callable[[str], bool]
) -> PageLinks:
    """Sort absolute `hrefs` (fragments dropped, each kept once, in page order)."""
    found = PageLinks()
    seen: set[str] = set()
    for href in hrefs:
        url = urldefrag(href.strip())[0]
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        if is_article(url):
            found.articles.append(url)
        elif is_next_page(listing_url, url):
            found.next_pages.append(url)
    return found
