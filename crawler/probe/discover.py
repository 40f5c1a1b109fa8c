"""Finding a site's entry points in what its home page and robots.txt say: pure functions on
text and trees, so that each rule is tested on a literal page.

Everything found here is a candidate; the probe keeps a feed or sitemap only after fetching it
and reading it as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement
from protego import Protego

# Paths where Vietnamese CMSs (and the usual platforms) put a site-wide feed or sitemap.
COMMON_FEED_PATHS = ("/rss/home.rss", "/rss", "/rss.xml", "/feed", "/rss/tin-moi-nhat.rss")
COMMON_SITEMAP_PATHS = (
    "/sitemap.xml", "/sitemap_index.xml", "/sitemaps.xml",
    "/sitemapnews.xml", "/sitemap-news.xml", "/news-sitemap.xml",
)  # fmt: skip
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_FEEDISH = re.compile(r"(?:\.rss|/rss(?:/[^?#]*)?|/feed/?|\.atom|rss\.xml)$", re.IGNORECASE)
_PAGE_EXTENSIONS = {"", "html", "htm", "aspx", "php", "chn", "ldo", "tpo"}
# pages every site has that list no articles: about, contact, search, sign-in, advertising...
_NOT_SECTIONS = re.compile(
    r"^(?:gioi-thieu|lien-he|tim-kiem|search|dang-nhap|dang-ky|login|quang-cao|rss|sitemap"
    r"|tag|tags|tim-kiem-nang-cao|ban-quyen|dieu-khoan|chinh-sach|privacy|contact|about)\b",
    re.IGNORECASE,
)
_NAV_HINT = re.compile(r"menu|(?:^|[\s_-])nav", re.IGNORECASE)
MAX_SECTIONS = 30


@dataclass(frozen=True)
class Link:
    """An absolute link of a page (fragment dropped) and whether it sits in a navigation menu."""

    url: str
    in_nav: bool


def page_links(tree: HtmlElement, page_url: str) -> list[Link]:
    """Every http(s) `<a href>` of the page, absolute, once each, in page order."""
    base = urljoin(page_url, (tree.xpath("string(//base/@href)") or "").strip())
    found: dict[str, Link] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith(("http://", "https://")) and url not in found:
            found[url] = Link(url, _in_nav(anchor))
    return list(found.values())


def feeds_in_page(tree: HtmlElement, page_url: str) -> list[str]:
    """Feeds the page declares (`<link rel="alternate" type="application/rss+xml">`), then
    links that look like feeds (`.rss`, `/rss/...`, `/feed`)."""
    declared = []
    for element in tree.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_TYPES and element.get("href"):
            declared.append(urljoin(page_url, element.get("href", "").strip()))
    linked = [link.url for link in page_links(tree, page_url) if _FEEDISH.search(_path(link.url))]
    return list(dict.fromkeys([*declared, *linked]))


def sitemaps_in_robots(robots_txt: str, robots_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, absolute, in order."""
    parser = Protego.parse(robots_txt)
    return list(dict.fromkeys(urljoin(robots_url, url.strip()) for url in parser.sitemaps))


def robots_rules(robots_txt: str | None, user_agent: str) -> Callable[[str], bool]:
    """`allowed(url)` by the robots.txt (everything is allowed when there is none)."""
    if robots_txt is None:
        return lambda url: True
    parser = Protego.parse(robots_txt)
    return lambda url: bool(parser.can_fetch(url, user_agent))


def section_links(
    links: Iterable[Link], home_url: str, is_article: Callable[[str], bool]
) -> list[str]:
    """Links of the home page that look like section listings: on the home's host, not
    articles, one or two path segments, no query, not an about/contact/search page. Links in a
    navigation menu (`<nav>`, `<header>`, a `menu`/`nav` class or id) are preferred; without a
    menu, the one-segment links are taken."""
    host = _host(home_url)
    candidates = [
        link
        for link in links
        if _host(link.url) == host and not is_article(link.url) and _section_like(link.url)
    ]
    in_nav = [link.url for link in candidates if link.in_nav]
    chosen = in_nav or [link.url for link in candidates if len(_segments(link.url)) == 1]
    return chosen[:MAX_SECTIONS]


def _section_like(url: str) -> bool:
    parts = urlsplit(url)
    segments = _segments(url)
    if parts.query or not 1 <= len(segments) <= 2:
        return False
    last = segments[-1]
    extension = last.rsplit(".", 1)[1].lower() if "." in last else ""
    if extension not in _PAGE_EXTENSIONS:
        return False
    return not _NOT_SECTIONS.match(segments[0]) and not _FEEDISH.search(parts.path)


def _in_nav(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("nav", "header"):
            return True
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')} {ancestor.get('role', '')}"
        if _NAV_HINT.search(marks):
            return True
    return False


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _path(url: str) -> str:
    return urlsplit(url).path


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
