"""PostgreSQL: the search function finds tinbao_fold whatever the session's search_path

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

With the archive in a schema that is not on a session's search_path, any query on `articles`
from that session failed ("function tinbao_fold(text) does not exist"): planning it inlines the
search index's expression, whose body named tinbao_fold unqualified. The function now carries
its own search_path (taken from the migration's session, which is the archive's). Its results
are unchanged, so the index stays valid. SQLite: nothing to do.
"""

from __future__ import annotations

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_BODY = (
    "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE {set}AS $$ "
    "SELECT setweight(to_tsvector('simple', coalesce(tinbao_fold(title), '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(tinbao_fold(lead), '')), 'B') || "
    "to_tsvector('simple', coalesce(tinbao_fold(body), '')) $$"
)
_CREATE = "CREATE OR REPLACE FUNCTION tinbao_search_vector(title text, lead text, body text) "
# Replacing the function does not tell other sessions: one that already planned a search keeps
# the index's expression as it inlined the old body, no longer matches the query's (inlined from
# the new one) with it, and plans every search as a sequential scan until it reconnects. An
# ALTER INDEX invalidates the index's cached definition in every session. fastupdate is on by
# default for a GIN index, so resetting it changes nothing else (`SET (fastupdate = on)` would
# do the same but stay in the index's definition, which would then differ from the models').
_INVALIDATE = "ALTER INDEX ix_articles_search RESET (fastupdate)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE + _BODY.format(set="SET search_path FROM CURRENT "))
        op.execute(_INVALIDATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE + _BODY.format(set=""))
        op.execute(_INVALIDATE)
