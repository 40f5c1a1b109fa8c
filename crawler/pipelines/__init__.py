"""Item pipelines, one concern each: drop what is not an article, archive what is, mark what
the site no longer serves."""

from crawler.pipelines.archive import ArchiveArticles
from crawler.pipelines.require_article import RequireArticle
from crawler.pipelines.unserved import RecordUnservedPages

__all__ = ["ArchiveArticles", "RecordUnservedPages", "RequireArticle"]
