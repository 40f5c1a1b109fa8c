"""PostgreSQL: the search index in a narrow table of its own, `articles_search`, kept by a trigger

Revision ID: 0024
Revises: 0019
Create Date: 2026-12-04

A search reads the rows of its candidates. In `articles` (revision 0011) a row is 2-3 KB of
compressed body with the 4.6 KB vector in TOAST: on a million articles reading the ~900 newest
matches of a place name took 50 ms (partly from disk) and ranking them with `ts_rank_cd` over
the full vector 43 ms more. `articles_search` holds, per article, the id, publication and
first-seen times, the folded title and lead as small tsvectors (relevance is now read from
them, as on SQLite: title +3, lead +1, phrase +2) and the full vector under the GIN index,
about 1 KB a row outside TOAST. A trigger on `articles` keeps it for any client's writes.

On an existing archive the vectors are moved, not computed again: the table is filled from
`articles.search_vector`, then the column and its index are dropped. The dropped column's space
(about 4.6 KB an article) is reused only once `VACUUM FULL articles` rewrites the table. Writes
to `articles` wait while this runs (reads go on until the column is dropped at the end).
SQLite: nothing to do.
"""

from __future__ import annotations

from alembic import op

revision: str = "0024"
down_revision: str | None = "0019"
branch_labels: str | None = None
depends_on: str | None = None

_FOLDED = "to_tsvector('simple', coalesce(tinbao_fold({row}.{column}), ''))"
# the title and lead folded once, for their own vectors and the full one
_UPSERT = (
    "INSERT INTO articles_search SELECT NEW.id, NEW.published_at, NEW.first_seen_at, f.t, f.l, "
    "setweight(f.t, 'A') || setweight(f.l, 'B') || "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.body), '')) || "
    "array_to_tsvector(ARRAY['site:' || NEW.site]) FROM (SELECT "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.title), '')) AS t, "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.lead), '')) AS l OFFSET 0) AS f "
    "ON CONFLICT (id) DO UPDATE SET "
    "published_at = excluded.published_at, first_seen_at = excluded.first_seen_at, "
    "title_vector = excluded.title_vector, lead_vector = excluded.lead_vector, "
    "search_vector = excluded.search_vector"
)
_INDEXED = ("id", "title", "lead", "body", "site", "published_at", "first_seen_at")
UPGRADE = (
    "LOCK TABLE articles IN SHARE MODE",
    "SET LOCAL maintenance_work_mem = '256MB'",  # building the GIN index
    "CREATE TABLE articles_search (id integer PRIMARY KEY, published_at timestamp with time zone, "
    "first_seen_at timestamp with time zone NOT NULL, title_vector tsvector NOT NULL, "
    "lead_vector tsvector NOT NULL, search_vector tsvector NOT NULL)",
    # 0011's column holds the same vector: tinbao_search_vector(title, lead, body) || site
    "INSERT INTO articles_search SELECT a.id, a.published_at, a.first_seen_at, "
    + _FOLDED.format(row="a", column="title") + ", " + _FOLDED.format(row="a", column="lead")
    + ", a.search_vector FROM articles AS a",
    "DROP INDEX ix_articles_search",
    "ALTER TABLE articles DROP COLUMN search_vector",
    "CREATE INDEX ix_articles_search ON articles_search USING gin (search_vector)",
    "CREATE OR REPLACE FUNCTION tinbao_index_article() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN "
    "DELETE FROM articles_search WHERE id = OLD.id; END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_UPSERT}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER articles_search_ai AFTER INSERT ON articles FOR EACH ROW "
    "EXECUTE FUNCTION tinbao_index_article()",
    f"CREATE TRIGGER articles_search_au AFTER UPDATE OF {', '.join(_INDEXED)} ON articles "
    "FOR EACH ROW WHEN (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _INDEXED)
    + ") EXECUTE FUNCTION tinbao_index_article()",
    "CREATE TRIGGER articles_search_ad AFTER DELETE ON articles FOR EACH ROW "
    "EXECUTE FUNCTION tinbao_index_article()",
)
DOWNGRADE = (
    "DROP TRIGGER articles_search_ai ON articles",
    "DROP TRIGGER articles_search_au ON articles",
    "DROP TRIGGER articles_search_ad ON articles",
    "DROP FUNCTION tinbao_index_article()",
    "DROP TABLE articles_search",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(tinbao_search_vector(title, lead, body) || array_to_tsvector(ARRAY['site:' || site])) STORED",
    "CREATE INDEX ix_articles_search ON articles USING gin (search_vector)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
