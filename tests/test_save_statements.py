"""What one save costs the archive: a new article is one INSERT ... ON CONFLICT ... RETURNING
plus its story and URL rows, not the select-by-URL, select-by-hash, insert, select of before
(issue 14 item 2). Counted with SQLAlchemy's cursor events, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from storage import SaveOutcome, save_article
from tests.test_storage import T0, T1, Record

# INSERT article, story candidates, signature, bands, story, story_id, URLs (one statement)
NEW_ARTICLE_STATEMENTS = 7


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` inside the block (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def data_statements(seen: list[str]) -> list[str]:
    """Without PostgreSQL's advisory lock for story assignment (a lock, not data)."""
    return [s for s in seen if "pg_advisory_xact_lock" not in s]


def test_a_new_article_costs_one_insert_and_its_story_and_urls(
    engine: Engine, session: Session
) -> None:
    with statements(engine) as seen:
        outcome = save_article(session, "baocantho", Record(), now=T0, aliases=["https://x/a?amp"])
        session.flush()
    assert outcome is SaveOutcome.NEW
    made = data_statements(seen)
    assert len(made) <= NEW_ARTICLE_STATEMENTS, "\n".join(made)
    assert made[0].lstrip().upper().startswith("INSERT INTO ARTICLES"), made[0]
    assert not [s for s in made if s.lstrip().upper().startswith("SELECT") and "content_hash" in s]


def test_a_seen_article_falls_back_to_the_lookups(engine: Engine, session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    with statements(engine) as seen:
        assert save_article(session, "baocantho", Record(), now=T1) is SaveOutcome.UNCHANGED
        twin = replace(Record(), url="https://baocantho.com.vn/ban-sao-a1.html")
        assert save_article(session, "baocantho", twin, now=T1) is SaveOutcome.DUPLICATE
        session.flush()
    assert len(seen) >= 4  # each: the insert that did nothing, then its look-ups
