"""The full-text index of `articles`, on SQLite and PostgreSQL (see docs/search.md).

SQLite: `articles_fts`, an FTS5 table whose content is `articles` (so Datasette finds it), kept
in sync by three triggers written in plain SQL. They call no custom function, so a row written
by sqlite3, Datasette or any other tool is indexed too. Only đ/Đ are replaced in SQL before
indexing: the `unicode61 remove_diacritics 2` tokenizer folds case and every other mark, but đ
has no decomposition. The site key is indexed as a fourth column so that a site or province
filter is part of the FTS query instead of a join. `articles_fts_months` keeps, per month of
publication, the lowest and highest article id (two more triggers), so that a date filter
bounds the index scan without reading every article of the period, and the index
`ix_articles_fts_time` gives a candidate's site and dates without reading its row (which, with
the body before the dates, means reading the whole body).

PostgreSQL (storage/search_table.py): `tinbao_fold(text)` (no extension needed),
`tinbao_search_vector(title, lead, body)`, and `articles_search`, a narrow table kept by a
trigger with each article's times, folded title and lead, and full vector under a GIN index;
`ix_articles_search_month` on `articles` gives the ids of each month of publication (what
`articles_fts_months` is on SQLite, without a table that every insert would lock).

Revisions 0005, 0011 and 0024 create these objects for an existing archive;
`Base.metadata.create_all` creates them through the events below, so that both ways give the
same archive (a test compares them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, event, text

from storage.models import Article
from storage.search_table import PG_DROP, PG_INDEX, PG_MONTH_INDEX, PG_TABLE, pg_ddl

FTS_TABLE = "articles_fts"
TIME_INDEX = "ix_articles_fts_time"  # id -> site and times without reading the article's row
TRIGGERS = ("articles_ai", "articles_ad", "articles_au", "articles_months_ai", "articles_months_au")


def sqlite_fold(column: str) -> str:
    """SQL replacing đ/Đ in `column`: the part of `fold` the FTS5 tokenizer does not do."""
    return f"replace(replace({column}, 'Đ', 'D'), 'đ', 'd')"


def _values(row: str) -> str:
    return (
        f"{row}.id, {sqlite_fold(f'{row}.title')}, {sqlite_fold(f'{row}.lead')}, "
        f"{sqlite_fold(f'{row}.body')}, {row}.site"
    )


_COLUMNS = "rowid, title, lead, body, site"
_DELETE = (
    f"INSERT INTO articles_fts (articles_fts, {_COLUMNS}) VALUES ('delete', {_values('old')});"
)
_INSERT = f"INSERT INTO articles_fts ({_COLUMNS}) VALUES ({_values('new')});"
_MONTH = (
    "INSERT INTO articles_fts_months (month, first_id, last_id) "
    "SELECT substr(new.published_at, 1, 7), new.id, new.id WHERE new.published_at IS NOT NULL "
    "ON CONFLICT (month) DO UPDATE SET first_id = min(first_id, excluded.first_id), "
    "last_id = max(last_id, excluded.last_id);"
)

SQLITE_DDL = (
    'CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, body, site, content="articles", '
    "content_rowid=\"id\", tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 0.0)')",
    f"CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN {_INSERT} END",
    f"CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN {_DELETE} END",
    "CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, body, site ON articles "
    f"BEGIN {_DELETE} {_INSERT} END",
    f"CREATE INDEX {TIME_INDEX} ON articles (id, site, published_at, first_seen_at)",
    "CREATE TABLE articles_fts_months (month TEXT PRIMARY KEY, first_id INTEGER NOT NULL, "
    "last_id INTEGER NOT NULL) WITHOUT ROWID",
    f"CREATE TRIGGER articles_months_ai AFTER INSERT ON articles BEGIN {_MONTH} END",
    "CREATE TRIGGER articles_months_au AFTER UPDATE OF published_at ON articles "
    f"BEGIN {_MONTH} END",
)
SQLITE_REBUILD = (
    "INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')",
    f"INSERT INTO articles_fts ({_COLUMNS}) SELECT {_values('articles')} FROM articles",
    "DELETE FROM articles_fts_months",
    "INSERT INTO articles_fts_months (month, first_id, last_id) SELECT substr(published_at, 1, 7), "
    "min(id), max(id) FROM articles WHERE published_at IS NOT NULL GROUP BY 1",
)
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS),
    "DROP TABLE IF EXISTS articles_fts",
    "DROP TABLE IF EXISTS articles_fts_months",
)


def create_search_index(connection: Connection) -> None:
    """Create the index objects on an archive that has `articles` and lacks them."""
    dialect = connection.dialect.name
    statements = SQLITE_DDL if dialect == "sqlite" else pg_ddl() if dialect == "postgresql" else ()
    for statement in statements:
        connection.execute(text(statement))


def rebuild_search_index(connection: Connection) -> None:
    """Index every article again (SQLite; PostgreSQL's index needs no help). Use this, never
    FTS5's own 'rebuild', which would index the text without đ folded."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_REBUILD:
            connection.execute(text(statement))


def is_search_object(name: str | None, type_: str, *_: Any) -> bool:
    """True for the objects above, which the models do not describe (for Alembic's compare)."""
    if type_ == "table":
        return name in (FTS_TABLE, PG_TABLE) or (name or "").startswith(FTS_TABLE + "_")
    return type_ == "index" and name in (PG_INDEX, PG_MONTH_INDEX, TIME_INDEX)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name`: compare everything except the search index's objects."""
    return not is_search_object(name, type_)


@event.listens_for(Article.__table__, "after_create")
def _after_create(target: Table, connection: Connection, **_: Any) -> None:
    create_search_index(connection)


@event.listens_for(Article.__table__, "before_drop")
def _before_drop(target: Table, connection: Connection, **_: Any) -> None:
    dialect = connection.dialect.name
    statements = SQLITE_DROP if dialect == "sqlite" else PG_DROP if dialect == "postgresql" else ()
    for statement in statements:
        connection.execute(text(statement))
