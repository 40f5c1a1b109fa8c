"""The one place tinbao calls trafilatura: HTML parsing and main-text extraction.

Everything else in extraction works on the lxml tree returned by `parse_html` and on the
paragraph list returned by `main_paragraphs`, so a change of library or settings happens here.
"""

from __future__ import annotations

import logging

import trafilatura
from lxml.html import HtmlElement, fromstring
from trafilatura.settings import use_config
from trafilatura.utils import decode_file

from crawler.extraction import recovery
from crawler.extraction.decode import decode_page
from crawler.extraction.text import clean_lines

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# trafilatura's default config stops extracting on pages with a tiny body and sleeps between
# downloads; neither fits a library call on pages we already hold.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")


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
    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def main_paragraphs(tree: HtmlElement, url: str, container: HtmlElement | None = None) -> list[str]:
    """The article's paragraphs and sub-headings in reading order, cleaned; [] when none.

    `container` (from a site's `body` hint) limits the search to that element.
    """
    if container is not None:
        page = fromstring("<html><body></body></html>")
        page.find("body").append(container)  # the tree is ours and already read: move it
        tree = page
    text = trafilatura.extract(
        tree,  # trafilatura copies a tree it is given, so ours stays intact
        url=url,
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
