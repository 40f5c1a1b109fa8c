"""An archive made before stories existed (schema 0005) is upgraded, and its articles are
given their stories by `tinbao db upgrade`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.cli import main
from storage import head_revision, make_engine, make_sessionmaker, upgrade
from storage.models import Article
from tests.test_similarity import OTHER, STORY

ROWS = [
    ("baochinhphu", "https://baochinhphu.vn/a1.html", STORY, "h1", "2026-11-01 01:00:00.000000"),
    (
        "baocantho",
        "https://baocantho.com.vn/a2.html",
        "(TTXVN) - " + STORY,
        "h2",
        "2026-10-31 23:00:00.000000",
    ),
    ("baolaocai", "https://baolaocai.vn/a3.html", OTHER, "h3", "2026-11-01 02:00:00.000000"),
]


def test_db_upgrade_finds_the_stories_of_old_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        for site, link, body, digest, published in ROWS:
            connection.execute(
                text(
                    "INSERT INTO articles (site, url, title, body, content_hash, published_at,"
                    " first_seen_at, last_seen_at) VALUES (:site, :url, 'T', :body, :hash,"
                    " :published, :published, :published)"
                ),
                {"site": site, "url": link, "body": body, "hash": digest, "published": published},
            )
    engine.dispose()
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert f"to {head_revision()}" in out and "3 articles indexed into stories" in out
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        stories = {a.url: a.story_id for a in session.query(Article)}
        assert stories[ROWS[0][1]] == stories[ROWS[1][1]] != stories[ROWS[2][1]]
        original = session.execute(
            text("SELECT a.url FROM stories s JOIN articles a ON a.id = s.original_id"
                 " WHERE s.id = :id"), {"id": stories[ROWS[0][1]]},
        ).scalar()  # fmt: skip
        assert original == ROWS[1][1]  # published first
    engine.dispose()
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert "indexed" not in capsys.readouterr().out
