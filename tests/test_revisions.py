"""Revisions: a text that changes at the same URL keeps its earlier version, `articles` shows
the latest, and the article keeps its story."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import SaveOutcome, save_article
from storage.models import Article, ArticleRevision
from storage.revisions import revisions
from tests.search_records import NOW, store
from tests.test_stories import COPY, ORIGINAL

LATER = NOW + timedelta(hours=3)
EDITED = replace(ORIGINAL, title="Tổng kết ngành Thanh tra năm 2025",
                 body=ORIGINAL.body.replace("66.032", "66.040"))  # fmt: skip


def test_a_changed_text_keeps_the_old_one(session: Session) -> None:
    article_id = store(session, "baochinhphu", ORIGINAL)
    session.commit()
    assert save_article(session, "baochinhphu", EDITED, now=LATER) is SaveOutcome.UPDATED
    session.commit()
    article = session.get(Article, article_id)
    assert article is not None
    assert (article.title, article.revised_at) == (EDITED.title, LATER)
    assert "66.040" in article.body
    [old] = revisions(session, article_id)
    assert (old.title, old.first_seen_at, old.replaced_at) == (ORIGINAL.title, NOW, LATER)
    assert "66.032" in old.body and old.content_hash != article.content_hash


def test_every_change_is_kept_in_order(session: Session) -> None:
    article_id = store(session, "baochinhphu", ORIGINAL)
    save_article(session, "baochinhphu", EDITED, now=LATER)
    third = replace(EDITED, lead="Sapo mới.")
    save_article(session, "baochinhphu", third, now=LATER + timedelta(hours=1))
    session.commit()
    history = revisions(session, article_id)
    assert [r.title for r in history] == [ORIGINAL.title, EDITED.title]
    assert history[1].first_seen_at == LATER and history[1].lead is None


def test_an_unchanged_text_or_a_new_date_is_no_revision(session: Session) -> None:
    store(session, "baochinhphu", ORIGINAL)
    save_article(session, "baochinhphu", ORIGINAL, now=LATER)
    moved = replace(ORIGINAL, published_at=NOW)
    assert save_article(session, "baochinhphu", moved, now=LATER) is SaveOutcome.UPDATED
    session.commit()
    assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 0


def test_a_revised_article_keeps_its_story_and_copies_still_find_it(session: Session) -> None:
    article_id = store(session, "baochinhphu", ORIGINAL)
    save_article(session, "baochinhphu", EDITED, now=LATER)
    copy_id = store(session, "baocantho", COPY)
    session.commit()
    original, copy = session.get(Article, article_id), session.get(Article, copy_id)
    assert original is not None and copy is not None
    assert copy.story_id == original.story_id is not None
