"""The list pages: home (the latest stories, one card each), a province's and a paper's latest
articles, the lists of provinces and papers, and the Atom feed of each list.

A card shows the article and "N báo đưa tin" with the papers that carried its story. Pages
follow one another by cursor (`?sau=<id>`: after that article), see storage/listing.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from reader import params
from reader.context import Reader, reader_of
from reader.directory import Directory, Province
from reader.feeds import atom_response
from storage.listing import Listed, cursor_after, latest, story_papers


@dataclass(frozen=True)
class Card:
    """One item of a list: the article and the papers (names) that carried its story."""

    article: Listed
    papers: tuple[str, ...]


def cards(session: Session, directory: Directory, items: Sequence[Listed]) -> list[Card]:
    carried = story_papers(session, [i.story_id for i in items if i.story_id is not None])
    found = []
    for item in items:
        sites = carried.get(item.story_id, [item.site]) if item.story_id is not None else []
        names = [directory.name(item.site)]
        names += [directory.name(s) for s in sites if s != item.site]
        found.append(Card(item, tuple(names)))
    return found


def _listing(
    request: Request, reader: Reader, sites: Sequence[str] | None, *, originals: bool, size: int
) -> tuple[list[Card], int | None]:
    """The cards of the page the request asks for, and the cursor of the next page."""
    after = params.article_id(request)
    with reader.session() as session:
        cursor = cursor_after(session, after) if after is not None else None
        if after is not None and cursor is None:
            raise HTTPException(400, "Không có bài viết này để xem tiếp sau nó.")
        items = latest(session, sites=sites, after=cursor, limit=size + 1, originals=originals)
        shown = cards(session, reader.directory, items[:size])
    following = items[size - 1].id if len(items) > size else None
    return shown, following


def home(request: Request) -> Response:
    reader = reader_of(request)
    shown, following = _listing(request, reader, None, originals=True, size=params.PAGE_SIZE)
    return reader.page(request, "home.html", cards=shown, following=following,
                       feed=request.app.url_path_for("home_feed"),
                       title="Tin mới nhất")  # fmt: skip


def home_feed(request: Request) -> Response:
    reader = reader_of(request)
    with reader.session() as session:
        items = latest(session, limit=params.FEED_SIZE, originals=True)
        return atom_response(request, session, reader.directory, [i.id for i in items],
                             name="moi-nhat", title="Tin mới nhất", now=reader.clock(),
                             page=str(request.url_for("home")))  # fmt: skip


def provinces(request: Request) -> Response:
    return reader_of(request).page(request, "provinces.html", title="Tỉnh, thành phố")


def _province(request: Request) -> tuple[Province, Response | None]:
    """The province of the path, or a redirect when the path names a former province."""
    directory = reader_of(request).directory
    found, former = directory.province(request.path_params["slug"])
    if found is None:
        raise HTTPException(404, "Không có tỉnh, thành phố này.")
    if former:
        name = "province_feed" if request.url.path.endswith(".xml") else "province"
        target = str(request.app.url_path_for(name, slug=found.slug))
        query = f"?{request.url.query}" if request.url.query else ""
        return found, RedirectResponse(target + query, status_code=301)
    return found, None


def province(request: Request) -> Response:
    found, redirect = _province(request)
    if redirect is not None:
        return redirect
    reader = reader_of(request)
    shown, following = _listing(request, reader, found.papers, originals=False,
                                size=params.PAGE_SIZE)  # fmt: skip
    return reader.page(request, "province.html", province=found, cards=shown, following=following,
                       feed=request.app.url_path_for("province_feed", slug=found.slug),
                       title=found.name)  # fmt: skip


def province_feed(request: Request) -> Response:
    found, redirect = _province(request)
    if redirect is not None:
        return redirect
    reader = reader_of(request)
    with reader.session() as session:
        items = latest(session, sites=found.papers, limit=params.FEED_SIZE)
        return atom_response(request, session, reader.directory, [i.id for i in items],
                             name=f"tinh/{found.slug}", title=found.name, now=reader.clock(),
                             page=str(request.url_for("province", slug=found.slug)))  # fmt: skip


def papers(request: Request) -> Response:
    return reader_of(request).page(request, "papers.html", title="Các báo")


def paper(request: Request) -> Response:
    reader = reader_of(request)
    key = request.path_params["key"]
    found = reader.directory.paper(key)
    if found is None:
        raise HTTPException(404, "Không có báo này.")
    shown, following = _listing(request, reader, [key], originals=False, size=params.PAGE_SIZE)
    successor = reader.directory.paper(found.moved_to) if found.moved_to else None
    return reader.page(request, "paper.html", paper=found, successor=successor, cards=shown,
                       following=following,
                       feed=request.app.url_path_for("paper_feed", key=key),
                       province=reader.directory.province_of(key), title=found.name)  # fmt: skip


def paper_feed(request: Request) -> Response:
    reader = reader_of(request)
    key = request.path_params["key"]
    found = reader.directory.paper(key)
    if found is None:
        raise HTTPException(404, "Không có báo này.")
    with reader.session() as session:
        items = latest(session, sites=[key], limit=params.FEED_SIZE)
        return atom_response(request, session, reader.directory, [i.id for i in items],
                             name=f"bao/{key}", title=found.name, now=reader.clock(),
                             page=str(request.url_for("paper", key=key)))  # fmt: skip
