"""`extract(html, url)` end to end on small hand-written pages in the style of each CMS family."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

import pytest

from crawler.extraction import Article, Image, extract
from crawler.extraction.dates import VIETNAM

# "Thường trực" written decomposed (NFD), as some CMS editors paste it; the output must be NFC.
NFD_THUONG_TRUC = unicodedata.normalize("NFD", "Thường trực")

CANTHO_URL = "https://baocantho.com.vn/can-tho-khanh-thanh-cau-moi-a190001.html"
CANTHO_LEAD = (
    "(CTO) - Ngày 8-1, UBND TP Cần Thơ tổ chức lễ khánh thành cầu Trần Hoàng Na nối quận "
    "Ninh Kiều và quận Cái Răng."
)
CANTHO_CAPTION = "Các đại biểu cắt băng khánh thành cầu Trần Hoàng Na."

# The `div#newscontents > div.content-fck` family (baocantho, the old baobinhduong).
CANTHO_PAGE = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Cần Thơ khánh thành cầu mới nối hai quận trung tâm - Báo Cần Thơ Online</title>
<meta name="description" content="{CANTHO_LEAD}">
<link rel="canonical" href="{CANTHO_URL}">
<script type="application/ld+json">
{{"@context": "https://schema.org/", "@type": "NewsArticle",
 "name": "Cần Thơ khánh thành cầu mới nối hai quận trung tâm",
 "datePublished": "2026-01-08",
 "description": "{CANTHO_LEAD}"}}
</script>
</head>
<body>
<div id="content"><div id="colcate1">
<div class="titlecate"><h1><a href="https://baocantho.com.vn/news/thoi-su/">THỜI SỰ</a>
<span class="fw400"> &gt; <a href="https://baocantho.com.vn/thoi-su/can-tho/">Cần Thơ</a></span>
</h1>
</div>
<div class="sharemxh"><span class="pubdate 128">08/01/2026 - 18:21</span></div>
<h1 class="margintopbot10 fw700">Cần Thơ khánh thành cầu mới nối hai quận trung tâm</h1>
<div id="newscontents">
<div class="content-fck">
<p style="text-align: justify;"><strong>(CTO)</strong> - Ngày 8-1, UBND TP Cần Thơ tổ chức lễ khánh
 thành cầu Trần Hoàng Na nối quận Ninh Kiều và quận Cái Răng.</p>
<p style="text-align: justify;">Cây cầu dài 520 mét, rộng 23 mét, được khởi công từ tháng 6 năm 2024
 với tổng vốn đầu tư hơn 800 tỉ đồng. Công trình giúp giảm tải cho cầu Quang Trung vốn thường xuyên
 ùn tắc vào giờ cao điểm.</p>
<p style="text-align: justify;">Phát biểu tại buổi lễ, Phó Chủ tịch {NFD_THUONG_TRUC} UBND thành phố
 đánh giá cao nỗ lực của nhà thầu. Dù thời tiết mưa nhiều, các đơn vị thi công vẫn bảo đảm tiến độ
 và chất lượng công trình.</p>
<p style="text-align: justify;"><img class="zoomimg" alt="" src="/image/2026/cau-moi.webp"></p>
<p style="text-align: center;"><em><span>{CANTHO_CAPTION}</span></em></p>
<p style="text-align: justify;">Người dân hai bên bờ sông bày tỏ phấn khởi khi cầu được đưa vào sử
 dụng. Nhiều hộ kinh doanh kỳ vọng lượng khách qua lại sẽ tăng trong dịp Tết Nguyên đán sắp tới.</p>
<p style="text-align: justify;">Theo kế hoạch, thành phố sẽ tiếp tục đầu tư các tuyến đường kết nối
 với chân cầu trong năm 2026. Sở Xây dựng được giao rà soát, đề xuất phương án tổ chức giao
 thông.</p>
<p style="text-align: right;"><strong>Tin, ảnh: P.Y</strong></p>
</div>
</div>
<div class="block_tag marginbottom10"><div class="txt_tag">Từ khóa</div>
<a class="tag_item" href="/tim-kiem/cầu Trần Hoàng Na.html">cầu Trần Hoàng Na</a><a
 class="tag_item" href="/tim-kiem/giao thông.html">giao thông</a></div>
</div></div>
</body>
</html>
"""

LAOCAI_URL = "https://baolaocai.vn/sa-pa-don-hon-20-nghin-luot-khach-post400123.html"
LAOCAI_SAPO = (
    "Trong hai ngày cuối tuần, thị xã Sa Pa đón hơn 20 nghìn lượt khách, tăng gần 30% so với "
    "cùng kỳ năm trước."
)

