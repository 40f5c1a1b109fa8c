"""Per-site hints: CSS selectors in the registry, checked when it loads, used by `extract` and
handed to it by the spider."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extraction import Article, HintError, Hints, extract, parse_hints
from crawler.registry import RegistryError, load_registry
from crawler.spider_loader import spider_class
from crawler.spiders.news import NewsSpider
from tests.test_spider import parsed

URL = "https://baothu.vn/gia-vang-ky-luc-post3001.html"
PARAGRAPHS = [
    "Giá vàng thế giới lập kỷ lục mới trong phiên giao dịch đêm qua, vượt mốc 4.400 USD mỗi ounce "
    "khi nhà đầu tư tìm đến tài sản trú ẩn.",
    "Trong nước, giá vàng miếng tăng thêm 300.000 đồng mỗi lượng ở cả hai chiều mua và bán so với "
    "phiên trước đó.",
]
PROMO = (
    "Báo Thử giới thiệu tủ sách kinh tế với nhiều đầu sách hay về đầu tư và tài chính cá nhân, "
    "dành cho bạn đọc quan tâm."
)
PAGE = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Giá vàng lập kỷ lục mới - Báo Thử</title></head><body>
<p class="cate"><a href="/kinh-te/">Kinh tế</a> <a href="/kinh-te/vang/">Thị trường vàng</a></p>
<h1 class="headline">Giá vàng lập kỷ lục mới</h1>
<div class="meta"><em class="when">Đăng lúc 09:02, ngày 23/12/2025</em></div>
<p class="intro-text">Giá vàng thế giới lên đỉnh mới nhờ dòng tiền tìm nơi trú ẩn an toàn.</p>
<div class="story">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<div class="notebox"><p>{PROMO}</p><p>Mời bạn đọc đón xem các số tiếp theo của tủ sách.</p></div>
</div>
<div class="writer"><span>Bài: Anh Nguyễn - Minh Khôi</span></div>
<div class="credit-line"><i>Theo Đại Đoàn kết</i></div>
<div class="kw"><span class="k">giá vàng</span><span class="k">kỷ lục</span></div>
<div class="other"><p>Bình luận của bạn đọc về giá vàng hôm nay sẽ được biên tập trước khi
đăng tải.</p></div>
</body></html>"""

HINTS = Hints(
    lead="p.intro-text",
    body="div.story",
    drop=("div.notebox",),
    authors="div.writer span",
    source="div.credit-line",
    date="em.when",
    section="p.cate a",
    tags="span.k",
)


def test_without_hints_the_promotion_box_is_read_as_body() -> None:
    assert PROMO in extract(PAGE, URL).body


def test_hints_give_every_field() -> None:
    article = extract(PAGE, URL, HINTS)
    assert article.title == "Giá vàng lập kỷ lục mới"
    assert article.lead == "Giá vàng thế giới lên đỉnh mới nhờ dòng tiền tìm nơi trú ẩn an toàn."
    assert article.body.split("\n") == PARAGRAPHS
    assert article.authors == ("Anh Nguyễn", "Minh Khôi")
    assert article.source == "Đại Đoàn kết"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-12-23T09:02:00+07:00"
    assert article.section == "Thị trường vàng"
    assert article.tags == ("giá vàng", "kỷ lục")


def test_a_title_hint() -> None:
    assert extract(PAGE, URL, Hints(title="p.intro-text")).title.startswith("Giá vàng thế giới")


def test_a_hint_that_matches_nothing_changes_nothing() -> None:
    assert extract(PAGE, URL, Hints(lead="p.no-such-class", drop=("div.nothing",))) == extract(
        PAGE, URL
    )


def test_parse_hints() -> None:
    hints = parse_hints({"drop": "div.notebox", "lead": " p.sapo "})
    assert hints == Hints(drop=("div.notebox",), lead="p.sapo")
    assert parse_hints({}) == Hints()
    assert not Hints()
    assert hints


@pytest.mark.parametrize(
    ("table", "field", "reason"),
    [
        ({"sapo": "p.sapo"}, "sapo", "unknown hint"),
        ({"lead": "p..sapo"}, "lead", "invalid CSS selector"),
        ({"lead": ""}, "lead", "empty CSS selector"),
        ({"lead": ["p.sapo"]}, "lead", "must be a CSS selector"),
        ({"drop": ["div.ok", 3]}, "drop", "list of them"),
        ({"drop": ["div.ok", "div[unclosed"]}, "drop", "invalid CSS selector"),
        ({"drop": ["p:contains('Tải ứng dụng')"]}, "drop", ":contains() is not supported"),
    ],
)
def test_parse_hints_names_the_field(table: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises(HintError) as error:
        parse_hints(table)
    assert error.value.field == field
    assert reason in error.value.reason


SITE = """
[sites.baothu]
name = "Báo Thử"
home = "https://baothu.vn/"
article_url = '-post\\d+\\.html$'
province = "Cần Thơ"
status = "active"
"""


def registry(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(SITE + extra, "utf-8")
    return path


def test_the_registry_reads_a_sites_hints(tmp_path: Path) -> None:
    path = registry(
        tmp_path, '\n[sites.baothu.hints]\ndrop = ["div.notebox"]\nlead = "p.intro-text"\n'
    )
    site = load_registry(path)["baothu"]
    assert site.hints == Hints(drop=("div.notebox",), lead="p.intro-text")
    assert load_registry()["baocantho"].hints == Hints()  # generic unless a site needs help


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '\n[sites.baothu.hints]\ndrop = ["div..notebox"]\n',
            "site 'baothu': field 'hints.drop': invalid CSS selector",
        ),
        (
            '\n[sites.baothu.hints]\nsapo = "p.sapo"\n',
            "site 'baothu': field 'hints.sapo': unknown hint",
        ),
        ('hints = "p.sapo"\n', "site 'baothu': field 'hints': must be a table"),
    ],
)
def test_a_bad_hint_stops_the_registry_naming_site_and_field(
    tmp_path: Path, extra: str, message: str
) -> None:
    with pytest.raises(RegistryError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_registry(registry(tmp_path, extra))


def test_the_spider_hands_the_sites_hints_to_extract(tmp_path: Path) -> None:
    path = registry(tmp_path, '\n[sites.baothu.hints]\ndrop = ["div.notebox"]\n')
    cls = spider_class(load_registry(path)["baothu"])
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler)
    assert isinstance(spider, NewsSpider)
    response = HtmlResponse(
        URL, body=PAGE.encode("utf-8"), encoding="utf-8", request=scrapy.Request(URL)
    )
    [article] = parsed(spider, response)
    assert isinstance(article, Article)
    assert PROMO not in article.body
    assert article.body.startswith(PARAGRAPHS[0])
