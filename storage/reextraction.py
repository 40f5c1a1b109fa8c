"""Re-extraction: an article's row corrected in place from its raw page read again by a newer
extractor (crawler/reextract.py does the reading; this module only writes).

It is a correction of tinbao's own reading, not a revision of what the paper published: no
`article_revisions` row is written, `revised_at`, `last_seen_at` and the URL stay as they are,
and the article keeps its story (its near-duplicate signature is indexed again when the lead or
the body changed). `extractor_version` names the extractor whose reading the row now holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.articles import TextClash, content_changes
from storage.models import Article, ArticleUrl
from storage.stories import STORY_COLUMNS, reindex


def apply_extraction(
    session: Session, article: Article, values: dict[str, Any], extractor_version: str
) -> bool:
    """Bring `article`'s content columns to `values` (storage.articles.article_values of the
    new reading) and record `extractor_version`; whether any column changed. The caller commits.

    Raises TextClash, changing nothing (not even the version, as the row still holds the older
    reading), when the new text's content hash belongs to another article.
    """
    changed = content_changes(session, article, values)
    for column, value in changed.items():
        setattr(article, column, value)
    article.extractor_version = extractor_version
    if any(column in changed for column in STORY_COLUMNS):
        reindex(session, article)
    return bool(changed)


def is_page_of(session: Session, article: Article, url: str) -> bool:
    """Whether `url` (a raw record's target) is one the article was met under: a check that a
    WARC reference points at this article's page and not at another's."""
    if url == article.url:
        return True
    owner = session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url == url))
    return owner == article.id


__all__ = ["TextClash", "apply_extraction", "is_page_of"]
