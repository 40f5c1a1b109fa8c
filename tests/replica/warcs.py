"""WARC files made in a test from replica pages, as another tool would have captured them: the
site's articles among pages of other hosts, with request, revisit and metadata records, and
optionally chunked or gzipped payloads, broken and truncated records."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.replica.site import ReplicaSite


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    status: int = 200
    captured_at: datetime | None = None
    encoding: str = ""  # "gzip" and/or "chunked"


class WarcBuilder:
    """Records appended one by one to a WARC file (one gzip member per record when `gzipped`)."""

    def __init__(self, path: Path, *, gzipped: bool = True):
        self.path = path
        self.stream = path.open("wb")
        self.writer = WARCWriter(self.stream, gzip=gzipped)
        self.gzipped = gzipped

    def response(self, page: Page) -> int:
        body, headers = page.body, [("Content-Type", "text/html; charset=utf-8")]
        if "gzip" in page.encoding:
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        if "chunked" in page.encoding:
            body = (
                b"".join(
                    b"%x\r\n%s\r\n" % (len(part), part)
                    for part in (body[i : i + 1000] for i in range(0, len(body), 1000))
                )
                + b"0\r\n\r\n"
            )
            headers.append(("Transfer-Encoding", "chunked"))
        http = StatusAndHeaders(f"{page.status} OK", headers, protocol="HTTP/1.1")
        warc_headers = {}
        if page.captured_at is not None:
            warc_headers["WARC-Date"] = page.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        record = self.writer.create_warc_record(
            page.url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=http, warc_headers_dict=warc_headers,
        )  # fmt: skip
        return self._write(record)

    def request(self, url: str) -> int:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        record = self.writer.create_warc_record(url, "request", http_headers=http)
        return self._write(record)

    def revisit(self, url: str) -> int:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url, digest="sha1:AAAA", refers_to_uri=url, refers_to_date="2025-01-01T00:00:00Z",
            http_headers=http,
        )  # fmt: skip
        return self._write(record)

    def raw(self, data: bytes) -> int:
        """Bytes that are no record (a broken one), compressed like the others."""
        offset = self.stream.tell()
        self.stream.write(gzip.compress(data) if self.gzipped else data)
        return offset

    def _write(self, record: object) -> int:
        offset = self.stream.tell()
        self.writer.write_record(record)
        return offset

    def close(self, *, truncate_last: int = 0) -> None:
        self.stream.close()
        if truncate_last:
            data = self.path.read_bytes()
            self.path.write_bytes(data[:-truncate_last])


def replica_pages(site: ReplicaSite, base_url: str, *, at: datetime) -> list[Page]:
    """Every public article of `site` as captured at `at` (one minute apart)."""
    return [
        Page(base_url + article.path, site.article_html(article, base_url).encode(),
             captured_at=at + timedelta(minutes=i))
        for i, article in enumerate(site.public_articles())
    ]  # fmt: skip


def other_host_pages(count: int) -> Iterable[Page]:
    for n in range(count):
        yield Page(f"https://other{n}.example.com/tin-a{n}.html",
                   f"<html><body><h1>Tin {n}</h1><p>x</p></body></html>".encode())  # fmt: skip
