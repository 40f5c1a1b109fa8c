"""ARC files (the Internet Archive's format before WARC), read with warcio, which turns each
ARC record into a WARC response record. Only old files are ARC: speed matters less here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.importing.http import HttpPayloadError, parse_http_response
from crawler.importing.records import Capture, ScanCounts
from crawler.warc import warc_date


def arc_captures(
    stream: BinaryIO, wanted: Callable[[str], bool], counts: ScanCounts, *, max_body: int
) -> Iterator[Capture]:
    """The responses of an ARC file whose URL is `wanted`; a broken record ends the file
    (ARC has no marker to find the next one by), counted."""
    iterator = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in iterator:
            counts.records += 1
            if record.rec_type != "response":
                counts.not_responses += 1
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not wanted(url):
                counts.skipped += 1
                continue
            head = record.http_headers.to_bytes() if record.http_headers else b""
            block = head + record.raw_stream.read(max_body + 1)
            offset = iterator.get_record_offset()  # after the read: it reads the record to its end
            try:
                status, headers, body = parse_http_response(block, max_body=max_body)
            except HttpPayloadError:
                counts.broken += 1
                continue
            when = warc_date(record.rec_headers.get_header("WARC-Date") or "")
            yield Capture(url, status, headers, body, when, offset)
    except (ArchiveLoadFailed, OSError, ValueError, EOFError):
        counts.broken += 1
        counts.records += 1
