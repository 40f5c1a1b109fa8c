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

from sqlalchemy import Integer, column, select, text
from sqlalchemy.orm import Session

from storage.models import CrawlRun, UTCDateTime

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
    """One row per site of `sites`, by site key, in two statements whatever their number:
    per site one index probe for its newest article and one for its last crawl, over the
    sites as one parameter (an array; JSON on SQLite), planned once; then those crawls. A
    statement per site, or a UNION ALL of them, spends more in planning than in reading."""
    keys = sorted(set(sites))
    if not keys:
        return []
    sites_param: object
    if session.get_bind().dialect.name == "postgresql":
        source, value, sites_param = "unnest(CAST(:sites AS text[])) AS s(site)", "s.site", keys
    else:
        source, value, sites_param = "json_each(:sites) AS s", "s.value", json.dumps(keys)
    statement = text(
        f"SELECT {value} AS site, (SELECT max(published_at) FROM articles "
        f"WHERE site = {value}) AS newest, (SELECT id FROM crawl_runs WHERE site = {value} "
        f"ORDER BY started_at DESC, id DESC LIMIT 1) AS run_id FROM {source}"
    ).columns(column("site"), column("newest", UTCDateTime()), column("run_id", Integer))
    found = session.execute(statement, {"sites": sites_param}).all()
    ids = [row.run_id for row in found if row.run_id is not None]
    runs = {run.id: run for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(ids)))}
    rows = []
    for row in sorted(found, key=lambda r: r.site):
        run = runs.get(row.run_id) if row.run_id is not None else None
        rows.append(SiteHealth(row.site, row.newest, run, dropped_items(run)))
    return rows
