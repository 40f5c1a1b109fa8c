"""An import keeps its extraction pool fed while it saves (crawler/importing/ahead.py): the
saves of one batch and the extraction of the next overlap, instead of the workers waiting for
every transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.importing.ahead import ReadAhead
from crawler.importing.extract import Done
from crawler.importing.run import Importer
from crawler.importing.sources import file_source
from crawler.registry import load_registry
from storage import make_sessionmaker, open_archive
from tests.replica import ReplicaSite
from tests.replica.warcs import WarcBuilder, replica_pages

BASE = "https://baobansao.vn"
WAIT = 20.0  # a generous bound for what should happen at once; never a measure of speed


def test_items_come_in_order_and_an_error_where_it_was_met() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("record 5 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="record 5"), ReadAhead(items(), depth=2) as ahead:
        for item in ahead:
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]


def test_the_producer_runs_ahead_by_depth_and_stops_when_the_consumer_leaves() -> None:
    pulled: list[int] = []
    ahead_enough = threading.Event()

    def items() -> Iterator[int]:
        for n in range(1000):
            pulled.append(n)
            if n == 6:
                ahead_enough.set()
            yield n

    with ReadAhead(items(), depth=5) as ahead:
        assert next(ahead) == 0
        # while the consumer holds item 0, the producer fills the queue: items 1-5, and 6 waits
        assert ahead_enough.wait(WAIT)
    assert len(pulled) <= 8, pulled  # not the thousand: the producer stopped


class CountingPool:
    """A stand-in for the extraction pool: every page 'extracted' at once (as no article), and
    an event set when `enough` pages have been handed to it."""

    def __init__(self, enough: int):
        self.given = 0
        self.enough = threading.Event()
        self._threshold = enough

    def map(self, pages: Iterable[tuple[Any, Any, Any]]) -> Iterator[Done[Any]]:
        for item, _page, _hints in pages:
            self.given += 1
            if self.given >= self._threshold:
                self.enough.set()
            yield Done(item, "no article: a test page")


class SlowToSave(Importer):
    """An importer whose first save waits until the pool got a whole batch more pages: it
    ends as soon as the pool is fed while a transaction is open, and not before WAIT if not."""

    overlapped: bool | None = None

    def save_one(self, *args: Any, **kwargs: Any) -> str | None:
        if self.overlapped is None:
            assert isinstance(self.pool, CountingPool)
            self.overlapped = self.pool.enough.wait(WAIT)
        return super().save_one(*args, **kwargs)


def test_the_pool_is_fed_while_a_batch_is_being_saved(tmp_path: Path) -> None:
    site = ReplicaSite(articles=12)
    sites = tmp_path / "sites.toml"
    sites.write_text(site.registry_toml(BASE), "utf-8")
    warc = WarcBuilder(tmp_path / "capture.warc.gz")
    for page in replica_pages(site, BASE, at=datetime(2025, 3, 1, tzinfo=UTC)):
        warc.response(page)
    warc.close()
    engine = open_archive(f"sqlite:///{tmp_path / 'archive.db'}")
    batch = 3
    pool = CountingPool(enough=2 * batch + 1)  # the first batch, and the whole next one
    importer = SlowToSave(make_sessionmaker(engine), load_registry(sites), pool,  # type: ignore[arg-type]
                          batch=batch, flush_seconds=60)  # fmt: skip
    importer.run(file_source(tmp_path / "capture.warc.gz"))
    engine.dispose()
    assert importer.overlapped, "no page reached the pool while the first batch was saved"
    assert pool.given == importer.counts.pages == len(list(site.public_articles()))
