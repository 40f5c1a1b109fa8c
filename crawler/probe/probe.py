"""Onboarding a site from its address: read robots.txt and the home page, find and check the
feeds, sitemaps and sections, infer the article URL pattern, and try it on a few articles.

`probe(home, fetch)` does the reading through a fetch function (crawler.probe.fetch for the
network, a dictionary of pages in tests); every decision is made by the pure functions of
discover.py and families.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawler.discovery import feed_links, read_sitemap
from crawler.discovery.sitemaps import Sitemap
from crawler.extraction import Article, extract
from crawler.extraction.body import parse_html
from crawler.probe import discover
from crawler.probe.families import Inference, infer_family
from crawler.probe.fetch import Fetch, Fetched
from crawler.probe.naming import site_name
from crawler.settings import USER_AGENT
from storage.extraction_health import FillRates, fill_rates

SAMPLES = 5
MAX_CANDIDATES = 25  # feeds or sitemaps fetched to check them, at most
MAX_SITEMAP_URLS = 2000  # page URLs of sitemaps kept as evidence of the article shape
GUNZIP_CAP = 64 * 1024 * 1024


class ProbeError(Exception):
    """The site could not be probed at all (its home page did not answer)."""


@dataclass(frozen=True)
class Sample:
    """One sample article: its title, or the problem that kept it from being read; `article`
    is the whole extracted record (None when the page could not be fetched)."""

    url: str
    title: str = ""
    problem: str = ""
    article: Article | None = None


@dataclass
class ProbeResult:
    """What the probe found; `problems` are remarks for the person reading the result."""

    home: str
    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    inference: Inference | None = None
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def article_url(self) -> str | None:
        return self.inference.family.pattern if self.inference else None

    @property
    def fill_rates(self) -> FillRates:
        """How often each field came out of the samples that were fetched: what `tinbao
        status` will watch for this site (storage/extraction_health.py)."""
        return fill_rates(s.article for s in self.samples if s.article is not None)


def probe(
    home: str, fetch: Fetch, *, samples: int = SAMPLES, agent: str = USER_AGENT
) -> ProbeResult:
    """Probe the site whose home page is `home`; raise ProbeError when the home page fails."""
    asked = home if "://" in home else f"https://{home}"
    robots, allowed = _robots(fetch, asked, agent)
    if not allowed(asked):
        raise ProbeError(f"robots.txt of {asked} forbids its home page to {agent}")
    page = fetch(asked)
    if not page.ok:
        raise ProbeError(f"home page {asked}: {page.problem}")
    home = page.url if urlsplit(page.url).path else page.url + "/"
    moved = urlsplit(home).netloc != urlsplit(asked).netloc
    if moved:  # a domain that now leads elsewhere: probe where it leads, by that site's rules
        robots, allowed = _robots(fetch, home, agent)
    tree = parse_html(page.body)
    if tree is None:
        raise ProbeError(f"home page {home}: no HTML")
    result = ProbeResult(home=home, name=site_name(tree, home))
    if moved:
        result.problems.append(f"{asked} leads to {home}: this is that site's entry")
    if not robots.ok:
        result.problems.append(f"robots.txt: {robots.problem}; everything counts as allowed")
    on_site = _on_site(home)
    links = [link for link in discover.page_links(tree, home) if on_site(link.url)]
    feed_items = _check_feeds(
        result,
        fetch,
        [*discover.feeds_in_page(tree, home), *_common(home, discover.COMMON_FEED_PATHS)],
        on_site,
        allowed,
    )
    robots_txt = robots.body.decode("utf-8", "replace") if robots.ok else ""
    listed = discover.sitemaps_in_robots(robots_txt, robots.url)
    sitemap_urls = _check_sitemaps(
        result, fetch, [*listed, *_common(home, discover.COMMON_SITEMAP_PATHS)], on_site, allowed
    )
    evidence = [link.url for link in links] + feed_items + sitemap_urls
    result.inference = infer_family(url for url in evidence if on_site(url))
    if result.inference is None:
        result.problems.append("no article URL shape covers 3 or more of the site's links")
        return result
    is_article = result.inference.family.matches
    result.sections = discover.section_links(links, home, lambda u: is_article(urlsplit(u).path))
    result.samples = _samples(fetch, result.inference.links, allowed, samples)
    return result


def _robots(fetch: Fetch, url: str, agent: str) -> tuple[Fetched, Callable[[str], bool]]:
    """The site's robots.txt and `allowed(url)` by it (everything, when it has none)."""
    robots = fetch(urljoin(url, "/robots.txt"))
    text = robots.body.decode("utf-8", "replace") if robots.ok else None
    return robots, discover.robots_rules(text, agent)


