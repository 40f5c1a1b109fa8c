"""The sapo (lead) wherever the page puts it, and never again as the body's first paragraph.

In order: an element with a sapo class (`.sapo`, `.description`, `.article__sapo`,
`.the-article-summary`), preferring the one that agrees with the meta description and the one
nearest after the headline over look-alikes in related-article cards; the body's first
paragraph when it agrees with the description, is all bold, or opens with a dateline; a
heading that shows the description (sites with utility classes only); and the meta
description itself as a last resort. A dateline shown just before the sapo ("(VTC News) -")
is kept as published.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from crawler.extraction.layout_records import Block, Layout
from crawler.extraction.metadata import PageMeta
from crawler.extraction.noise import is_dateline
from crawler.extraction.text import DATELINE, agrees, clean, same_text, starts_with_text, text_of

_MIN_BOLD_LEAD = 60
_MIN_LEAD_WORDS = 12
_EMPHASIS_CLASSES = ("bold", "italic", "font-semibold", "fw-bold", "fw-semibold", "fw700", "fw6")


def descriptions(meta: PageMeta) -> list[str]:
    """The page's descriptions, longest first (meta descriptions are often cut at 160 chars)."""
    found = [
        meta.ld_text("description"),
        meta.meta("og:description"),
        meta.meta("description"),
        meta.meta("twitter:description"),
    ]
    return sorted({d for d in found if d}, key=len, reverse=True)


def choose_lead(
    meta: PageMeta,
    layout: Layout,
    paragraphs: Sequence[str],
    title: str,
    after: int,
    hinted: str = "",
) -> tuple[str, list[str]]:
    """(lead, body paragraphs without it)."""
    described = descriptions(meta)
    lead = (
        hinted
        or _sapo(layout.sapos, described, title, after)
        or _leading_paragraph(paragraphs, described, layout)
        or _shown_description(layout.subheads, described, title)
        or _by_place(layout, paragraphs, title, after)
        or (described[0] if described else "")
    )
    return lead, _without_lead(paragraphs, lead)


def _sapo(sapos: Sequence[Block], described: Sequence[str], title: str, after: int) -> str:
    candidates = [s for s in sapos if not same_text(s.text, title)]
    for candidate in candidates:
        if any(agrees(candidate.text, d) for d in described):
            return _with_dateline(candidate)
    following = [s for s in candidates if s.position > after] or candidates
    return _with_dateline(following[0]) if following else ""


def _leading_paragraph(paragraphs: Sequence[str], described: Sequence[str], layout: Layout) -> str:
    if not paragraphs:
        return ""
    first = paragraphs[0]
    if any(agrees(first, d) for d in described):
        return first
    if first in layout.bold_paragraphs and len(first) >= _MIN_BOLD_LEAD:
        return first
    if DATELINE.match(first) and not is_dateline(first) and len(paragraphs) > 1:
        return first
    return ""


def _shown_description(subheads: Sequence[Block], described: Sequence[str], title: str) -> str:
    for block in subheads:
        if not same_text(block.text, title) and any(agrees(block.text, d) for d in described):
            return _with_dateline(block)
    return ""


def _by_place(layout: Layout, paragraphs: Sequence[str], title: str, after: int) -> str:
    """The first long text after the headline, when its typography makes it the lead (a
    sub-heading, an all-bold or all-italic paragraph, a bold/italic utility class) or when it
    stands between the headline and the body without being body text."""
    if after < 0:
        return ""
    captions = {c.casefold() for c in layout.captions}
    headings = {b.position: b for b in layout.subheads}
    blocks: list[tuple[int, HtmlElement | None]] = [(p, None) for p in headings]
    blocks += [(p, e) for p, e in layout.text_blocks]
    body = {_key(line) for line in paragraphs}
    first_body = _key(paragraphs[0]) if paragraphs else ""
    lead = ""
    for position, element in sorted(blocks, key=lambda b: b[0]):
        if position <= after:
            continue
        text = headings[position].text if element is None else clean(text_of(element))
        if len(text.split()) < _MIN_LEAD_WORDS or text.casefold() in captions:
            continue
        if same_text(text, title) or text.casefold() in layout.link_texts:
            continue
        key = _key(text)
        if lead:  # the lead candidate is confirmed when the body starts right after it
            return lead if key == first_body else ""
        if element is None or _emphasised(element, layout):
            return _with_dateline(headings[position]) if element is None else text
        if key in body:
            return ""
        lead = text
    return ""


def _emphasised(element: HtmlElement, layout: Layout) -> bool:
    names = f" {element.get('class') or ''} ".lower()
    return clean(text_of(element)) in layout.bold_paragraphs or any(
        word in names for word in _EMPHASIS_CLASSES
    )


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _with_dateline(block: Block) -> str:
    if block.dateline and not block.text.startswith(block.dateline):
        return f"{block.dateline} {block.text}"
    return block.text


def _without_lead(paragraphs: Sequence[str], lead: str) -> list[str]:
    """The paragraphs after any that repeat the lead (or only its dateline) at the start."""
    body = list(paragraphs)
    bare_lead = DATELINE.sub("", lead).strip(" -–—") if lead else ""
    while body and lead:
        first = body[0]
        if (
            is_dateline(first)
            or same_text(first, lead)
            or starts_with_text(lead, first)
            or (bare_lead and (same_text(first, bare_lead) or starts_with_text(bare_lead, first)))
        ):
            body.pop(0)
        else:
            break
    return body
