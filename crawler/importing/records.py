"""The response records of a web archive file (WARC or ARC, gzipped or not), read as a stream.

Any tool's files are read: Common Crawl's, Heritrix's, `wget --warc-file`'s, browsertrix's,
tinbao's own. WARC files are read with FastWARC (2-3x faster than warcio here, see
docs/import.md); ARC files, which FastWARC does not read, with warcio.

Nothing is lost on bad input and nothing is fatal: a record whose header is broken or whose
block is truncated is counted as `broken` and the reading carries on at the next record it can
find (the next gzip member, or the next `WARC/1.` in an uncompressed file). Records of
other hosts are skipped on their WARC header alone: their HTTP part is never parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from crawler.importing.http import HttpPayloadError, parse_http_response
from crawler.warc import warc_date

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
ARC_MAGIC = b"filedesc://"
_SEARCH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Capture:
    """One HTTP response as an archive captured it, and where its record starts in the file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime
    offset: int


@dataclass
class ScanCounts:
    """What a scan met: `records` in all; of them `other_hosts` (not wanted), `not_responses`
    (requests, metadata, warcinfo...), `revisits` (no page of their own), `broken`."""

    records: int = 0
    skipped: int = 0
    not_responses: int = 0
    revisits: int = 0
    broken: int = 0


def captures(
    stream: BinaryIO,
    wanted: Callable[[str], bool],
    counts: ScanCounts,
    *,
    start: int = 0,
    max_body: int = 10 * 1024 * 1024,
) -> Iterator[Capture]:
    """The responses in `stream` from offset `start` whose target URL is `wanted`."""
    stream.seek(start)
    head = stream.read(len(ARC_MAGIC))
    stream.seek(start)
    if _is_arc(stream, head):
        from crawler.importing.arc import arc_captures  # warcio, only for the rare ARC file

        yield from arc_captures(stream, wanted, counts, max_body=max_body)
        return
    gzipped = head.startswith(GZIP_MAGIC)
    position, resumed = start, False
    while True:
        last: int | None = None
        try:
            for record in ArchiveIterator(stream, parse_http=False):
                last = record.stream_pos
                capture = _capture(record, wanted, counts, max_body)
                if capture is not None:
                    yield capture
            return
        except OSError:
            # A pass that resumed at a searched place and fails at once is still in the same
            # broken stretch (or the place was a false start): that stretch was counted.
            if last is not None or not resumed:
                counts.broken += 1
                counts.records += 1
        found = _next_record(stream, (position if last is None else last) + 1, gzipped)
        if found is None:
            return
        position = found
        stream.seek(position)
        resumed = True


def _capture(
    record: object, wanted: Callable[[str], bool], counts: ScanCounts, max_body: int
) -> Capture | None:
    counts.records += 1
    kind = record.record_type  # type: ignore[attr-defined]
    if kind == WarcRecordType.revisit:
        counts.revisits += 1
        return None
    if kind != WarcRecordType.response:
        counts.not_responses += 1
        return None
    url = (record.headers.get("WARC-Target-URI") or "").strip("<> ")  # type: ignore[attr-defined]
    if not wanted(url):
        counts.skipped += 1
        return None
    block = record.reader.read()  # type: ignore[attr-defined]
    if len(block) != record.content_length:  # type: ignore[attr-defined]
        counts.broken += 1  # truncated: the file ended inside this record
        return None
    try:
        status, headers, body = parse_http_response(block, max_body=max_body)
    except HttpPayloadError:
        counts.broken += 1
        return None
    when = record.headers.get("WARC-Date") or ""  # type: ignore[attr-defined]
    return Capture(url, status, headers, body, warc_date(when), record.stream_pos)  # type: ignore[attr-defined]


def _next_record(stream: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the next place a record may start, at or after `after`; None at the end."""
    magic = GZIP_MAGIC if gzipped else WARC_MAGIC  # a false start fails and is passed over
    stream.seek(after)
    base, carry = after, b""
    while True:
        chunk = stream.read(_SEARCH_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(magic)
        if found >= 0:
            return base - len(carry) + found
        carry = data[-len(magic) :]
        base += len(chunk)


def _is_arc(stream: BinaryIO, head: bytes) -> bool:
    """An ARC file starts with `filedesc://`, gzipped or not."""
    if head.startswith(ARC_MAGIC):
        return True
    if not head.startswith(GZIP_MAGIC):
        return False
    import zlib

    position = stream.tell()
    try:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return decoder.decompress(stream.read(4096)).startswith(ARC_MAGIC)
    except zlib.error:
        return False
    finally:
        stream.seek(position)
