"""PostgreSQL: ranges of ids as a second column of the GIN index, so that a search reads the
matches of the ids it wants and no others (revision 0025).

A search wants the newest WINDOW matches, read in ranges of ids from the newest down
(storage/search_candidates.py). Before, the planner had two ways to read a range, both costly
on a million articles: backwards by id, reading every row's full vector from TOAST to check it
(4-5 buffers a row, 1,000-2,800 rows for two common syllables), or the GIN index, whose posting
lists of common syllables hold most of the archive (40-150 ms for two of them, before the
range was even applied). `ix_articles_search` now indexes `tinbao_id_ranges(id)` beside the
vector: each article is in one block of 1,000 ids, one of 10,000, one of 100,000 and one of
1,000,000 ("i3:123" is ids 123,000-123,999). A range of ids is a few of those blocks (`cover`),
ANDed with the words inside one GIN scan: the scan walks the blocks' short lists and skips
through the words' long ones, and its bitmap holds exactly the range's matches, whose narrow
rows are then read without their vectors (a plain AND needs no recheck).

The column is an expression of the id, not stored: nothing in the table changes, and a write
costs one more small set of entries in the index.
"""

from __future__ import annotations

LEVELS = (3, 4, 5, 6)  # blocks of 10**level ids
PG_ID_RANGES_FUNCTION = "tinbao_id_ranges"
# SQL, immutable and made of immutable parts only (text || text, not text || integer, which is
# stable): PostgreSQL inlines it into the index expression and into a query's condition, and
# the two then match.
PG_ID_RANGES = (
    f"CREATE OR REPLACE FUNCTION {PG_ID_RANGES_FUNCTION}(id integer) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ "
    "SELECT array_to_tsvector(ARRAY["
    + ", ".join(f"'i{level}:' || CAST(id / {10**level} AS text)" for level in LEVELS)
    + "]) $$"
)


def ranges_condition(row: str) -> str:
    """The condition a query writes for the id blocks of `row` (the index's second column) to
    match :ranges, a tsquery text from `cover`."""
    return f"{PG_ID_RANGES_FUNCTION}({row}.id) @@ CAST(:ranges AS tsquery)"


def blocks(lo: int, hi: int) -> list[tuple[int, int]]:
    """The fewest blocks (level, number) holding every id of [lo, hi] and as few others as the
    smallest blocks allow: from the block of 1,000 holding `lo` to the one holding `hi`, the
    largest aligned block that fits at each step (at most nine of a level on each side)."""
    smallest = 10 ** LEVELS[0]
    start, end = lo - lo % smallest, hi - hi % smallest + smallest - 1
    found: list[tuple[int, int]] = []
    while start <= end:
        level = next(
            level
            for level in reversed(LEVELS)
            if start % 10**level == 0 and start + 10**level - 1 <= end
        )
        found.append((level, start // 10**level))
        start += 10**level
    return found


def cover(lo: int, hi: int) -> str:
    """The tsquery text matching the blocks of [lo, hi] ("'i4:12' | 'i3:130'"), to be ANDed with
    an exact `id BETWEEN lo AND hi`: the blocks are whole, the range need not be."""
    return " | ".join(f"'i{level}:{number}'" for level, number in blocks(max(lo, 0), hi))
