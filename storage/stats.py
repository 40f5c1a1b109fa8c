"""The archive's health at a glance: per site, how many articles, how fresh, how many gone, and
how its last crawl went (`tinbao stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, CrawlRun


@dataclass(frozen=True)
class SiteStats:
    site: str
    articles: int
    newest: datetime | None  # the latest publication time
    gone: int  # articles the site no longer serves (404/410)
    last_crawl: datetime | None  # when the last crawl started
    last_status: str | None
    last_errors: int | None
    last_new: int | None
    crawls: int


def site_stats(session: Session) -> list[SiteStats]:
    """One row per site that has articles or crawls, by site key."""
    per_site = select(Article.site, func.count(), func.max(Article.published_at))
    counted = {
        site: (n, newest) for site, n, newest in session.execute(per_site.group_by(Article.site))
    }
    gone_at = select(Article.site, func.count()).where(Article.gone_at.is_not(None))
    gone = {site: n for site, n in session.execute(gone_at.group_by(Article.site))}
    runs = select(CrawlRun.site, func.count()).group_by(CrawlRun.site)
    crawls = {site: n for site, n in session.execute(runs)}
    latest = (
        select(CrawlRun.site, func.max(CrawlRun.started_at).label("started_at"))
        .group_by(CrawlRun.site)
        .subquery()
    )
    run = aliased(CrawlRun)
    last = {
        r.site: r
        for r in session.scalars(
            select(run)
            .join(latest, and_(run.site == latest.c.site, run.started_at == latest.c.started_at))
            .order_by(run.id)
        )
    }
    rows = []
    for site in sorted({*counted, *crawls}):
        count, newest = counted.get(site, (0, None))
        crawl = last.get(site)
        rows.append(
            SiteStats(
                site=site, articles=count, newest=newest, gone=gone.get(site, 0),
                last_crawl=crawl.started_at if crawl else None,
                last_status=crawl.status if crawl else None,
                last_errors=crawl.errors if crawl else None,
                last_new=crawl.articles_new if crawl else None,
                crawls=crawls.get(site, 0),
            )
        )  # fmt: skip
    return rows
