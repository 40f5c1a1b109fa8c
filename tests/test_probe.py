"""`tinbao probe`'s decisions on literal pages: URL families, feeds, sitemaps, sections, names,
keys, the TOML it writes, and a whole probe over a dictionary of pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml.html import HtmlElement

from crawler.extraction.body import parse_html
from crawler.probe import (
    ANY_FAMILY,
    FAMILIES,
    Fetch,
    Fetched,
    ProbeError,
    as_toml,
    infer_family,
    probe,
    registry_entry,
    render_entry,
    site_key,
)
from crawler.probe.discover import (
    Link,
    feeds_in_page,
    page_links,
    robots_rules,
    section_links,
    sitemaps_in_robots,
)
from crawler.probe.naming import provinces_named, site_name
from crawler.registry import load_registry

HOME = "https://baothu.vn/"


def tree(html: str) -> HtmlElement:
    parsed = parse_html(html)
    assert parsed is not None
    return parsed


# -- article URL families -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("urls", "family"),
    [
        (["/a-a1.html", "/b-a22.html", "/c-a333.html", "/gioi-thieu.html"], "a-id"),
        (["/x/a-post1.html", "/y/b-post2.html", "/z/c-post3.html", "/d-tag4.html"], "post-id"),
        (["/a-postid1.bbg", "/b-postid2.bbg", "/c-postid3.bbg"], "postid-bbg"),
        (
            ["/xa-hoi/202506/a-2227406/", "/kt/202507/b-83102d4/", "/c/202401/c-0971e97/"],
            "month-folder",
        ),
        (["/a-541045.html", "/b-3202358.html", "/c-147743.html", "/tet-2024.html"], "id-html"),
        (["/a-54385.htm", "/b-242098.htm", "/c-169803.htm"], "id-htm"),
        (["/tin-tuc/206/140540/a", "/news/200/99817/b", "/11/111893/C.aspx"], "id-folders"),
    ],
)
def test_the_family_covering_most_links_wins(urls: list[str], family: str) -> None:
    found = infer_family(f"https://baothu.vn{u}" for u in urls)
    assert found is not None
    assert found.family.name == family
    assert all(found.family.matches(u) for u in found.links)


def test_a_family_needs_three_links_and_queries_do_not_hide_articles() -> None:
    assert infer_family(["https://x.vn/a-a1.html", "https://x.vn/b-a2.html"]) is None
    found = infer_family(["https://x.vn/a-a1.html?utm=1", "https://x.vn/b-a2.html#c", "/c-a3.html"])
    assert found is not None and found.family.name == "a-id"


def test_every_family_matches_its_example_and_the_fallback_matches_them_all() -> None:
    for family in FAMILIES:
        assert family.matches(family.example), family
        assert re.search(ANY_FAMILY, "https://baothu.vn" + family.example)
    assert not re.search(ANY_FAMILY, "https://baothu.vn/thoi-su/")


# -- feeds, sitemaps, robots ----------------------------------------------------------------
def test_feeds_declared_in_the_head_come_first_then_feed_like_links() -> None:
    page = tree(
        "<html><head>"
        '<link rel="alternate" type="application/rss+xml" href="/rss/home.rss">'
        '<link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">'
        '<link rel="alternate" hreflang="en" href="https://en.baothu.vn/">'
        '<link rel="stylesheet" type="text/css" href="/a.css">'
        "</head><body><a href='/rss'>RSS</a><a href='/feed/'>Feed</a>"
        "<a href='/thoi-su/'>Thời sự</a><a href='/rss/home.rss'>again</a></body></html>"
    )
    assert feeds_in_page(page, "https://baothu.vn/tin/") == [
        "https://baothu.vn/rss/home.rss",
        "https://baothu.vn/tin/atom.xml",
        "https://baothu.vn/rss",
        "https://baothu.vn/feed/",
    ]


def test_sitemaps_and_rules_come_from_robots_txt() -> None:
    robots = (
        "User-agent: *\nDisallow: /private/\n\n"
        "SITEMAP: https://baothu.vn/sitemap.xml\nSitemap: /sitemap-news.xml\n"
    )
    assert sitemaps_in_robots(robots, "https://baothu.vn/robots.txt") == [
        "https://baothu.vn/sitemap.xml",
        "https://baothu.vn/sitemap-news.xml",
    ]
    allowed = robots_rules(robots, "tinbao/0.1")
    assert allowed("https://baothu.vn/a-a1.html")
    assert not allowed("https://baothu.vn/private/a-a1.html")
    assert robots_rules(None, "tinbao/0.1")("https://baothu.vn/private/")


# -- sections -------------------------------------------------------------------------------
NAV_PAGE = """<html><body>
<header><ul class="main-menu">
  <li><a href="/">Trang chủ</a></li><li><a href="/thoi-su/">Thời sự</a></li>
  <li><a href="/kinh-te/nong-nghiep/">Nông nghiệp</a></li>
  <li><a href="/tim-kiem?q=">Tìm</a></li><li><a href="https://other.vn/the-thao/">x</a></li>
