"""The article page (the text as the paper published it, its source, its earlier revisions)
and the story page (who published it first, then every copy with its delay and a word diff
of its title and lead against the original's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from reader import formatting
from reader.context import reader_of
from storage.models import Article, Story
from storage.revisions import revisions
from storage.sightings import Sighting, sightings


def article(request: Request) -> Response:
    reader = reader_of(request)
    with reader.session() as session:
        found = session.get(Article, request.path_params["article_id"])
        if found is None:
            raise HTTPException(404, "Không có bài viết này trong kho lưu trữ.")
        earlier = revisions(session, found.id)
        places = sightings(session, found) if found.story_id is not None else []
    papers = len({place.site for place in places})
    return reader.page(
        request,
        "article.html",
        article=found,
        title=found.title,
        paper=reader.directory.paper(found.site),
        paper_name=reader.directory.name(found.site),
        blocks=formatting.blocks(found.body),
        authors=[a for a in (found.authors or "").split(", ") if a],
        tags=[t for t in (found.tags or "").split(", ") if t],
        revisions=[(r, formatting.word_diff(r.title, found.title)) for r in reversed(earlier)],
        papers=papers,
    )


@dataclass(frozen=True)
class Place:
    """A row of the story page."""

    sighting: Sighting
    paper: str
    delay: str
    title_diff: list[tuple[str, str]]
    lead_diff: list[tuple[str, str]]
    changed: bool


def story(request: Request) -> Response:
    reader = reader_of(request)
    with reader.session() as session:
        found = session.get(Story, request.path_params["story_id"])
        original = session.get(Article, found.original_id) if found and found.original_id else None
        if found is None or original is None:
            raise HTTPException(404, "Không có câu chuyện này trong kho lưu trữ.")
        places = sightings(session, original)
    first = places[0]
    rows = []
    for place in places[1:]:
        title_diff = formatting.word_diff(first.article.title, place.article.title)
        lead_diff = formatting.word_diff(first.article.lead or "", place.article.lead or "")
        rows.append(
            Place(
                place, reader.directory.name(place.site), _delay(place, first.published_at),
                title_diff, lead_diff,
                formatting.changed(title_diff) or formatting.changed(lead_diff),
            )
        )  # fmt: skip
    return reader.page(request, "story.html", story=found, original=first,
                       original_paper=reader.directory.name(first.site), copies=rows,
                       papers=len({p.site for p in places}), title=first.article.title)  # fmt: skip


def _delay(place: Sighting, original: datetime | None) -> str:
    return formatting.delay(place.published_at, original)