def _check_feeds(
    result: ProbeResult,
    fetch: Fetch,
    candidates: list[str],
    on_site: Callable[[str], bool],
    allowed: Callable[[str], bool],
) -> list[str]:
    """Keep the candidates that are feeds with items; a page listing feeds (an RSS index) adds
    its feed links as candidates. Returns the feeds' item links."""
    items: list[str] = []
    queue = list(dict.fromkeys(candidates))
    seen: set[str] = set()
    while queue and len(seen) < MAX_CANDIDATES:
        url = queue.pop(0)
        if url in seen or not on_site(url) or not allowed(url):
            continue
        seen.add(url)
        response = fetch(url)
        if not response.ok or not on_site(response.url):
            continue
        links = feed_links(response.body, response.url)
        if links:
            if response.url not in result.feeds:
                result.feeds.append(response.url)
            items.extend(links)
        elif _is_html(response):
            index = parse_html(response.body)
            if index is not None:
                queue.extend(
                    u for u in discover.feeds_in_page(index, response.url) if u not in seen
                )
    return items


def _check_sitemaps(
    result: ProbeResult,
    fetch: Fetch,
    candidates: list[str],
    on_site: Callable[[str], bool],
    allowed: Callable[[str], bool],
) -> list[str]:
    """Keep the candidates that read as sitemaps or indexes; return some of their page URLs
    (from the first index's first child when only indexes are found)."""
    pages: list[str] = []
    children: list[str] = []
    for url in list(dict.fromkeys(candidates))[:MAX_CANDIDATES]:
        if not on_site(url) or not allowed(url):
            continue
        response = _fetched_sitemap(fetch, url)
        if response is None or not on_site(response[0].url):
            continue
        fetched, sitemap = response
        if fetched.url not in result.sitemaps:
            result.sitemaps.append(fetched.url)
        entries = [e.url for e in sitemap.entries]
        (children if sitemap.kind == "index" else pages).extend(entries)
    for child in children[:1]:
        response = _fetched_sitemap(fetch, child) if on_site(child) and allowed(child) else None
        if response is not None and response[1].kind == "urlset":
            pages.extend(e.url for e in response[1].entries)
    return pages[:MAX_SITEMAP_URLS]


def _fetched_sitemap(fetch: Fetch, url: str) -> tuple[Fetched, Sitemap] | None:
    response = fetch(url)
    if not response.ok:
        return None
    sitemap = read_sitemap(response.body, response.url, max_size=GUNZIP_CAP)
    return (response, sitemap) if sitemap.kind else None


def _samples(
    fetch: Fetch, urls: Iterable[str], allowed: Callable[[str], bool], count: int
) -> list[Sample]:
    found: list[Sample] = []
    for url in urls:
        if len(found) >= count:
            break
        if not allowed(url):
            continue
        response = fetch(url)
        if not response.ok:
            found.append(Sample(url, problem=response.problem))
            continue
        article = extract(response.body, response.url)
        problem = "" if article.title else "no title extracted"
        found.append(Sample(url, article.title, problem, article))
    return found


def _common(home: str, paths: Iterable[str]) -> list[str]:
    return [urljoin(home, path) for path in paths]


def _on_site(home: str) -> Callable[[str], bool]:
    """The registry's rule: the home's host without www./m., and its subdomains."""
    domain = (urlsplit(home).hostname or "").lower()
    for prefix in ("www.", "m."):
        domain = domain.removeprefix(prefix)

    def check(url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == domain or host.endswith("." + domain)

    return check


def _is_html(response: Fetched) -> bool:
    return "html" in response.content_type or b"<html" in response.body[:2000].lower()
