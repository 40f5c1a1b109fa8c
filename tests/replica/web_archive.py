"""Local replicas of the web archives tinbao imports from, on 127.0.0.1: Common Crawl's file
server (any file of a folder, with Range requests, as data.commoncrawl.org answers) and the
Wayback Machine (the CDX API with resume keys, and raw `id_` captures)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tests.replica.threaded import QuietHandler, ThreadedServer


class FileServer(ThreadedServer):
    """Serves the files under `root`; `Range: bytes=N-` gets 206 from offset N."""

    def __init__(self, root: Path):
        self.root = root
        self.requests: list[tuple[str, str]] = []  # (path, range)
        super().__init__(self._handler())

    def _handler(self) -> type[QuietHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                path = server.root / unquote(urlsplit(self.path).path).lstrip("/")
                wanted = self.headers.get("Range", "")
                server.requests.append((self.path, wanted))
                if not path.is_file() or server.root not in path.resolve().parents:
                    self.reply(404, {}, b"not found")
                    return
                data = path.read_bytes()
                if wanted.startswith("bytes="):
                    start = int(wanted.removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.reply(416, {}, b"")
                        return
                    self.reply(206, {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"},
                               data[start:])  # fmt: skip
                    return
                self.reply(200, {"Content-Type": "application/octet-stream"}, data)

        return Handler


@dataclass
class Wayback:
    """Captures by URL: (timestamp, html). `page_size` rows per CDX answer; `fail_first`
    captures answer 503 with Retry-After once before they are served."""

    captures: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    page_size: int = 3
    fail_first: set[str] = field(default_factory=set)
    fetched: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rows(self) -> list[tuple[str, str]]:
        """Every (timestamp, url), sorted as the CDX server sorts (by URL, then time)."""
        return sorted((ts, url) for url, found in self.captures.items() for ts, _ in found)


class WaybackServer(ThreadedServer):
    def __init__(self, wayback: Wayback):
        self.wayback = wayback
        super().__init__(self._handler())

    @property
    def cdx_url(self) -> str:
        return f"{self.url}/cdx/search/cdx"

    @property
    def web_url(self) -> str:
        return f"{self.url}/web/"

    def _handler(self) -> type[QuietHandler]:
        wayback = self.wayback

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/cdx/search/cdx":
                    self._cdx(parse_qs(parts.query))
                elif parts.path.startswith("/web/"):
                    self._capture(self.path.removeprefix("/web/"))
                else:
                    self.reply(404, {}, b"")

            def _cdx(self, query: dict[str, list[str]]) -> None:
                rows = sorted(wayback.rows(), key=lambda r: (r[1], r[0]))
                start = int(query.get("resumeKey", ["0"])[0])
                size = min(int(query.get("limit", ["1000"])[0]), wayback.page_size)
                page = rows[start : start + size]
                answer: list[list[str]] = [["timestamp", "original"]]
                answer += [[ts, url] for ts, url in page]
                if start + size < len(rows):
                    answer += [[], [str(start + size)]]
                self.reply(200, {"Content-Type": "application/json"}, json.dumps(answer).encode())

            def _capture(self, rest: str) -> None:
                stamp, _, url = rest.partition("id_/")
                with wayback.lock:
                    wayback.fetched.append(url)
                    if url in wayback.fail_first:
                        wayback.fail_first.discard(url)
                        self.reply(503, {"Retry-After": "0"}, b"busy")
                        return
                for ts, html in wayback.captures.get(url, []):
                    if ts == stamp:
                        self.reply(200, {"Content-Type": "text/html; charset=utf-8"}, html)
                        return
                self.reply(404, {}, b"")

        return Handler
