"""The reader's ASGI application: routes, templates, security headers, one session a request.

Routes map to small view functions (reader/lists.py, articles.py, search.py, health.py); all
SQL goes through storage. The engine is handed in and should be read-only
(`storage.existing.open_read_only`); the views only read. Every page is server-rendered HTML
that works without JavaScript: the Content-Security-Policy allows no script at all, styles
only from the app's own stylesheet, no frames, forms only to the app itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reader import articles, health, lists, search
from reader.context import Reader, reader_of
from reader.directory import Directory

HERE = Path(__file__).parent
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "interest-cohort=()",
}


class SecurityHeaders:
    """Pure ASGI middleware: the security headers on every response, static files too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in SECURITY_HEADERS]  # fmt: skip
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Lỗi máy chủ"
    if status == 404 and detail in ("Not Found", ""):
        detail = "Không tìm thấy trang này."
    return reader_of(request).page(
        request, "error.html", status, status=status, detail=detail, title=f"Lỗi {status}"
    )


def create_app(
    engine: Engine, directory: Directory, *, clock: Callable[[], datetime] | None = None
) -> Starlette:
    """The reader over the archive of `engine` (open it read-only), naming papers and
    provinces from `directory`; `clock` gives "now" (tests pass a fixed one)."""
    routes = [
        Route("/", lists.home, name="home"),
        Route("/atom.xml", lists.home_feed, name="home_feed"),
        Route("/tinh", lists.provinces, name="provinces"),
        Route("/tinh/{slug}", lists.province, name="province"),
        Route("/tinh/{slug}/atom.xml", lists.province_feed, name="province_feed"),
        Route("/bao", lists.papers, name="papers"),
        Route("/bao/{key}", lists.paper, name="paper"),
        Route("/bao/{key}/atom.xml", lists.paper_feed, name="paper_feed"),
        Route("/tin/{story_id:int}", articles.story, name="story"),
        Route("/bai/{article_id:int}", articles.article, name="article"),
        Route("/tim", search.search_page, name="search"),
        Route("/tim/atom.xml", search.search_feed, name="search_feed"),
        Route("/suc-khoe", health.health, name="health"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _not_found, Exception: _not_found},
    )
    app.state.reader = Reader(engine, directory, clock)
    app.add_middleware(SecurityHeaders)
    return app
