"""The archive's tables as Core `Table`s, for the statements of the hot paths (a crawl's saves),
which are made once and run with parameters instead of going through ORM objects."""

from __future__ import annotations

from sqlalchemy import Table

from storage.models import Article, ArticleSignature, ArticleUrl, LshBand, Story


def _table(entity: type) -> Table:
    table = entity.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


ARTICLES = _table(Article)
ARTICLE_URLS = _table(ArticleUrl)
STORIES = _table(Story)
SIGNATURES = _table(ArticleSignature)
BANDS = _table(LshBand)
