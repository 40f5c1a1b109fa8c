"""Spider arguments into a crawl mode."""

from __future__ import annotations

import pytest

from crawler.modes import CrawlMode


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({}, CrawlMode(listing_pages=5)),
        ({"listing_pages": "20"}, CrawlMode(listing_pages=20)),
        ({"refresh": "1"}, CrawlMode(refresh=True, listing_pages=5)),
        ({"refresh": "no"}, CrawlMode(listing_pages=5)),
        ({"backfill": "1"}, CrawlMode(backfill=True, listing_pages=0)),
        ({"backfill": "restart"}, CrawlMode(backfill=True, restart=True, listing_pages=0)),
    ],
)
def test_arguments(arguments: dict[str, str], expected: CrawlMode) -> None:
    assert CrawlMode.from_arguments(arguments, listing_pages=5) == expected


def test_only_the_default_mode_is_incremental() -> None:
    assert CrawlMode().incremental
    assert not CrawlMode(refresh=True).incremental
    assert not CrawlMode(backfill=True).incremental
    assert CrawlMode(backfill=True).name == "backfill"
