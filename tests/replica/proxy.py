"""A minimal forwarding HTTP proxy on 127.0.0.1 that logs what passes through it, to show that
crawls honour the standard http_proxy variable."""

from __future__ import annotations

import http.client
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.replica.threaded import QuietHandler, ThreadedServer

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te"}


class ForwardProxy(ThreadedServer):
    def __init__(self) -> None:
        self.urls: list[str] = []
        super().__init__(self._handler())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                proxy.urls.append(self.path)
                target = urlsplit(self.path)
                connection = http.client.HTTPConnection(target.netloc, timeout=10)
                path = target.path + (f"?{target.query}" if target.query else "")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection.request("GET", path or "/", headers=headers)
                upstream = connection.getresponse()
                body = upstream.read()
                connection.close()
                skip = _HOP_BY_HOP | {"content-length"}
                kept = {k: v for k, v in upstream.getheaders() if k.lower() not in skip}
                self.reply(upstream.status, kept, body)

        return Handler
