"""The article's container (crawler/extraction/container.py): trafilatura is shown the page cut
down to the element holding the headline and the densest paragraphs, in fast mode; the cut is
undone afterwards, and a thin result is read again with trafilatura's fallbacks, then from the
whole page."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import body, extract
from crawler.extraction.body import parse_html
from crawler.extraction.container import cut_to_article

URL = "https://baothu.vn/ha-tang-giao-thong-a2001.html"
TITLE = "Tỉnh khởi công tuyến đường nối hai huyện phía tây"
ARTICLE = [
    f"Sáng 3-4, UBND tỉnh khởi công tuyến đường dài 18 km nối hai huyện phía tây, đoạn {n} "
    "của dự án được giao cho ban quản lý dự án giao thông của tỉnh thực hiện trong hai năm."
    for n in range(1, 5)
]
COMMENTS = [
    f"Bạn đọc {n}: mong tỉnh sớm hoàn thành con đường này, người dân hai huyện đã chờ đợi rất "
    "lâu, mùa mưa đi lại rất khó khăn, xe chở nông sản phải đi vòng hơn ba mươi cây số nữa."
    for n in range(1, 9)
]


def _page(top: str, rest: str) -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Thử</title><script type="application/ld+json">{{"@type": "NewsArticle"}}
</script><link rel="stylesheet" href="/a.css"></head>
<body class="article-page">{top}{rest}</body></html>"""


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_cut_keeps_the_headline_and_the_article_and_restore_puts_the_page_back() -> None:
    html = _page(
        '<div class="menu"><ul><li><a href="/a">Thời sự</a></li></ul></div>'
        f'<div id="main"><h1>{TITLE}</h1><div class="content">{_paragraphs(ARTICLE)}</div></div>',
        f'<div class="sidebar"><p>{COMMENTS[0]}</p></div><div class="footer">Báo Thử</div>',
    )
    tree = parse_html(html)
    assert tree is not None
    whole = etree.tostring(tree)
    headline = next(tree.iter("h1"))
    cut = cut_to_article(tree, headline)
    assert cut is not None and cut.container.get("id") == "main"
    page_body = cut.page.find("body")
    assert [child.get("id") for child in page_body] == ["main"]
    assert page_body.attrib == tree.find("body").attrib and cut.page.get("lang") == "vi"
    # of <head>, trafilatura reads only JSON-LD (forum threads, articleBody) without metadata
    assert [child.tag for child in cut.page.find("head")] == ["script"]
    assert tree.find(".//h1") is None  # moved, not copied
    cut.restore()
    assert etree.tostring(tree) == whole


def test_no_cut_when_headline_and_paragraphs_meet_only_at_body() -> None:
    html = _page(f"<header><h1>{TITLE}</h1></header>", f"<main>{_paragraphs(ARTICLE)}</main>")
    tree = parse_html(html)
    assert tree is not None
    assert cut_to_article(tree, next(tree.iter("h1"))) is None
    assert cut_to_article(tree, None) is None


def test_thin_text_from_the_cut_page_is_read_again_from_the_whole_page() -> None:
    # the densest paragraphs are a comment thread next to the headline, the article is elsewhere:
    # the cut page holds only the headline and the comments, which trafilatura drops
    html = _page(
        f'<div id="top"><h1>{TITLE}</h1><div class="comments">{_paragraphs(COMMENTS)}</div></div>',
        f'<div class="article-body">{_paragraphs(ARTICLE)}</div>',
    )
    assert extract(html, URL).body.split("\n") == ARTICLE


def _reads(
    monkeypatch: pytest.MonkeyPatch, thin: set[tuple[bool, bool]]
) -> list[tuple[bool, bool]]:
    """Every trafilatura read of `extract` as (fast mode, on the cut page), the ones in `thin`
    made to find nothing."""
    reads: list[tuple[bool, bool]] = []
    real = body._trafilatura

    def spy(tree: HtmlElement, url: str, *, fast: bool = False) -> list[str]:
        read = (fast, tree.find(".//div[@class='related']") is None)
        reads.append(read)
        return [] if read in thin else real(tree, url, fast=fast)

    monkeypatch.setattr(body, "_trafilatura", spy)
    return reads


def _rails_page() -> str:
    related = "".join(
        f'<div class="item"><a href="/tin-{n}.html">Tin liên quan số {n}</a><p>{COMMENTS[n]}</p>'
        "</div>"
        for n in range(3)
    )
    return _page(
        f'<div class="detail"><h1>{TITLE}</h1><div class="detail-content">'
        f"{_paragraphs(ARTICLE)}</div></div>",
        f'<div class="related">{related}</div>',
    )


def test_the_cut_page_is_read_in_fast_mode_once() -> None:
    with pytest.MonkeyPatch.context() as patch:
        reads = _reads(patch, set())
        assert extract(_rails_page(), URL).body.split("\n") == ARTICLE
    assert reads == [(True, True)]


def test_a_thin_fast_read_is_read_again_with_fallbacks_then_from_the_whole_page() -> None:
    with pytest.MonkeyPatch.context() as patch:
        reads = _reads(patch, {(True, True)})
        assert extract(_rails_page(), URL).body.split("\n") == ARTICLE
    assert reads == [(True, True), (False, True)]
    with pytest.MonkeyPatch.context() as patch:
        reads = _reads(patch, {(True, True), (False, True)})
        assert extract(_rails_page(), URL).body.split("\n") == ARTICLE
    assert reads == [(True, True), (False, True), (False, False)]


def test_the_page_is_put_back_when_trafilatura_fails_on_the_cut_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree = parse_html(_rails_page())
    assert tree is not None
    whole = etree.tostring(tree)

    def failing(tree: HtmlElement, url: str, *, fast: bool = False) -> list[str]:
        raise RuntimeError("trafilatura failed")

    monkeypatch.setattr(body, "_trafilatura", failing)
    with pytest.raises(RuntimeError):
        body.main_paragraphs(tree, URL, headline=next(tree.iter("h1")))
    assert etree.tostring(tree) == whole


def test_no_cut_when_lxml_refuses_an_ancestor_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.extraction.container as container

    def refused(*args: object, **kwargs: object) -> HtmlElement:
        raise ValueError("Invalid tag name")

    monkeypatch.setattr(container, "SubElement", refused)
    tree = parse_html(_rails_page())
    assert tree is not None
    whole = etree.tostring(tree)
    assert cut_to_article(tree, next(tree.iter("h1"))) is None
    assert etree.tostring(tree) == whole
    assert extract(_rails_page(), URL).body.split("\n") == ARTICLE  # the whole page is read
