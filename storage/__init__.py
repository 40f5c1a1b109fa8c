"""tinbao's archive: SQLAlchemy 2 models, engines, and the idempotent save.

Nothing here imports Scrapy or the crawler; callers create an engine with `open_archive` (or
`make_engine`) and pass sessions in.
"""

from storage.articles import ArticleFields, SaveOutcome, known_urls, mark_gone, save_article
from storage.engine import (
    DATABASE_ENV,
    DEFAULT_DATABASE_URL,
    BadArchiveUrl,
    create_schema,
    database_url,
    make_batch_engine,
    make_engine,
    make_sessionmaker,
    open_archive,
)
from storage.folding import fold
from storage.frontier import (
    FrontierEntry,
    add_pending,
    clear_frontier,
    frontier_size,
    mark_done,
    pending_after,
)
from storage.hashing import content_hash
from storage.ignored import IgnoredUrl, ignored_urls, remember_ignored
from storage.imports import ImportedFile, save_capture
from storage.models import Article, ArticleUrl, Base, CrawlRun
from storage.retry_ledger import (
    Retry,
    RetryEntry,
    RetryPolicy,
    given_up_between,
    load_retries,
    note_failure,
    retry_counts,
    settle_retries,
)
from storage.runs import RunCounts, finish_run, last_successful_run, recent_runs, start_run
from storage.schema import ArchiveBehind, head_revision, upgrade
from storage.search import SearchHit, search_articles
from storage.search_index import rebuild_search_index
from storage.search_query import QueryError, parse_query
from storage.validators import (
    HttpValidator,
    Validators,
    forget_validators,
    load_validators,
    store_validators,
)
from storage.wayback import WaybackCapture

__all__ = [
    "DATABASE_ENV",
    "DEFAULT_DATABASE_URL",
    "ArchiveBehind",
    "Article",
    "ArticleFields",
    "ArticleUrl",
    "BadArchiveUrl",
    "Base",
    "CrawlRun",
    "FrontierEntry",
    "HttpValidator",
    "IgnoredUrl",
    "ImportedFile",
    "QueryError",
    "Retry",
    "RetryEntry",
    "RetryPolicy",
    "RunCounts",
    "SaveOutcome",
    "SearchHit",
    "Validators",
    "WaybackCapture",
    "add_pending",
    "clear_frontier",
    "content_hash",
    "create_schema",
    "database_url",
    "finish_run",
    "fold",
    "forget_validators",
    "frontier_size",
    "given_up_between",
    "head_revision",
    "ignored_urls",
    "known_urls",
    "last_successful_run",
    "load_retries",
    "load_validators",
    "make_batch_engine",
    "make_engine",
    "make_sessionmaker",
    "mark_done",
    "mark_gone",
    "note_failure",
    "open_archive",
    "parse_query",
    "pending_after",
    "rebuild_search_index",
    "recent_runs",
    "remember_ignored",
    "retry_counts",
    "save_article",
    "save_capture",
    "search_articles",
    "settle_retries",
    "start_run",
    "store_validators",
    "upgrade",
]
