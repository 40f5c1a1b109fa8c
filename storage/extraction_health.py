"""Extraction health: how often each field comes out filled on a site, now against before.

A site's redesign rarely stops a crawl: pages still come and are still stored, but the lead,
the byline or the time of day no longer comes out. Each site is its own yardstick (some papers
never print a lead, others never a byline), so the fill rate of a field over the site's recent
articles is compared with the rate over the articles before them, and a field is flagged when
it fell by `Window.margin` (30 points) with enough articles on both sides to tell a change
from chance (at 30 articles a 30-point fall is three standard errors of a rate of 50%).

The windows go by `first_seen_at` (when tinbao met the page, the capture time for imported
pages), not by publication: a layout change hits every page fetched after it, old ones
included. Per site, the SQL reads the newest ids on an index, then sums their fields;
`fill_rates` gives the same rates for records in memory (a probe's sample articles), by the
same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.articles import ArticleFields
from storage.models import Article

VIETNAM = timezone(timedelta(hours=7))
# A body shorter than this is taken as cut short (a sapo or a caption read as the body); real
# provincial articles are 2,000-6,000 characters, a short news item about 600.
BODY_MIN_CHARS = 500
# a date-only stamp is kept as midnight in Vietnam: 17:00:00 UTC the day before
MIDNIGHT_UTC = "17:00:00"
FIELDS = ("title", "lead", "body", "authors", "time", "section")
FIELD_MEANINGS = {
    "title": "a headline",
    "lead": "a lead (sapo)",
    "body": f"a body of at least {BODY_MIN_CHARS} characters",
    "authors": "at least one author",
    "time": "a publication time of day (a date-only stamp reads as midnight UTC+7)",
    "section": "a section",
}


@dataclass(frozen=True)
class Window:
    """Which articles are "recent" and "before", and how big a fall is flagged.

    Recent: the site's newest `recent_articles` first seen within `recent_days`. Before: the
    articles ranked after them, back to the (`recent_articles` + `history_articles`)-th newest.
    """

    recent_articles: int = 200
    recent_days: float = 14
    history_articles: int = 1000
    min_recent: int = 30
    min_history: int = 100
    margin: float = 0.30


@dataclass(frozen=True)
class FillRates:
    """How many of `articles` had each field filled, and their mean body length."""

    articles: int = 0
    filled: Mapping[str, int] = field(default_factory=dict)
    body_chars: float = 0.0

    def rate(self, name: str) -> float | None:
        return self.filled.get(name, 0) / self.articles if self.articles else None

    def rates(self) -> dict[str, float | None]:
        return {name: self.rate(name) for name in FIELDS}

    def describe(self) -> str:
        """ "title 5/5, lead 4/5, ..." for a person."""
        return ", ".join(f"{n} {self.filled.get(n, 0)}/{self.articles}" for n in FIELDS)


@dataclass(frozen=True)
class Drop:
    field: str
    before: float
    now: float

    def __str__(self) -> str:
        return f"extraction: {self.field} {self.before:.0%} -> {self.now:.0%}"


@dataclass(frozen=True)
class SiteHealth:
    site: str
    recent: FillRates
    history: FillRates

    def drops(self, window: Window = Window()) -> list[Drop]:
        """The fields whose fill rate fell by the margin, with enough articles on both sides."""
        if self.recent.articles < window.min_recent or self.history.articles < window.min_history:
            return []
        found = []
        for name in FIELDS:
            before, now = self.history.rate(name), self.recent.rate(name)
            if before is not None and now is not None and before - now >= window.margin - 1e-9:
                found.append(Drop(name, before, now))
        return found


def filled(record: ArticleFields) -> dict[str, bool]:
    """Which health fields one extracted article has, by the rules the SQL applies."""
    published = record.published_at
    return {
        "title": bool(record.title.strip()),
        "lead": bool(record.lead.strip()),
        "body": len(record.body.strip()) >= BODY_MIN_CHARS,
        "authors": any(a.strip() for a in record.authors),
        "time": published is not None and published.astimezone(VIETNAM).time() != time(0),
        "section": bool(record.section.strip()),
    }


def fill_rates(records: Iterable[ArticleFields]) -> FillRates:
    """The fill rates of records in memory (a probe's samples)."""
    counts = dict.fromkeys(FIELDS, 0)
    total, chars = 0, 0
    for record in records:
        total += 1
        chars += len(record.body.strip())
        for name, present in filled(record).items():
            counts[name] += present
    return FillRates(total, counts, chars / total if total else 0.0)


def site_health(
    session: Session, sites: Iterable[str], now: datetime, window: Window = Window()
) -> dict[str, SiteHealth]:
    """Recent and earlier fill rates of each of `sites` (empty rates for a site without
    articles), a few indexed queries per site."""
    keys = list(dict.fromkeys(sites))
    since = now - timedelta(days=window.recent_days)
    flags = list(_flags(session).values())
    health = {}
    for key in keys:
        recent, history = _window_ids(session, key, since, window)
        health[key] = SiteHealth(
            key, _rates(session, recent, flags), _rates(session, history, flags)
        )
    return health


def _window_ids(
    session: Session, site: str, since: datetime, window: Window
) -> tuple[list[int], list[int]]:
    """The ids of the site's recent articles and of those before them: its newest by
    first_seen_at, read backwards on the (site, first_seen_at, id) index, so the cost follows
    the window, not the archive."""
    newest = session.execute(
        select(Article.id, Article.first_seen_at)
        .where(Article.site == site)
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(window.recent_articles + window.history_articles)
    ).all()
    recent: list[int] = []
    history: list[int] = []
    for rank, (article_id, first_seen_at) in enumerate(newest):
        seen = first_seen_at if first_seen_at.tzinfo else first_seen_at.replace(tzinfo=UTC)
        is_recent = rank < window.recent_articles and seen >= since
        (recent if is_recent else history).append(article_id)
    return recent, history


def _rates(session: Session, ids: list[int], flags: list[ColumnElement[int]]) -> FillRates:
    if not ids:
        return FillRates()
    count, chars, *counts = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(func.length(Article.body)), 0),
            *(func.coalesce(func.sum(flag), 0) for flag in flags),
        ).where(Article.id.in_(ids))
    ).one()
    filled = dict(zip(FIELDS, map(int, counts), strict=True))
    return FillRates(int(count), filled, int(chars) / int(count))


def _flags(session: Session) -> dict[str, ColumnElement[int]]:
    """One 0/1 expression per field, in FIELDS order. The archive keeps text stripped and an
    empty field NULL (storage.articles.article_values); the time of day needs the dialect's
    clock: stored UTC, so midnight in Vietnam is 17:00:00 UTC."""
    if session.get_bind().dialect.name == "postgresql":
        clock = func.to_char(func.timezone("UTC", Article.published_at), "HH24:MI:SS")
    else:  # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" in UTC
        clock = func.strftime("%H:%M:%S", Article.published_at)

    def some(column: InstrumentedAttribute[Any]) -> ColumnElement[int]:
        return case((func.coalesce(column, "") != "", 1), else_=0)

    timed = and_(Article.published_at.is_not(None), clock != MIDNIGHT_UTC)
    return {
        "title": some(Article.title),
        "lead": some(Article.lead),
        "body": case((func.length(Article.body) >= BODY_MIN_CHARS, 1), else_=0),
        "authors": some(Article.authors),
        "time": case((timed, 1), else_=0),
        "section": some(Article.section),
    }
