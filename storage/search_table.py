"""PostgreSQL's search index: `articles_search`, a narrow table of what a search reads.

One row per article, kept in step with `articles` by a trigger (any client's writes): the id,
the two times a search filters and ages by, the folded title and lead as small tsvectors (in the
row, never in TOAST: relevance is read from them, as SQLite reads it from FTS5's columns), and
`search_vector`, the folded title (weight A), lead (B) and body with the site lexeme, which the
GIN index `ix_articles_search` indexes, beside the blocks of ids each article is in
(storage/search_ranges.py, revision 0025).

Why a table of its own, and not a column of `articles` (revision 0011): a search reads the rows
of its candidates, and a row of `articles` is 2-3 KB of compressed body with the vector's 4.6
KB in TOAST. On a million articles, reading the ~900 newest matches of a place name was 50 ms
(824 heap blocks, partly from disk: 9 GB against 128 MB of shared buffers) and ranking them by
`ts_rank_cd` over the full vector another 43 ms (each vector read again from TOAST). Here a
row is about a kilobyte, the newest ranges fit in the buffers, and only the phrase bonus reads
a full vector, when the query has one and neither title nor lead holds it.
"""

from __future__ import annotations

from storage.folding import marks, spaces, translation
from storage.search_ranges import PG_ID_RANGES, PG_ID_RANGES_FUNCTION

PG_TABLE = "articles_search"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_articles_search"
PG_MONTH_INDEX = "ix_articles_search_month"  # the ids of a month of publication, for date filters
PG_TRIGGERS = ("articles_search_ai", "articles_search_au", "articles_search_ad")
# The lexeme that marks a row's site, without a position (ranking and phrases ignore it): a
# site filter is then part of the index query, as the site column is in FTS5's. No word of a
# text can give it: the parser splits "site:x" into "site" and "x".
PG_SITE_LEXEME = "site:"
PG_MONTH = "date_trunc('month', {row}published_at AT TIME ZONE 'UTC')"


def pg_vector(row: str = PG_TABLE) -> str:
    """The indexed tsvector of a row of `articles_search` (a query must name the column to use
    the index; computing `tinbao_search_vector()` again costs a millisecond a row)."""
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


# SET search_path: the functions find tinbao_fold and articles_search in the archive's own
# schema whatever the search_path of the session that writes `articles` (revision 0007).
PG_SEARCH_VECTOR = (
    "CREATE OR REPLACE FUNCTION tinbao_search_vector(title text, lead text, body text) "
    "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$ "
    "SELECT setweight(to_tsvector('simple', coalesce(tinbao_fold(title), '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(tinbao_fold(lead), '')), 'B') || "
    "to_tsvector('simple', coalesce(tinbao_fold(body), '')) $$"
)
# Columns: fixed width first, then the small vectors, then the one that goes to TOAST.
PG_CREATE_TABLE = (
    f"CREATE TABLE {PG_TABLE} (id integer PRIMARY KEY, published_at timestamp with time zone, "
    "first_seen_at timestamp with time zone NOT NULL, title_vector tsvector NOT NULL, "
    f"lead_vector tsvector NOT NULL, {PG_COLUMN} tsvector NOT NULL)"
)


# The title and lead are folded once, for their own vectors and for the full one, which is
# therefore tinbao_search_vector(title, lead, body) with the site (a test compares them).
_UPSERT = (
    f"INSERT INTO {PG_TABLE} SELECT NEW.id, NEW.published_at, NEW.first_seen_at, f.t, f.l, "
    "setweight(f.t, 'A') || setweight(f.l, 'B') || "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.body), '')) || "
    f"array_to_tsvector(ARRAY['{PG_SITE_LEXEME}' || NEW.site]) FROM (SELECT "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.title), '')) AS t, "
    "to_tsvector('simple', coalesce(tinbao_fold(NEW.lead), '')) AS l OFFSET 0) AS f "
    "ON CONFLICT (id) DO UPDATE SET "
    "published_at = excluded.published_at, first_seen_at = excluded.first_seen_at, "
    "title_vector = excluded.title_vector, lead_vector = excluded.lead_vector, "
    f"{PG_COLUMN} = excluded.{PG_COLUMN}"
)
PG_INDEX_ARTICLE = (
    "CREATE OR REPLACE FUNCTION tinbao_index_article() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN "
    f"DELETE FROM {PG_TABLE} WHERE id = OLD.id; END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_UPSERT}; END IF; RETURN NULL; END $$"
)
_INDEXED = ("id", "title", "lead", "body", "site", "published_at", "first_seen_at")
PG_CREATE_TRIGGERS = (
    f"CREATE TRIGGER {PG_TRIGGERS[0]} AFTER INSERT ON articles FOR EACH ROW "
    "EXECUTE FUNCTION tinbao_index_article()",
    # a sighting moves last_seen_at only: no vector is computed again for it
    f"CREATE TRIGGER {PG_TRIGGERS[1]} AFTER UPDATE OF {', '.join(_INDEXED)} ON articles "
    "FOR EACH ROW WHEN ("
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _INDEXED)
    + ") EXECUTE FUNCTION tinbao_index_article()",
    f"CREATE TRIGGER {PG_TRIGGERS[2]} AFTER DELETE ON articles FOR EACH ROW "
    "EXECUTE FUNCTION tinbao_index_article()",
)


def pg_ddl() -> tuple[str, ...]:
    """Every PostgreSQL search object, for an archive whose `articles` has none (and no rows:
    revision 0024 fills the table of an existing archive)."""
    return (
        pg_fold_function(),
        PG_SEARCH_VECTOR,
        PG_CREATE_TABLE,
        PG_ID_RANGES,
        f"CREATE INDEX {PG_INDEX} ON {PG_TABLE} "
        f"USING gin ({PG_COLUMN}, {PG_ID_RANGES_FUNCTION}(id))",
        f"CREATE INDEX {PG_MONTH_INDEX} ON articles (({PG_MONTH.format(row='')}), id)",
        PG_INDEX_ARTICLE,
        *PG_CREATE_TRIGGERS,
    )


PG_DROP = (
    *(f"DROP TRIGGER IF EXISTS {t} ON articles" for t in PG_TRIGGERS),
    f"DROP TABLE IF EXISTS {PG_TABLE}",
)
