"""Photos and their captions: kept with their image, never in the body.

CMSs caption photos in four ways: `figure > figcaption`; a one-column layout table (photo row,
caption row); an element with a "caption" class next to the photo; and, in the
`div#newscontents` family, an italic-only paragraph right after a paragraph holding only the
photo. A photo inside a link to another page is a related-article thumbnail, not a photo of
the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extraction.text import clean, text_of

_LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-srcset", "srcset")
_LINK_DEPTH = 4
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")


@dataclass
class Photo:
    """A photo found on the page: its URL as written (relative or absolute) and its caption."""

    src: str
    caption: str
    caption_element: HtmlElement | None


def image_source(img: HtmlElement) -> str:
    """The URL a reader's browser shows: `src`, or the lazy-loading attribute behind a data:
    placeholder; "" when there is none."""
    src = (img.get("src") or "").strip()
    if src and not src.startswith("data:"):
        return src
    for name in _LAZY_SOURCES:
        value = (img.get(name) or "").strip()
        if value:
            first = value.split(",")[0].strip().split(" ")[0]
            if first and not first.startswith("data:"):
                return first
    return ""


def figure_photo(figure: HtmlElement) -> Photo | None:
    img = next(figure.iter("img"), None)
    if img is None or _in_page_link(img):
        return None
    src = image_source(img)
    if not src:
        return None
    caption = next(figure.iter("figcaption"), None)
    text = clean(text_of(caption)) if caption is not None else ""
    return Photo(src, text, caption)


def captioned_photo(caption: HtmlElement) -> Photo | None:
    """The photo a "caption"-classed element describes: the nearest image before it within three
    ancestors (the znews table row, a div beside the image)."""
    text = clean(text_of(caption))
    if not text or len(text) > 600:
        return None
    scope: HtmlElement | None = caption
    for _ in range(3):
        scope = scope.getparent() if scope is not None else None
        if scope is None:
            return None
        img = _last_image_before(scope, caption)
        if img is not None:
            src = image_source(img)
            return Photo(src, text, caption) if src and not _in_page_link(img) else None
    return None


def italic_caption_photo(paragraph: HtmlElement) -> Photo | None:
    """An italic-only paragraph right after a paragraph that holds only an image."""
    previous = paragraph.getprevious()
    img = next(previous.iter("img"), None) if previous is not None else None
    if img is None or clean(text_of(previous)):  # the image first: no string to build
        return None
    text = clean(text_of(paragraph))
    italic = "".join(clean(text_of(e)) for e in paragraph if e.tag in ("em", "i"))
    if not text or len(italic.replace(" ", "")) < 0.9 * len(text.replace(" ", "")):
        return None
    src = image_source(img)
    return Photo(src, text, paragraph) if src else None


def _last_image_before(scope: HtmlElement, caption: HtmlElement) -> HtmlElement | None:
    found = None
    for element in scope.iter():
        if element is caption:
            return found
        if element.tag == "img":
            found = element
    return found


def _in_page_link(img: HtmlElement) -> bool:
    """Within a few levels of an `<a>` that leads to a page rather than to the photo itself."""
    for depth, ancestor in enumerate(img.iterancestors()):
        if depth >= _LINK_DEPTH:
            return False
        if ancestor.tag == "a":
            href = (ancestor.get("href") or "").strip().lower()
            bare = href.split("?")[0]
            return (
                bool(href)
                and not href.startswith(("#", "javascript"))
                and not bare.endswith(_IMAGE_SUFFIXES)
            )
    return False
