"""The body: the article's paragraphs and sub-headings in order, without captions (kept with
their photo), bylines, source lines, share/follow/app widgets, related-article lists, comment
counters or a site's banner."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.extraction import Article, Image, extract

URL = "https://baothu.vn/thanh-pho-khanh-thanh-cong-vien-a1001.html"
TITLE = "Thành phố khánh thành công viên ven sông lớn nhất khu vực"
PARAGRAPHS = [
    "Sáng 12-3, UBND thành phố tổ chức lễ khánh thành công viên ven sông rộng hơn 12 ha sau gần "
    "hai năm thi công, với tổng vốn đầu tư hơn 300 tỉ đồng.",
    "Công viên có đường đi bộ dài 2 km, khu vui chơi cho trẻ em, sân thể thao và hệ thống chiếu "
    "sáng tiết kiệm năng lượng dọc bờ sông.",
    "Khu vực phía bắc được giữ lại hàng cây sao cổ thụ, người dân có thể nghỉ chân và ngắm cảnh "
    "hoàng hôn trên sông vào cuối ngày.",
    "Thành phố giao Công ty Công viên cây xanh quản lý, vận hành và bảo đảm vệ sinh môi trường, "
    "an ninh trật tự trong khu vực công viên.",
]


def page(content: str, around: str = "", head: str = "", after: str = "") -> str:
    """A page in the style of the `div#newscontents` family, with `content` as its body."""
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Thử Online</title>{head}</head><body>
<div id="content"><h1 class="fw700">{TITLE}</h1><span class="pubdate">12/03/2026 - 09:15</span>
{around}<div id="newscontents"><div class="content-fck">{content}</div></div>{after}
<div class="block_tag"><div class="txt_tag">Từ khóa</div>
<a class="tag_item" href="/tk/a.html">công viên</a></div>
</div></body></html>"""


def paragraphs(*extra: str, at: int = 2) -> str:
    items = [f"<p>{p}</p>" for p in PARAGRAPHS]
    items[at:at] = list(extra)
    return "".join(items)


def run(html: str) -> Article:
    return extract(html, URL)


def body_lines(article: Article) -> list[str]:
    return article.body.split("\n")


def test_plain_body_in_order() -> None:
    assert body_lines(run(page(paragraphs()))) == PARAGRAPHS


def test_sub_headings_stay_in_order() -> None:
    article = run(page(paragraphs("<h2>Không gian xanh cho người dân</h2>")))
    assert body_lines(article) == [
        *PARAGRAPHS[:2],
        "Không gian xanh cho người dân",
        *PARAGRAPHS[2:],
    ]


CAPTION = "Người dân tham quan công viên trong ngày khánh thành. Ảnh: P.Y"


@pytest.mark.parametrize(
    "photo",
    [
        f'<figure><img src="/anh/cong-vien.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>',
        '<figure class="image"><img src="data:image/gif;base64,R0lGOD" '
        f'data-src="/anh/cong-vien.jpg">'
        f'<figcaption class="PhotoCMS_Caption"><p>{CAPTION}</p></figcaption></figure>',
        f'<table class="picture"><tr><td class="pic"><img src="/anh/cong-vien.jpg"></td></tr>'
        f'<tr><td class="pCaption caption">{CAPTION}</td></tr></table>',
        f'<p style="text-align:center"><img src="/anh/cong-vien.jpg"></p>'
        f'<p style="text-align:center"><em>{CAPTION}</em></p>',
        '<div class="photo"><img src="/anh/cong-vien.jpg">'
        f'<div class="image-caption">{CAPTION}</div></div>',
    ],
    ids=["figcaption", "lazy-figure", "layout-table", "italic-after-image", "caption-class"],
)
def test_a_caption_is_kept_with_its_photo_not_in_the_body(photo: str) -> None:
    article = run(page(paragraphs(photo)))
    assert CAPTION not in article.body
    assert body_lines(article) == PARAGRAPHS
    assert Image("https://baothu.vn/anh/cong-vien.jpg", CAPTION) in article.images


def test_a_photo_without_caption_is_kept_and_a_linked_thumbnail_is_not() -> None:
    photo = '<figure><img src="/anh/toan-canh.jpg"></figure>'
    card = '<figure><a href="/bai-khac-a1002.html"><img src="/anh/bai-khac.jpg"></a></figure>'
    article = run(page(paragraphs(photo), around=card))
    assert article.images == (Image("https://baothu.vn/anh/toan-canh.jpg", ""),)


@pytest.mark.parametrize(
    "widget",
    [
        "<p>Chia sẻ</p>",
        "<p>Zalo</p>",
        "<p>Chia sẻ bài viết: Facebook Zalo Email</p>",
        "<p>Theo dõi Báo Thử trên Google News</p>",
        "<p>Tải ứng dụng: Báo Thử trên iOS và Android</p>",
        "<p>Bình luận (0)</p>",
        "<p>12 bình luận</p>",
    ],
)
def test_share_follow_app_widgets_and_comment_counters_are_not_body(widget: str) -> None:
    assert body_lines(run(page(paragraphs(widget, at=4)))) == PARAGRAPHS


