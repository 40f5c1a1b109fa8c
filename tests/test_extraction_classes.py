"""Classes of field errors met on provincial CMSs tinbao had never seen, each fixed in the
shared mechanism and pinned here on pages written for the test (tests/extraction_pages.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.extraction import Article, extract
from crawler.extraction.dates import VIETNAM
from tests.extraction_pages import FIXTURES, LEAD, PARAGRAPHS, TITLE, Fixture

PORTAL, ASPNET, REACT = FIXTURES
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def page(
    *,
    h1: str = TITLE,
    head: str = "",
    sapo: str = f'<div class="post-sapo">{LEAD}</div>',
    body: str = BODY,
    date: str = '<div class="post-date">20/11/2026 07:45</div>',
) -> str:
    """A portal page with the given parts; `head` replaces the default meta tags."""
    head = head or (
        f'<meta property="og:title" content="{TITLE}"><meta name="description" content="{LEAD}">'
        '<meta property="og:site_name" content="Báo Sông Núi điện tử">'
    )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Sông Núi điện tử</title>{head}</head><body><main><article>
<h1>{h1}</h1>{date}{sapo}<div class="post-content">{body}</div></article></main>
<footer><p>Cơ quan của Đảng bộ tỉnh Sông Núi.</p></footer></body></html>"""


def run(html: str) -> Article:
    return extract(html, "https://baosongnui.vn/kinh-te/a-123.html")


# every fixture page reads right as written
@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_pages(fixture: Fixture) -> None:
    article = extract(fixture.html, fixture.url)
    lines = article.body.split("\n")
    assert (article.title, article.lead) == (fixture.title, fixture.lead)
    assert (lines[0], lines[-1]) == (fixture.first, fixture.last)
    assert article.authors == fixture.authors
    assert article.published_at == datetime.fromisoformat(fixture.published)


def test_layout_table_paragraphs_stay_apart() -> None:
    """The ASP.NET page lays the article out in a table cell: still one line per paragraph."""
    body = extract(ASPNET.html, ASPNET.url).body
    assert "|" not in body and len(body.split("\n")) == 3


def test_a_newline_inside_an_element_is_a_space() -> None:
    article = run(page(h1=TITLE.replace(" lúa ", "\n lúa\n")))
    assert article.title == TITLE


# split headlines
@pytest.mark.parametrize(
    "h1",
    [
        "<span>Nông dân phấn khởi</span><span>thu hoạch lúa mùa được giá</span>",
        "Nông dân phấn khởi<br>thu hoạch lúa mùa được giá",
        '<span class="a">Nông dân</span><b>phấn khởi</b> <i>thu hoạch lúa mùa được giá</i>',
    ],
)
def test_a_headline_split_over_elements_reads_as_shown(h1: str) -> None:
    head = '<meta property="og:site_name" content="Báo Sông Núi điện tử">'
    assert run(page(h1=h1, head=head)).title == TITLE


def test_a_kicker_before_the_headline_is_no_part_of_it() -> None:
    h1 = f'<span class="kicker">PHÓNG SỰ</span><span class="title">{TITLE}</span>'
    assert run(page(h1=h1)).title == TITLE


# credit lines with roles
@pytest.mark.parametrize(
    ("credit", "authors"),
    [
        ("Bài: Minh Khang - Ảnh: Thu Hà", ("Minh Khang", "Thu Hà")),
        ("Bài và ảnh: NGUYỄN VĂN AN", ("NGUYỄN VĂN AN",)),
        ("Clip: Lê Hoàng", ("Lê Hoàng",)),
        ("Thu Trang - Ảnh: Minh Khang", ("Thu Trang", "Minh Khang")),
        ("Bài: Hà Linh; Ảnh: Quốc Anh; Clip: Tú Uyên", ("Hà Linh", "Quốc Anh", "Tú Uyên")),
    ],
)
def test_role_prefixes_never_stay_in_author_names(credit: str, authors: tuple[str, ...]) -> None:
    article = run(page(body=BODY + f"<p><strong>{credit}</strong></p>"))
    assert article.authors == authors
    assert article.body.split("\n")[-1] == PARAGRAPHS[-1]


def test_role_prefixes_in_a_meta_author() -> None:
    head = (
        f'<meta property="og:title" content="{TITLE}">'
        '<meta name="author" content="Bài: An Hòa - Ảnh: Hữu Phước">'
    )
    assert run(page(head=head)).authors == ("An Hòa", "Hữu Phước")


# closing notices
@pytest.mark.parametrize(
    "notice",
    [
        "® Ghi rõ nguồn &quot;Báo Sông Núi&quot; khi phát hành lại thông tin từ website này.",
        "Bản quyền thuộc về Báo Sông Núi. Nghiêm cấm sao chép dưới mọi hình thức.",
        "© 2026 Báo Sông Núi. All rights reserved.",
    ],
)
def test_copyright_notices_closing_an_article_are_not_body(notice: str) -> None:
    for tail in (f"<p>Minh Khang</p><p>{notice}</p>", f"<p>{notice}</p><p>Minh Khang</p>"):
        article = run(page(body=BODY + tail))
        assert article.body.split("\n") == list(PARAGRAPHS)
        assert article.authors == ("Minh Khang",)


def test_a_sentence_about_copyright_stays() -> None:
    line = "Vi phạm bản quyền phần mềm là hành vi sẽ bị xử lý nghiêm theo quy định."
    assert run(page(body=BODY + f"<p>{line}</p>")).body.split("\n")[-1] == line


