"""How a crawl treats what the archive already has, from the spider's `-a` arguments.

incremental (default)  spare the site: skip known articles, ask conditionally, stop early
refresh=1              fetch known articles again, ask for everything unconditionally
backfill=1             every page of every section and every sitemap, resumably
backfill=restart       the same, forgetting an interrupted backfill first
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crawler.outcome import BadCrawlArgument

TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class CrawlMode:
    refresh: bool = False
    backfill: bool = False
    restart: bool = False
    listing_pages: int = 5  # pages of each section to walk; 0: no limit

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, object], *, listing_pages: int) -> CrawlMode:
        backfill = str(arguments.get("backfill", "")).strip().lower()
        is_backfill = backfill in TRUE or backfill == "restart"
        pages = str(arguments.get("listing_pages") or listing_pages).strip()
        if not pages.isdigit():
            raise BadCrawlArgument(f"-a listing_pages takes a whole number (0: no limit), not "
                                   f"{pages!r}")  # fmt: skip
        return cls(
            refresh=str(arguments.get("refresh", "")).strip().lower() in TRUE,
            backfill=is_backfill,
            restart=backfill == "restart",
            listing_pages=0 if is_backfill else int(pages),
        )

    @property
    def incremental(self) -> bool:
        """Whether to spare what the archive already has (feeds, sitemaps, listings)."""
        return not (self.refresh or self.backfill)

    @property
    def name(self) -> str:
        return "backfill" if self.backfill else "refresh" if self.refresh else "incremental"
