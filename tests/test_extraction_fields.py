"""Title, section, tags, lead image, canonical URL, authors and times, each from what the reader
sees first and from what the page declares second."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crawler.extraction import Article, extract
from crawler.extraction.dates import VIETNAM

URL = "https://baothu.vn/kinh-te/gia-lua-tang-post2001.html"
TITLE = "Giá lúa tăng mạnh, nông dân phấn khởi"
TEXT = "".join(
    f"<p>{p}</p>"
    for p in (
        "Giá lúa tại nhiều tỉnh đồng bằng tăng thêm 300 đồng mỗi ký so với tuần trước, mức cao "
        "nhất kể từ đầu năm.",
        "Thương lái cho biết nhu cầu xuất khẩu tăng mạnh khi nhiều nước đẩy mạnh nhập khẩu gạo "
        "để dự trữ.",
    )
)


def page(head: str = "", top: str = "", bottom: str = "", h1: str = TITLE) -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>
<div class="page">{top}<h1>{h1}</h1><div class="article-body">{TEXT}</div>{bottom}</div>
</body></html>"""


def run(html: str, url: str = URL) -> Article:
    return extract(html, url)


def ld(**values: object) -> str:
    """A JSON-LD NewsArticle (or, with type=..., another type) with these values."""
    kind = values.pop("type", "NewsArticle")
    return f'<script type="application/ld+json">{json.dumps({"@type": kind, **values})}</script>'


def crumbs(*names: str) -> str:
    items = [{"@type": "ListItem", "position": n, "name": name} for n, name in enumerate(names)]
    return ld(type="BreadcrumbList", itemListElement=[[item] for item in items])


# title


@pytest.mark.parametrize(
    "head",
    [
        f"<title>{TITLE} - Báo Thử Online</title>",
        f"<title>{TITLE} | Báo Lào Cai điện tử</title>",
        f'<title>{TITLE} - Thử News</title><meta property="og:site_name" content="Thử News">',
        f'<meta property="og:title" content="{TITLE} - Báo Thử">',
        ld(headline=TITLE),
    ],
)
def test_the_title_is_the_headline_without_the_papers_name(head: str) -> None:
    assert run(page(head=head)).title == TITLE


def test_a_dash_inside_the_headline_stays() -> None:
    title = "Đà Nẵng - Quảng Nam: nối dài tuyến xe buýt liên tỉnh"
    assert run(page(head=f"<title>{title} - Báo Thử</title>", h1=title)).title == title


def test_the_h1_that_agrees_with_og_title_wins_over_a_category_h1() -> None:
    top = '<h1 class="cate"><a href="/kinh-te/">KINH TẾ</a></h1>'
    article = run(page(head=f'<meta property="og:title" content="{TITLE}">', top=top))
    assert article.title == TITLE
    assert article.section == "KINH TẾ"


def test_a_headline_escaped_twice_in_json_ld_is_read() -> None:
    article = run(page(head=ld(headline="Gi&amp;#225; l&amp;#250;a"), h1="Giá lúa"))
    assert article.title == "Giá lúa"


# section

BREADCRUMB = (
    '<ul class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/kinh-te/">Kinh tế'
    '</a></li><li><a href="/kinh-te/nong-nghiep/">Nông nghiệp</a></li></ul>'
)
LINKED_H1 = '<h1><a href="/thoi-su/">THỜI SỰ</a> &gt; <a href="/thoi-su/ct/">Cần Thơ</a></h1>'


@pytest.mark.parametrize(
    ("head", "top", "section"),
    [
        ("", BREADCRUMB, "Nông nghiệp"),
        (crumbs("Trang chủ", "Kinh doanh", "Tài chính"), "", "Tài chính"),
        (ld(articleSection="Kinh doanh, Tài chính"), "", "Tài chính"),
        ('<meta property="article:section" content="Thời sự">', "", "Thời sự"),
        ("", LINKED_H1, "Cần Thơ"),
    ],
    ids=["breadcrumb", "nested-json-ld-breadcrumb", "json-ld-trail", "meta", "linked-h1"],
)
def test_the_section_is_the_last_step_of_the_breadcrumb(head: str, top: str, section: str) -> None:
    assert run(page(head=head, top=top)).section == section


