"""Finding article URLs: feeds, sitemaps, listing pages and their pagination."""

from __future__ import annotations

import gzip
import re

import pytest

from crawler.discovery import (
    SitemapEntry,
    feed_links,
    is_next_page,
    page_links,
    page_number,
    read_sitemap,
)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Thời sự - Báo Cần Thơ Online</title><link>https://baocantho.com.vn/</link>
<item><title>Tin A</title><link>https://baocantho.com.vn/tin-a-a1.html</link>
 <guid>https://baocantho.com.vn/tin-a-a1.html</guid></item>
<item><title>Tin B</title><link>/tin-b-a2.html</link></item>
<item><title>Tin C</title><guid isPermaLink="true">https://baocantho.com.vn/tin-c-a3.html</guid></item>
<item><title>Tin D</title><guid isPermaLink="false">196670</guid></item>
<item><title>Tin A lần nữa</title><link> https://baocantho.com.vn/tin-a-a1.html </link></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin moi</title>
<link rel="self" href="https://x.vn/feed/"/>
<entry><title>A</title><link rel="alternate" href="https://x.vn/a.html"/>
 <link rel="edit" href="https://x.vn/edit/a"/><id>urn:uuid:1</id></entry>
<entry><title>B</title><link href="b.html"/><id>tag:x.vn,2026:b</id></entry>
<entry><title>C</title><link rel="enclosure" href="https://x.vn/c.mp3"/><id>https://x.vn/c.html</id></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://x.vn/"><title>X</title><link>https://x.vn/</link></channel>
<item rdf:about="https://x.vn/1.html"><title>1</title><link>https://x.vn/1.html</link></item>
<item rdf:about="https://x.vn/rss/2.html"><title>2</title><link>2.html</link></item>
</rdf:RDF>"""


def test_rss_links_absolute_in_order_once() -> None:
    assert feed_links(RSS, "https://baocantho.com.vn/rss/cate/thoi-su/") == [
        "https://baocantho.com.vn/tin-a-a1.html",
        "https://baocantho.com.vn/tin-b-a2.html",
        "https://baocantho.com.vn/tin-c-a3.html",
    ]


def test_atom_links() -> None:
    assert feed_links(ATOM, "https://x.vn/feed/") == [
        "https://x.vn/a.html",
        "https://x.vn/feed/b.html",
        "https://x.vn/c.html",
    ]


def test_rdf_links() -> None:
    assert feed_links(RDF, "https://x.vn/rss/") == [
        "https://x.vn/1.html",
        "https://x.vn/rss/2.html",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        "<html><body><p>Trang chủ</p></body></html>".encode(),
        b"\x00\xff\xfe garbage",
        b'<?xml version="1.0"?><rss><channel><title>Empty</title></channel></rss>',
        b"<rss><channel><item><title>unterminated",
    ],
)
def test_no_feed_no_links(body: bytes) -> None:
    assert feed_links(body, "https://x.vn/rss/") == []


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.vn/sitemaps/2026-01.xml</loc><lastmod>2026-01-31T23:00:00+07:00</lastmod></sitemap>
<sitemap><loc>/sitemaps/2026-02.xml.gz</loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc> https://x.vn/tin-a-a1.html </loc><lastmod>2026-01-08</lastmod>
 <priority>0.8</priority></url>
<url><loc>https://x.vn/tin-b-a2.html</loc></url>
<url><lastmod>2026-01-09</lastmod></url>
</urlset>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://x.vn/tin-a-a1.html</loc>
 <news:news><news:publication><news:name>Báo X</news:name><news:language>vi</news:language>
 </news:publication><news:publication_date>2026-01-08T18:21:00+07:00</news:publication_date>
 <news:title>Tiêu đề</news:title></news:news></url>
<url><loc>https://x.vn/tin-b-a2.html</loc><lastmod>2026-01-09</lastmod>
 <news:news><news:publication_date>2026-01-08T10:00:00+07:00</news:publication_date></news:news></url>
</urlset>""".encode()


def test_sitemap_index() -> None:
    sitemap = read_sitemap(SITEMAP_INDEX, "https://x.vn/sitemap.xml")
    assert sitemap.kind == "index"
    assert sitemap.entries == (
        SitemapEntry("https://x.vn/sitemaps/2026-01.xml", "2026-01-31T23:00:00+07:00"),
        SitemapEntry("https://x.vn/sitemaps/2026-02.xml.gz", ""),
    )


