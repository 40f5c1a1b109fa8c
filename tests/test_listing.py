"""storage.listing: the reader's lists, newest first, by cursor, one card per story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage.listing import Cursor, latest, story_papers
from storage.models import Article, ArticleUrl, Story

T = datetime(2026, 11, 20, tzinfo=UTC)


def add(session: Session, number: int, site: str, when: datetime, story: int | None) -> None:
    session.add(Article(id=number, site=site, url=f"https://{site}.vn/{number}", title=f"T{number}",
                        body="b", content_hash=f"h{number}", published_at=when,
                        first_seen_at=when, last_seen_at=when, story_id=story))  # fmt: skip


def test_originals_are_found_past_a_run_of_copies(session: Session) -> None:
    session.add(Story(id=1, original_id=1, first_published_at=T))
    add(session, 1, "baocantho", T, 1)
    for number in range(2, 12):  # ten newer copies of story 1 on other papers
        add(session, number, "baodanang", T + timedelta(minutes=number), 1)
    add(session, 12, "baolaocai", T - timedelta(hours=1), None)
    session.commit()
    assert [a.id for a in latest(session, limit=2, originals=True)] == [1, 12]
    assert [a.id for a in latest(session, limit=3)] == [11, 10, 9]


def test_a_cursor_cuts_between_articles_of_the_same_minute(session: Session) -> None:
    for number in range(1, 6):
        add(session, number, "baocantho" if number % 2 else "baodanang", T, None)
    session.commit()
    first = latest(session, limit=2)
    assert [a.id for a in first] == [5, 4]
    rest = latest(session, after=Cursor(T, 4), limit=10)
    assert [a.id for a in rest] == [3, 2, 1]
    merged = latest(session, sites=["baodanang", "baocantho"], after=Cursor(T, 4), limit=10)
    assert [a.id for a in merged] == [3, 2, 1]


def test_story_papers_count_identical_copies_met_elsewhere(session: Session) -> None:
    session.add(Story(id=1, original_id=1, first_published_at=T))
    add(session, 1, "baocantho", T, 1)
    add(session, 2, "baodanang", T, 1)
    session.flush()
    session.add(ArticleUrl(url="https://baohue.vn/x", article_id=2, site="huengaynay",
                           first_seen_at=T))  # fmt: skip
    session.commit()
    assert story_papers(session, [1]) == {1: ["baocantho", "baodanang", "huengaynay"]}
