"""full-text search that folds Vietnamese: articles_fts (SQLite FTS5), a folded tsvector (PostgreSQL)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

The statements are written out here, frozen as of this revision; storage/search_index.py holds
the same for archives created from the models, and a test checks that both agree. The stored
articles are indexed on the way (SQLite: one INSERT ... SELECT; PostgreSQL: CREATE INDEX).

A later migration that rebuilds `articles` on SQLite (batch mode copies the table) drops the
three triggers with it: it must create them again.
"""

from __future__ import annotations

import unicodedata

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _fold(column: str) -> str:
    return f"replace(replace({column}, 'Đ', 'D'), 'đ', 'd')"


def _values(row: str) -> str:
    return f"{row}.id, {_fold(f'{row}.title')}, {_fold(f'{row}.lead')}, {_fold(f'{row}.body')}, {row}.site"


_COLUMNS = "rowid, title, lead, body, site"
_DELETE = f"INSERT INTO articles_fts (articles_fts, {_COLUMNS}) VALUES ('delete', {_values('old')});"
_INSERT = f"INSERT INTO articles_fts ({_COLUMNS}) VALUES ({_values('new')});"
_MONTH = (
    "INSERT INTO articles_fts_months (month, first_id, last_id) "
    "SELECT substr(new.published_at, 1, 7), new.id, new.id WHERE new.published_at IS NOT NULL "
    "ON CONFLICT (month) DO UPDATE SET first_id = min(first_id, excluded.first_id), "
    "last_id = max(last_id, excluded.last_id);"
)

SQLITE = (
    'CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, body, site, content="articles", '
    "content_rowid=\"id\", tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 0.0)')",
    f"CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN {_INSERT} END",
    f"CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN {_DELETE} END",
    "CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, body, site ON articles "
    f"BEGIN {_DELETE} {_INSERT} END",
    f"INSERT INTO articles_fts ({_COLUMNS}) SELECT {_values('articles')} FROM articles",
    "CREATE INDEX ix_articles_fts_time ON articles (id, site, published_at, first_seen_at)",
    "CREATE TABLE articles_fts_months (month TEXT PRIMARY KEY, first_id INTEGER NOT NULL, "
    "last_id INTEGER NOT NULL) WITHOUT ROWID",
    f"CREATE TRIGGER articles_months_ai AFTER INSERT ON articles BEGIN {_MONTH} END",
    f"CREATE TRIGGER articles_months_au AFTER UPDATE OF published_at ON articles BEGIN {_MONTH} END",
    "INSERT INTO articles_fts_months (month, first_id, last_id) SELECT substr(published_at, 1, 7), "
    "min(id), max(id) FROM articles WHERE published_at IS NOT NULL GROUP BY 1",
)


def _translation() -> tuple[str, str]:
    """Every Latin letter whose fold (lowercase, đ -> d, marks dropped) is one other letter."""
    source, target = [], []
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            char = chr(code)
            lowered = unicodedata.normalize("NFC", char).lower().replace("đ", "d")
            bare = "".join(c for c in unicodedata.normalize("NFD", lowered) if unicodedata.category(c) != "Mn")
            folded = unicodedata.normalize("NFC", bare)
            if len(folded) == 1 and folded != char and unicodedata.category(char).startswith("L"):
                source.append(char)
                target.append(folded)
    return "".join(source), "".join(target)


def _postgresql() -> tuple[str, ...]:
    source, target = _translation()
    return (
        "CREATE OR REPLACE FUNCTION tinbao_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ SELECT btrim(regexp_replace(lower("
        f"translate(regexp_replace(value, '[\\u0300-\\u036f]', '', 'g'), '{source}', '{target}')"
        "), '\\s+', ' ', 'g')) $$",
        "CREATE OR REPLACE FUNCTION tinbao_search_vector(title text, lead text, body text) "
        "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
        "setweight(to_tsvector('simple', coalesce(tinbao_fold(title), '')), 'A') || "
        "setweight(to_tsvector('simple', coalesce(tinbao_fold(lead), '')), 'B') || "
        "to_tsvector('simple', coalesce(tinbao_fold(body), '')) $$",
        "CREATE INDEX ix_articles_search ON articles USING gin "
        "(tinbao_search_vector(articles.title, articles.lead, articles.body))",
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = SQLITE if dialect == "sqlite" else _postgresql() if dialect == "postgresql" else ()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("articles_ai", "articles_ad", "articles_au", "articles_months_ai", "articles_months_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
        op.execute("DROP TABLE IF EXISTS articles_fts_months")
        op.execute("DROP INDEX IF EXISTS ix_articles_fts_time")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("DROP FUNCTION IF EXISTS tinbao_search_vector(text, text, text)")
        op.execute("DROP FUNCTION IF EXISTS tinbao_fold(text)")
