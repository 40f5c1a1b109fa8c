"""PostgreSQL: the search vector as a stored column, indexed; tinbao_fold five times faster

Revision ID: 0011
Revises: 0016
Create Date: 2026-11-24

The GIN index of 0005 was on the expression `tinbao_search_vector(title, lead, body)`. A search
reads the vector of every candidate again (to check a phrase, to rank), so each one recomputed
it, and the planner, taking the function for cheap, preferred scanning the table and computing
it row by row: 5-11 s for one search of 3,000 articles. `articles.search_vector` is now a stored
generated column (computed when a row is written, by any client) that also holds the site as a
lexeme without position (`site:baocantho`, so that a site filter is part of the index query),
and `ix_articles_search` indexes the column. `ix_articles_search_month` gives the ids of each month
of publication (for date filters, as `articles_fts_months` does on SQLite). `tinbao_fold` decomposes, drops the marks and translates only the letters no
decomposition folds, instead of a translate() of 576 letters (5 ms for a 4 KB body, now 1 ms);
its results are Python's `fold` (a test compares them), so the new index is built with it.

Cost on an existing archive: adding the column rewrites `articles` (a lock for its length: about
2.5 ms an article on a busy 2-core machine, index included: 40 minutes for 1,000,000) and needs its size again in free disk
while it runs. `tinbao db upgrade` then runs ANALYZE. SQLite: nothing to do.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from alembic import op

revision: str = "0011"
down_revision: str | None = "0016"
branch_labels: str | None = None
depends_on: str | None = None

_LATIN = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
_SPACE = re.compile(r"\s")
_VECTOR = "tinbao_search_vector(title, lead, body)"
_COLUMN = f"{_VECTOR} || array_to_tsvector(ARRAY['site:' || site])"
_MONTH = "date_trunc('month', published_at AT TIME ZONE 'UTC')"


def _fold(char: str) -> str:
    lowered = unicodedata.normalize("NFC", char).lower().replace("đ", "d")
    bare = "".join(c for c in unicodedata.normalize("NFD", lowered) if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare)


def _bracket(chars: list[str]) -> str:
    ranges: list[list[int]] = []
    for code in map(ord, chars):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])

    def escape(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "[" + "".join(escape(a) if a == b else f"{escape(a)}-{escape(b)}" for a, b in ranges) + "]"


def _fold_function() -> str:
    everything = [chr(code) for code in range(sys.maxunicode + 1)]
    marks = _bracket([c for c in everything if unicodedata.category(c) == "Mn"])
    spaces = [c for c in everything if _SPACE.fullmatch(c)]
    rare, folded = [], []
    for start, end in _LATIN:
        for char in map(chr, range(start, end + 1)):
            target = _fold(char)
            undecomposed = unicodedata.normalize("NFD", char) == char
            if len(target) == 1 and target != char and undecomposed and not char.isascii() and char not in "Đđ":
                rare.append(char)
                folded.append(target)
    source, target = "".join(rare), "".join(folded)
    return (
        "CREATE OR REPLACE FUNCTION tinbao_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ SELECT btrim(regexp_replace(lower("
        f"normalize(CASE WHEN bare ~ '[{source}]' THEN translate(bare, '{source}', '{target}') "
        f"ELSE bare END, NFC)), '{_bracket(spaces)}{{2,}}|{_bracket([c for c in spaces if c != ' '])}', ' ', 'g')) FROM ("
        f"SELECT translate(regexp_replace(normalize(value, NFD), '{marks}+', '', 'g'), 'Đđ', "
        "'dd') AS bare OFFSET 0) AS decomposed $$"
    )


def _translate_fold_function() -> str:
    """0005's tinbao_fold, for the downgrade."""
    source, target = [], []
    for start, end in _LATIN:
        for char in map(chr, range(start, end + 1)):
            folded = _fold(char)
            if len(folded) == 1 and folded != char and unicodedata.category(char).startswith("L"):
                source.append(char)
                target.append(folded)
    return (
        "CREATE OR REPLACE FUNCTION tinbao_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ SELECT btrim(regexp_replace(lower("
        f"translate(regexp_replace(value, '[\\u0300-\\u036f]', '', 'g'), '{''.join(source)}', "
        f"'{''.join(target)}')), '\\s+', ' ', 'g')) $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search")  # it folded with the old function
    op.execute(_fold_function())
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")  # building the GIN index
    op.execute(f"ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_COLUMN}) STORED")
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")
    op.execute(f"CREATE INDEX ix_articles_search_month ON articles (({_MONTH}), id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search_month")
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")
    op.execute(_translate_fold_function())
    op.execute(f"CREATE INDEX ix_articles_search ON articles USING gin ({_VECTOR})")
