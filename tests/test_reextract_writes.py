"""Re-extraction's writes (crawler/reextract_writes.py): an article read as it was stored is
written nothing, only checked; the others are written a group a transaction, and a database
error in a group costs only the articles it is about."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import crawler.reextract
import storage.engine
from crawler.extraction import EXTRACTOR_VERSION, Hints, extract
from crawler.reextract import Counts, extract_record, reextract
from crawler.reextract_writes import Outcome, Read, Writes, stored_columns
from crawler.warc import RawPage, WarcFile
from storage import Article, make_sessionmaker, open_archive, save_article
from tests.test_reextract import PROMO, UTF8, WHEN, article, html, registry, store, url
from tests.test_reextract import no_user_registry as no_user_registry  # fixtures
from tests.test_reextract import sessions as sessions
from tests.test_reextract import warc as warc


def current(archive: sessionmaker[Session], file: WarcFile, numbers: range) -> list[int]:
    """Articles stored as the current extractor reads them with the registry's hints."""
    ids = [0] * len(numbers)
    with archive.begin() as session:
        for index, number in enumerate(numbers):
            ids[index] = store(session, file, number, promo=False)
            session.get_one(Article, ids[index]).extractor_version = EXTRACTOR_VERSION
    return ids


def test_an_article_read_as_stored_is_written_nothing(
    tmp_path: Path, warc: WarcFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holds SQLite's write lock for the whole run: the unchanged articles of
    the current extractor need none (each took it, and failed, when written one by one)."""
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "locked.db"
    engine = open_archive(f"sqlite:///{path}")
    locked = make_sessionmaker(engine)
    ids = current(locked, warc, range(1, 4))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        counts = reextract(locked, tmp_path / "warc", registry())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert counts == Counts(read=3, changed=0, unchanged=3, failed=0)
    assert {article(locked, i).extractor_version for i in ids} == {EXTRACTOR_VERSION}
    engine.dispose()


def test_an_unchanged_article_a_crawl_changes_meanwhile_is_skipped(
    sessions: sessionmaker[Session],
    warc: WarcFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, _ = current(sessions, warc, range(1, 3))
    read_article = crawler.reextract.read_article
    revised = html(1, promo=False).replace("năng suất cao hơn năm trước", "năng suất kỷ lục")

    def crawl_meanwhile(raw: RawPage, hints: Hints) -> object:
        if raw.url == url(1):
            later = WHEN + timedelta(hours=1)
            ref = warc.write(RawPage(url(1), 200, UTF8, revised.encode(), later))
            with sessions.begin() as session:
                save_article(session, "baocantho", extract(revised.encode(), url(1)), now=later,
                             warc_file=ref.file, warc_offset=ref.offset)  # fmt: skip
        return read_article(raw, hints)

    monkeypatch.setattr(crawler.reextract, "read_article", crawl_meanwhile)
    with caplog.at_level(logging.INFO, logger="crawler.reextract"):
        counts = reextract(sessions, tmp_path / "warc", registry())
    assert counts == Counts(read=2, changed=0, unchanged=1, failed=0, skipped=1)
    assert f"article {first} skipped ({url(1)}): changed by a crawl" in caplog.text
    assert "kỷ lục" in article(sessions, first).body


def reads(archive: sessionmaker[Session], ids: list[int]) -> list[Read]:
    columns = (Article.id, Article.url, Article.site, Article.warc_file, Article.warc_offset,
               Article.content_hash, *stored_columns())  # fmt: skip
    with archive() as session:
        rows = session.execute(select(*columns).where(Article.id.in_(ids)).order_by(Article.id))
        return [Read(r.id, r.url, r.site, r.warc_file, r.warc_offset, r.content_hash, tuple(r[6:]))
                for r in rows]  # fmt: skip


def test_a_group_is_one_transaction_and_its_database_error_costs_its_articles_only(
    tmp_path: Path,
    warc: WarcFile,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "busy.db"
    engine = open_archive(f"sqlite:///{path}")
    busy = make_sessionmaker(engine)
    with busy.begin() as session:
        ids = [store(session, warc, n) for n in range(1, 5)]  # each loses its promotion box
    outcomes: list[Outcome] = []
    writes = Writes(busy, EXTRACTOR_VERSION, False, outcomes.append, group=10)
    hints = registry()["baocantho"].hints
    for read in reads(busy, ids):
        writes.add(read, extract_record(read, tmp_path / "warc", hints))
    assert outcomes == []  # gathered, not written yet
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        for read in reads(busy, ids[:2]):
            writes.add(read, extract_record(read, tmp_path / "warc", hints))
        with caplog.at_level(logging.WARNING, logger="crawler.reextract"):
            writes.flush()  # the group fails, then each alone: all six while it is locked
        assert outcomes == [Outcome.FAILED] * 6
        assert "database is locked" in caplog.text
        other.execute("ROLLBACK")
        for read in reads(busy, ids):
            writes.add(read, extract_record(read, tmp_path / "warc", hints))
        writes.flush()
    finally:
        other.close()
    assert outcomes[6:] == [Outcome.CHANGED] * 4
    assert all(PROMO not in article(busy, i).body for i in ids)
    engine.dispose()
