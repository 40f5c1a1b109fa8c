"""The search page and its feed: the ranking of `tinbao search` (storage.search_articles),
with its filters (province, paper, Vietnam days), paginated.

Page n is the n-th PAGE_SIZE of the best n x PAGE_SIZE results, so the pages together are
exactly `tinbao search --limit N`; the ranking reads at most 500 candidates, hence MAX_PAGES.
A saved search is its feed URL: /tim/atom.xml with the same parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from reader import params
from reader.context import Reader, reader_of
from reader.feeds import atom_response
from storage.search import SearchHit, search_articles
from storage.search_query import QueryError


@dataclass(frozen=True)
class Asked:
    """What a search request asks for, checked and bounded."""

    query: str
    province: str
    paper: str
    since_text: str
    until_text: str
    sites: tuple[str, ...] | None
    since: datetime | None
    until: datetime | None

    def link(self, **changes: object) -> str:
        """The query string of this search with `changes` (a page number, say)."""
        values = {"q": self.query, "tinh": self.province, "bao": self.paper,
                  "tu": self.since_text, "den": self.until_text} | changes  # fmt: skip
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def asked(request: Request, reader: Reader) -> Asked:
    query = params.text(request, "q", params.MAX_QUERY)
    province_slug, paper = params.text(request, "tinh"), params.text(request, "bao")
    sites: tuple[str, ...] | None = None
    if province_slug:
        province, _ = reader.directory.province(province_slug)
        if province is None:
            raise HTTPException(400, "Không có tỉnh, thành phố này.")
        sites = province.papers
    if paper:
        if reader.directory.paper(paper) is None:
            raise HTTPException(400, "Không có báo này.")
        sites = (paper,) if sites is None else tuple(s for s in sites if s == paper)
    since, until = params.day(request, "tu"), params.day(request, "den", end=True)
    if since is not None and until is not None and since >= until:
        raise HTTPException(400, "Ngày bắt đầu phải trước ngày kết thúc.")
    return Asked(query, province_slug, paper, params.text(request, "tu"),
                 params.text(request, "den"), sites, since, until)  # fmt: skip


def _hits(reader: Reader, wanted: Asked, limit: int) -> tuple[list[SearchHit], str]:
    """The best `limit` hits, or none and the reason the query cannot be understood."""
    if not wanted.query:
        return [], ""
    with reader.session() as session:
        try:
            hits = search_articles(session, wanted.query, now=reader.clock(), sites=wanted.sites,
                                   since=wanted.since, until=wanted.until,
                                   limit=limit)  # fmt: skip
        except QueryError:
            return [], "Không hiểu câu tìm kiếm: hãy gõ vài từ, cụm từ đặt trong ngoặc kép."
    return hits, ""


def search_page(request: Request) -> Response:
    reader = reader_of(request)
    wanted = asked(request, reader)
    number = params.page_number(request)
    hits, problem = _hits(reader, wanted, number * params.PAGE_SIZE + 1)
    shown = hits[(number - 1) * params.PAGE_SIZE : number * params.PAGE_SIZE]
    more = len(hits) > number * params.PAGE_SIZE and number < params.MAX_PAGES
    status = 400 if problem else 200
    return reader.page(request, "search.html", status, asked=wanted, hits=shown,
                       page=number, more=more, problem=problem, title="Tìm kiếm",
                       feed=f"{request.app.url_path_for('search_feed')}?{wanted.link()}"
                       if wanted.query else None)  # fmt: skip


def search_feed(request: Request) -> Response:
    reader = reader_of(request)
    wanted = asked(request, reader)
    if not wanted.query:
        raise HTTPException(400, "Bảng tin tìm kiếm cần từ khóa (?q=...).")
    hits, problem = _hits(reader, wanted, params.FEED_SIZE)
    if problem:
        raise HTTPException(400, problem)
    with reader.session() as session:
        return atom_response(request, session, reader.directory, [h.id for h in hits],
                             name=f"tim?{wanted.link()}", title=f"Tìm “{wanted.query}”",
                             now=reader.clock(),
                             page=f"{request.url_for('search')}?{wanted.link()}")  # fmt: skip
