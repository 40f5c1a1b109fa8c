"""The article's container: the part of the page trafilatura is shown.

Why: trafilatura's cost follows the size of the tree it is given, not of the article. It
copies the tree several times and runs Python-level passes over every element (XPaths with
regex tests, tag conversion, readability's scoring, justext, a page-wide text for its recall
check), and on a news page the article is a small part of the markup: menus, sidebars,
related-article rails, footers. So trafilatura is shown, for the time of its call, the
element that holds both the headline and the densest run of paragraphs, moved into a copy of
its ancestors (and of the JSON-LD of `<head>`): trafilatura's class and id XPaths see the same
element path as on the whole page, only without the neighbours. On the corpus the text is
the same for about 0.6x the time of `extract()` (bench/README.md, extraction_speed).

A page with no headline the layout pass trusts, no paragraph text, or whose headline and
paragraphs meet only at `<body>` is not cut. The container is put back afterwards
(`Cut.restore`), so that a thin result can be read again from the whole page (body.py) and
the later readers (the lead's place) see the page as it was.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from lxml.etree import SubElement
from lxml.html import HtmlElement

from crawler.extraction.text import text_of

# a paragraph shorter than this (a date, a credit, a button label) does not show where the
# article is; readability counts from 25 characters too
_MIN_PARAGRAPH = 25
_PAGE_ROOTS = ("body", "html")


@dataclass
class Cut:
    """The article's `container`, moved for a while into `page`: a copy of its ancestors
    (tags and attributes, no other children) and of the JSON-LD of `<head>`. `restore` puts
    it back. `main_text` is the paragraph text length of the densest block (in `container`)."""

    container: HtmlElement
    main_text: int
    page: HtmlElement
    _parent: HtmlElement
    _index: int

    def restore(self) -> None:
        """Put the container back where it was in the page (its tail text goes with it)."""
        self._parent.insert(self._index, self.container)


def cut_to_article(tree: HtmlElement, headline: HtmlElement | None) -> Cut | None:
    """`tree`'s article moved into a page of its own: the element holding `headline` and the
    densest paragraphs; None (and the tree untouched) when there is none below `<body>`."""
    if headline is None:
        return None
    densest = _densest_block(tree)
    if densest is None:
        return None
    block, size = densest
    around_block = {block, *block.iterancestors()}  # the elements, not ids: proxies stay alive
    container = next((a for a in (headline, *headline.iterancestors()) if a in around_block), None)
    parent = container.getparent() if container is not None else None
    if container is None or parent is None or container.tag in _PAGE_ROOTS:
        return None
    ancestors = [parent, *parent.iterancestors()]
    ancestors.reverse()
    try:  # lxml takes any name the HTML parser made; should one be refused, no cut
        page = ancestors[0].makeelement(ancestors[0].tag, ancestors[0].attrib)
        head = tree.find("head")
        if head is not None and ancestors[0] is tree:
            page_head = SubElement(page, "head")
            page_head.extend(deepcopy(e) for e in head if _is_json_ld(e))
        inner = page
        for ancestor in ancestors[1:]:
            inner = SubElement(inner, ancestor.tag, ancestor.attrib)
    except (ValueError, TypeError):
        return None
    index = parent.index(container)
    inner.append(container)  # moved, with its tail
    return Cut(container, size, page, parent, index)


def _is_json_ld(element: HtmlElement) -> bool:
    """JSON-LD is all trafilatura reads in `<head>` without metadata: whether the page is a
    forum thread, and an `articleBody` when it finds too little text."""
    return element.tag == "script" and "ld+json" in (element.get("type") or "")


def _densest_block(tree: HtmlElement) -> tuple[HtmlElement, int] | None:
    """The element whose paragraphs hold the most text (its own paragraphs count whole, its
    children's half, as readability scores), with the text length of its own paragraphs."""
    own: dict[HtmlElement, int] = {}
    scores: dict[HtmlElement, float] = {}
    for paragraph in tree.iter("p"):
        size = len(text_of(paragraph).strip())
        parent = paragraph.getparent()
        if size < _MIN_PARAGRAPH or parent is None:
            continue
        own[parent] = own.get(parent, 0) + size
        scores[parent] = scores.get(parent, 0) + size
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + size / 2
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best, own.get(best, 0) or int(scores[best])
