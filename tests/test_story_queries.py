"""The story queries of docs/schema.md answer what their text promises."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import make_sessionmaker, open_archive
from tests.search_records import Record, store
from tests.test_schema_docs import example
from tests.test_similarity import STORY


def archive_with_a_story(path: Path, copies: int) -> None:
    # "today" in the queries is the real today (UTC+7): publish within it, whatever the hour
    now = datetime.now(UTC)
    vietnam = now + timedelta(hours=7)
    midnight = now - timedelta(hours=vietnam.hour, minutes=vietnam.minute, seconds=vietnam.second)
    engine = open_archive(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        sites = ["baochinhphu", "baocantho", "baolaocai", "baodanang", "baohue"][: copies + 1]
        for number, site in enumerate(sites):
            text = STORY if number == 0 else f"({site.upper()}) - {STORY}\nTheo TTXVN {number}"
            published = midnight + (now - midnight) * (0.9 - 0.1 * number)  # the last is first
            record = Record(f"https://{site}.vn/a{number}.html", f"Bài {number}", text,
                            published_at=published)  # fmt: skip
            store(session, site, record)
        store(session, "baolaocai", Record("https://baolaocai.vn/x.html", "Khác", "Giá rau tăng."))
        session.commit()
    engine.dispose()


def run(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


def test_all_copies_of_a_story_original_first(tmp_path: Path) -> None:
    path = tmp_path / "tinbao.db"
    archive_with_a_story(path, copies=2)
    rows = run(path, example("schema.md", "WHERE a.story_id = (SELECT story_id"))
    assert [(row[1], row[5]) for row in rows] == [
        ("baolaocai", 1),  # published first: the original
        ("baocantho", 0),
        ("baochinhphu", 0),
    ]


def test_stories_carried_by_three_papers_today(tmp_path: Path) -> None:
    path = tmp_path / "three.db"
    archive_with_a_story(path, copies=2)
    [row] = run(path, example("schema.md", "HAVING count(DISTINCT u.site) >= 3"))
    assert row[1:] == ("Bài 2", "baolaocai", 3)
    fewer = tmp_path / "two.db"
    archive_with_a_story(fewer, copies=1)
    assert run(fewer, example("schema.md", "HAVING count(DISTINCT u.site) >= 3")) == []


def test_earlier_texts_of_edited_articles(tmp_path: Path) -> None:
    path = tmp_path / "tinbao.db"
    engine = open_archive(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        store(session, "baocantho", Record("https://baocantho.com.vn/a.html", "Cũ", STORY))
        store(
            session, "baocantho", Record("https://baocantho.com.vn/a.html", "Mới", STORY + " Thêm.")
        )
        session.commit()
    engine.dispose()
    [row] = run(path, example("schema.md", "FROM article_revisions AS r"))
    assert row[1:3] == ("Mới", "Cũ")


def test_identical_copies_count_as_papers_and_the_earliest_leads(tmp_path: Path) -> None:
    path = tmp_path / "identical.db"
    now = datetime.now(UTC)
    vietnam = now + timedelta(hours=7)
    midnight = now - timedelta(hours=vietnam.hour, minutes=vietnam.minute, seconds=vietnam.second)
    engine = open_archive(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        # the agency text, reprinted word for word under new titles; the reprints are met first
        for share, site in ((0.8, "baocantho"), (0.6, "baolaocai"), (0.2, "baochinhphu")):
            published = midnight + (now - midnight) * share
            record = Record(f"https://{site}.vn/ttxvn.html", f"Tin của {site}", STORY,
                            published_at=published)  # fmt: skip
            store(session, site, record)
        session.commit()
    engine.dispose()
    [row] = run(path, example("schema.md", "HAVING count(DISTINCT u.site) >= 3"))
    assert row[1:] == ("Tin của baochinhphu", "baochinhphu", 3)
    rows = run(path, example("schema.md", "WHERE a.story_id = (SELECT story_id"))
    assert [row[1] for row in rows] == ["baochinhphu", "baolaocai", "baocantho"]