# tags


KEYWORDS = '<meta name="keywords" content="giá lúa, xuất khẩu gạo, nông dân">'
LINKS = '<a href="/t/1">giá lúa</a> <a href="/t/2">xuất khẩu gạo</a>'
TAG_ROWS = {
    "class-box": (
        '<div class="block_tag"><div class="txt_tag">Từ khóa</div>'
        '<a class="tag_item" href="/t/1">giá lúa</a><a class="tag_item" href="/t/2">gạo</a></div>',
        "",
        ("giá lúa", "gạo"),
    ),
    "label-li": (
        '<ul><li>Từ khoá:</li><li><a href="/t/1">Giá lúa</a></li><li><a href="/t/2">Gạo</a></li>'
        "</ul>",
        "",
        ("Giá lúa", "Gạo"),
    ),
    "label-chu-de": (
        f"<div><span>Chủ đề:</span>{LINKS}</div>",
        KEYWORDS,
        ("giá lúa", "xuất khẩu gạo"),
    ),
    "label-in-sibling": (
        '<div class="tagdetail"><div><b>Từ Khóa:</b></div><div><a href="/t/1">giá lúa,</a>'
        '<a href="/t/2">nông dân</a></div></div>',
        "",
        ("giá lúa", "nông dân"),
    ),
    "plain-chips": (
        '<p class="the-article-tags"><strong>giá lúa</strong><span>nông dân</span>'
        "<span>xuất khẩu gạo</span></p>",
        KEYWORDS,
        ("giá lúa", "nông dân", "xuất khẩu gạo"),
    ),
    "footer-link-is-no-tag": (
        '<footer><a class="tag-link" href="/t/9">VOV</a></footer>',
        KEYWORDS,
        ("giá lúa", "xuất khẩu gạo", "nông dân"),
    ),
    "article-tag": (
        "",
        '<meta property="article:tag" content="giá lúa">'
        '<meta property="article:tag" content="gạo">',
        ("giá lúa", "gạo"),
    ),
    "json-ld": ("", ld(keywords=["giá lúa", "gạo"]), ("giá lúa", "gạo")),
}


@pytest.mark.parametrize(("bottom", "head", "tags"), TAG_ROWS.values(), ids=TAG_ROWS.keys())
def test_tags_are_the_tag_row_a_reader_sees(bottom: str, head: str, tags: tuple[str, ...]) -> None:
    assert run(page(head=head, bottom=bottom)).tags == tags


# image, canonical, language


def test_lead_image_from_og_image_else_the_first_photo() -> None:
    assert run(page(head='<meta property="og:image" content="/anh/lua.jpg">')).image_url == (
        "https://baothu.vn/anh/lua.jpg"
    )
    photo = (
        '<figure><img src="/anh/ruong.jpg"><figcaption>Cánh đồng lúa chín.</figcaption></figure>'
    )
    assert run(page(bottom=photo)).image_url == "https://baothu.vn/anh/ruong.jpg"


def test_canonical_url_on_the_site_else_the_fetched_one() -> None:
    on_site = '<link rel="canonical" href="/kinh-te/gia-lua-tang-post2001.html">'
    assert run(page(head=on_site), URL + "?utm_source=zalo").url == URL
    syndicated = '<link rel="canonical" href="https://baotintuc.vn/gia-lua-tang-20260307.htm">'
    assert run(page(head=syndicated)).url == URL


def test_language_from_the_page_or_its_letters() -> None:
    assert run(page()).language == "vi"
    no_lang = page().replace(' lang="vi"', "")
    assert run(no_lang).language == "vi"


# authors

PEOPLE = ld(
    author=[{"@type": "Person", "name": "NHẬT XUÂN"}, {"@type": "Person", "name": "NGHI VŨ"}]
)
ORGANISATIONS = ld(author={"@type": "Organization", "name": "Báo Thử"})
AUTHOR_BLOCK = (
    '<div class="author-info"><a class="name" href="/tac-gia/1">Minh Hằng</a> '
    "<span>và 1 tác giả khác</span></div>"
)


