"""Items other than articles that a crawl hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoneArticle:
    """An article URL the site no longer serves (404/410, or a "không tồn tại" page with 200)."""

    url: str
    site: str
    reason: str


@dataclass(frozen=True)
class IgnoredPage:
    """An article-pattern URL with no article to keep (robots.txt, no title or body, an
    off-site redirect): remembered so the next crawl does not ask for it again."""

    url: str
    site: str
    reason: str
