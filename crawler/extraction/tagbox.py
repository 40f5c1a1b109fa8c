"""The tag row a reader sees under an article: found by its class or by its label.

Vietnamese pages label it ("Từ khóa:", "Từ khoá", "Chủ đề:", "Tags:", "Xem thêm về:") or
give it a class (`block_tag`, `the-article-tags`, `tag-list`). Its items are its links, or,
when the row shows plain chips (`<span>giá vàng</span>`), its innermost elements.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction.text import clean, text_of

_TAG_TOKENS = {"tags", "tag", "keywords", "tag-list", "tags-list", "article-tags", "box-tag"}
_LABEL = re.compile(
    r"^(?:từ\s*kh(?:óa|oá|oa)|tags?|chủ\s*đề|keywords?|xem thêm về)\s*:?$", re.IGNORECASE
)
_MAX_ITEMS = 40


def is_tag_class(tokens: list[str], ident: str) -> bool:
    """`tags`, `tag_item`, `tags-list`, `block_tag`, `the-article-tags`, `tagdetail`..."""
    for token in tokens:
        if (
            token in _TAG_TOKENS
            or token.startswith(("tag_", "tags_", "tag-", "tags-", "tagdetail"))
            or token.endswith(("_tag", "-tags", "_tags"))
        ):
            return True
    return ident in _TAG_TOKENS


def is_label(text: str) -> bool:
    """'Từ khóa:', 'Từ khoá', 'Tags:', 'Chủ đề:' -- the word that introduces a tag row."""
    return bool(_LABEL.match(text.strip()))


def labelled_box(label: HtmlElement) -> HtmlElement | None:
    """The row a label introduces: its parent, or the grandparent when the links sit in a
    sibling of the label's own wrapper (`<div><b>Từ Khóa:</b></div><div><a>..</a></div>`)."""
    box = label.getparent()
    for _ in range(2):
        if box is None:
            return None
        if any(a is not label for a in box.iter("a")) or len(box) > 2:
            return box
        box = box.getparent()
    return box


def box_items(box: HtmlElement) -> list[str]:
    """The tags of one row, without its label, in order."""
    anchors = [clean(text_of(a)) for a in box.iter("a")]
    leaves = [
        clean(text_of(e))
        for e in box.iter()
        if isinstance(e.tag, str) and e is not box and len(e) == 0 and e.tag not in ("img", "i")
    ]
    leaves = [t for t in leaves if t and not is_label(t)]
    anchors = [t for t in anchors if t and not is_label(t)]
    linked = sum(len(t) for t in anchors)
    shown = sum(len(t) for t in leaves)
    items = anchors if anchors and linked >= 0.6 * shown else leaves
    return [t for t in (_tidy(i) for i in items[:_MAX_ITEMS]) if t]


def _tidy(item: str) -> str:
    """'việt nam,' -> 'việt nam'; '#giá vàng' -> 'giá vàng'."""
    return item.strip().strip(",;|").lstrip("#").strip()