# The "article__body" family: the sapo sits outside the body container, JSON-LD names the
# newspaper as author and the reporter signs in capitals at the end of the body.
LAOCAI_PAGE = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Sa Pa đón hơn 20 nghìn lượt khách dịp cuối tuần | Báo Lào Cai điện tử</title>
<meta property="og:title" content="Sa Pa đón hơn 20 nghìn lượt khách dịp cuối tuần">
<meta property="og:url" content="{LAOCAI_URL}">
<meta property="og:image" content="/uploads/2026/03/07/sa-pa.jpg">
<meta name="author" content="Báo Lào Cai điện tử">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Sa Pa đón hơn 20 nghìn lượt khách dịp cuối tuần",
 "datePublished": "2026-03-07T08:01:53+07:00",
 "dateModified": "2026-03-07T10:30:00+07:00",
 "author": {{"@type": "Organization", "name": "Báo Lào Cai điện tử"}},
 "articleSection": "Du lịch",
 "keywords": "Sa Pa, du lịch, Fansipan"}}
</script>
</head>
<body>
<header><a href="/">Báo Lào Cai</a> <a href="/du-lich">Du lịch</a></header>
<main><article class="article">
<div class="breadcrumb"><a href="/">Trang chủ</a> <a href="/du-lich">Du lịch</a></div>
<h1 class="article__title">Sa Pa đón hơn 20 nghìn lượt khách dịp cuối tuần</h1>
<div class="article__meta"><time class="article__time">07/03/2026 08:01</time></div>
<h2 class="article__sapo">{LAOCAI_SAPO}</h2>
<div class="article__body">
<p>Theo Phòng Văn hóa và Thông tin thị xã, lượng khách tăng mạnh nhờ thời tiết thuận lợi và mùa hoa
 mận nở muộn. Các khách sạn ở trung tâm thị xã đạt công suất phòng trên 85%.</p>
<p>Khu du lịch Fansipan ghi nhận gần 8 nghìn lượt khách đi cáp treo. Ban quản lý đã tăng thêm ca
 vận hành để giảm thời gian chờ của du khách.</p>
<p>Tại chợ đêm Sa Pa, nhiều hộ kinh doanh cho biết sức mua tăng rõ rệt. Các mặt hàng thổ cẩm, nông
 sản đặc sản được du khách ưa chuộng.</p>
<p>Thị xã đang triển khai kế hoạch chỉnh trang đô thị và kiểm soát giá dịch vụ. Lực lượng chức năng
 tăng cường kiểm tra, xử lý tình trạng chèo kéo khách.</p>
<p>THANH HÀ</p>
</div>
</article></main>
<footer><p>Cơ quan chủ quản: Tỉnh ủy Lào Cai</p></footer>
</body>
</html>
"""

# A copy of a news-agency story on a provincial site: its canonical points at the agency.
SYNDICATED_URL = "https://baohaugiang.com.vn/xuat-khau-gao-dat-ky-luc-a12345.html"
SYNDICATED_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Xuất khẩu gạo đạt kỷ lục trong hai tháng đầu năm</title>
<link rel="canonical" href="https://baotintuc.vn/kinh-te/xuat-khau-gao-dat-ky-luc-20260307.htm">
<meta property="og:url" content="https://baotintuc.vn/kinh-te/xuat-khau-gao-dat-ky-luc-20260307.htm">
</head>
<body>
<h1>Xuất khẩu gạo đạt kỷ lục trong hai tháng đầu năm</h1>
<div class="date">Thứ bảy, 07/03/2026 09:40 (GMT+7)</div>
<div id="main-content">
<p>Hai tháng đầu năm, cả nước xuất khẩu hơn 1,2 triệu tấn gạo, thu về gần 700 triệu USD. Đây là mức
 cao nhất từ trước đến nay trong cùng kỳ.</p>
<p>Philippines tiếp tục là thị trường tiêu thụ lớn nhất, chiếm gần một nửa lượng gạo xuất khẩu. Thị
 trường châu Phi cũng tăng mạnh so với năm trước.</p>
<p>Các doanh nghiệp ở Đồng bằng sông Cửu Long cho biết đơn hàng đã kín đến hết quý II. Giá lúa tại
 ruộng được giữ ổn định, nông dân có lãi khá.</p>
<p>Bộ Công Thương khuyến nghị doanh nghiệp đa dạng hóa thị trường. Cơ quan này cũng lưu ý rủi ro từ
 biến động tỷ giá và chi phí vận tải biển.</p>
<p>Theo TTXVN</p>
</div>
</body>
</html>
"""


