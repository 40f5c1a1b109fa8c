"""One page read as a crawl would read it, for a person deciding how to add a site: the
Article, which of the site's hints matched anything on the page, and whether a crawl would
store it (crawler/pages.py's verdict).

`read_trial` is pure over the page's bytes; `fetch_page` gets them from a URL the polite way
(robots.txt asked first, the crawler's User-Agent) through the probe's urllib fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.extraction import Article, Hints, extract
from crawler.extraction.body import parse_html
from crawler.extraction.hints import HINT_FIELDS, parse_hints
from crawler.extraction.metadata import read_metadata
from crawler.pages import NO_ARTICLE, UNUSABLE, no_article
from crawler.probe.discover import robots_rules
from crawler.probe.fetch import Fetch
from crawler.settings import USER_AGENT


class TrialError(Exception):
    """The page could not be had (an HTTP error, robots.txt forbids it)."""


@dataclass(frozen=True)
class HintMatch:
    """One hint of the site and how many elements of the page it selected (0: it did not
    apply, the generic rules did the work)."""

    field: str
    selector: str
    matches: int


@dataclass(frozen=True)
class Trial:
    article: Article
    site: str  # the registry key whose hints were used, "" for the generic rules alone
    hints: tuple[HintMatch, ...]
    verdict: str | None  # a key of NO_ARTICLE or UNUSABLE (crawler.pages), None: to be stored

    @property
    def stored(self) -> bool:
        return self.verdict is None

    @property
    def verdict_text(self) -> str:
        if self.verdict is None:
            return "an article: a crawl would store it"
        return f"not stored: {NO_ARTICLE.get(self.verdict) or UNUSABLE[self.verdict]}"


def read_trial(page: bytes, url: str, hints: Hints, site: str = "") -> Trial:
    """The page at `url` read with the hints of `site` (the registry key, for the report)."""
    if not page.strip() or b"\x00" in page[:2048]:  # as crawler.pages.unusable decides
        verdict = "empty_body" if not page.strip() else "binary_body"
        return Trial(Article(url=url), site, hint_matches(b"", hints), verdict)
    article = extract(page, url, hints)
    return Trial(article, site, hint_matches(page, hints), no_article(article))


def hint_matches(page: bytes, hints: Hints) -> tuple[HintMatch, ...]:
    """Each selector the hints give, with how many elements it selects on the page: a hint
    that selects nothing is a hint the page's layout no longer (or never) had."""
    tree = parse_html(page)
    found = []
    for name in HINT_FIELDS:
        value = getattr(hints, name)
        for selector in value if isinstance(value, tuple) else (value,) if value else ():
            one = parse_hints({name: selector})  # the one selector alone
            count = len(one.select(tree, name)) if tree is not None else 0
            found.append(HintMatch(name, selector, count))
    return tuple(found)


def declared_url(page: bytes) -> str | None:
    """The address a saved page gives itself (its canonical link, else og:url) when it is an
    absolute http(s) URL: what a page saved from a browser keeps of where it came from."""
    tree = parse_html(page)
    if tree is None:
        return None
    meta = read_metadata(tree)
    for candidate in (meta.canonical, meta.meta("og:url")):
        if candidate and urlsplit(candidate.strip()).scheme in ("http", "https"):
            return candidate.strip()
    return None


def fetch_page(url: str, fetch: Fetch, agent: str = USER_AGENT) -> tuple[bytes, str]:
    """The page's bytes and the URL they came from after redirects; TrialError when robots.txt
    forbids it or it does not answer 2xx."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise TrialError(f"{url!r} is not an http(s) URL")
    robots = fetch(urljoin(url, "/robots.txt"))
    allowed = robots_rules(robots.body.decode("utf-8", "replace") if robots.ok else None, agent)
    if not allowed(url):
        raise TrialError(f"robots.txt of {urljoin(url, '/')} forbids {url}")
    response = fetch(url)
    if not response.ok:
        raise TrialError(f"{url}: {response.problem}")
    return response.body, response.url
