"""Atom feeds (RFC 4287) of the reader's lists: every list page has one, so a saved search or
a province is a feed URL. Entries are written by storage.atom, which escapes every text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from reader.directory import Directory
from storage.atom import Feed, write_atom
from storage.models import Article

ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_ID = "tag:tinbao,2026:reader"


def atom_response(
    request: Request,
    session: Session,
    directory: Directory,
    ids: Sequence[int],
    *,
    name: str,
    title: str,
    now: datetime,
    page: str = "",
) -> Response:
    """The feed `name` (a path-like part of its id: "tinh/can-tho") of articles `ids`, in
    that order; updated at the newest entry's time (`now` for an empty feed); `page` is the URL
    of the HTML page of the same list."""
    columns = [c for c in Article.__table__.columns if not c.name.startswith("warc")]
    found = {
        row["id"]: dict(row)
        for row in session.execute(select(*columns).where(Article.id.in_(list(ids)))).mappings()
    }
    rows = [found[i] for i in ids if i in found]
    times = [r["updated_at"] or r["published_at"] or r["first_seen_at"] for r in rows]
    feed = Feed(
        id=f"{FEED_ID}/{name}",
        title=f"{title} · tinbao",
        updated=max(times) if times else now,
        self_link=str(request.url),
        page_link=page,
    )
    papers = {key: paper.name for key, paper in directory.papers.items()}
    out = io.StringIO()
    write_atom(feed, rows, out, papers)
    return Response(out.getvalue(), media_type=ATOM_TYPE)
