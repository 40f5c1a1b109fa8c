"""The one place tinbao calls trafilatura: HTML parsing and main-text extraction.

Everything else in extraction works on the lxml tree returned by `parse_html` and on the
paragraph list returned by `main_paragraphs`, so a change of library or settings happens here.
"""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.settings import use_config
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, decode_file, repair_faulty_html

from crawler.extraction import recovery
from crawler.extraction.container import cut_to_article
from crawler.extraction.decode import decode_page
from crawler.extraction.text import clean_lines

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# a text from the cut page shorter than this share of its densest block's paragraphs is thin:
# read again with trafilatura's fallbacks, then from the whole page (the cut missed the
# article: the block was a comment thread, a cookie notice)
_THIN = 0.5

# trafilatura's default config stops extracting on pages with a tiny body and sleeps between
# downloads; neither fits a library call on pages we already hold.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")

# what trafilatura's repair_faulty_html takes out of a page (INVALID_XML_CHARS), as UTF-8 bytes
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

# trafilatura's parser settings, with one difference: lxml.html's parser picks each element's
# Python class by its tag in a Python callback, run every time an element is first touched
# (by us, and by trafilatura in its copies of our tree); a C lookup that makes every element
# a plain HtmlElement costs nothing. Nothing here uses the form-element classes it skips.
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=HtmlComment,
        pi=HtmlProcessingInstruction,
        entity=HtmlEntity,
    )
)


def parse_html(html: str | bytes) -> HtmlElement | None:
    """An lxml tree of the page (bytes are decoded as decode.py explains), with what a browser
    shows even where libxml2 alone would drop it (recovery.py). The tree's text may be in any
    normal form: every string taken from it goes through `text.clean` (NFC)."""
    if not html or not html.strip():
        return None
    if isinstance(html, bytes):
        decoded = decode_page(html)
        html = decoded if decoded is not None else decode_file(html)
    tree = _load(html)
    if recovery.lost_content(html, tree):
        markup = recovery.html5_markup(html)
        rebuilt = _load(markup) if markup else None
        if recovery.richer(rebuilt, tree):
            tree = rebuilt
    return tree


def _load(html: str) -> HtmlElement | None:
    """`trafilatura.load_html` for a str, on `_PARSER`: the same repairs, fallback and check.

    The page is parsed from its UTF-8 bytes: libxml2 reads a str only after converting it from
    Python's in-memory form (Latin-1, UTF-16 or UCS-4), which costs more than the encoding,
    and trafilatura's repairs are made where they are cheap (`_repaired`): the tree is the same.
    """
    beginning = html[:50].lower()
    tree = _fromstring(_repaired(html, beginning))
    if tree is None or len(tree) < 1:
        # trafilatura's way, from the str: kept when it gives more (and a str with an encoding
        # declaration is refused by lxml, so the bytes' tree stays)
        from_str = _fromstring(repair_faulty_html(html, beginning))
        if from_str is not None and len(from_str) >= 1:
            tree = from_str
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # not a document
    return tree if isinstance(tree, HtmlElement) else None


def _repaired(html: str, beginning: str) -> bytes:
    """`repair_faulty_html(html, beginning)` encoded as UTF-8, without its copies of the whole
    page: the doctype and `<html/>` repairs look at the first line(s) only, and the control
    characters libxml2 refuses are single bytes of the UTF-8 (U+FFFE, U+FFFF three-byte runs)."""
    if "doctype" in beginning:
        end = html.find("\n")
        first = html if end < 0 else html[:end]
        repaired = DOCTYPE_TAG.sub("", first, count=1)
        if repaired != first:
            html = repaired + ("\n" if end < 0 else html[end:])
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    data = html.encode("utf-8", "surrogatepass")
    kept = data.translate(None, _CONTROL_BYTES)
    if b"\xef\xbf" in kept:  # one scan: U+FFC0-U+FFFF are rare
        kept = kept.replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    return kept


def _fromstring(html: str | bytes) -> HtmlElement | None:
    try:
        tree = fromstring(html, parser=_PARSER)
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def main_paragraphs(
    tree: HtmlElement,
    url: str,
    container: HtmlElement | None = None,
    headline: HtmlElement | None = None,
) -> list[str]:
    """The article's paragraphs and sub-headings in reading order, cleaned; [] when none.

    `container` (from a site's `body` hint) limits the search to that element. Otherwise
    trafilatura is shown the page cut down to the element holding `headline` and the densest
    paragraphs (container.py: the same text for a fraction of the time), in its fast mode:
    its comparison with readability and justext is what rescues a main text that came out
    too short, and is run only then, when the text is thin next to those paragraphs; still
    thin, the cut was wrong and the whole page is read.
    """
    if container is not None:
        page = fromstring("<html><body></body></html>", parser=_PARSER)
        page.find("body").append(container)  # the tree is ours and already read: move it
        return _trafilatura(page, url)
    cut = cut_to_article(tree, headline)
    if cut is None:
        return _trafilatura(tree, url)
    try:
        lines = _trafilatura(cut.page, url, fast=True)
        if _thin(lines, cut.main_text):
            lines = _trafilatura(cut.page, url)
    finally:
        cut.restore()  # the page whole again, whatever trafilatura did
    if _thin(lines, cut.main_text):
        lines = _trafilatura(tree, url)
    return lines


def _thin(lines: list[str], main_text: int) -> bool:
    return sum(len(line) for line in lines) < _THIN * main_text


def _trafilatura(tree: HtmlElement, url: str, *, fast: bool = False) -> list[str]:
    text = trafilatura.extract(
        tree,  # trafilatura copies a tree it is given, so ours stays intact
        url=url,
        fast=fast,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        config=_CONFIG,
    )
    return clean_lines(text.splitlines()) if text else []
