"""Pages a browser reads whole but libxml2 alone would cut: extraction must keep their text.

Every page here is one a browser renders with its article; libxml2's HTML parser stops at the
first `</html>`. The loss is detected (recovery.lost_content) and the page re-read by HTML5
tree construction, so the article comes out the same as from a clean page.
"""

from __future__ import annotations

import pytest

from crawler.extraction import extract
from crawler.extraction.body import _load
from crawler.extraction.recovery import lost_content
from tests.extraction_pages import FIXTURES, PARAGRAPHS, TITLE

PORTAL = FIXTURES[0]
HEAD = f"<head><meta charset='utf-8'><title>{TITLE}</title></head>"
ARTICLE = f"<main><h1>{TITLE}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</main>"

BROKEN = {
    "stray </html> before the content": f"<html>{HEAD}<body><nav><a href='/'>Trang chủ</a>"
    f"</nav></html>{ARTICLE}</body></html>",
    "content after </html>": f"<html>{HEAD}<body><nav>menu</nav></body></html>{ARTICLE}",
    "stray </html> before the head": f"<!DOCTYPE html></html><html>{HEAD}<body>{ARTICLE}"
    "</body></html>",
    "two documents glued": f"<html>{HEAD}<body><div>Đang tải</div></body></html>"
    f"<html><body>{ARTICLE}</body></html>",
    "stray </body> before the content": f"<html>{HEAD}<body></body>{ARTICLE}</html>",
    "nested document inside main": f"<html>{HEAD}<body><main><html><body><h1>{TITLE}</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</body></html></main><footer>Bản quyền</footer></body></html>",
    "unclosed tags": f"<html>{HEAD}<body><div><main><h1>{TITLE}</h1><div><span>"
    + "".join(f"<p>{p}" for p in PARAGRAPHS)
    + "</main></body></html>",
    "stray </html> inside the article": f"<html>{HEAD}<body><main><h1>{TITLE}</h1>"
    f"<p>{PARAGRAPHS[0]}</p></html>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    + "</main></body></html>",
}


@pytest.mark.parametrize("html", BROKEN.values(), ids=BROKEN.keys())
def test_every_paragraph_a_browser_shows_is_in_the_body(html: str) -> None:
    article = extract(html, "https://baosongnui.vn/a-1.html")
    assert article.title == TITLE
    assert article.body.split("\n") == list(PARAGRAPHS)


def test_the_real_portal_page_survives_a_stray_end_of_document() -> None:
    broken = PORTAL.html.replace("<main>", "</body></html><main>", 1)
    assert extract(broken, PORTAL.url) == extract(PORTAL.html, PORTAL.url)


def test_a_clean_page_is_parsed_once() -> None:
    """The HTML5 re-parse is for damaged pages only: a normal page is not flagged."""
    assert not lost_content(PORTAL.html, _load(PORTAL.html))


def test_scripts_after_the_end_of_the_document_are_no_loss() -> None:
    html = PORTAL.html + "\n<script>window.dataLayer=[];</script><!-- 0.12s -->\n"
    assert not lost_content(html, _load(html))
