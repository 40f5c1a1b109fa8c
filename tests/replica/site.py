"""The replica site: every page rendered on request from the article's id alone.

Ids grow with time, as on real CMSs: the site's articles are ids first_id .. first_id+articles-1,
the newest first ("number" 0). A site with one more article is the same site a little later:
every older page keeps its content, so a crawl can tell what changed.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import parse_qs, urlsplit

from tests.replica import text
from tests.replica.pages import Reply
from tests.replica.pages import html as _html
from tests.replica.pages import page as _page
from tests.replica.pages import reply as _reply
from tests.replica.pages import xml as _xml

VIETNAM = timezone(timedelta(hours=7))
ORIGIN = datetime(2025, 1, 1, 6, 0, tzinfo=VIETNAM)  # when article 100000 appeared
ORIGIN_ID = 100_000
SPACING = timedelta(minutes=37)


@dataclass(frozen=True)
class ReplicaArticle:
    """What the replica knows about one article: what a correct extraction must give back."""

    number: int
    id: int
    section: str
    path: str
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    caption: str
    credit: str
    authors: tuple[str, ...]
    published_at: datetime
    tags: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ReplicaSite:
    """A newspaper of `articles` articles spread over `sections`, newest first.

    Besides them it has one article under /private/ (forbidden by robots.txt, linked from the
    home page and the first section page), a link to another host, and a page that is no article.
    A `moved` article is linked (home, listings, feeds, sitemaps) under an older address that
    answers 301 with its real one (`listed_path`).
    """

    articles: int = 12
    sections: tuple[str, ...] = ("thoi-su", "kinh-te")
    per_page: int = 5
    feed_size: int = 10
    home_articles: int = 10
    sitemap_chunk: int = 500
    key: str = "replica"
    name: str = "Báo Bản Sao"
    first_id: int = 100_000
    seed: int = 0
    deleted: frozenset[int] = frozenset()  # ids answered 404, still listed (stale listings)
    soft_deleted: frozenset[int] = frozenset()  # ids answered 200 "Bài viết không tồn tại"
    crawl_delay: float = 0.0  # robots.txt Crawl-delay, when above zero
    moved: frozenset[int] = frozenset()  # ids linked under an old address redirecting (301)

    # -- what is on the site -------------------------------------------------------------
    def article(self, number: int) -> ReplicaArticle:
        """The `number`-th newest article (0 is the newest; `articles` is the private one)."""
        if number == self.articles:
            return self.article_by_id(self.first_id - 1)
        return self.article_by_id(self.first_id + self.articles - 1 - number)

    def number(self, article_id: int) -> int:
        return (
            self.articles
            if article_id == self.first_id - 1
            else self.first_id + self.articles - 1 - article_id
        )

    def article_by_id(self, article_id: int) -> ReplicaArticle:
        rng = random.Random(f"{self.seed}/{article_id}")
        title = text.title(rng)
        slug = "bai-viet-so-" + str(article_id)
        private = article_id == self.first_id - 1
        path = f"/private/{slug}-a{article_id}.html" if private else f"/{slug}-a{article_id}.html"
        name = rng.choice(text.NAMES)
        credit = rng.choice(text.CREDITS) + name
        return ReplicaArticle(
            number=self.number(article_id),
            id=article_id,
            section=self.sections[article_id % len(self.sections)],
            path=path,
            title=title,
            lead="(BBS) - " + text.paragraph(rng),
            paragraphs=tuple(text.paragraph(rng) for _ in range(rng.randint(3, 6))),
            caption="Ảnh minh họa: " + text.sentence(rng, 8),
            credit=credit,
            authors=tuple(part.strip() for part in name.split(" - ")),
            published_at=ORIGIN + (article_id - ORIGIN_ID) * SPACING,
            tags=tuple(sorted({rng.choice(text.WORDS) for _ in range(3)})),
        )

    def listed_path(self, article: ReplicaArticle) -> str:
        """The address the site links the article under: for a moved one, its old address."""
        if article.id not in self.moved:
            return article.path
        return article.path.replace("/bai-viet-so-", "/tin-cu-so-", 1)

    def public_articles(self) -> Iterator[ReplicaArticle]:
        return (self.article(n) for n in range(self.articles))

    @property
    def private_article(self) -> ReplicaArticle:
        return self.article(self.articles)

    def in_section(self, section: str) -> list[int]:
        """Numbers of the section's articles, newest first (from ids alone: no page is built)."""
        index, count = self.sections.index(section), len(self.sections)
        newest = self.first_id + self.articles - 1
        return [n for n in range(self.articles) if (newest - n) % count == index]

    def registry_toml(self, base_url: str, **overrides: object) -> str:
        """A `[sites.<key>]` table for $TINBAO_SITES; `overrides` replace fields (lists too)."""
        fields: dict[str, object] = {
            "name": self.name,
            "home": f"{base_url}/",
            "feeds": [f"{base_url}/rss/cate/{s}/" for s in self.sections],
            "sitemaps": [f"{base_url}/sitemap.xml", f"{base_url}/sitemapnews.xml"],
            "sections": [f"{base_url}/{s}/" for s in self.sections],
            "article_url": r"-a\d+\.html$",
            "province": "Cần Thơ",
            "status": "active",
            "interval": "30m",
            **overrides,
        }
        lines = [f"[sites.{self.key}]"]
        for key, value in fields.items():
            if isinstance(value, list):
                lines.append(f"{key} = [" + ", ".join(_toml_str(v) for v in value) + "]")
            else:
                lines.append(f"{key} = {_toml_str(str(value))}")
        return "\n".join(lines) + "\n"

    # -- serving -------------------------------------------------------------------------
    def respond(self, target: str, base_url: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            delay = f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else ""
            robots = (
                f"User-agent: *\n{delay}Disallow: /private/\n\nSitemap: {base_url}/sitemap.xml\n"
            )
            return _reply(robots, "text/plain; charset=utf-8")
        if path == "/":
            return _html(self._home(base_url))
        if path == "/sitemap.xml":
            return _xml(self._sitemap_index(base_url))
        if path == "/sitemapnews.xml":
            return _xml(self._news_sitemap(base_url))
        if path.startswith("/sitemaps/articles-"):
            return self._sitemap_chunk(path, base_url)
        if path.startswith("/rss/cate/"):
            section = path.removeprefix("/rss/cate/").strip("/")
            if section in self.sections:
                return _reply(self._feed(section, base_url), "application/rss+xml; charset=utf-8")
        if path.strip("/") in self.sections:
            page = int(query.get("p", ["1"])[0]) if query.get("p", ["1"])[0].isdigit() else 1
            return _html(self._listing(path.strip("/"), page, base_url))
        if path == "/gioi-thieu.html":
            return _html(_page("Giới thiệu", "<p>Báo Bản Sao là báo của tỉnh.</p>"))
        moved = self._moved_from(path)
        if moved is not None:
            return Reply(301, b"", {"Location": f"{base_url}{moved.path}"})
        article = self._article_at(path)
        if article is not None and article.id in self.deleted:
            return Reply(404, _page("Lỗi 404", "<p>Không tìm thấy trang</p>").encode(), {})
        if article is not None and article.id in self.soft_deleted:
            return _html(_page(f"Thông báo - {self.name}", "<h1>Bài viết không tồn tại</h1>"))
        if article is not None:
            return _html(self.article_html(article, base_url))
        return Reply(404, _page("Không tìm thấy", "<p>Trang không tồn tại</p>").encode(), {})

    def _article_at(self, path: str) -> ReplicaArticle | None:
        article = self._article_named(path)
        return article if article is not None and article.path == path else None

    def _moved_from(self, path: str) -> ReplicaArticle | None:
        """The moved article whose old address `path` is."""
        article = self._article_named(path)
        if article is None or article.id not in self.moved:
            return None
        return article if self.listed_path(article) == path else None

    def _article_named(self, path: str) -> ReplicaArticle | None:
        """The article whose id ends `path` ("...-a<id>.html"), whatever the rest of it."""
        if not path.endswith(".html") or "-a" not in path:
            return None
        digits = path.rsplit("-a", 1)[1].removesuffix(".html")
        if not digits.isdigit():
            return None
        if not self.first_id - 1 <= int(digits) < self.first_id + self.articles:
            return None
        return self.article_by_id(int(digits))

    # -- pages ---------------------------------------------------------------------------
    def _link(self, article: ReplicaArticle, base_url: str) -> str:
        path = self.listed_path(article)
        return f'<li><a href="{base_url}{path}">{escape(article.title)}</a></li>'

    def _home(self, base_url: str) -> str:
        shown = range(min(self.home_articles, self.articles))
        latest = [self._link(self.article(n), base_url) for n in shown]
        sections = [f'<a href="{base_url}/{s}/">{s}</a>' for s in self.sections]
        host = base_url.replace("127.0.0.1", "localhost")
        extra = [
            self._link(self.private_article, base_url),
            f'<li><a href="{host}/tin-noi-khac-a999999.html">Tin nơi khác</a></li>',
            f'<li><a href="{base_url}/gioi-thieu.html">Giới thiệu</a></li>',
        ]
        body = f"<nav>{' '.join(sections)}</nav><ul>{''.join(latest + extra)}</ul>"
        return _page(self.name, body)

    def _listing(self, section: str, page: int, base_url: str) -> str:
        numbers = self.in_section(section)
        last = max(1, -(-len(numbers) // self.per_page))
        shown = numbers[(page - 1) * self.per_page : page * self.per_page]
        items = [self._link(self.article(n), base_url) for n in shown]
        if page == 1 and section == self.sections[0]:
            items.append(self._link(self.private_article, base_url))
        pager = "".join(
            f'<li><a href="{base_url}/{section}?p={p}">{p}</a></li>'
            if p != page
            else f"<li><b>{p}</b></li>"
            for p in range(max(1, page - 2), min(last, page + 2) + 1)
        )
        if page < last:
            pager += f'<li><a href="{base_url}/{section}?p={page + 1}">&gt;</a></li>'
            pager += f'<li><a href="{base_url}/{section}?p={last}">&raquo;</a></li>'
        body = f'<ul class="list-news">{"".join(items)}</ul><div id="page"><ul>{pager}</ul></div>'
        return _page(f"{section} - {self.name}", body)

    def article_html(self, article: ReplicaArticle, base_url: str) -> str:
        url = f"{base_url}{article.path}"
        shown = article.published_at.strftime("%d/%m/%Y - %H:%M")
        paragraphs = [
            f'<p style="text-align: justify;">{escape(p)}</p>' for p in article.paragraphs
        ]
        image = (
            f'<p style="text-align: justify;"><img class="zoomimg" '
            f'src="{base_url}/image/{article.id}.webp"/></p>'
            f'<p style="text-align: center;"><em>{escape(article.caption)}</em></p>'
        )
        paragraphs.insert(1, image)
        tags = "".join(
            f'<a class="tag_item" href="{base_url}/tim-kiem/{escape(t)}.html">{escape(t)}</a>'
            for t in article.tags
        )
        head = (
            f'<link rel="canonical" href="{url}" />'
            f'<meta property="og:title" content="{escape(article.title)}" />'
            f'<meta property="og:description" content="{escape(article.lead)}" />'
            f'<meta property="og:image" content="{base_url}/image/{article.id}.webp" />'
            '<script type="application/ld+json">{"@context": "https://schema.org/", '
            f'"@type": "NewsArticle", "name": "{escape(article.title)}", '
            f'"datePublished": "{article.published_at.date().isoformat()}"}}</script>'
        )
        body = (
            f'<div class="titlecate"><h1><a href="{base_url}/{article.section}/">'
            f"{article.section.upper()}</a></h1></div>"
            f'<span class="pubdate">{shown}</span>'
            f'<h1 class="margintopbot10 fw700">{escape(article.title)}</h1>'
            f'<div id="newscontents"><div class="content-fck">'
            f'<p style="text-align: justify;"><strong>(BBS)</strong>{escape(article.lead[5:])}</p>'
            f"{''.join(paragraphs)}"
            f'<p style="text-align: right;"><strong>{escape(article.credit)}</strong></p>'
            f'</div></div><div class="block_tag"><div class="txt_tag">Từ khóa</div>{tags}</div>'
            '<div id="linkshare"><b>Chia sẻ bài viết</b> <a href="#">Zalo</a></div>'
        )
        return _page(f"{article.title} - {self.name} Online", body, head)

    def _feed(self, section: str, base_url: str) -> str:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{base_url}{self.listed_path(a)}</link>"
            f"<pubDate>{a.published_at.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
            for a in (self.article(n) for n in self.in_section(section)[: self.feed_size])
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title><link>{base_url}/</link>{items}</channel></rss>"
        )

    def _chunks(self) -> int:
        return max(1, -(-self.articles // self.sitemap_chunk))

    def _chunk_ids(self, chunk: int) -> range:
        """Sitemap chunk `chunk` (from 1) lists ids in ascending order, so old chunks never
        change when articles are added: only the last one does."""
        start = self.first_id + (chunk - 1) * self.sitemap_chunk
        return range(start, min(self.first_id + self.articles, start + self.sitemap_chunk))

    def _sitemap_index(self, base_url: str) -> str:
        chunks = self._chunks()
        entries = []
        for chunk in range(1, chunks + 1):
            name = f"articles-{chunk}.xml" + (".gz" if chunk == chunks else "")
            lastmod = self.article_by_id(self._chunk_ids(chunk)[-1]).published_at.isoformat()
            entries.append(
                f"<sitemap><loc>{base_url}/sitemaps/{name}</loc><lastmod>{lastmod}</lastmod></sitemap>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{''.join(entries)}</sitemapindex>"
        )

    def _sitemap_chunk(self, path: str, base_url: str) -> Reply:
        name = path.removeprefix("/sitemaps/articles-")
        gzipped = name.endswith(".xml.gz")
        number = name.removesuffix(".gz").removesuffix(".xml")
        if not number.isdigit() or not 1 <= int(number) <= self._chunks():
            return Reply(404, b"not found", {})
        if gzipped != (int(number) == self._chunks()):
            return Reply(404, b"not found", {})
        urls = "".join(
            f"<url><loc>{base_url}{self.listed_path(a)}</loc><lastmod>{a.published_at.isoformat()}</lastmod></url>"
            for a in map(self.article_by_id, self._chunk_ids(int(number)))
        )
        document = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()
        if gzipped:
            return Reply(
                200, gzip.compress(document, mtime=0), {"Content-Type": "application/x-gzip"}
            )
        return Reply(200, document, {"Content-Type": "application/xml; charset=utf-8"})

    def _news_sitemap(self, base_url: str) -> str:
        urls = "".join(
            f"<url><loc>{base_url}{self.listed_path(a)}</loc><news:news><news:publication>"
            f"<news:name>{escape(self.name)}</news:name><news:language>vi</news:language>"
            f"</news:publication><news:publication_date>{a.published_at.isoformat()}"
            f"</news:publication_date><news:title>{escape(a.title)}</news:title></news:news></url>"
            for a in (self.article(n) for n in range(min(20, self.articles)))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{urls}</urlset>"
        )


def _toml_str(value: str) -> str:
    return "'" + value + "'" if "'" not in value and "\n" not in value else repr(value)