</ul></header>
<div class="box"><a href="/van-hoa">Văn hóa</a><a href="/a-a1.html">Tin</a></div>
<footer><a href="/gioi-thieu.html">Giới thiệu</a><a href="/lien-he">Liên hệ</a></footer>
</body></html>"""


def test_sections_are_the_menu_links_that_are_no_articles() -> None:
    links = page_links(tree(NAV_PAGE), HOME)
    assert Link("https://baothu.vn/thoi-su/", True) in links
    is_article = re.compile(r"-a\d+\.html$").search
    assert section_links(links, HOME, lambda u: bool(is_article(u))) == [
        "https://baothu.vn/thoi-su/",
        "https://baothu.vn/kinh-te/nong-nghiep/",
    ]


def test_without_a_menu_one_segment_links_are_taken() -> None:
    page = NAV_PAGE.replace("<header>", "<div>").replace("</header>", "</div>")
    page = page.replace('class="main-menu"', "")
    links = page_links(tree(page), HOME)
    assert section_links(links, HOME, lambda u: u.endswith(".html")) == [
        "https://baothu.vn/thoi-su/",
        "https://baothu.vn/van-hoa",
    ]


def test_page_links_honour_base_href_and_skip_scripts() -> None:
    page = tree(
        '<html><head><base href="https://baothu.vn/m/"></head><body>'
        '<a href="a-a1.html#top">x</a><a href="javascript:void(0)">y</a>'
        '<a href="mailto:x@y.vn">z</a><a href="a-a1.html">again</a></body></html>'
    )
    assert page_links(page, HOME) == [Link("https://baothu.vn/m/a-a1.html", False)]


# -- names, provinces, keys -----------------------------------------------------------------
def test_the_site_name_is_og_site_name_else_the_bao_part_of_the_title() -> None:
    declared = '<html><head><meta property="og:site_name" content=" Báo Cần Thơ "></head></html>'
    assert site_name(tree(declared), HOME) == "Báo Cần Thơ"
    titled = "<html><head><title>Tin tức mới nhất | Báo Lào Cai điện tử</title></head></html>"
    assert site_name(tree(titled), HOME) == "Báo Lào Cai điện tử"
    bare = "<html><head><title>Hànộimới - Tin tức</title></head><body>x</body></html>"
    assert site_name(tree(bare), HOME) == "Hànộimới"


@pytest.mark.parametrize(
    ("name", "provinces"),
    [
        ("Báo Sóc Trăng", ("Cần Thơ", "Sóc Trăng")),
        ("BÁO CẦN THƠ ONLINE", ("Cần Thơ", "Cần Thơ")),
        ("Báo Huế ngày nay", ("Huế", "Thừa Thiên Huế")),
        ("Báo Bà Rịa - Vũng Tàu", ("TP Hồ Chí Minh", "Bà Rịa - Vũng Tàu")),
        ("Báo Đồng Khởi", None),
    ],
)
def test_a_paper_named_after_a_province_gets_it(
    name: str, provinces: tuple[str, str] | None
) -> None:
    assert provinces_named(name) == provinces


@pytest.mark.parametrize(
    ("home", "key"),
    [
        ("https://baocantho.com.vn/", "baocantho"),
        ("https://www.sggp.org.vn/", "sggp"),
        ("https://bbk.baothainguyen.vn/", "bbk_baothainguyen"),
        ("http://m.baolaocai.vn", "baolaocai"),
        ("https://bao-thu.info.vn/", "bao_thu"),
        ("http://127.0.0.1:8000/", "site_127_0_0_1"),
    ],
)
def test_keys_come_from_the_domain(home: str, key: str) -> None:
    assert site_key(home) == key


def test_a_rendered_entry_loads_with_its_strings_intact(tmp_path: Path) -> None:
    fields: dict[str, object] = {
        "notes": 'He said "xin chào" \\ back\nslash',
        "name": "Báo 'Thử'",
        "home": "https://baothu.vn/",
        "article_url": r"-a\d+\.html$|/\d{6}/[^/]+/?$",
        "province": "Cần Thơ",
        "status": "active",
        "sections": ["https://baothu.vn/thoi-su/", "https://baothu.vn/kinh-te/"],
        "unverified": ["sections"],
    }
    text = render_entry("baothu", fields)
    assert text.splitlines()[1] == "name = \"Báo 'Thử'\""  # FIELD_ORDER, not the dict's order
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    site = load_registry(path)["baothu"]
    assert (site.name, site.notes) == (fields["name"], fields["notes"])
    assert site.article_url.pattern == fields["article_url"]
    assert site.unverified == ("sections",)


# -- a whole probe over a dictionary of pages -----------------------------------------------
def fake_fetch(pages: dict[str, str | bytes]) -> tuple[list[str], Fetch]:
    asked: list[str] = []

    def fetch(url: str) -> Fetched:
        asked.append(url)
        body = pages.get(url)
        if body is None:
            return Fetched(url, 404, b"not found", "text/html")
        data = body.encode() if isinstance(body, str) else body
        kind = "application/xml" if data.lstrip().startswith(b"<?xml") else "text/html"
        return Fetched(url, 200, data, kind)

    return asked, fetch


def test_a_home_page_that_does_not_answer_stops_the_probe() -> None:
    _, fetch = fake_fetch({})
    with pytest.raises(ProbeError, match=re.escape("home page https://baothu.vn/: HTTP 404")):
        probe("baothu.vn/", fetch)


def test_a_site_without_robots_or_a_known_shape_gets_an_unverified_entry(tmp_path: Path) -> None:
    home = "<html><head><title>Báo Thử Cà Mau</title></head><body><a href='/x'>x</a></body></html>"
    asked, fetch = fake_fetch({HOME: home})
    result = probe(HOME, fetch)
    assert result.inference is None and result.samples == []
    assert any("robots.txt: HTTP 404" in p for p in result.problems)
    entry = registry_entry(result)
    assert entry.fields["article_url"] == ANY_FAMILY
    assert entry.fields["unverified"] == ["article_url"]
    assert (entry.fields["province"], entry.fields["province_before"]) == ("Cà Mau", "Cà Mau")
    path = tmp_path / "sites.toml"
    path.write_text(as_toml(result, entry), "utf-8")
    assert load_registry(path)["baothu"].article_url.pattern == ANY_FAMILY
    assert "https://baothu.vn/robots.txt" in asked


def test_feeds_and_sitemaps_off_the_site_or_unreadable_are_dropped() -> None:
    articles = "".join(f"<a href='/tin-{n}-a{n}.html'>t</a>" for n in range(1, 5))
    home = (
        "<html><head><link rel='alternate' type='application/rss+xml' "
        "href='https://feeds.other.vn/baothu.rss'>"
        f"<link rel='alternate' type='application/rss+xml' href='/broken.rss'></head>"
        f"<body>{articles}</body></html>"
    )
    asked, fetch = fake_fetch(
        {
            "https://baothu.vn/robots.txt": "Sitemap: https://cdn.other.vn/sitemap.xml\n",
            HOME: home,
            "https://baothu.vn/broken.rss": "<html>oops</html>",
            "https://baothu.vn/sitemap.xml": "<?xml version='1.0'?><nothing/>",
        }
    )
    result = probe(HOME, fetch, samples=0)
    assert (result.feeds, result.sitemaps, result.samples) == ([], [], [])
    assert result.article_url == r"-a\d+\.html$"
    assert not any("other.vn" in url for url in asked)


def test_a_home_page_forbidden_by_robots_is_not_fetched() -> None:
    asked, fetch = fake_fetch({"https://baothu.vn/robots.txt": "User-agent: *\nDisallow: /\n"})
    with pytest.raises(ProbeError, match="forbids its home page"):
        probe(HOME, fetch)
    assert asked == ["https://baothu.vn/robots.txt"]


def test_a_domain_that_leads_elsewhere_is_probed_where_it_leads() -> None:
    articles = "".join(f"<a href='/tin-{n}-a{n}.html'>t</a>" for n in range(1, 5))
    pages: dict[str, str | bytes] = {
        "https://moi.vn/": f"<html><head><title>Báo Mới</title></head><body>{articles}</body>",
        "https://moi.vn/robots.txt": "User-agent: *\nDisallow: /tin-1-\n",
    }
    asked, plain = fake_fetch(pages)

    def fetch(url: str) -> Fetched:  # the old home answers with the new one, after a redirect
        return plain("https://moi.vn/") if url == HOME else plain(url)

    result = probe(HOME, fetch, samples=2)
    assert result.home == "https://moi.vn/"
    assert (
        result.problems[0]
        == "https://baothu.vn/ leads to https://moi.vn/: this is that site's entry"
    )
    assert [s.url for s in result.samples] == [
        "https://moi.vn/tin-2-a2.html",
        "https://moi.vn/tin-3-a3.html",
    ]
    assert "https://moi.vn/robots.txt" in asked