def test_urlset_with_lastmod() -> None:
    sitemap = read_sitemap(URLSET, "https://x.vn/sitemap-1.xml")
    assert sitemap.kind == "urlset"
    assert sitemap.entries == (
        SitemapEntry("https://x.vn/tin-a-a1.html", "2026-01-08"),
        SitemapEntry("https://x.vn/tin-b-a2.html", ""),
    )


def test_google_news_sitemap_publication_date() -> None:
    sitemap = read_sitemap(NEWS_SITEMAP, "https://x.vn/sitemap-news.xml")
    assert sitemap.kind == "urlset"
    assert sitemap.entries == (
        SitemapEntry("https://x.vn/tin-a-a1.html", "2026-01-08T18:21:00+07:00"),
        SitemapEntry("https://x.vn/tin-b-a2.html", "2026-01-09"),  # lastmod wins
    )


def test_gzipped_sitemap() -> None:
    plain = read_sitemap(SITEMAP_INDEX, "https://x.vn/sitemap.xml")
    body = gzip.compress(SITEMAP_INDEX)
    assert read_sitemap(body, "https://x.vn/sitemap.xml.gz") == plain
    assert read_sitemap(body, "https://x.vn/sitemap.xml.gz", max_size=10_000) == plain


def test_gzip_over_max_size_gives_nothing() -> None:
    body = gzip.compress(SITEMAP_INDEX)
    sitemap = read_sitemap(body, "https://x.vn/sitemap.xml.gz", max_size=100)
    assert sitemap.kind == ""
    assert sitemap.entries == ()


def test_gzip_bomb_over_max_size_gives_nothing() -> None:
    url = b"<url><loc>https://x.vn/a.html</loc></url>"
    body = gzip.compress(b"<urlset>" + url * 100_000 + b"</urlset>")
    assert len(body) < 100_000
    assert read_sitemap(body, "https://x.vn/sitemap.xml.gz", max_size=1_000_000).kind == ""


def test_broken_gzip_gives_nothing() -> None:
    assert read_sitemap(b"\x1f\x8bnot gzip at all", "https://x.vn/sitemap.xml.gz").kind == ""


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>x</body></html>",
        b"\x00\xff\xfe garbage",
        RSS,
    ],
)
def test_not_a_sitemap(body: bytes) -> None:
    assert read_sitemap(body, "https://x.vn/sitemap.xml").kind == ""


XXE_SITEMAP = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.vn/&xxe;</loc></url>
</urlset>"""

XXE_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><link>https://x.vn/&xxe;</link></item></channel></rss>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.vn/&d;</loc></url>
</urlset>"""


def test_sitemap_external_entity_not_resolved() -> None:
    sitemap = read_sitemap(XXE_SITEMAP, "https://x.vn/sitemap.xml")
    for entry in sitemap.entries:
        assert "root:" not in entry.url
        assert entry.url.startswith("https://x.vn/")
        assert len(entry.url) < 40


def test_feed_external_entity_not_resolved() -> None:
    for link in feed_links(XXE_FEED, "https://x.vn/rss/"):
        assert "root:" not in link
        assert len(link) < 40


def test_internal_entities_not_expanded() -> None:
    for entry in read_sitemap(LAUGHS, "https://x.vn/sitemap.xml").entries:
        assert "haha" not in entry.url


@pytest.mark.parametrize(
    ("url", "base", "number"),
    [
        ("https://baocantho.com.vn/thoi-su/?p=2", "baocantho.com.vn/thoi-su", 2),
        ("https://baocantho.com.vn/thoi-su/", "baocantho.com.vn/thoi-su", 1),
        ("https://x.vn/kinh-doanh?page=3", "x.vn/kinh-doanh", 3),
        ("https://x.vn/list?cat=5&page=2", "x.vn/list?cat=5", 2),
        ("https://dantri.com.vn/kinh-doanh/trang-2.htm", "dantri.com.vn/kinh-doanh.htm", 2),
        ("https://x.vn/tin-tuc/page/3/", "x.vn/tin-tuc", 3),
        ("https://vnexpress.net/kinh-doanh-p2", "vnexpress.net/kinh-doanh", 2),
        ("https://x.vn/the-thao-trang-4.html", "x.vn/the-thao.html", 4),
        # not pages
        ("https://baocantho.com.vn/tin-a196670.html", "baocantho.com.vn/tin-a196670.html", 1),
        ("https://x.vn/top-10-dia-diem.html", "x.vn/top-10-dia-diem.html", 1),
        ("https://x.vn/?p=abc", "x.vn/?p=abc", 1),
    ],
)
def test_page_number(url: str, base: str, number: int) -> None:
    assert page_number(url) == (base, number)


