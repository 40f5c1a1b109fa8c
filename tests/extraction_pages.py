"""Small article pages written for the extraction tests (no corpus page is copied here).

Each `Fixture` is a page in the style of one CMS family a provincial archive meets (a portal
with Bootstrap-like markup, an old ASP.NET table layout, a React-rendered one), with the
fields a reader of the page would write down. `tests/test_extraction_mutations.py` mutates
them like the corpus pages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fixture:
    name: str
    url: str
    html: str
    title: str
    lead: str
    first: str  # the body's first paragraph
    last: str  # the body's last paragraph
    authors: tuple[str, ...]
    published: str  # ISO 8601 with offset


PARAGRAPHS = (
    "Theo Sở Nông nghiệp và Môi trường, vụ lúa năm nay toàn tỉnh gieo cấy hơn 45.000 ha, năng "
    "suất bình quân đạt 62 tạ mỗi ha, tăng 3 tạ so với cùng kỳ năm trước.",
    "Nhiều hợp tác xã đã liên kết với doanh nghiệp bao tiêu sản phẩm, giúp nông dân yên tâm sản "
    "xuất và giảm chi phí vận chuyển trong mùa thu hoạch.",
    "Ngành nông nghiệp khuyến cáo bà con khẩn trương làm đất, vệ sinh đồng ruộng để chuẩn bị "
    "cho vụ đông xuân sắp tới theo đúng lịch thời vụ.",
    "Tỉnh cũng hỗ trợ giống lúa chất lượng cao cho các xã vùng sâu, vùng xa và các hộ nghèo có "
    "nhu cầu mở rộng diện tích canh tác trong năm tới.",
)
LEAD = (
    "Vụ lúa mùa năm nay được mùa được giá, nông dân trong tỉnh phấn khởi thu hoạch và chuẩn bị "
    "cho vụ sản xuất mới."
)
TITLE = "Nông dân phấn khởi thu hoạch lúa mùa được giá"


def _portal() -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Sông Núi điện tử</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="Báo Sông Núi điện tử">
<meta name="description" content="{LEAD}">
<meta property="og:url" content="https://baosongnui.vn/kinh-te/nong-dan-thu-hoach-lua-123.html">
<link rel="canonical" href="https://baosongnui.vn/kinh-te/nong-dan-thu-hoach-lua-123.html">
<meta property="article:published_time" content="2026-11-20T07:45:00+07:00">
</head><body><header><nav><a href="/">Trang chủ</a> <a href="/kinh-te">Kinh tế</a></nav></header>
<main><article><div class="breadcrumb"><a href="/">Trang chủ</a><a href="/kinh-te">Kinh tế</a></div>
<h1 class="post-title">{TITLE}</h1><div class="post-date">Thứ Sáu, 20/11/2026 07:45</div>
<div class="post-sapo">{LEAD}</div><div class="post-content">{body}
<p class="author">Minh Khang</p></div></article></main>
<footer><p>Cơ quan của Đảng bộ tỉnh Sông Núi. Giấy phép số 12/GP-BTTTT.</p></footer>
</body></html>"""


def _aspnet() -> str:
    return """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Khánh thành cầu dân sinh ở xã vùng cao</title></head><body><form id="form1">
<table width="980"><tr><td><table><tr><td><span id="lblTitle" class="title">Khánh thành cầu
dân sinh ở xã vùng cao</span></td></tr><tr><td><span class="ngaydang">15/11/2026 16:20</span></td>
</tr><tr><td><div class="sapo"><strong>(BSN) - Ngày 15/11, xã Phong Thổ tổ chức lễ khánh thành
cây cầu dân sinh bắc qua suối Nậm Lụm, nối hai bản với trung tâm xã.</strong></div></td></tr>
<tr><td><div id="noidung"><p>Cây cầu dài 48 m, rộng 3,5 m, được xây dựng từ nguồn vốn xã hội
hóa và ngân sách tỉnh với tổng kinh phí gần 4 tỷ đồng sau sáu tháng thi công.</p>
<p>Trước đây, mỗi mùa mưa lũ, hơn 200 hộ dân của hai bản phải lội suối hoặc đi vòng hơn 10 km
để đến trường học và trạm y tế xã.</p><p>Ông Lò Văn Sinh, người dân bản Nậm Lụm, cho biết niềm
vui của bà con khi con em đi học không còn phải lo nước suối dâng cao.</p>
<p style="text-align:right"><strong>Thu Trang</strong></p></div></td></tr></table></td></tr>
</table></form></body></html>"""