RELATED = [
    ("/gia-vang-hom-nay-a1003.html", "Giá vàng hôm nay tăng mạnh phiên đầu tuần"),
    ("/mua-lu-mien-trung-a1004.html", "Mưa lũ miền Trung gây thiệt hại nặng nề cho nông dân"),
]


def test_a_related_article_list_is_not_body() -> None:
    items = "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in RELATED)
    article = run(page(paragraphs(f"<ul>{items}</ul>", at=4)))
    assert body_lines(article) == PARAGRAPHS


def test_see_also_links_are_not_body() -> None:
    see_also = f'<p><strong>Xem thêm: <a href="{RELATED[0][0]}">{RELATED[0][1]}</a></strong></p>'
    label = "<p><b>Tin liên quan</b></p>" + "".join(
        f'<p><a href="{u}">{t}</a></p>' for u, t in RELATED
    )
    article = run(page(paragraphs(see_also, at=2) + label))
    assert body_lines(article) == PARAGRAPHS


def test_a_paragraph_with_a_link_inside_stays() -> None:
    linked = f'Theo kế hoạch, <a href="{RELATED[0][0]}">giá vàng</a> không ảnh hưởng dự án này.'
    article = run(page(paragraphs(f"<p>{linked}</p>")))
    assert "Theo kế hoạch, giá vàng không ảnh hưởng dự án này." in body_lines(article)


NOTICE = (
    "Báo Thử điện tử đã dừng cập nhật tin bài từ ngày 01/7/2025. Mời bạn đọc theo dõi tin tức "
    "tại trang mới."
)


@pytest.mark.parametrize(
    ("content", "around"),
    [
        (f"<p><b>{NOTICE}</b></p>" + paragraphs(), ""),
        (paragraphs(), f'<div class="thongbao"><marquee>{NOTICE}</marquee></div>'),
        (paragraphs(), f'<div class="site-notice">{NOTICE}</div>'),
    ],
    ids=["first-line", "marquee", "notice-class"],
)
def test_a_sites_banner_that_it_stopped_updating_is_not_body(content: str, around: str) -> None:
    article = run(page(content, around=around))
    assert NOTICE not in article.body
    assert body_lines(article) == PARAGRAPHS


def test_a_sentence_about_a_paper_stopping_stays_in_the_middle_of_the_body() -> None:
    sentence = (
        "Báo Bình Dương đã dừng cập nhật từ ngày 01/7/2025, theo lộ trình sáp nhập các cơ quan "
        "báo chí."
    )
    article = run(page(paragraphs(f"<p>{sentence}</p>")))
    assert sentence in body_lines(article)


@pytest.mark.parametrize(
    ("credits", "authors", "source"),
    [
        (['<p style="text-align:right"><strong>Tin, ảnh: P.Y</strong></p>'], ("P.Y",), ""),
        (["<p><strong>ĐỖ TRỌNG</strong></p>"], ("ĐỖ TRỌNG",), ""),
        (["<p>Anh Dũng</p>"], ("Anh Dũng",), ""),
        (["<p><strong>NHẬT XUÂN - NGHI VŨ</strong></p>"], ("NHẬT XUÂN", "NGHI VŨ"), ""),
        (
            ["<p>Bài và ảnh: Minh Hằng, Quốc Tuấn và Lê Na</p>"],
            ("Minh Hằng", "Quốc Tuấn", "Lê Na"),
            "",
        ),
        (["<p><strong>Hà Thu</strong> <em>(tổng hợp)</em></p>"], ("Hà Thu",), ""),
        (["<p><em>Theo TTXVN</em></p>"], (), "TTXVN"),
        (["<p><em>Đại Đoàn kết</em></p>"], (), "Đại Đoàn kết"),
        (["<p>THANH HÀ</p>", "<p>Theo Báo Nhân Dân</p>"], ("THANH HÀ",), "Báo Nhân Dân"),
    ],
)
def test_bylines_and_source_lines_leave_the_body(
    credits: list[str], authors: tuple[str, ...], source: str
) -> None:
    article = run(page(paragraphs(*credits, at=4)))
    assert body_lines(article) == PARAGRAPHS
    assert article.authors == authors
    assert article.source == source


def test_the_byline_of_a_source_block_after_the_body() -> None:
    after = (
        '<div class="content_source"><p class="author">Dương Ngọc</p>'
        '<p class="source">Nhịp sống thị trường</p></div>'
    )
    article = run(page(paragraphs(), after=after))
    assert article.authors == ("Dương Ngọc",)
    assert article.source == "Nhịp sống thị trường"
    assert body_lines(article) == PARAGRAPHS


def test_the_body_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", PARAGRAPHS[1])
    article = run(
        page("".join(f"<p>{p}</p>" for p in [PARAGRAPHS[0], decomposed, *PARAGRAPHS[2:]]))
    )
    assert unicodedata.is_normalized("NFC", article.body)
    assert body_lines(article) == PARAGRAPHS