@pytest.mark.parametrize(
    ("listing", "link", "expected"),
    [
        ("https://baocantho.com.vn/thoi-su/", "https://baocantho.com.vn/thoi-su/?p=2", True),
        ("https://baocantho.com.vn/thoi-su/?p=2", "https://baocantho.com.vn/thoi-su/?p=3", True),
        ("https://x.vn/kinh-doanh", "https://x.vn/kinh-doanh?page=3", True),
        (
            "https://dantri.com.vn/kinh-doanh.htm",
            "https://dantri.com.vn/kinh-doanh/trang-2.htm",
            True,
        ),
        ("https://x.vn/tin-tuc/", "https://x.vn/tin-tuc/page/3/", True),
        ("https://vnexpress.net/kinh-doanh", "https://vnexpress.net/kinh-doanh-p2", True),
        ("https://x.vn/list?cat=5", "https://x.vn/list?page=2&cat=5", True),
        # the same or an earlier page
        ("https://baocantho.com.vn/thoi-su/?p=2", "https://baocantho.com.vn/thoi-su/?p=2", False),
        ("https://baocantho.com.vn/thoi-su/?p=3", "https://baocantho.com.vn/thoi-su/?p=2", False),
        # another listing, an article, another site
        ("https://baocantho.com.vn/thoi-su/", "https://baocantho.com.vn/kinh-te/?p=2", False),
        (
            "https://baocantho.com.vn/thoi-su/",
            "https://baocantho.com.vn/tin-moi-a196670.html",
            False,
        ),
        ("https://x.vn/tin-tuc/", "https://y.vn/tin-tuc/page/2/", False),
        ("https://x.vn/list?cat=5", "https://x.vn/list?cat=6&page=2", False),
    ],
)
def test_is_next_page(listing: str, link: str, expected: bool) -> None:
    assert is_next_page(listing, link) is expected


def _is_cantho_article(url: str) -> bool:
    return re.search(r"-a\d+\.html$", url) is not None


def test_page_links_sorts_articles_and_next_pages() -> None:
    found = page_links(
        "https://baocantho.com.vn/thoi-su/",
        [
            "https://baocantho.com.vn/tin-mot-a1.html",
            "https://baocantho.com.vn/tin-mot-a1.html#comment",
            " https://baocantho.com.vn/tin-hai-a2.html ",
            "https://baocantho.com.vn/thoi-su/?p=2",
            "https://baocantho.com.vn/thoi-su/?p=2#top",
            "https://baocantho.com.vn/thoi-su/?p=3",
            "https://baocantho.com.vn/kinh-te/?p=2",
            "https://baocantho.com.vn/lien-he.html",
            "javascript:void(0)",
            "mailto:toasoan@baocantho.com.vn",
            "/tin-ba-a3.html",
            "#",
            "",
            "ftp://baocantho.com.vn/tin-bon-a4.html",
        ],
        _is_cantho_article,
    )
    assert found.articles == [
        "https://baocantho.com.vn/tin-mot-a1.html",
        "https://baocantho.com.vn/tin-hai-a2.html",
    ]
    assert found.next_pages == [
        "https://baocantho.com.vn/thoi-su/?p=2",
        "https://baocantho.com.vn/thoi-su/?p=3",
    ]


def test_page_links_article_test_comes_first() -> None:
    # a link that is both an article and looks like a page goes to articles, once
    found = page_links(
        "https://x.vn/tin-tuc/",
        ["https://x.vn/tin-tuc/page/2/", "https://x.vn/tin-tuc/page/2/"],
        lambda url: True,
    )
    assert found.articles == ["https://x.vn/tin-tuc/page/2/"]
    assert found.next_pages == []
