"""What every view of the reader needs: sessions on the archive, the directory of papers and
provinces, the templates (autoescaped, strict about missing values) and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from reader import formatting
from reader.directory import Directory

HERE = Path(__file__).parent


class Reader:
    """What every view needs: sessions on the archive, the directory, templates, the clock."""

    def __init__(
        self, engine: Engine, directory: Directory, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.directory = directory
        self.clock = clock or (lambda: datetime.now(UTC))
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.filters["vntime"] = formatting.vietnam_time
        environment.filters["isotime"] = formatting.iso_time
        environment.globals["safe_href"] = formatting.safe_href
        environment.globals["directory"] = directory
        environment.globals["url_for"] = _path_for
        self.templates = Jinja2Templates(env=environment)

    def session(self) -> Session:
        return self.sessions()

    def page(self, request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def reader_of(request: Request) -> Reader:
    found: Reader = request.app.state.reader
    return found


@jinja2.pass_context
def _path_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """A route's path ("/bai/7"), not an absolute URL: the pages work behind any proxy."""
    request: Request = context["request"]
    return str(request.app.url_path_for(name, **path_params))
