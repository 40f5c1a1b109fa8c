"""Raw pages kept as they were fetched, in WARC files (ISO 28500), so that a better extractor
can run again over everything ever crawled, without fetching anything again.

One file per crawl, one gzip member per record: a record is read back by seeking to its
offset. The payload is the body Scrapy received (after transfer and content decoding, so the
Content-Encoding / Transfer-Encoding headers are left out of the stored HTTP headers).

Each member is compressed at zlib level 6, not warcio's 9: on real pages (100-500 KB) level 9
took as long as extracting the page (28 against 18 ms a page on the shared 2-core machine) for
0.5 % less disk, and it ran on the crawl's reactor (bench/README.md, `crawl_real`).
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_DECODED = {b"content-encoding", b"transfer-encoding", b"content-length"}
COMPRESSION_LEVEL = 6
# an http(s) address without control characters or spaces (some tools write IRIs unescaped)
_PAGE_URL = re.compile(r"https?://[^\x00-\x20\x7f-\x9f]+", re.IGNORECASE)


@dataclass(frozen=True)
class WarcRef:
    """Where one record is: a file name (relative to the WARC folder) and a byte offset."""

    file: str
    offset: int


@dataclass(frozen=True)
class RawPage:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


def warc_member(page: RawPage) -> bytes:
    """`page` as one response record, a gzip member of its own, ready to append. Pure, so that
    a crawl builds it in an extraction worker (crawler/middlewares/capture.py): building and
    compressing a real page was 5 ms of the crawl's own process a page (bench/README.md)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders(f"{page.status} -", page.headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        page.url,
        "response",
        payload=io.BytesIO(page.body),
        length=len(page.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": page.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)
    member = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return member.compress(buffer.getbuffer()) + member.flush()


class WarcFile:
    """Append response records to one gzipped WARC file."""

    def __init__(self, folder: Path, name: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self._stream: BinaryIO = (folder / name).open("ab")

    def write(self, page: RawPage) -> WarcRef:
        return self.append(warc_member(page))

    def append(self, member: bytes) -> WarcRef:
        """Append a record made by `warc_member` (flushed: on disk before it is referred to)."""
        offset = self._stream.tell()
        self._stream.write(member)
        self._stream.flush()
        return WarcRef(self.name, offset)

    def close(self) -> None:
        self._stream.close()


def warc_date(text: str) -> datetime:
    """A WARC-Date (UTC, to the second or finer, as WARC 1.1 allows); now when unreadable."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def http_headers(raw: dict[bytes, list[bytes]]) -> list[tuple[str, str]]:
    """Scrapy's headers as WARC wants them, without the encodings already undone."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in raw.items()
        if name.lower() not in _DECODED
        for value in values
    ]


def read_page(folder: Path, ref: WarcRef) -> RawPage:
    """The record at `ref`, as it was stored."""
    with (folder / ref.file).open("rb") as stream:
        stream.seek(ref.offset)
        # arc2warc: an imported ARC file's records read as WARC ones; content_stream undoes
        # the chunked and gzip encodings a page captured by another tool may still have
        record = next(iter(ArchiveIterator(stream, arc2warc=True)))
        body = record.content_stream().read()
        status = int((record.http_headers.get_statuscode() or "0") if record.http_headers else 0)
        headers = [
            (name, value)
            for name, value in (record.http_headers.headers if record.http_headers else [])
            if name.lower().encode("latin-1") not in _DECODED  # undone by content_stream
        ]
        when = record.rec_headers.get_header("WARC-Date") or ""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not _PAGE_URL.fullmatch(url):
        # warcio reads bytes from the middle of a gzip member as some record: an offset that
        # points nowhere must not become a page with a garbage address and no body
        raise ValueError(f"the record there is no fetched page (target {url[:60]!r})")
    return RawPage(url, status, headers, body, warc_date(when))
