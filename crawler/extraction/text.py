"""Small text helpers shared by the extraction modules: NFC, whitespace, titles."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

# every space HTML renders as one: a newline inside an element is a space to a reader
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# what str.split() takes for a space and _SPACES does not (\u200b aside, removed before it)
_SPLIT_ONLY = re.compile("[\x1c-\x1f\x85\u1680\u2028\u2029]")
_TITLE_SUFFIX = re.compile(
    r"\s+[-|–—:]\s+(?P<tail>[^-|–—]*(?:báo|online|news|tin tức|\.vn|\.com|điện tử)[^-|–—]*)$",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
# "(CTO) -", "(Dân trí) -", "(VTC News) –", "(BBĐT)-": the paper's mark opening a lead
DATELINE = re.compile(r"^\((?P<mark>[^()]{2,30})\)\s*[-–—]?", re.IGNORECASE)


def clean(text: str | None) -> str:
    """NFC, no zero-width or non-breaking spaces, single spaces (newlines too), stripped."""
    if not text:
        return ""
    for _ in range(2):  # meta and JSON-LD values are sometimes escaped twice
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    if _SPLIT_ONLY.search(text) is None:
        return " ".join(text.split())  # the same as below without these, at 2/3 of the cost
    return _SPACES.sub(" ", text).strip()


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Each line cleaned, empty lines dropped."""
    return [line for line in (clean(raw) for raw in lines) if line]


def strip_site_suffix(title: str, site_name: str = "") -> str:
    """'Headline - Báo Cần Thơ Online' -> 'Headline'; a dash inside the headline stays."""
    if site_name:
        for separator in (" - ", " | ", " – ", " — ", " :: "):
            if title.casefold().endswith((separator + site_name).casefold()):
                return title[: -len(separator + site_name)].strip()
    return _TITLE_SUFFIX.sub("", title).strip()


def same_text(a: str, b: str) -> bool:
    """Equal after case folding and with punctuation and spacing ignored."""
    return _key(a) == _key(b) and bool(_key(a))


def same_letters(a: str, b: str) -> bool:
    """Equal once spacing is ignored too: a headline of spans that the main-text extractor
    glued ("cổphiếu") is still the headline."""
    key = _key(a).replace(" ", "")
    return bool(key) and key == _key(b).replace(" ", "")


def starts_with_text(long: str, prefix: str) -> bool:
    """`long` begins with `prefix`, ignoring case, punctuation, spacing and a trailing '...'."""
    head = _key(prefix.rstrip(".… "))
    return bool(head) and _key(long).startswith(head)


def agrees(a: str, b: str) -> bool:
    """One text begins with the other (a meta description is often cut short)."""
    return bool(a and b) and (starts_with_text(a, b) or starts_with_text(b, a))


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Cleaned, non-empty, first occurrence kept (case-insensitively)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        value = clean(item)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return tuple(kept)


_JOINS = re.compile(r"[\w:|]$")
_WORD_START = re.compile(r"^\w")


def shown_text(element: HtmlElement) -> str:
    """An element's text as a reader sees it: pieces from different elements (a kicker span
    and a title span, `<br>`-separated lines) never glued into one word. Cleaned."""
    pieces: list[str] = []
    for piece in element.itertext():
        if not isinstance(piece, str) or not piece:
            continue
        if pieces and _JOINS.search(pieces[-1]) and _WORD_START.match(piece):
            pieces.append(" ")
        pieces.append(piece)
    return clean("".join(pieces))


def text_of(element: HtmlElement) -> str:
    """`element.text_content()`: its text and its descendants', tails inside it included, at a
    third of the cost. lxml's text_content evaluates an XPath `string()` (a context built on
    every call); the text serialiser is one C call that gives the same string."""
    text: str = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return text
