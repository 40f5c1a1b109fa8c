"""Pages that say "not found" with status 200, as many Vietnamese CMSs answer for a deleted
article ("Bài viết không tồn tại"): they are no article and, for a stored one, a sign it is gone."""

from __future__ import annotations

import re

from crawler.extraction import Article

_NOT_FOUND = re.compile(
    r"bài viết không tồn tại|bài viết đã bị xóa|không tìm thấy (?:trang|bài viết|nội dung)|"
    r"trang (?:bạn tìm )?không tồn tại|nội dung không tồn tại|đường dẫn không tồn tại|"
    r"page not found|\b404\b",
    re.IGNORECASE,
)
_SHORT_BODY = 400


def is_soft_404(article: Article) -> bool:
    """A page whose title or short text says the content does not exist."""
    if _NOT_FOUND.search(article.title):
        return True
    return len(article.body) < _SHORT_BODY and bool(_NOT_FOUND.search(article.body))
