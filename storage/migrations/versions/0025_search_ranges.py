"""PostgreSQL: the GIN index of `articles_search` also indexes the blocks of ids an article is in

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04

A search reads the newest matches in ranges of ids. The GIN index gave the matches of the whole
archive (for two common syllables, posting lists of 200,000+ articles: 40-150 ms on a million
before the range was applied), and reading a range backwards by id read every row's full
vector from TOAST to check it. `ix_articles_search` is built again on (search_vector,
tinbao_id_ranges(id)): each article is in a block of 1,000, 10,000, 100,000 and 1,000,000 ids
("i3:123"), so a range of ids is a few blocks ANDed with the words in one GIN scan
(storage/search_ranges.py). Nothing in the table changes. The new index is built beside the old
one (writes to `articles_search` wait while it is built, searches go on), which is then dropped.
SQLite: nothing to do.
"""

from __future__ import annotations

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | None = None
depends_on: str | None = None

_BLOCKS = ", ".join(f"'i{level}:' || CAST(id / {10**level} AS text)" for level in (3, 4, 5, 6))
UPGRADE = (
    "SET LOCAL maintenance_work_mem = '256MB'",  # building the GIN index
    "CREATE OR REPLACE FUNCTION tinbao_id_ranges(id integer) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ "
    f"SELECT array_to_tsvector(ARRAY[{_BLOCKS}]) $$",
    "CREATE INDEX ix_articles_search_ranges ON articles_search "
    "USING gin (search_vector, tinbao_id_ranges(id))",
    "DROP INDEX ix_articles_search",
    "ALTER INDEX ix_articles_search_ranges RENAME TO ix_articles_search",
    "ANALYZE articles_search",  # the statistics of the new expression
)
DOWNGRADE = (
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX ix_articles_search_words ON articles_search USING gin (search_vector)",
    "DROP INDEX ix_articles_search",
    "ALTER INDEX ix_articles_search_words RENAME TO ix_articles_search",
    "DROP FUNCTION tinbao_id_ranges(integer)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
