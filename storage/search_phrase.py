"""PostgreSQL: the phrase bonus of candidates whose title and lead lack the phrase, read only for
those that could reach the top of the ranking.

Relevance gets PHRASE when the words are written together (storage/search_filters.py). The
title and lead vectors are in the row, so a candidate whose title or lead has the phrase is
settled when it is read; for the others only the full vector can tell, and it is in TOAST: a
tsvector barely compresses, about 4.6 KB in three chunks, 4-5 buffers a candidate. Read for
every candidate (500, 1,000 with the recent window), that was most of a search's server time
once the ranges of ids came through the index alone.

Only the best `keep` (the shortlist the ranking and the exact-match order use) need exact
scores. An open candidate (`Candidate.open`) scores between its relevance and that plus PHRASE:
one whose best possible score is below the `keep`-th best certain score cannot enter the top,
whatever its body holds, and is left as it is. The best possible first, a batch at a time:
when many candidates have the phrase (place names, compounds), the certain scores rise after
the first batch and the rest need no reading. When few have it, all are read, as before.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from sqlalchemy import Integer, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.search_filters import PHRASE, Candidate, score
from storage.search_table import PG_COLUMN, PG_TABLE

# The rows by their ids, then each vector checked: OFFSET 0 keeps the planner from also reading
# the phrase's words through the GIN index, the whole archive's posting lists (a BitmapAnd of
# 52,000 matches, 17 ms, to check 379 candidates).
_WITH_PHRASE = text(
    f"SELECT id FROM (SELECT id, {PG_COLUMN} FROM {PG_TABLE} WHERE id = ANY(:ids) OFFSET 0) AS c "
    f"WHERE {PG_COLUMN} @@ to_tsquery('simple', :phrase)"
).bindparams(bindparam("ids", type_=ARRAY(Integer)))


def settle_phrases(
    session: Session, candidates: Sequence[Candidate], phrase: str, keep: int
) -> list[Candidate]:
    """`candidates` with the phrase bonus of every open one that could be among the best
    `keep`; `phrase` is the tsquery text of the phrase. The others keep the relevance they
    have (they rank below the `keep` best either way)."""
    relevance = {c.id: c.relevance for c in candidates}
    known = {c.id: score(c.relevance, c.age_days) for c in candidates}  # open ones at their lowest
    best = {c.id: score(c.relevance + PHRASE, c.age_days) for c in candidates if c.open}
    waiting = sorted(((value, id_) for id_, value in best.items()), reverse=True)
    for batch in (2 * keep, len(waiting)):
        bar = _bar(known, keep)
        needed = [key for key in waiting if key > bar]  # best possible first
        if not needed:
            break
        ids = [id_ for _, id_ in needed[:batch]]
        for (id_,) in session.execute(_WITH_PHRASE, {"ids": ids, "phrase": phrase}):
            relevance[id_] += PHRASE
            known[id_] = best[id_]
        done = set(ids)
        waiting = [key for key in waiting if key[1] not in done]
    return [Candidate(c.id, relevance[c.id], c.age_days) for c in candidates]


def _bar(known: dict[int, float], keep: int) -> tuple[float, int]:
    """The `keep`-th best (score, id) of what is known so far; the lowest possible when there
    are fewer candidates."""
    if len(known) < keep:
        return (float("-inf"), -1)
    return heapq.nlargest(keep, ((value, id_) for id_, value in known.items()))[-1]
