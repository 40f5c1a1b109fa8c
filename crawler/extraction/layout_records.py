"""What the layout pass (crawler/extraction/layout.py) finds on a page, as the records that
the field readers (headline, lead, dates, authors, body cleaning) share: text blocks with
their place in the page, and the page's whole layout."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawler.extraction.captions import Photo
from crawler.extraction.dates import Stamp


@dataclass
class Block:
    """A piece of page text at a position in document order (and the dateline shown before it)."""

    text: str
    position: int
    dateline: str = ""


@dataclass
class Layout:
    """Everything the pass found, in page order; `link_texts` are the texts of links to other
    pages (lower case), which is how related-article lines are recognised in the body.
    `text_blocks` are the paragraphs and text-holding divs with their positions, read only
    when the lead is looked for by its place; `headline_elements` the h1 of each headline, by
    its position, which shows the main-text extractor where the article is (container.py)."""

    headlines: list[Block] = field(default_factory=list)
    link_headings: list[list[str]] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)
    sapos: list[Block] = field(default_factory=list)
    subheads: list[Block] = field(default_factory=list)
    bold_paragraphs: set[str] = field(default_factory=set)  # all bold or all italic
    text_blocks: list[tuple[int, HtmlElement]] = field(default_factory=list)
    breadcrumbs: list[list[str]] = field(default_factory=list)
    tag_rows: list[tuple[int, list[str]]] = field(default_factory=list)
    tag_links: list[tuple[int, str]] = field(default_factory=list)
    author_blocks: list[Block] = field(default_factory=list)
    source_blocks: list[Block] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    notices: list[HtmlElement] = field(default_factory=list)
    link_texts: set[str] = field(default_factory=set)
    headline_elements: dict[int, HtmlElement] = field(default_factory=dict)  # by position

    @property
    def captions(self) -> list[str]:
        return [p.caption for p in self.photos if p.caption]

    def prunable(self) -> list[HtmlElement]:
        """Elements that are not article text, whatever the main-text extractor thinks."""
        captions = [p.caption_element for p in self.photos if p.caption_element is not None]
        return captions + self.notices
