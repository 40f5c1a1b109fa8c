"""Finding one article the way a reader names it: by its id, or by any URL it was met under,
in any spelling the archive treats as the same page.

The archive keeps the URLs it met (`articles.url`, `article_urls`) as they were cleaned when
stored; a reader pastes whatever the browser shows: a tracking parameter, a fragment, http for
https, `m.` or `www.`, an AMP path. The crawler's `url_key` says which spellings are one page;
storage does not import the crawler, so the caller passes it as `same_page`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl, CrawlRun

MAX_ID = 2**63 - 1  # the largest id either backend can hold
CANDIDATES = 200  # stored URLs sharing the page's last path segment, checked one by one


def parse_id(reference: str) -> int | None:
    """`reference` as an article id: ASCII digits within the range of ids; else None ("²" and
    "99999999999999999999999" are no ids, not errors)."""
    text = reference.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def find_article(
    session: Session, reference: str, same_page: Callable[[str], str] | None = None
) -> Article | None:
    """The article with id `reference`, else the one stored or met at that URL (its
    canonical URL, the URL it was fetched from, or a copy's: see `article_urls`), else, given
    `same_page` (a URL's key: equal for two spellings of one page), one met under another
    spelling of it."""
    reference = reference.strip()
    number = parse_id(reference)
    if number is not None:
        return session.get(Article, number)
    article = _at(session, reference)
    if article is not None or same_page is None or not urlsplit(reference).netloc:
        return article
    wanted = same_page(reference)
    segment = urlsplit(wanted if "://" in wanted else f"//{wanted}").path.rstrip("/")
    segment = segment.rsplit("/", 1)[-1]
    if not segment:
        return None
    for column in (Article.url, ArticleUrl.url):
        near = select(column).where(column.contains(segment, autoescape=True)).limit(CANDIDATES)
        for url in session.scalars(near):
            if same_page(url) == wanted:
                return _at(session, url)
    return None


def _at(session: Session, url: str) -> Article | None:
    found = select(ArticleUrl.article_id).where(ArticleUrl.url == url)
    return session.scalar(
        select(Article).where(or_(Article.url == url, Article.id.in_(found))).limit(1)
    )


def sites_in_archive(connection: Connection, keys: Iterable[str]) -> list[str]:
    """Those of `keys` that some article or crawl of the archive belongs to (a site that left
    the registry is still in the archive)."""
    found = []
    for key in keys:
        for column in (Article.site, CrawlRun.site):
            if connection.execute(select(column).where(column == key).limit(1)).first():
                found.append(key)
                break
    return found
