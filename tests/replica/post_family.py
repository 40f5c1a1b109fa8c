"""A second replica newspaper, of the `-post<id>.html` CMS family (baolaocai.vn, sggp.org.vn,
baogialai.com.vn, baohatinh.vn): a different shape from ReplicaSite's `-a<id>.html` family, so that
what is inferred from a site (`tinbao probe`) is tested on two.

What differs: articles under their section (`/<section>/<slug>-post<id>.html`), sections without
a trailing slash and paged with `?page=N`, feeds declared in the home page's `<head>` and listed
on an `/rss` page, robots.txt naming two sitemaps (an index and a news sitemap), relative links,
and `article__title` / `article__sapo` / `article__body` article pages with a `<time>`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from tests.replica import text
from tests.replica.pages import Reply
from tests.replica.pages import html as _html
from tests.replica.pages import page as _page
from tests.replica.pages import reply as _reply
from tests.replica.pages import xml as _xml
from tests.replica.server import ReplicaServer

if TYPE_CHECKING:
    pass

VIETNAM = timezone(timedelta(hours=7))
NEWEST = datetime(2026, 11, 20, 9, 30, tzinfo=VIETNAM)
TITLES = {"thoi-su": "Thời sự", "kinh-te": "Kinh tế", "van-hoa": "Văn hóa"}


@dataclass(frozen=True)
class PostArticle:
    number: int
    id: int
    section: str
    path: str
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    author: str
    published_at: datetime


@dataclass
class PostSite:
    """A `-post<id>.html` newspaper of `articles` articles, newest first (number 0)."""

    articles: int = 12
    sections: tuple[str, ...] = ("thoi-su", "kinh-te", "van-hoa")
    home_articles: int = 8
    per_page: int = 5
    feed_size: int = 10
    key: str = "baobansao"
    name: str = "Báo Bản Sao Yên Bái"
    first_id: int = 890_000
    seed: int = 1

    def article(self, number: int) -> PostArticle:
        article_id = self.first_id + self.articles - 1 - number
        rng = random.Random(f"post/{self.seed}/{article_id}")
        section = self.sections[article_id % len(self.sections)]
        return PostArticle(
            number=number,
            id=article_id,
            section=section,
            path=f"/{section}/tin-bai-so-{article_id}-post{article_id}.html",
            title=text.title(rng),
            lead=text.paragraph(rng),
            paragraphs=tuple(text.paragraph(rng) for _ in range(rng.randint(3, 5))),
            author=rng.choice(text.NAMES),
            published_at=NEWEST - timedelta(hours=5 * number),
        )

    def public_articles(self) -> Iterator[PostArticle]:
        return (self.article(n) for n in range(self.articles))

    def in_section(self, section: str) -> list[int]:
        return [n for n in range(self.articles) if self.article(n).section == section]

    def feeds(self, base_url: str) -> list[str]:
        return [f"{base_url}/rss/home.rss", *(f"{base_url}/rss/{s}.rss" for s in self.sections)]

    # -- serving -------------------------------------------------------------------------
    def respond(self, target: str, base_url: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            return _reply(
                "User-agent: *\nDisallow: /tim-kiem\n\n"
                f"Sitemap: {base_url}/sitemap.xml\nSitemap: {base_url}/sitemap-news.xml\n",
                "text/plain; charset=utf-8",
            )
        pages = {
            "/": lambda: _html(self._home()),
            "/rss": lambda: _html(self._feed_index()),
            "/sitemap.xml": lambda: _xml(self._sitemap_index(base_url)),
            "/sitemaps/posts-1.xml": lambda: _xml(self._urlset(base_url)),
            "/sitemap-news.xml": lambda: _xml(self._urlset(base_url, news=True)),
            "/gioi-thieu": lambda: _html(_page("Giới thiệu", "<p>Báo của tỉnh.</p>")),
        }
        if path in pages:
            return pages[path]()
        if path.startswith("/rss/") and path.endswith(".rss"):
            section = path.removeprefix("/rss/").removesuffix(".rss")
            if section == "home" or section in self.sections:
                return _reply(self._feed(section, base_url), "application/rss+xml; charset=utf-8")
        if path.strip("/") in self.sections:
            page = query.get("page", ["1"])[0]
            return _html(self._listing(path.strip("/"), int(page) if page.isdigit() else 1))
        article = self._article_at(path)
        if article is not None:
            return _html(self.article_html(article, base_url))
        return Reply(404, _page("Không tìm thấy", "<p>404</p>").encode(), {})

    def _article_at(self, path: str) -> PostArticle | None:
        digits = path.rsplit("-post", 1)[-1].removesuffix(".html")
        if not path.endswith(".html") or not digits.isdigit():
            return None
        number = self.first_id + self.articles - 1 - int(digits)
        if not 0 <= number < self.articles:
            return None
        article = self.article(number)
        return article if article.path == path else None

    # -- pages ---------------------------------------------------------------------------
    def _menu(self) -> str:
        links = "".join(f'<li><a href="/{s}">{TITLES.get(s, s)}</a></li>' for s in self.sections)
        home = '<li><a href="/">Trang chủ</a></li>'
        return f'<header><nav class="main-menu"><ul>{home}{links}</ul></nav></header>'

    def _footer(self) -> str:
        return (
            '<footer><a href="/gioi-thieu">Giới thiệu</a> <a href="/lien-he">Liên hệ</a> '
            '<a href="/rss">RSS</a> <a href="https://www.facebook.com/baobansao">Facebook</a></footer>'
        )

    def _story(self, article: PostArticle) -> str:
        return (
            f'<article class="story"><h3 class="story__title"><a href="{article.path}">'
            f"{escape(article.title)}</a></h3></article>"
        )

    def _home(self) -> str:
        stories = [
            self._story(self.article(n)) for n in range(min(self.home_articles, self.articles))
        ]
        topics = (
            '<div class="topics"><a href="/chu-de/mua-lu-event12.html">Mùa lũ</a> '
            '<a href="/tag/nong-thon-moi-tag345.html">Nông thôn mới</a></div>'
        )
        feeds = "".join(
            f'<link rel="alternate" type="application/rss+xml" title="{TITLES.get(s, "Tin mới")}" '
            f'href="/rss/{s}.rss">'
            for s in ("home", *self.sections)
        )
        head = f'<meta property="og:site_name" content="{escape(self.name)}">{feeds}'
        body = f"{self._menu()}<main>{''.join(stories)}{topics}</main>{self._footer()}"
        return _page(f"{self.name} - Tin tức mới nhất", body, head)

    def _feed_index(self) -> str:
        items = "".join(
            f'<li><a href="/rss/{s}.rss">{s}</a></li>' for s in ("home", *self.sections)
        )
        return _page(f"RSS - {self.name}", f"{self._menu()}<ul class='rss'>{items}</ul>")

    def _listing(self, section: str, page: int) -> str:
        numbers = self.in_section(section)
        shown = numbers[(page - 1) * self.per_page : page * self.per_page]
        stories = "".join(self._story(self.article(n)) for n in shown)
        pager = ""
        if page * self.per_page < len(numbers):
            pager = (
                f'<div class="pagination"><a href="/{section}?page={page + 1}">Trang sau</a></div>'
            )
        return _page(
            f"{TITLES.get(section, section)} - {self.name}",
            f"{self._menu()}<main>{stories}{pager}</main>",
        )

    def article_html(self, article: PostArticle, base_url: str) -> str:
        url = f"{base_url}{article.path}"
        stamp = article.published_at
        head = (
            f'<link rel="canonical" href="{url}">'
            f'<meta property="og:title" content="{escape(article.title)}">'
            f'<meta property="og:site_name" content="{escape(self.name)}">'
            f'<meta property="article:published_time" content="{stamp.isoformat()}">'
        )
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        body = (
            f'{self._menu()}<main><article class="article">'
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> <a href="/{article.section}">'
            f"{TITLES.get(article.section, article.section)}</a></div>"
            f'<h1 class="article__title">{escape(article.title)}</h1>'
            f'<div class="article__meta"><time datetime="{stamp.isoformat()}">'
            f"{stamp.strftime('%d/%m/%Y %H:%M')}</time></div>"
            f'<div class="article__sapo">{escape(article.lead)}</div>'
            f'<div class="article__body">{paragraphs}'
            f"<p><strong>{escape(article.author)}</strong></p></div>"
            f"</article></main>{self._footer()}"
        )
        return _page(f"{article.title} | {self.name}", body, head)

    def _feed(self, section: str, base_url: str) -> str:
        numbers = range(self.articles) if section == "home" else self.in_section(section)
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{base_url}{a.path}</link>"
            f"<pubDate>{a.published_at.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
            for a in (self.article(n) for n in list(numbers)[: self.feed_size])
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title><link>{base_url}/</link>{items}</channel></rss>"
        )

    def _sitemap_index(self, base_url: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base_url}/sitemaps/posts-1.xml</loc></sitemap></sitemapindex>"
        )

    def _urlset(self, base_url: str, *, news: bool = False) -> str:
        def entry(a: PostArticle) -> str:
            extra = (
                f"<news:news><news:publication><news:name>{escape(self.name)}</news:name>"
                "<news:language>vi</news:language></news:publication><news:publication_date>"
                f"{a.published_at.isoformat()}</news:publication_date><news:title>"
                f"{escape(a.title)}</news:title></news:news>"
            )
            return f"<url><loc>{base_url}{a.path}</loc>{extra if news else ''}</url>"

        shown = range(min(20, self.articles)) if news else range(self.articles)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{''.join(entry(self.article(n)) for n in shown)}</urlset>"
        )


def serve(site: PostSite) -> ReplicaServer[PostSite]:
    """A ReplicaServer for this site (the server only calls `site.respond(target, base_url)`)."""
    return ReplicaServer(site)
