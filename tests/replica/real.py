"""A replica newspaper whose articles are real pages (the corpus's `vn/*/article*.html`), each
one made a distinct article, for benchmarks on real-size pages (~100-500 KB, real templates).

Why distinct: N copies of 8 pages would be one article to the archive (same text, same content
hash) or one story of N near-copies (MinHash), which is not what a crawl of a real site meets.
So the words of every paragraph's first text run are shuffled with a seed of the article's
number: the page keeps its size, markup and extraction cost, its body a new content hash, and
two copies of one page share few 5-word shingles (estimated similarity 0.0-0.26 on the corpus,
under the 0.5 of a story).

The site is what the generic spider needs to find every article: robots.txt naming the sitemap,
a sitemap index with one urlset per 500 articles, a feed of the newest 20, a home page; articles
at `/tin-so-<n>-a<n>.html` (the registry entry's `article_url` matches `-a\\d+\\.html$`). Pages are
built when the site is made, so serving one costs a dictionary look-up, not the benchmark's CPU.

With `public_url` the server is its own HTTP proxy: a crawler given `http_proxy` = the server
reaches the site under a real-looking host name, and any other host it asks for (a page's
images on a CDN) gets a 404 from 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape

from tests.replica.pages import Reply, html, page, reply, xml

VIETNAM = timezone(timedelta(hours=7))
_FIRST_RUN = re.compile(r"(<p\b[^>]*>)([^<]+)")
_CHUNK = 500


def vary(page_html: bytes, number: int) -> bytes:
    """The page with the words of each paragraph's first text run shuffled (seed `number`)."""
    rng = random.Random(number)

    def shuffled(match: re.Match[str]) -> str:
        words = match.group(2).split()
        if len(words) < 6:  # a date, a byline, a caption credit: left as the page has it
            return match.group(0)
        rng.shuffle(words)
        return match.group(1) + " ".join(words)

    return _FIRST_RUN.sub(shuffled, page_html.decode("utf-8", "replace")).encode("utf-8")


def article_path(number: int) -> str:
    return f"/tin-so-{number}-a{number}.html"


@dataclass
class RealPagesSite:
    """`articles` articles, the n-th made from `pages[n % len(pages)]`, newest first."""

    pages: Sequence[bytes]
    articles: int = 600
    key: str = "realbench"
    name: str = "Báo Trang Thật"
    # the site's address in its links, when it is reached as a proxy ("http://host"): then the
    # server takes absolute-form requests (GET http://host/path) and answers other hosts 404
    public_url: str = ""
    _bodies: dict[str, bytes] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.pages:
            raise ValueError("no pages to build the site from")
        self._bodies = {
            article_path(n): vary(self.pages[n % len(self.pages)], n) for n in range(self.articles)
        }

    def body(self, number: int) -> bytes:
        """What the site serves for article `number`."""
        return self._bodies[article_path(number)]

    def published(self, number: int) -> datetime:
        return datetime(2026, 11, 1, 6, 0, tzinfo=VIETNAM) + timedelta(minutes=number)

    def urls(self, base_url: str) -> list[str]:
        return [f"{base_url}{article_path(n)}" for n in range(self.articles)]

    def registry_toml(self, base_url: str) -> str:
        """The `[sites.<key>]` entry for $TINBAO_SITES: sitemap and feed as entry points."""
        return (
            f"[sites.{self.key}]\n"
            f'name = "{self.name}"\n'
            f'home = "{base_url}/"\n'
            f'feeds = ["{base_url}/rss/tin-moi.rss"]\n'
            f'sitemaps = ["{base_url}/sitemap.xml"]\n'
            "article_url = '-a\\d+\\.html$'\n"
            'province = "Cần Thơ"\n'
            'status = "active"\n'
            'interval = "1d"\n'
        )

    def respond(self, target: str, base_url: str) -> Reply:
        if self.public_url:
            base_url = self.public_url
            if target.startswith(("http://", "https://")):
                if not target.startswith(self.public_url + "/"):
                    return Reply(404, b"not this site", {})
                target = target.removeprefix(self.public_url)
        path = target.split("?", 1)[0]
        body = self._bodies.get(path)
        if body is not None:
            return Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: /private/\n\nSitemap: {base_url}/sitemap.xml\n"
            return reply(robots, "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            return xml(self._index(base_url))
        if path.startswith("/sitemaps/tin-") and path.endswith(".xml"):
            chunk = path.removeprefix("/sitemaps/tin-").removesuffix(".xml")
            if chunk.isdigit() and int(chunk) < self._chunks():
                return xml(self._urlset(int(chunk), base_url))
        if path == "/rss/tin-moi.rss":
            return reply(self._feed(base_url), "application/rss+xml; charset=utf-8")
        if path == "/":
            links = "".join(
                f'<li><a href="{base_url}{article_path(n)}">Tin số {n}</a></li>'
                for n in range(min(10, self.articles))
            )
            return html(page(self.name, f"<ul>{links}</ul>"))
        return Reply(404, page("Không tìm thấy", "<p>Trang không tồn tại</p>").encode(), {})

    def _chunks(self) -> int:
        return max(1, -(-self.articles // _CHUNK))

    def _index(self, base_url: str) -> str:
        entries = "".join(
            f"<sitemap><loc>{base_url}/sitemaps/tin-{c}.xml</loc></sitemap>"
            for c in range(self._chunks())
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</sitemapindex>"
        )

    def _urlset(self, chunk: int, base_url: str) -> str:
        numbers = range(chunk * _CHUNK, min(self.articles, (chunk + 1) * _CHUNK))
        urls = "".join(
            f"<url><loc>{base_url}{article_path(n)}</loc>"
            f"<lastmod>{self.published(n).isoformat()}</lastmod></url>"
            for n in numbers
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )

    def _feed(self, base_url: str) -> str:
        items = "".join(
            f"<item><title>Tin số {n}</title><link>{base_url}{article_path(n)}</link>"
            f"<pubDate>{self.published(n).strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
            for n in range(min(20, self.articles))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title><link>{base_url}/</link>{items}</channel></rss>"
        )
