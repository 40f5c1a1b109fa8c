"""The lead (sapo) wherever it stands, with its dateline, never repeated in the body."""

from __future__ import annotations

import pytest

from crawler.extraction import Article, extract

URL = "https://baothu.vn/mua-lua-moi-post123.html"
TITLE = "Nông dân đồng bằng thu hoạch vụ lúa đông xuân sớm"
SAPO = (
    "Những ngày này, nông dân các tỉnh đồng bằng sông Cửu Long tất bật thu hoạch lúa đông xuân "
    "với năng suất cao hơn năm trước."
)
BODY = [
    "Theo ngành nông nghiệp, toàn vùng đã thu hoạch hơn 300.000 ha, năng suất bình quân đạt 7 "
    "tấn mỗi héc-ta. Giá lúa tươi tại ruộng dao động từ 6.500 đến 7.000 đồng mỗi ký.",
    "Nhiều hợp tác xã ký hợp đồng bao tiêu với doanh nghiệp ngay từ đầu vụ, giúp nông dân yên tâm "
    "sản xuất và giảm phụ thuộc vào thương lái.",
    "Ngành chức năng khuyến cáo nông dân xuống giống vụ hè thu đúng lịch thời vụ để né hạn mặn "
    "và sâu bệnh trong những tháng cao điểm.",
]


def page(
    before_body: str = "",
    body: str | None = None,
    head: str = "",
    after_body: str = "",
) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY) if body is None else body
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Thử</title>{head}</head><body>
<header><a href="/">Trang chủ</a> <a href="/kinh-te/">Kinh tế</a></header>
<main><h1 class="title">{TITLE}</h1>{before_body}
<div class="article-content">{paragraphs}</div>{after_body}</main>
<footer><p>Cơ quan chủ quản: Tỉnh ủy</p></footer></body></html>"""


def lead_and_body(html: str) -> tuple[str, list[str]]:
    article = extract(html, URL)
    return article.lead, article.body.split("\n")


@pytest.mark.parametrize(
    "sapo_element",
    [
        f'<h2 class="sapo">{SAPO}</h2>',
        f'<p class="description">{SAPO}</p>',
        f'<div class="article__sapo">{SAPO}</div>',
        f'<p class="the-article-summary">{SAPO}</p>',
        f'<h2 class="detail-sapo">{SAPO}</h2>',
        f'<div class="content-detail-sapo sm-sapo-mb-0">{SAPO}</div>',
    ],
    ids=["sapo", "description", "article__sapo", "the-article-summary", "detail-sapo", "sapo-2"],
)
def test_sapo_by_class_outside_the_body(sapo_element: str) -> None:
    lead, body = lead_and_body(page(before_body=sapo_element))
    assert lead == SAPO
    assert body[0] == BODY[0]
    assert SAPO not in body


def test_sapo_repeated_as_first_paragraph_is_not_in_the_body() -> None:
    html = page(
        before_body=f'<h2 class="sapo">{SAPO}</h2>',
        body="".join(f"<p>{p}</p>" for p in [SAPO, *BODY]),
    )
    lead, body = lead_and_body(html)
    assert lead == SAPO
    assert body == BODY


def test_the_sapo_near_the_headline_wins_over_a_related_cards_summary() -> None:
    related = (
        '<div class="related"><a href="/khac-post9.html">Giá phân bón tăng mạnh trước vụ hè thu '
        'năm nay</a><p class="summary">Giá phân bón tăng khiến chi phí sản xuất của nông dân '
        "tăng theo, lợi nhuận vụ hè thu giảm.</p></div>"
    )
    # the card comes first in the page; its summary follows a headline link
    lead, _ = lead_and_body(page(before_body=related + f'<p class="sapo">{SAPO}</p>'))
    assert lead == SAPO


def test_the_sapo_that_agrees_with_the_description_wins() -> None:
    head = f'<meta name="description" content="{SAPO[:120]}">'
    other = '<p class="summary">Tóm tắt của một bài khác, không phải bài này.</p>'
    before = f'{other}<p class="sapo">{SAPO}</p>'
    lead, _ = lead_and_body(page(before_body=before, head=head))
    assert lead == SAPO


def test_a_leading_bold_paragraph_is_the_lead() -> None:
    html = page(body=f"<p><strong>{SAPO}</strong></p>" + "".join(f"<p>{p}</p>" for p in BODY))
    lead, body = lead_and_body(html)
    assert lead == SAPO
    assert body == BODY


def test_a_short_bold_sub_heading_first_is_not_the_lead() -> None:
    html = page(body="<p><strong>Năng suất cao</strong></p>" + "".join(f"<p>{p}</p>" for p in BODY))
    lead, body = lead_and_body(html)
    assert lead == ""
    assert body[0] == "Năng suất cao"


def test_a_first_paragraph_opening_with_a_dateline_is_the_lead_as_published() -> None:
    first = "(CTO) - Ngày 8-1, UBND TP Cần Thơ tổ chức lễ ra quân thu hoạch lúa đông xuân."
    html = page(
        body=f"<p><strong>(CTO)</strong> - {first[8:]}</p>" + "".join(f"<p>{p}</p>" for p in BODY)
    )
    lead, body = lead_and_body(html)
    assert lead == first
    assert lead.startswith("(CTO) - ")
    assert body == BODY


def test_a_dateline_shown_before_the_sapo_is_kept() -> None:
    ld = f'{{"@type": "NewsArticle", "description": "{SAPO}"}}'
    head = f'<script type="application/ld+json">{ld}</script>'
    before = f'<div><span class="bold">(VTC News) -</span><h2 class="font18 bold">{SAPO}</h2></div>'
    lead, body = lead_and_body(page(before_body=before, head=head))
    assert lead == f"(VTC News) - {SAPO}"
    assert "(VTC News)" not in "\n".join(body)


def test_a_heading_that_shows_the_description_is_the_lead() -> None:
    # utility-class sites (dantri): no sapo class, the sapo is the h2 the description repeats
    head = f'<meta property="og:description" content="{SAPO[:100]}">'
    before = f'<h2 class="dt-text-lg dt-font-normal">(Dân trí) - {SAPO}</h2>'
    head = f'<meta property="og:description" content="(Dân trí) - {SAPO[:100]}">'
    lead, body = lead_and_body(page(before_body=before, head=head))
    assert lead == f"(Dân trí) - {SAPO}"
    assert body == BODY


def test_the_meta_description_is_the_last_resort() -> None:
    head = f'<meta name="description" content="{SAPO}">'
    lead, body = lead_and_body(page(head=head))
    assert lead == SAPO
    assert body == BODY


def test_a_cut_meta_description_gives_way_to_the_full_first_paragraph() -> None:
    head = f'<meta name="description" content="{BODY[0][:90]}">'
    lead, body = lead_and_body(page(head=head))
    assert lead == BODY[0]
    assert body == BODY[1:]


def test_no_lead_at_all() -> None:
    article: Article = extract(page(), URL)
    assert article.lead == ""
    assert article.body.split("\n") == BODY
