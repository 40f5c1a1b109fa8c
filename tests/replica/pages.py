"""The bits of HTML and HTTP every replica CMS family renders with."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def page(title: str, body: str, head: str = "") -> str:
    """A whole UTF-8 HTML document in Vietnamese."""
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>"
    )


def reply(content: str, content_type: str) -> Reply:
    return Reply(200, content.encode("utf-8"), {"Content-Type": content_type})


def html(content: str) -> Reply:
    return reply(content, "text/html; charset=utf-8")


def xml(content: str) -> Reply:
    return reply(content, "application/xml; charset=utf-8")
