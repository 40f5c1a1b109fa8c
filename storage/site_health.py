"""What the web reader's health page shows of each site: its last crawl, how it ended, its
errors, how well extraction went, and its newest article, read cheaply at any archive size.

"Newest article" is the latest publication time, one probe of `ix_articles_site_published_at`
per site; counting a site's articles would read its whole index range, so the page does not.
Extraction health is read from the last crawl's stats: the share of article pages that became
an article (stored, updated or a duplicate) rather than being dropped for a missing title or
body (`tinbao/items/dropped/...`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.daemon import latest_runs
from storage.models import Article, CrawlRun

DROPPED = "tinbao/items/dropped/"


@dataclass(frozen=True)
class SiteHealth:
    site: str
    newest: datetime | None
    last_run: CrawlRun | None
    dropped: int  # article pages of the last crawl that gave no article

    @property
    def extracted_share(self) -> float | None:
        """Of the last crawl's article pages, the share that gave an article (None: none)."""
        run = self.last_run
        if run is None:
            return None
        kept = run.articles_new + run.articles_updated + run.duplicates
        total = kept + self.dropped
        return kept / total if total else None


def dropped_items(run: CrawlRun | None) -> int:
    """How many items the crawl dropped for missing fields, from its stats JSON."""
    if run is None or not run.stats:
        return 0
    try:
        stats = json.loads(run.stats)
    except ValueError:
        return 0
    if not isinstance(stats, dict):
        return 0
    return sum(int(v) for k, v in stats.items() if k.startswith(DROPPED) and isinstance(v, int))


def site_health(session: Session, sites: Iterable[str]) -> list[SiteHealth]:
    """One row per site of `sites` and per site with a crawl, by site key."""
    runs = latest_runs(session)
    rows = []
    for site in sorted({*sites, *runs}):
        newest = session.scalar(select(func.max(Article.published_at)).where(Article.site == site))
        run = runs.get(site)
        rows.append(SiteHealth(site, newest, run, dropped_items(run)))
    return rows
