"""Serve a ReplicaSite on 127.0.0.1 (a free port) and log every request it receives."""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Generic, Protocol, TypeVar

from tests.replica.faults import Fault, gzip_bomb
from tests.replica.pages import Reply
from tests.replica.threaded import QuietHandler, ThreadedServer


class Servable(Protocol):
    """A replica site: anything that answers a request target (ReplicaSite, other CMS families)."""

    def respond(self, target: str, base_url: str) -> Reply: ...


@dataclass(frozen=True)
class RequestLog:
    method: str
    host: str
    target: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


SiteT = TypeVar("SiteT", bound=Servable)


class ReplicaServer(ThreadedServer, Generic[SiteT]):
    """`with ReplicaServer(site) as server:` serves `site` at `server.base_url` in a thread.

    Every 200 reply carries an ETag (a hash of its body) and a request that sends it back in
    If-None-Match gets 304 Not Modified, as a well-configured news site answers. `latency`
    seconds pass before each reply; `peak_in_flight` is the most requests it was answering at
    once (the concurrency a crawl put on the site)."""

    def __init__(
        self,
        site: SiteT,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        etags: bool = True,
        faults: dict[str, Fault] | None = None,
        latency: float = 0.0,
    ):
        self.site = site  # replace it between crawls to publish, edit or delete articles
        self.etags = etags
        self.faults = faults or {}  # request target -> what goes wrong (tests/replica/faults.py)
        self.requests: list[RequestLog] = []
        self.latency = latency
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        super().__init__(self._handler(), host, port)

    @property
    def base_url(self) -> str:
        return self.url

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                log = RequestLog("GET", self.headers.get("Host", ""), self.path, dict(self.headers))
                with server._lock:
                    server.requests.append(log)
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                try:
                    if server.latency:
                        time.sleep(server.latency)
                    self.answer()
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def answer(self) -> None:
                fault = server.faults.get(self.path)
                if fault is not None and fault.applies() and self.misbehave(fault):
                    return
                reply = server.site.respond(self.path, server.base_url)
                headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                if server.etags and reply.status == 200:
                    etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
                    headers["ETag"] = etag
                    if self.headers.get("If-None-Match") == etag:
                        self.reply(304, {"ETag": etag}, b"")
                        return
                self.reply(reply.status, headers, reply.body)

            def misbehave(self, fault: Fault) -> bool:
                """Apply `fault`; False when the page is to be served after all (a delay)."""
                if fault.kind == "timeout":
                    time.sleep(fault.delay)
                    return False
                if fault.kind == "reset":
                    linger = struct.pack("ii", 1, 0)  # close with RST, not FIN
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.close_connection = True
                    return True
                if fault.kind == "redirect":
                    location = fault.location.replace("{base}", server.base_url)
                    self.reply(fault.status if fault.status in (301, 302, 307, 308) else 302,
                               {"Location": location}, b"")  # fmt: skip
                    return True
                if fault.kind == "gzip_bomb":
                    headers = {
                        "Content-Type": "text/html; charset=utf-8",
                        "Content-Encoding": "gzip",
                    }
                    self.reply(200, headers, gzip_bomb())
                    return True
                status = 200 if fault.kind == "body" else fault.status
                self.reply(status, {"Content-Type": "text/html", **fault.headers}, fault.body)
                return True

        return Handler
