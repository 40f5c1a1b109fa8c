"""tinbao parses pages with its own lxml parser (body._PARSER, a C class lookup, for speed),
from their UTF-8 bytes with trafilatura's repairs made on them (body._repaired):
the trees must be the ones `trafilatura.load_html` builds, repairs and rejections included."""

from __future__ import annotations

import pytest
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.body import _load, parse_html
from crawler.extraction.text import _SPACES, clean, text_of
from tests.extraction_pages import FIXTURES

PAGES = {
    "portal fixture": FIXTURES[0].html,
    "xml declaration with an encoding": '<?xml version="1.0" encoding="utf-8"?>'
    "<html><body><p>Tin tức hôm nay</p></body></html>",
    "self-closing html": '<!DOCTYPE html>\n<html lang="vi"/>\n<body><p>Một đoạn văn</p></body>',
    "doctype with a slash": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x/y">\n'
    "<html><body><p>Đoạn</p></body></html>",
    "control characters": "<html><body><p>A\x0bB\x1fC</p></body></html>",
    "noncharacters among vietnamese letters": "<html><body><p>Tiế\ufffeng Việ\ufffft\x00</p>"
    "</body></html>",
    "a charset declared that the str is not in": '<html><head><meta charset="windows-1252">'
    "</head><body><p>Đà Nẵng</p></body></html>",
    "doctype with a slash and no newline": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" '
    '"x/y"><html><body><p>Đoạn</p></body></html>',
    "latin-1 only text": "<html><body><p>café crème</p></body></html>",
    "a lone fragment": "<p>chỉ một đoạn</p>",
    "two fragments": "<div>một</div><div>hai</div>",
    "comments and pis": "<html><!-- c --><?php x ?><body><p>Đoạn</p></body></html>",
}


def _markup(tree: HtmlElement | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8")


@pytest.mark.parametrize("html", PAGES.values(), ids=PAGES.keys())
def test_the_tree_is_the_one_trafilatura_builds(html: str) -> None:
    assert _markup(_load(html)) == _markup(trafilatura.load_html(html))


def test_every_element_is_a_plain_html_element_with_lxml_html_methods() -> None:
    tree = parse_html(
        "<html><body><form><input name='q'><label>Tìm</label></form><p>Đoạn</p></body></html>"
    )
    assert tree is not None
    assert all(type(e) is HtmlElement for e in tree.iter())
    assert tree.find(".//p").text_content() == "Đoạn"
    assert trafilatura.extract(tree) is not None  # trafilatura reads (copies of) it as usual


def test_text_of_is_text_content_for_every_element() -> None:
    # text_of is the C text serialiser; text_content an XPath string(): the same text, tails,
    # entities, <br> and script text included
    pages = [
        *(fixture.html for fixture in FIXTURES),
        "<html><body><div>Một <b>hai</b> ba<br>bốn &amp; năm&nbsp;sáu<script>x=1</script>"
        "<p>bảy<i>tám</i></p>chín</div>tail</body></html>",
    ]
    for html in pages:
        tree = parse_html(html)
        assert tree is not None
        for element in tree.iter():
            if isinstance(element.tag, str):
                assert text_of(element) == element.text_content()


def test_clean_splits_on_the_spaces_html_renders_and_no_others() -> None:
    # clean() joins str.split() where that is the same as collapsing its _SPACES: every space
    # character around and between words, each alone and in runs
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace() or chr(c) == "\u200b"]
    for space in spaces:
        for text in (f"{space}Một{space}hai{space * 2}ba{space}", f"a{space}{space}b"):
            expected = _SPACES.sub(" ", text.replace("\u200b", "")).strip()
            assert clean(text) == expected, repr(space)