@pytest.mark.parametrize(
    ("head", "bottom", "authors"),
    [
        (PEOPLE, "", ("NHẬT XUÂN", "NGHI VŨ")),
        (ORGANISATIONS + '<meta name="author" content="NLD COM VN">', "", ()),
        ('<meta name="author" content="Báo Lào Cai điện tử">', AUTHOR_BLOCK, ("Minh Hằng",)),
        ('<meta name="dable:author" content="NHẬT XUÂN;NGHI VŨ">', "", ("NHẬT XUÂN", "NGHI VŨ")),
        ('<meta property="article:author" content="https://www.facebook.com/baothu">', "", ()),
    ],
    ids=["json-ld-people", "organisations-only", "author-block", "meta-list", "facebook-url"],
)
def test_authors_are_people_not_the_newspaper(
    head: str, bottom: str, authors: tuple[str, ...]
) -> None:
    assert run(page(head=head, bottom=bottom)).authors == authors


# times

SECONDS = '<meta property="article:published_time" content="2026-03-07T08:01:53+07:00">'


@pytest.mark.parametrize(
    ("head", "top", "expected"),
    [
        (
            ld(datePublished="2026-01-08"),
            '<span class="pubdate">08/01/2026 - 18:21</span>',
            "2026-01-08T18:21:00+07:00",
        ),
        (
            ld(datePublished="2026-03-07T08:01:00+07:00") + SECONDS,
            '<div class="detail-time">07/03/2026 08:01 GMT+7</div>',
            "2026-03-07T08:01:53+07:00",
        ),
        (ld(datePublished="2026-03-07T01:05:00Z"), "", "2026-03-07T01:05:00+00:00"),
        (
            '<meta property="article:published_time" content="2026-03-07T00:01:00">',
            "",
            "2026-03-07T00:01:00+07:00",
        ),
        ("", '<span class="time">Thứ Hai, 23/11/2026 10:15</span>', "2026-11-23T10:15:00+07:00"),
        ("", '<p class="date">Ngày 07 tháng 03 năm 2026</p>', "2026-03-07T00:00:00+07:00"),
        ("", '<span class="pdate">07-03-2026 - 09:40 PM</span>', "2026-03-07T21:40:00+07:00"),
        (
            "",
            '<span class="date">Thứ bảy, 7/3/2026, 00:05 (GMT+7)</span>',
            "2026-03-07T00:05:00+07:00",
        ),
        ("", '<span class="date">05/11/2026 08:00</span>', "2026-11-05T08:00:00+07:00"),
    ],
    ids=[
        "date-only-ld",
        "most-precise",
        "utc",
        "no-offset",
        "weekday",
        "words",
        "pm",
        "gmt7",
        "day",
    ],
)
def test_published_at_is_timezone_aware_and_day_first(head: str, top: str, expected: str) -> None:
    published = run(page(head=head, top=top)).published_at
    assert published is not None
    assert published.isoformat() == expected


def test_machine_stamps_that_disagree_follow_the_visible_line() -> None:
    later = '<meta property="article:published_time" content="2026-03-07T08:30:00+07:00">'
    head = ld(datePublished="2026-03-07T10:00:00+07:00") + later
    published = run(page(head=head, top='<span class="date">07/03/2026 08:30</span>')).published_at
    assert published == datetime(2026, 3, 7, 8, 30, tzinfo=VIETNAM)


def test_updated_at_and_an_edit_stamp_from_before_publication() -> None:
    head = ld(datePublished="2026-03-07T09:30:00+07:00", dateModified="2026-03-07T11:00:00+07:00")
    assert run(page(head=head)).updated_at == datetime(2026, 3, 7, 11, 0, tzinfo=VIETNAM)
    early = ld(datePublished="2026-03-07T09:30:00+07:00", dateModified="2026-03-07T09:26:39+07:00")
    assert run(page(head=early)).updated_at is None
