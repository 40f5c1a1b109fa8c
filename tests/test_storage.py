"""The idempotent save: one row per canonical URL and per text, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from storage import Article, HttpValidator, SaveOutcome, content_hash, save_article
from storage.upsert import insert_ignoring_conflicts

VIETNAM = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


@dataclass(frozen=True)
class Record:
    url: str = "https://baocantho.com.vn/tap-trung-trien-khai-a196670.html"
    title: str = "Tập trung triển khai các đợt thanh tra"
    lead: str = "(CTO) - Ngày 8-1, Phó Thủ tướng chủ trì hội nghị."
    body: str = (
        "Ông Trương Cảnh Tuyên tham dự hội nghị.\nNăm 2026, ngành Thanh tra xác định nhiệm vụ."
    )
    authors: tuple[str, ...] = ("P.Y",)
    published_at: datetime | None = datetime(2026, 1, 8, 18, 21, tzinfo=VIETNAM)
    updated_at: datetime | None = None
    section: str = "Cần Thơ"
    tags: tuple[str, ...] = ("Nguyễn Hoà Bình", "ngành Thanh tra")
    image_url: str = "https://baocantho.com.vn/image/1767871254.webp"
    language: str = "vi"
    source: str = ""


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Article)) or 0


def test_new_article_is_stored_with_joined_lists_and_utc_time(session: Session) -> None:
    assert save_article(session, "baocantho", Record(), now=T0) is SaveOutcome.NEW
    session.commit()
    row = session.scalars(select(Article)).one()
    assert row.site == "baocantho"
    assert row.authors == "P.Y"
    assert row.tags == "Nguyễn Hoà Bình, ngành Thanh tra"
    assert row.published_at == datetime(2026, 1, 8, 11, 21, tzinfo=UTC)
    assert row.first_seen_at == row.last_seen_at == T0
    assert row.content_hash == content_hash(Record().body)
    assert row.updated_at is None


def test_empty_optional_fields_are_null(session: Session) -> None:
    record = Record(lead="", authors=(), tags=(), section="", image_url="", published_at=None)
    save_article(session, "baocantho", record, now=T0)
    session.commit()
    row = session.scalars(select(Article)).one()
    assert (row.lead, row.authors, row.tags, row.section, row.image_url) == (None,) * 5
    assert row.published_at is None


def test_text_is_stored_nfc(session: Session) -> None:
    decomposed = "Ca\u0302\u0300n Tho\u031b"  # "Cần Thơ" typed with combining marks
    save_article(session, "baocantho", Record(title=decomposed, section=decomposed), now=T0)
    session.commit()
    row = session.scalars(select(Article)).one()
    assert row.title == row.section == "Cần Thơ"


def test_saving_the_same_article_twice_stores_it_once(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    assert save_article(session, "baocantho", Record(), now=T1) is SaveOutcome.UNCHANGED
    session.commit()
    assert count(session) == 1
    row = session.scalars(select(Article)).one()
    assert (row.first_seen_at, row.last_seen_at) == (T0, T1)


def test_changed_text_at_the_same_url_updates_the_row(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    edited = Record(body=Record().body + "\nĐoạn bổ sung sau khi sửa bài.")
    assert save_article(session, "baocantho", edited, now=T1) is SaveOutcome.UPDATED
    session.commit()
    row = session.scalars(select(Article)).one()
    assert row.body.endswith("Đoạn bổ sung sau khi sửa bài.")
    assert row.content_hash == content_hash(edited.body)
    assert row.first_seen_at == T0


def test_changed_metadata_alone_is_an_update(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    retitled = Record(title="Tiêu đề đã sửa")
    assert save_article(session, "baocantho", retitled, now=T1) is SaveOutcome.UPDATED


def test_same_text_under_a_second_url_is_a_duplicate(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    copy = Record(
        url="https://baocantho.com.vn/tap-trung-trien-khai-a196670.html?utm_source=zalo",
        body=Record().body.upper().replace(".", " ."),  # case and punctuation do not count
    )
    assert save_article(session, "baocantho", copy, now=T1) is SaveOutcome.DUPLICATE
    session.commit()
    assert count(session) == 1
    assert session.scalars(select(Article)).one().last_seen_at == T1


def test_same_text_on_another_site_is_a_duplicate(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    syndicated = Record(url="https://baolaocai.vn/tap-trung-trien-khai-post890650.html")
    assert save_article(session, "baolaocai", syndicated, now=T1) is SaveOutcome.DUPLICATE
    session.commit()
    assert count(session) == 1


def test_an_edit_that_copies_another_article_keeps_the_row(session: Session) -> None:
    other = Record(url="https://baocantho.com.vn/bai-khac-a1.html", body="Một bài hoàn toàn khác.")
    save_article(session, "baocantho", Record(), now=T0)
    save_article(session, "baocantho", other, now=T0)
    session.commit()
    now_copy = replace(Record(), body=other.body)
    assert save_article(session, "baocantho", now_copy, now=T1) is SaveOutcome.DUPLICATE
    session.commit()
    row = session.scalars(select(Article).where(Article.url == Record().url)).one()
    assert row.body == Record().body


def test_naive_times_are_refused(session: Session) -> None:
    naive = Record(published_at=datetime(2026, 1, 8, 18, 21))
    with pytest.raises(ValueError, match=r"published_at of https://baocantho.* naive datetime"):
        save_article(session, "baocantho", naive, now=T0)


def test_the_crediting_source_is_kept(session: Session) -> None:
    save_article(session, "baocantho", Record(source="TTXVN"), now=T0)
    session.commit()
    assert session.scalars(select(Article)).one().source == "TTXVN"


def test_published_at_is_utc_in_plain_sql(engine: Engine, session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    session.commit()
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT published_at FROM articles")).scalar_one()
    if engine.dialect.name == "sqlite":
        assert str(raw).startswith("2026-01-08 11:21:00")
    else:
        assert raw == datetime(2026, 1, 8, 11, 21, tzinfo=UTC)


def test_an_insert_that_meets_a_conflict_reports_it(session: Session) -> None:
    row = {"url": "https://baocantho.com.vn/a-a1.html", "etag": '"1"', "last_modified": None,
           "stored_at": T0}  # fmt: skip
    table = HttpValidator.__table__
    assert insert_ignoring_conflicts(session, table, row)  # type: ignore[arg-type]
    assert not insert_ignoring_conflicts(session, table, row)  # type: ignore[arg-type]
