"""Reading a page the way a browser does when libxml2 would drop part of it.

libxml2's HTML parser (lxml, trafilatura) is fast but not HTML5 tree construction: it stops at
the first `</html>` and drops everything after it (a stray `</html>` before the article, a page
whose template closes the document and then prints the content, two documents glued
together), where a browser keeps reading. Running a browser-grade parser on every page would
cost a second parse, so the loss is detected cheaply instead (a few `str.find`/`str.count`
calls on the source and one count on the tree) and only then is the page rebuilt with
lexbor (selectolax), the HTML5 parser of a browser engine, and serialised to well-formed HTML
that libxml2 reads without loss. html5-parser is not used: it links its own libxml2, which
clashes with the one inside pip's lxml.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction.text import text_of

_P_TAG = re.compile(r"<[pP][\s>]")
# what may follow the end of a document without being content a browser shows
_INVISIBLE = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?(?:-->|$)|<[^>]*>|\s+",
    re.IGNORECASE | re.DOTALL,
)
_MIN_LOST_TEXT = 20
_MIN_LOST_PARAGRAPHS = 3


def lost_content(html: str, tree: HtmlElement | None) -> bool:
    """True when libxml2's tree may lack content a browser shows: visible text after the first
    `</html>`, or markedly fewer paragraphs in the tree than `<p>` tags in the source."""
    if tree is None:
        return True
    end = html.find("</html")  # two scans of the source in all: this one and the <p> count
    if end < 0:
        end = html.find("</HTML")
    if end >= 0:
        rest = html[end:]
        if len(rest) > 16 and len(_INVISIBLE.sub("", rest)) >= _MIN_LOST_TEXT:
            return True
    written = len(_P_TAG.findall(html))
    if written < _MIN_LOST_PARAGRAPHS:
        return False
    parsed = sum(1 for _ in tree.iter("p"))
    return written - parsed >= _MIN_LOST_PARAGRAPHS and parsed < 0.8 * written


def html5_markup(html: str) -> str | None:
    """The page rebuilt by HTML5 tree construction and written back as well-formed HTML (every
    element closed, one html/head/body), None when the parser is not installed or fails."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:  # pragma: no cover - a declared dependency; degrade to libxml2 alone
        return None
    try:
        markup = LexborHTMLParser(html).html
    except (ValueError, RuntimeError):
        return None
    return markup or None


def richer(candidate: HtmlElement | None, tree: HtmlElement | None) -> bool:
    """The rebuilt tree is kept when it holds at least as much text as libxml2's own."""
    if candidate is None:
        return False
    if tree is None:
        return True
    return _text_size(candidate) >= _text_size(tree)


def _text_size(tree: HtmlElement) -> int:
    body = tree.find("body")
    return len(text_of(body if body is not None else tree))
