"""What a page shows readers around the article text: headline, date line, sapo, breadcrumb,
tags, photos with captions, author and source blocks, links. One pass over the tree collects
them by the tags and class names CMSs give them, with their position in the page, so later
steps can prefer what stands next to the headline over look-alikes in related-article cards.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction import captions, tagbox
from crawler.extraction.captions import Photo
from crawler.extraction.dates import parse_machine, parse_visible
from crawler.extraction.layout_records import Block, Layout
from crawler.extraction.promo import is_promo_label, promo_box
from crawler.extraction.text import DATELINE, clean, shown_text, text_of

_DATE_WORDS = ("date", "time", "publish", "ngay")
_SAPO_WORDS = ("sapo", "lead", "chapeau", "summary", "description", "standfirst", "excerpt")
_AUTHOR_WORDS = ("author", "tacgia", "tac-gia", "byline")
_NOTICE_WORDS = ("notice", "thongbao", "thong-bao", "announcement", "marquee")
_HEADLINE_WORDS = 5

_MAX_NOTICE = 500
# a quick test that a class or id may matter to _read_classes; most do not
_INTERESTING = re.compile(
    "date|time|publish|ngay|breadcrumb|caption|sapo|lead|chapeau|summary|description|standfirst"
    "|excerpt|tag|keyword|author|tacgia|tac-gia|byline|source|notice|thongbao|thong-bao"
    "|announcement|marquee"
)
_SKIP = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg"}
_EMPHASIS = ("strong", "b", "em", "i")
_LABEL_TAGS = {"span", "b", "strong", "div", "p", "li", "label", "h3", "h4", "em", "dt"}
_PROMO_TAGS = _LABEL_TAGS | {"a", "h2", "h5", "h6", "td"}


def read_layout(tree: HtmlElement) -> Layout:
    """One walk over the whole tree; class names are looked at only when they may matter."""
    layout = Layout()
    captioned: set[HtmlElement] = set()
    for position, element in enumerate(tree.iter()):
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        own = element.text if tag in _PROMO_TAGS else None  # the handlers only read the tree
        if tag in ("h1", "h2", "h3"):
            _read_heading(element, position, layout)
        elif tag == "time":
            _read_time(element, layout)
        elif tag == "figure":
            _add_photo(captions.figure_photo(element), layout, captioned)
        elif tag == "a":
            _read_link(element, position, layout)
        elif tag == "p":
            layout.text_blocks.append((position, element))
            _read_paragraph(element, layout, captioned)
        elif tag == "div" and own and len(own) > 40 and own.strip():
            layout.text_blocks.append((position, element))  # a div holding a text of its own
        elif tag == "marquee":
            layout.notices.append(element)
        if own and len(own) < 24 and tag in _LABEL_TAGS and tagbox.is_label(own):
            box = tagbox.labelled_box(element)
            if box is not None:
                layout.tag_rows.append((position, tagbox.box_items(box)))
        if own and is_promo_label(own.lstrip()):
            box = promo_box(element)
            if box is not None:
                layout.notices.append(box)
        classes, ident = element.get("class"), element.get("id")
        if not classes and not ident:
            continue
        names = f"{classes or ''} {ident or ''}".lower()
        if _INTERESTING.search(names):
            _read_classes(element, position, names, layout)
            if "caption" in names and element not in captioned:
                _add_photo(captions.captioned_photo(element), layout, captioned)
    return layout


def _read_classes(element: HtmlElement, position: int, joined: str, layout: Layout) -> None:
    """`joined` is the element's class and id, lower case."""
    tag = element.tag
    tokens = joined.split()
    ident = (element.get("id") or "").lower()
    if any(word in joined for word in _DATE_WORDS) and tag not in ("a", "img", "time"):
        text = clean(text_of(element))
        stamp = parse_visible(text) if 0 < len(text) <= 120 else None
        if stamp is not None:
            layout.stamps.append(stamp)
    if "breadcrumb" in joined:
        names = [clean(text_of(a)) for a in element.iter("a")]
        if any(names):
            layout.breadcrumbs.append([n for n in names if n])
    if tag in ("p", "div", "h2", "h3", "span", "section") and _has_word(tokens, _SAPO_WORDS):
        text = clean(text_of(element))
        if 20 <= len(text) <= 1500 and not _follows_headline_link(element):
            layout.sapos.append(Block(text, position, _dateline_before(element)))
    if tagbox.is_tag_class(tokens, ident):
        if tag == "a":
            layout.tag_links.append((position, clean(text_of(element))))
        else:
            layout.tag_rows.append((position, tagbox.box_items(element)))
    if any(word in t for t in tokens for word in _AUTHOR_WORDS):
        layout.author_blocks.extend(_credit_lines(element, position))
    if (
        any(t == "source" or t.endswith(("-source", "_source")) for t in tokens)
        and len(element) == 0
    ):
        text = clean(text_of(element))
        if 0 < len(text) <= 80:
            layout.source_blocks.append(Block(text, position))
    if (
        any(word in t for t in tokens for word in _NOTICE_WORDS)
        and len(clean(text_of(element))) <= _MAX_NOTICE
        and next(element.iter("h1"), None) is None
    ):
        layout.notices.append(element)