def _react() -> str:
    body = "".join(f'<p class="text-base leading-7">{p}</p>' for p in PARAGRAPHS[1:])
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"/>
<title>Tỉnh hỗ trợ giống lúa cho hộ nghèo | Báo Miền Tây</title>
<meta property="og:title" content="Tỉnh hỗ trợ giống lúa cho hộ nghèo"/>
<meta property="og:site_name" content="Báo Miền Tây"/>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Tỉnh hỗ trợ giống lúa cho hộ nghèo","datePublished":"2026-11-18T09:05:00+07:00",
"author":[{{"@type":"Person","name":"Lê Hoàng"}}]}}</script></head><body><div id="__next">
<div class="container mx-auto"><h1 class="text-3xl font-bold">Tỉnh hỗ trợ giống lúa cho hộ
nghèo</h1><div class="flex gap-2 text-sm"><span>18/11/2026 09:05</span></div>
<h2 class="text-lg font-semibold">Tỉnh dành hơn 2 tỷ đồng hỗ trợ giống lúa chất lượng cao cho
các hộ nghèo ở vùng sâu, vùng xa trong vụ đông xuân tới.</h2>
<div class="prose">{body}</div></div></div></body></html>"""


FIXTURES = (
    Fixture(
        name="portal",
        url="https://baosongnui.vn/kinh-te/nong-dan-thu-hoach-lua-123.html",
        html=_portal(),
        title=TITLE,
        lead=LEAD,
        first=PARAGRAPHS[0],
        last=PARAGRAPHS[-1],
        authors=("Minh Khang",),
        published="2026-11-20T07:45:00+07:00",
    ),
    Fixture(
        name="aspnet",
        url="https://baosongnui.vn/Home/Xa-hoi/2026/11/Khanh-thanh-cau-dan-sinh.aspx",
        html=_aspnet(),
        title="Khánh thành cầu dân sinh ở xã vùng cao",
        lead="(BSN) - Ngày 15/11, xã Phong Thổ tổ chức lễ khánh thành cây cầu dân sinh bắc qua "
        "suối Nậm Lụm, nối hai bản với trung tâm xã.",
        first="Cây cầu dài 48 m, rộng 3,5 m, được xây dựng từ nguồn vốn xã hội hóa và ngân sách "
        "tỉnh với tổng kinh phí gần 4 tỷ đồng sau sáu tháng thi công.",
        last="Ông Lò Văn Sinh, người dân bản Nậm Lụm, cho biết niềm vui của bà con khi con em đi "
        "học không còn phải lo nước suối dâng cao.",
        authors=("Thu Trang",),
        published="2026-11-15T16:20:00+07:00",
    ),
    Fixture(
        name="react",
        url="https://baomientay.vn/tinh-ho-tro-giong-lua-cho-ho-ngheo-p4412.html",
        html=_react(),
        title="Tỉnh hỗ trợ giống lúa cho hộ nghèo",
        lead="Tỉnh dành hơn 2 tỷ đồng hỗ trợ giống lúa chất lượng cao cho các hộ nghèo ở vùng "
        "sâu, vùng xa trong vụ đông xuân tới.",
        first=PARAGRAPHS[1],
        last=PARAGRAPHS[-1],
        authors=("Lê Hoàng",),
        published="2026-11-18T09:05:00+07:00",
    ),
)
