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

PostgreSQL: two immutable SQL functions, `tinbao_fold(text)` (no extension needed) and
`tinbao_search_vector(title, lead, body)` (the folded title weighted A, lead B, body), the
stored generated column `articles.search_vector` that holds the latter and the site lexeme
(`site:baocantho`), a GIN index on the column, which hand-written SQL can use too, and
`ix_articles_search_month`, the ids of each month of publication (what `articles_fts_months`
is on SQLite, without a table that every insert would lock). Stored, not an expression index:
a search reads each candidate's vector (to check a phrase, to rank), and the planner knows what
a column costs, where it took the function for cheap and computed it row by row (seconds on a
few thousand articles). The column is not in the models, which SQLite shares: the ORM never
loads it.

Revisions 0005 and 0011 create these objects for an existing archive; `Base.metadata.create_all`
creates them through the events below, so that both ways give the same archive (a test compares
them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, event, text

from storage.folding import marks, spaces, translation
from storage.models import Article

FTS_TABLE = "articles_fts"
PG_INDEX = "ix_articles_search"
PG_MONTH_INDEX = "ix_articles_search_month"  # the ids of a month of publication, for date filters
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


PG_COLUMN = "search_vector"


def pg_vector(row: str = "articles") -> str:
    """The indexed tsvector of a row of `articles`: its stored column (a query must name it to
    use the index; computing `tinbao_search_vector()` again costs a millisecond a row)."""
    return f"{row}.{PG_COLUMN}"


def pg_fold_function() -> str:
    """`tinbao_fold(text)`, as `fold` but in SQL: decompose (NFD), drop the combining marks,
    replace đ/Đ (and, only in a text that has one, the other letters no decomposition folds:
    translate() costs the length of its table for every character), lowercase, compose (NFC),
    one space for each run of white space. About 0.8 ms for a 4 KB body, six times less than
    a translate() of every marked letter. OFFSET 0 keeps PostgreSQL from pasting the decomposed
    text's expression into each of its three uses (computing it three times)."""
    source, target = translation()
    rare = "".join(c for c in source if c not in "Đđ")
    rare_folded = "".join(t for c, t in zip(source, target, strict=True) if c not in "Đđ")
    return (
        "CREATE OR REPLACE FUNCTION tinbao_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ SELECT btrim(regexp_replace(lower("
        f"normalize(CASE WHEN bare ~ '[{rare}]' THEN translate(bare, '{rare}', '{rare_folded}') "
        f"ELSE bare END, NFC)), '{spaces()}{{2,}}|{spaces(but_space=True)}', ' ', 'g')) FROM ("
        f"SELECT translate(regexp_replace(normalize(value, NFD), '{marks()}+', '', 'g'), 'Đđ', "
        "'dd') AS bare OFFSET 0) AS decomposed $$"
    )


# SET search_path: the function finds tinbao_fold in the archive's own schema whatever the
# search_path of the session that writes `articles` (schema 0007).
PG_SEARCH_VECTOR = (
    "CREATE OR REPLACE FUNCTION tinbao_search_vector(title text, lead text, body text) "
    "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$ "
    "SELECT setweight(to_tsvector('simple', coalesce(tinbao_fold(title), '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(tinbao_fold(lead), '')), 'B') || "
    "to_tsvector('simple', coalesce(tinbao_fold(body), '')) $$"
)


# The lexeme that marks a row's site, without a position (ranking and phrases ignore it): a
# site filter is then part of the index query, as the site column is in FTS5's. No word of a
# text can give it: the parser splits "site:x" into "site" and "x".
PG_SITE_LEXEME = "site:"
PG_COLUMN_EXPRESSION = (
    f"tinbao_search_vector(title, lead, body) || array_to_tsvector(ARRAY['{PG_SITE_LEXEME}' || "
    "site])"
)
PG_MONTH = "date_trunc('month', {row}published_at AT TIME ZONE 'UTC')"


def pg_ddl() -> tuple[str, ...]:
    return (
        pg_fold_function(),
        PG_SEARCH_VECTOR,
        f"ALTER TABLE articles ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS "
        f"({PG_COLUMN_EXPRESSION}) STORED",
        f"CREATE INDEX {PG_INDEX} ON articles USING gin ({PG_COLUMN})",
        f"CREATE INDEX {PG_MONTH_INDEX} ON articles (({PG_MONTH.format(row='')}), id)",
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
    if type_ == "column":
        return name == PG_COLUMN
    if type_ == "table":
        return name == FTS_TABLE or (name or "").startswith(FTS_TABLE + "_")
    return type_ == "index" and name in (PG_INDEX, PG_MONTH_INDEX, TIME_INDEX)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name`: compare everything except the search index's objects."""
    return not is_search_object(name, type_)


@event.listens_for(Article.__table__, "after_create")
def _after_create(target: Table, connection: Connection, **_: Any) -> None:
    create_search_index(connection)


@event.listens_for(Article.__table__, "before_drop")
def _before_drop(target: Table, connection: Connection, **_: Any) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.execute(text(statement))