def _read_heading(element: HtmlElement, position: int, layout: Layout) -> None:
    text = shown_text(element)
    if not text:
        return
    if element.tag != "h1":
        if len(text) <= 1500:
            layout.subheads.append(Block(text, position, _dateline_before(element)))
        return
    anchors = [clean(text_of(a)) for a in element.iter("a")]
    linked = " ".join(anchors)
    if anchors and len(linked.replace(" ", "")) >= 0.8 * len(
        text.replace(">", "").replace(" ", "")
    ):
        layout.link_headings.append([a for a in anchors if a])
    else:
        layout.headlines.append(Block(text, position))
        layout.headline_elements[position] = element


def _read_paragraph(element: HtmlElement, layout: Layout, captioned: set[HtmlElement]) -> None:
    if element in captioned:
        return
    photo = captions.italic_caption_photo(element)
    if photo is not None:
        _add_photo(photo, layout, captioned)
        return
    if len(element) and not (element.text or "").strip():
        bold = [e for e in element if e.tag in _EMPHASIS]
        if bold:
            text = clean(text_of(element))
            inner = sum(len(clean(text_of(e))) for e in bold)
            if text and inner >= 0.9 * len(text):
                layout.bold_paragraphs.add(text)


def _read_link(element: HtmlElement, position: int, layout: Layout) -> None:
    if "tag" in (element.get("rel") or "").lower().split():
        layout.tag_links.append((position, clean(text_of(element))))
    href = (element.get("href") or "").strip()
    if href and not href.startswith(("#", "javascript", "mailto:", "tel:")):
        text = clean(text_of(element))
        if text:
            layout.link_texts.add(text.casefold())


def _read_time(element: HtmlElement, layout: Layout) -> None:
    stamp = parse_machine(element.get("datetime", "")) if element.get("datetime") else None
    if stamp is None:
        stamp = parse_visible(clean(text_of(element)))
    if stamp is not None:
        layout.stamps.append(stamp)


def _add_photo(photo: Photo | None, layout: Layout, captioned: set[HtmlElement]) -> None:
    if photo is None:
        return
    if photo.caption_element is not None:
        captioned.add(photo.caption_element)
        captioned.update(photo.caption_element.iterdescendants())
    layout.photos.append(photo)


def _credit_lines(element: HtmlElement, position: int) -> list[Block]:
    """Short texts of an author block: its links and innermost elements ("NHẬT XUÂN")."""
    texts = [clean(text_of(a)) for a in element.iter("a")]
    texts += [clean(text_of(e)) for e in element.iter() if isinstance(e.tag, str) and len(e) == 0]
    return [Block(t, position) for t in dict.fromkeys(texts) if 0 < len(t) <= 80]


def _dateline_before(element: HtmlElement) -> str:
    """'(VTC News) -' when a short element showing only a dateline stands right before."""
    previous = element.getprevious()
    if previous is None or not isinstance(previous.tag, str):
        return ""
    text = clean(text_of(previous))
    match = DATELINE.match(text)
    return text if match and match.end() >= len(text) - 1 and len(text) <= 40 else ""


def _follows_headline_link(element: HtmlElement) -> bool:
    """Right after a headline link (or a heading that is one): the summary of a related card."""
    previous = element.getprevious()
    if previous is None or not isinstance(previous.tag, str):
        return False
    links = [previous] if previous.tag == "a" else list(previous.iter("a"))
    if len(links) != 1:
        return False
    text = clean(text_of(links[0]))
    return len(text.split()) >= _HEADLINE_WORDS and text == clean(text_of(previous))


def _has_word(tokens: list[str], words: tuple[str, ...]) -> bool:
    """A class token that is one of `words` or ends in one ('the-article-summary',
    'article__sapo'), or that holds 'sapo' anywhere."""
    for token in tokens:
        if "sapo" in token:
            return True
        for word in words:
            if token == word or token.endswith(("-" + word, "_" + word)):
                return True
    return False
