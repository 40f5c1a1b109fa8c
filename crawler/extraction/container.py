"""The article's container: the part of the page trafilatura is shown.

Why: trafilatura's cost follows the size of the tree it is given, not of the article. It
copies the tree several times and runs Python-level passes over every element (XPaths with
regex tests, tag conversion, readability's scoring, justext, a page-wide text for its recall
check), and on a news page the article is a small part of the markup: menus, sidebars,
related-article rails, footers. So the page is cut down, for the time of one trafilatura
call, to the element that holds both the headline and the densest run of paragraphs, with
its ancestors (and the JSON-LD of `<head>`): trafilatura's class and id XPaths see the same
element path as on the whole page, only without the neighbours. On the corpus the text is
the same for about 0.6x the time of `extract()` (bench/README.md, extraction_speed).

A page with no headline the layout pass trusts, no paragraph text, or whose headline and
paragraphs meet only at `<body>` is not cut. The cut is undone afterwards (`Cut.restore`),
so that a thin result can be read again from the whole page (body.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawler.extraction.text import text_of

# a paragraph shorter than this (a date, a credit, a button label) does not show where the
# article is; readability counts from 25 characters too
_MIN_PARAGRAPH = 25
_PAGE_ROOTS = ("body", "html")


@dataclass
class Cut:
    """The page cut down to `container`: what was taken out, to be put back by `restore`.
    `main_text` is the length of the paragraph text of the densest block (in `container`)."""

    container: HtmlElement
    main_text: int
    _removed: list[tuple[HtmlElement, list[HtmlElement]]] = field(default_factory=list)

    def keep(
        self, parent: HtmlElement, children: list[HtmlElement], kept: list[HtmlElement]
    ) -> None:
        """Leave only `kept` of `parent`'s `children` (all of them, in order), until restored."""
        if len(kept) < len(children):
            self._removed.append((parent, children))
            parent[:] = kept

    def restore(self) -> None:
        """Put every neighbour back where it was (each with its tail text)."""
        for parent, children in reversed(self._removed):
            parent[:] = children
        self._removed.clear()


def cut_to_article(tree: HtmlElement, headline: HtmlElement | None) -> Cut | None:
    """Cut `tree` down to the element holding `headline` and the densest paragraphs; None
    (and the tree untouched) when there is no such element below `<body>`."""
    if headline is None:
        return None
    densest = _densest_block(tree)
    if densest is None:
        return None
    block, size = densest
    around_block = {block, *block.iterancestors()}  # the elements, not ids: proxies stay alive
    container = next((a for a in (headline, *headline.iterancestors()) if a in around_block), None)
    if container is None or container.tag in _PAGE_ROOTS:
        return None
    cut = Cut(container, size)
    node, parent = container, container.getparent()
    while parent is not None:
        children = list(parent)
        kept = [c for c in children if c is node or c.tag == "head"]
        cut.keep(parent, children, kept)
        node, parent = parent, parent.getparent()
    head = tree.find("head")
    if head is not None:
        children = list(head)
        cut.keep(head, children, [c for c in children if _is_json_ld(c)])
    return cut


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
