"""Promotion boxes: an app to download, a channel to follow, a newsletter, a QR code.

CMSs put them inside the article's container, as a small box of short lines: a label
("Tải ứng dụng Báo ...", "Mời quý độc giả theo dõi ... trên Google News") and its buttons
("App Store", "Google Play", "Zalo"). Dropping the label line alone leaves the buttons at the
start or end of the body, so the box goes as a whole: the layout pass finds a label, climbs
to the largest ancestor that is still short and holds no prose or headline, and prunes it.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction.text import clean, text_of

# a box's label: an app, a channel to follow, a newsletter, a QR code, an advertising desk
_PROMO = re.compile(
    r"^(?:(?:tải|download|cài đặt|cài)\s+(?:ngay\s+)?(?:ứng dụng|app)\b|"
    r"mời\s+(?:quý\s+)?(?:bạn đọc|độc giả|vị)\b.{0,40}\b(?:theo dõi|tải|cài|đăng ký|tham gia|"
    r"quét|xem|đón đọc)\b|đăng ký\s+(?:nhận\s+)?(?:bản tin|tin|newsletter)\b|quét mã\b|"
    r"liên hệ quảng cáo|đặt mua báo|get (?:it|the app) on|available on the app store)",
    re.IGNORECASE,
)
_FOLLOW = re.compile(
    r"^(?:hãy\s+)?(?:theo dõi|follow)\b.{0,80}\b(?:trên|tại|on)\s+(?:google news|zalo|facebook|"
    r"youtube|tiktok|twitter|instagram|mạng xã hội|ứng dụng)\b",
    re.IGNORECASE,
)
_MAX_PROMO = 400
_PROSE_WORDS = 25
_PAGE_TAGS = {"body", "html", "main", "article", "form"}


def is_promo_label(text: str) -> bool:
    """The first words of a promotion box: 'Tải ứng dụng', 'Theo dõi Báo ... trên Zalo',
    'Mời quý độc giả theo dõi ...', 'Đăng ký nhận bản tin', 'Quét mã QR'."""
    return bool(_PROMO.match(text) or _FOLLOW.match(text))


def promo_box(label: HtmlElement) -> HtmlElement | None:
    """The whole box a promotion label opens (its App Store and Google Play lines, its QR code,
    its links): the largest ancestor that is still short and holds no prose or headline. None
    when the label's own element is long: a paragraph that merely starts with the words."""
    own = clean(text_of(label))
    if len(own) > _MAX_PROMO or len(own.split()) >= _PROSE_WORDS:
        return None
    box = label
    for parent in label.iterancestors():
        if parent.tag in _PAGE_TAGS or next(parent.iter("h1"), None) is not None:
            break
        text = clean(text_of(parent))
        if len(text) > _MAX_PROMO or any(
            len(clean(text_of(e)).split()) >= _PROSE_WORDS
            for e in parent.iter("p", "li")
            if not _within(e, box)
        ):
            break
        box = parent
    return box


def _within(element: HtmlElement, box: HtmlElement) -> bool:
    return element is box or any(a is box for a in element.iterancestors())
