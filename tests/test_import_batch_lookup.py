"""An import looks the URLs of a batch of captures up in the archive once, not once a page
(crawler/importing/run.py, storage/imports.py `stored_urls`); a page whose URL was stored
before, or earlier in the same batch, is still recognised."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from crawler.importing.extract import ExtractionPool
from crawler.importing.run import Importer
from crawler.importing.sources import file_source
from crawler.registry import load_registry
from storage import make_sessionmaker, open_archive
from tests.replica import ReplicaSite
from tests.replica.warcs import WarcBuilder, replica_pages

BASE = "https://baobansao.vn"
WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def test_a_batch_is_looked_up_once_and_repeats_are_still_known(tmp_path: Path) -> None:
    site = ReplicaSite(articles=8)
    sites = tmp_path / "sites.toml"
    sites.write_text(site.registry_toml(BASE), "utf-8")
    pages = replica_pages(site, BASE, at=WHEN)
    again = dataclasses.replace(pages[0], captured_at=WHEN - timedelta(days=1))
    earlier = tmp_path / "earlier.warc.gz"
    warc = WarcBuilder(earlier)
    warc.response(pages[1])
    warc.close()
    later = tmp_path / "later.warc.gz"
    warc = WarcBuilder(later)
    for page in [*pages, again]:  # page 1 is stored already; page 0 twice in the batch
        warc.response(page)
    warc.close()
    engine = open_archive(f"sqlite:///{tmp_path / 'archive.db'}")
    with ExtractionPool(1) as pool:
        Importer(make_sessionmaker(engine), load_registry(sites), pool).run(file_source(earlier))
        lookups: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT") and "FROM article_urls" in statement:
                lookups.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        importer = Importer(make_sessionmaker(engine), load_registry(sites), pool)
        importer.run(file_source(later))
    engine.dispose()
    articles = len(pages)
    # the batch's look-up, then one for each page whose URL it found or the batch stored
    assert len(lookups) == 1 + 2, lookups
    assert importer.counts.outcomes["new"] == articles - 1
    assert importer.counts.outcomes["unchanged"] == 2  # page 1 known; page 0's older capture
