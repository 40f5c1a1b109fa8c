"""An import's extraction workers compute each article's story signature, so that the one
process that saves (which holds an import below the machine's limit) does not; the stories
come out as the saver's own computation would have made them."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import storage.stories
from crawler.extraction import Article as Extracted
from crawler.importing.extract import ExtractionPool
from crawler.importing.run import Importer
from crawler.importing.sources import file_source
from crawler.registry import load_registry
from storage import make_sessionmaker, open_archive
from storage.articles import save_article
from storage.models import Article, ArticleSignature
from storage.similarity import from_bytes
from storage.stories import story_signature
from tests.replica import ReplicaSite
from tests.replica.warcs import WarcBuilder, replica_pages

BASE = "https://baobansao.vn"
WHEN = datetime(2025, 3, 1, tzinfo=UTC)
BODY = "Người dân xã Tân Phú thu hoạch lúa sớm để tránh mưa lớn trong những ngày tới.\n" * 3


def test_an_extracted_record_and_its_stored_row_have_one_signature(tmp_path: Path) -> None:
    # what storing does to the text (NFC, stripped, an empty lead dropped) changes no word
    lead = "  " + unicodedata.normalize("NFD", "Cần Thơ - Mùa lúa sớm.") + "\n"
    body = unicodedata.normalize("NFD", BODY) + "  "
    record = Extracted(url="https://baobansao.vn/tin-a1.html", title="Lúa sớm", lead=lead,
                       body=body, published_at=WHEN)  # fmt: skip
    engine = open_archive(f"sqlite:///{tmp_path / 'a.db'}")
    with make_sessionmaker(engine).begin() as session:
        save_article(session, "baobansao", record, now=WHEN)
        stored = session.scalars(select(Article)).one()
        kept = session.scalars(select(ArticleSignature.signature)).one()
        computed = story_signature(record)
        assert computed is not None
        assert (from_bytes(kept) == computed).all()
        again = story_signature(stored)
        assert again is not None
        assert (again == computed).all()
    engine.dispose()


def test_the_importer_computes_no_signature_and_the_stories_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = ReplicaSite(articles=6)
    sites = tmp_path / "sites.toml"
    sites.write_text(site.registry_toml(BASE), "utf-8")
    warc = WarcBuilder(tmp_path / "capture.warc.gz")
    for page in replica_pages(site, BASE, at=WHEN):
        warc.response(page)
    warc.close()

    def not_here(*_: object) -> None:
        raise AssertionError("the saving process computed a story signature")

    # the workers are other processes (spawned): only this, the saving one, is patched
    monkeypatch.setattr(storage.stories, "signature", not_here)
    database = tmp_path / "archive.db"
    engine = open_archive(f"sqlite:///{database}")
    with ExtractionPool(1) as pool:
        importer = Importer(make_sessionmaker(engine), load_registry(sites), pool)
        importer.run(file_source(tmp_path / "capture.warc.gz"))
    engine.dispose()
    articles = len(list(site.public_articles()))
    assert importer.counts.outcomes["new"] == articles
    with sqlite3.connect(database) as connection:
        indexed = connection.execute("SELECT count(*) FROM article_signatures").fetchone()[0]
        storied = connection.execute(
            "SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
        ).fetchone()[0]
    connection.close()
    assert indexed == storied == articles
