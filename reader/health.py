"""The operators' page: each site's last crawl, its status and errors, extraction health and
newest article, with the paper's status from the registry (storage/site_health.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from reader.context import reader_of
from storage.site_health import site_health


def health(request: Request) -> Response:
    reader = reader_of(request)
    with reader.session() as session:
        rows = site_health(session, reader.directory.papers)
    failing = sum(1 for r in rows if r.last_run is not None and r.last_run.status != "finished")
    return reader.page(request, "health.html", rows=rows, failing=failing, now=reader.clock(),
                       title="Tình trạng thu thập")  # fmt: skip