# promotion boxes
@pytest.mark.parametrize(
    "box",
    [
        '<div class="box-app"><p>Tải ứng dụng Báo Sông Núi:</p><p><a href="https://apps.apple.com/x">'
        'App Store</a></p><p><a href="https://play.google.com/x">Google Play</a></p></div>',
        '<div class="x2"><p><strong>Tải ứng dụng Báo Sông Núi</strong></p><p>Phiên bản cho '
        "điện thoại iOS và Android</p><p>Hotline: 0290 3822 555</p></div>",
        '<div class="x1"><span>Mời quý độc giả theo dõi Báo Sông Núi trên</span><ul><li>'
        '<a href="https://news.google.com/x">Google News</a></li><li><a href="https://zalo.me/x">'
        "Zalo OA</a></li></ul></div>",
        "<table><tr><td>Đăng ký nhận bản tin mỗi sáng</td></tr><tr><td>Nhập email của bạn</td>"
        "</tr><tr><td>Gửi</td></tr></table>",
    ],
)
@pytest.mark.parametrize("where", ["start", "end"])
def test_a_promotion_box_goes_as_a_whole(box: str, where: str) -> None:
    body = box + BODY if where == "start" else BODY + box
    assert run(page(body=body)).body.split("\n") == list(PARAGRAPHS)


def test_a_paragraph_that_opens_like_a_promotion_stays() -> None:
    line = (
        "Mời quý độc giả theo dõi diễn biến phiên chợ nông sản qua các bài viết tiếp theo, khi "
        "ngành nông nghiệp tỉnh công bố kết quả kết nối tiêu thụ hàng năm với nhiều doanh nghiệp "
        "lớn trong và ngoài nước tham gia."
    )
    assert line in run(page(body=BODY + f"<p>{line}</p>")).body


# the lead by place and typography
@pytest.mark.parametrize(
    "sapo",
    [
        f"<p><em>{LEAD}</em></p>",
        f"<p><b>{LEAD}</b></p>",
        f'<h2 class="text-lg">{LEAD}</h2>',
        f'<div class="fw-bold">{LEAD}</div>',
        f'<div class="x9">{LEAD}</div>',
    ],
)
def test_the_lead_is_found_by_place_and_typography(sapo: str) -> None:
    head = f'<meta property="og:title" content="{TITLE}">'  # no description to agree with
    article = run(page(sapo=sapo, head=head))
    assert article.lead == LEAD
    assert article.body.split("\n") == list(PARAGRAPHS)


def test_an_italic_first_paragraph_repeating_the_description_is_the_lead() -> None:
    article = run(page(sapo="", body=f"<p><i>{LEAD}</i></p>" + BODY))
    assert article.lead == LEAD
    assert article.body.split("\n") == list(PARAGRAPHS)


def test_a_plain_first_paragraph_of_the_body_is_no_lead() -> None:
    head = f'<meta property="og:title" content="{TITLE}">'
    article = run(page(sapo="", head=head))
    assert article.lead == ""
    assert article.body.split("\n") == list(PARAGRAPHS)


# authors that are no people
@pytest.mark.parametrize(
    "name",
    [
        "admin",
        "Administrator",
        "thanhnt",
        "user_12",
        "Ban biên tập",
        "Đang cập nhật",
        "Báo Sông Núi điện tử",
        "Sông Núi",
        "baosongnui",
    ],
)
def test_cms_accounts_placeholders_and_the_paper_are_never_authors(name: str) -> None:
    ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person",'
        f'"name":"{name}"}}}}</script>'
    )
    head = (
        '<meta property="og:site_name" content="Báo Sông Núi điện tử">'
        f'<meta name="author" content="{name}">{ld}'
    )
    assert run(page(head=head)).authors == ()
    credited = run(page(head=head, body=BODY + "<p>Minh Khang</p>"))
    assert credited.authors == ("Minh Khang",)


# dates
def test_a_structured_data_date_without_offset_is_vietnam_time() -> None:
    ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2026-11-20T07:45:00"}</script>'
    )
    article = run(page(head=ld, date=""))
    assert article.published_at == datetime(2026, 11, 20, 7, 45, tzinfo=VIETNAM)


def test_an_am_pm_marker_after_an_iso_stamp_counts() -> None:
    meta = '<meta property="article:published_time" content="2026-11-20 07:45:00 PM">'
    assert run(page(head=meta, date="")).published_at == datetime(
        2026, 11, 20, 19, 45, tzinfo=VIETNAM
    )


@pytest.mark.parametrize(
    ("stamp", "shown", "want"),
    [
        ("11/5/2026 8:30:00 PM", "05/11/2026 20:30", datetime(2026, 11, 5, 20, 30)),
        ("11/5/2026 8:30:00 PM", "05/11/2026", datetime(2026, 11, 5, 20, 30)),
        ("5/11/2026 8:30:00 AM", "05/11/2026 08:30", datetime(2026, 11, 5, 8, 30)),  # day first
        ("3/4/2026 9:15:00 AM", "04/03/2026 09:15", datetime(2026, 3, 4, 9, 15)),
    ],
)
def test_month_first_meta_stamps_agree_with_the_visible_line_or_lose(
    stamp: str, shown: str, want: datetime
) -> None:
    meta = f'<meta property="article:published_time" content="{stamp}">'
    article = run(page(head=meta, date=f'<div class="post-date">{shown}</div>'))
    assert article.published_at == want.replace(tzinfo=VIETNAM)
