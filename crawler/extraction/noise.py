"""Lines that are page furniture, not article text, even inside the article's container.

Share and follow widgets ("Chia sẻ", "Zalo", "Theo dõi Báo ... trên Google News"), app
banners ("Tải ứng dụng:"), comment counters, related-article lists (lines that are the whole
text of a link: "- <headline>", "Xem thêm: <headline>"), a site's notice that it stopped
updating, and captions the layout pass has already given to their photos. Each rule looks at
one line; none of them can drop a sentence of prose.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from crawler.extraction.dates import parse_visible
from crawler.extraction.text import DATELINE

# the words of share, follow and comment buttons; a short line made only of them is a widget
_WIDGET_VOCABULARY = """
chia sẻ zalo facebook fb twitter x linkedin pinterest whatsapp telegram email e-mail gmail in bài
viết lưu sao chép copy link liên kết bình luận gửi share tweet print save comment comments like
thích theo dõi follow us youtube tiktok instagram
"""
_WIDGET_WORDS = frozenset(_WIDGET_VOCABULARY.split())
_APP = re.compile(r"^(?:tải|download)\s+(?:ngay\s+)?(?:ứng dụng|app)\b", re.IGNORECASE)
_FOLLOW = re.compile(
    r"^(?:hãy\s+)?(?:theo dõi|follow)\b.{0,80}\b(?:trên|tại|on)\s+(?:google news|zalo|facebook|"
    r"youtube|tiktok|twitter|instagram|mạng xã hội|ứng dụng)\b",
    re.IGNORECASE,
)
# notices that close an article: copyright, no copying, cite the source when republishing;
# the words a notice opens with, and the phrases that only a notice holds
_NOTICE = re.compile(
    r"^[\W\d]{0,3}(?:bản quyền|copyright|©|\(c\)|nghiêm cấm|cấm|không được|ghi rõ nguồn|"
    r"vui lòng (?:ghi|trích dẫn)|khi (?:sử dụng|đăng|đăng tải|phát hành) lại|"
    r"mọi hình thức sao chép)"
    r"|all rights reserved|ghi rõ nguồn|trích dẫn nguồn|cấm sao chép|sao chép dưới mọi hình thức"
    r"|khi phát hành lại|reproduction (?:in whole or in part )?(?:is )?(?:prohibited|forbidden)",
    re.IGNORECASE,
)
_NOTICE_WORDS = re.compile(
    r"sao chép|nguồn|bản quyền|copyright|©|rights|reproduc|phát hành lại", re.IGNORECASE
)
_MAX_NOTICE = 240
_NOTICE_TAIL = 4
_COUNTER = re.compile(
    r"^\(?\d+\)?\s*(?:bình luận|ý kiến|comments?)$|^(?:bình luận|ý kiến|comments?)\s*\(?\d*\)?$",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|tin cùng chuyên mục|"
    r"có thể bạn quan tâm|tin mới|related(?: articles| stories)?|read more|see also)\s*[:>»]*\s*",
    re.IGNORECASE,
)
_STOPPED = re.compile(r"(?:dừng|ngừng)\s+(?:cập nhật|hoạt động|xuất bản|phát hành)", re.IGNORECASE)
_DATE_OR_PAPER = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|từ ngày|\bbáo\b", re.I)
_WORD = re.compile(r"[\w-]+")
# the words a date line may hold besides its digits: weekdays, "ngày", "lúc", "GMT", "AM"
_DATE_VOCABULARY = """
thứ hai ba tư năm sáu bảy chủ nhật cn ngày tháng gmt utc am pm sa ch cập lúc đăng giờ h phút
published updated posted on at
"""
_DATE_WORDS = frozenset(_DATE_VOCABULARY.split())
_DATE_DIGITS = re.compile(r"\d{1,4}")
_LETTERS = re.compile(r"[^\W\d_]+")


def is_widget(line: str) -> bool:
    """'Chia sẻ', 'Zalo', 'Facebook Twitter Email', 'Tải ứng dụng:', 'Bình luận (0)', ..."""
    if _APP.match(line) or _FOLLOW.match(line) or _COUNTER.match(line):
        return True
    words = _WORD.findall(line.casefold())
    return (
        0 < len(words) <= 8
        and len(line) <= 60
        and all(w in _WIDGET_WORDS or w.isdigit() for w in words)
    )


def is_notice(line: str) -> bool:
    """A copyright or reuse notice ('® Ghi rõ nguồn khi phát hành lại', '© 2026 Báo ...',
    'Nghiêm cấm sao chép dưới mọi hình thức'), not a sentence of the article."""
    return (
        len(line) <= _MAX_NOTICE and bool(_NOTICE.search(line)) and bool(_NOTICE_WORDS.search(line))
    )


def without_closing_notices(lines: Sequence[str]) -> list[str]:
    """The lines without the notices among the last few: a notice closes an article, often
    around its byline, and is never its text."""
    kept = list(lines)
    tail = range(max(1, len(kept) - _NOTICE_TAIL), len(kept))
    return [line for i, line in enumerate(kept) if i not in tail or not is_notice(line)]


def is_date_line(line: str) -> bool:
    """'12/03/2026 - 09:15', 'Thứ Hai, 23/11/2026 10:15 (GMT+7)': a date line on its own."""
    if len(line) > 60 or not _DATE_DIGITS.search(line) or parse_visible(line) is None:
        return False
    return all(w in _DATE_WORDS for w in _LETTERS.findall(line.casefold()))


def is_stopped_notice(line: str) -> bool:
    """A site's banner that it stopped updating ('Báo ... đã dừng cập nhật từ ngày 01/7/2025')."""
    return len(line) <= 400 and bool(_STOPPED.search(line)) and bool(_DATE_OR_PAPER.search(line))


def is_dateline(line: str) -> bool:
    """A line that is only a dateline: '(VTC News) -'."""
    match = DATELINE.match(line)
    return match is not None and match.end() >= len(line.rstrip()) - 1


def strip_furniture(
    lines: Sequence[str], link_texts: Collection[str], captions: Collection[str]
) -> list[str]:
    """The lines without widgets, related-article links, captions and boundary notices."""
    kept: list[str] = []
    after_related_label = False
    for index, line in enumerate(lines):
        bare = line.lstrip("-•*· ").strip()
        key = bare.casefold()
        if key.strip("| ") in captions or is_widget(bare) or is_date_line(bare):
            continue
        label = _RELATED.match(bare)
        if label is not None and (
            label.end() == len(bare) or _is_link(bare[label.end() :], link_texts)
        ):
            after_related_label = True
            continue
        if _is_link(bare, link_texts) and (
            after_related_label or line != bare or _headline_like(bare)
        ):
            continue
        if index in (0, 1, len(lines) - 2, len(lines) - 1) and is_stopped_notice(bare):
            continue
        after_related_label = False
        kept.append(line)
    return kept


def only_links(lines: Sequence[str], link_texts: Collection[str]) -> bool:
    """Every line is the text of a link: menus and headline lists of a page with no article
    (trafilatura's last-resort rescue), which is no body."""
    return all(line.lstrip("-•* ").casefold() in link_texts for line in lines)


def _is_link(text: str, link_texts: Collection[str]) -> bool:
    return text.strip().casefold() in link_texts


def _headline_like(text: str) -> bool:
    """A link line with no closing full stop, as headlines are written."""
    return len(text.split()) >= 3 and not text.rstrip().endswith(
        (".", "!", "?", ":", "…", '"', "”")
    )