@pytest.fixture(scope="module")
def cantho() -> Article:
    return extract(CANTHO_PAGE, CANTHO_URL + "?utm_source=rss")


@pytest.fixture(scope="module")
def laocai() -> Article:
    return extract(LAOCAI_PAGE, LAOCAI_URL)


def _paragraphs(article: Article) -> list[str]:
    return article.body.split("\n")


# (a) the div#newscontents family


def test_cantho_title_from_headline_not_category_heading(cantho: Article) -> None:
    assert cantho.title == "Cần Thơ khánh thành cầu mới nối hai quận trung tâm"


def test_cantho_lead_is_the_cto_paragraph(cantho: Article) -> None:
    assert cantho.lead == CANTHO_LEAD
    assert cantho.lead.startswith("(CTO) -")
    assert "(CTO)" not in cantho.body


def test_cantho_body_paragraphs(cantho: Article) -> None:
    paragraphs = _paragraphs(cantho)
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Cây cầu dài 520 mét, rộng 23 mét")
    assert paragraphs[-1] == (
        "Theo kế hoạch, thành phố sẽ tiếp tục đầu tư các tuyến đường kết nối với chân cầu trong "
        "năm 2026. Sở Xây dựng được giao rà soát, đề xuất phương án tổ chức giao thông."
    )


def test_cantho_caption_and_byline_not_in_body(cantho: Article) -> None:
    assert CANTHO_CAPTION not in cantho.body
    assert "Tin, ảnh" not in cantho.body
    assert "P.Y" not in cantho.body


def test_cantho_caption_is_kept_with_its_photo(cantho: Article) -> None:
    assert cantho.images == (
        Image("https://baocantho.com.vn/image/2026/cau-moi.webp", CANTHO_CAPTION),
    )


def test_cantho_authors(cantho: Article) -> None:
    assert cantho.authors == ("P.Y",)
    assert cantho.source == ""


def test_cantho_time_of_day_from_visible_line(cantho: Article) -> None:
    # JSON-LD says only "2026-01-08"; span.pubdate gives the time of day.
    assert cantho.published_at == datetime(2026, 1, 8, 18, 21, tzinfo=VIETNAM)
    assert cantho.published_at is not None
    assert cantho.published_at.utcoffset() == timedelta(hours=7)
    assert cantho.updated_at is None


def test_cantho_section_tags_url_language(cantho: Article) -> None:
    assert cantho.section == "Cần Thơ"
    assert cantho.tags == ("cầu Trần Hoàng Na", "giao thông")
    assert cantho.url == CANTHO_URL  # canonical, without the tracking query
    assert cantho.language == "vi"
    assert cantho.is_article


def test_cantho_output_is_nfc(cantho: Article) -> None:
    assert not unicodedata.is_normalized("NFC", NFD_THUONG_TRUC)  # the input really is NFD
    assert "Phó Chủ tịch Thường trực UBND thành phố" in cantho.body
    for text in (cantho.title, cantho.lead, cantho.body, cantho.section, *cantho.tags):
        assert unicodedata.is_normalized("NFC", text)


def test_bytes_give_the_same_article(cantho: Article) -> None:
    assert extract(CANTHO_PAGE.encode("utf-8"), CANTHO_URL + "?utm_source=rss") == cantho


# (b) the article__body family


def test_laocai_lead_from_sapo_outside_body(laocai: Article) -> None:
    assert laocai.title == "Sa Pa đón hơn 20 nghìn lượt khách dịp cuối tuần"
    assert laocai.lead == LAOCAI_SAPO
    assert LAOCAI_SAPO not in laocai.body
    assert _paragraphs(laocai)[0].startswith("Theo Phòng Văn hóa và Thông tin thị xã")


def test_laocai_sapo_repeated_in_body_is_dropped_from_body() -> None:
    page = LAOCAI_PAGE.replace(
        '<div class="article__body">\n', f'<div class="article__body">\n<p>{LAOCAI_SAPO}</p>\n'
    )
    article = extract(page, LAOCAI_URL)
    assert article.lead == LAOCAI_SAPO
    assert LAOCAI_SAPO not in article.body
    assert _paragraphs(article)[0].startswith("Theo Phòng Văn hóa và Thông tin thị xã")


def test_laocai_authors_are_the_person_not_the_newspaper(laocai: Article) -> None:
    assert laocai.authors == ("THANH HÀ",)
    assert "THANH HÀ" not in laocai.body
    assert _paragraphs(laocai)[-1].endswith("xử lý tình trạng chèo kéo khách.")


def test_laocai_newspaper_author_alone_gives_no_authors() -> None:
    article = extract(LAOCAI_PAGE.replace("<p>THANH HÀ</p>", ""), LAOCAI_URL)
    assert article.authors == ()


def test_laocai_full_machine_stamp_wins(laocai: Article) -> None:
    assert laocai.published_at == datetime(2026, 3, 7, 8, 1, 53, tzinfo=VIETNAM)
    assert laocai.updated_at == datetime(2026, 3, 7, 10, 30, tzinfo=VIETNAM)


def test_caption_in_layout_table_not_in_body() -> None:
    # the znews style: the photo and its caption sit in a one-column table inside the body
    caption = "Khu du lịch Fansipan đông khách dịp cuối tuần. Ảnh: Thanh Hà."
    table = (
        '<table class="picture"><tr><td class="pic"><img src="/sa-pa.jpg" alt=""></td></tr>'
        f'<tr><td class="pCaption caption"><p>{caption}</p></td></tr></table>\n'
    )
    page = LAOCAI_PAGE.replace(
        '<div class="article__body">\n', f'<div class="article__body">\n{table}'
    )
    article = extract(page, LAOCAI_URL)
    assert "Ảnh: Thanh Hà" not in article.body
    assert _paragraphs(article)[0].startswith("Theo Phòng Văn hóa và Thông tin thị xã")
    assert len(_paragraphs(article)) == 4


def test_laocai_metadata(laocai: Article) -> None:
    assert laocai.url == LAOCAI_URL
    assert laocai.section == "Du lịch"
    assert laocai.tags == ("Sa Pa", "du lịch", "Fansipan")
    assert laocai.image_url == "https://baolaocai.vn/uploads/2026/03/07/sa-pa.jpg"
    assert laocai.language == "vi"
    assert "Cơ quan chủ quản" not in laocai.body


# (c) canonical URLs


def test_off_site_canonical_keeps_fetched_url() -> None:
    article = extract(SYNDICATED_PAGE, SYNDICATED_URL)
    assert article.url == SYNDICATED_URL
    assert article.title == "Xuất khẩu gạo đạt kỷ lục trong hai tháng đầu năm"
    assert article.source == "TTXVN"
    assert article.authors == ()
    assert "Theo TTXVN" not in article.body
    assert article.published_at == datetime(2026, 3, 7, 9, 40, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("/xuat-khau-gao-a12345.html", "https://baohaugiang.com.vn/xuat-khau-gao-a12345.html"),
        (
            "https://www.baohaugiang.com.vn/xuat-khau-gao-a12345.html",
            "https://www.baohaugiang.com.vn/xuat-khau-gao-a12345.html",
        ),
        ("javascript:void(0)", SYNDICATED_URL),
    ],
)
def test_on_site_canonical(canonical: str, expected: str) -> None:
    page = SYNDICATED_PAGE.replace(
        "https://baotintuc.vn/kinh-te/xuat-khau-gao-dat-ky-luc-20260307.htm", canonical
    )
    assert extract(page, SYNDICATED_URL).url == expected


# (d) nothing to extract


@pytest.mark.parametrize(
    "html",
    [
        "",
        b"",
        "   \n ",
        b"\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n",
        b"\x1f\x8b\x08\x00\x00\x00",
        "<html></html>",
        "<<<>>>",
        "<html><head><title>Trang chủ</title></head><body><p></p></body></html>",
    ],
)
def test_no_article_text(html: str | bytes) -> None:
    article = extract(html, "https://baocantho.com.vn/a1.html")
    assert article.url == "https://baocantho.com.vn/a1.html"
    assert article.body == ""
    assert article.lead == ""
    assert article.authors == ()
    assert article.published_at is None
    assert not article.is_article


NAVIGATION_ONLY = """<html lang="vi"><head><title>Thời sự - Báo Cần Thơ Online</title></head><body>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su/">Thời sự</a></li></ul>
</body></html>"""
LISTING_ONLY = """<html lang="vi"><head><title>Thời sự - Báo Cần Thơ Online</title></head><body>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su/">Thời sự</a></li></ul>
<ul class="list"><li><a href="/a-a1.html">Tin thứ nhất về giao thông đô thị</a></li>
<li><a href="/b-a2.html">Tin thứ hai về nông nghiệp</a></li></ul>
<div class="pager"><a href="?p=2">2</a> <a href="?p=3">3</a></div>
</body></html>"""


@pytest.mark.parametrize("html", [NAVIGATION_ONLY, LISTING_ONLY], ids=["navigation", "listing"])
def test_links_only_page_has_no_body(html: str) -> None:
    article = extract(html, "https://baocantho.com.vn/thoi-su/")
    assert article.body == ""
    assert not article.is_article
