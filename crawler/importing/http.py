"""The HTTP response inside a WARC `response` record: status line, headers, and the body with
the transfer and content encodings undone (what a browser, and the spider, would read).

Archives store the bytes as they came over the wire, so a payload may be chunked and gzipped;
both are undone here, and the decoded body is bounded (a gzip bomb in an archive is as
dangerous as one on the web).
"""

from __future__ import annotations

import zlib

import brotli

DECODED = {"content-encoding", "transfer-encoding", "content-length"}


class HttpPayloadError(ValueError):
    """The record holds no readable HTTP response."""


def parse_http_response(block: bytes, *, max_body: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers without the encodings undone, body) of a response record's block."""
    end = block.find(b"\r\n\r\n")
    separator = 4
    if end < 0:
        end, separator = block.find(b"\n\n"), 2
    if end < 0:
        raise HttpPayloadError("no end of the HTTP headers")
    lines = block[:end].decode("latin-1").splitlines()
    if not lines or not lines[0].startswith("HTTP/"):
        raise HttpPayloadError("no HTTP status line")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise HttpPayloadError(f"bad status line {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    body = block[end + separator :]
    lowered = {name.lower(): value.lower() for name, value in headers}
    if "chunked" in lowered.get("transfer-encoding", ""):
        body = _unchunk(body)
    body = _decode(body, lowered.get("content-encoding", ""), max_body)
    kept = [(name, value) for name, value in headers if name.lower() not in DECODED]
    return int(parts[1]), kept, body


def _unchunk(data: bytes) -> bytes:
    """Undo chunked transfer encoding; a payload that is not really chunked is kept as is."""
    out, position = bytearray(), 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return bytes(out) if out else data
        size_text = data[position:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out) if out else data
        if size == 0:
            return bytes(out)
        start = line_end + 2
        out += data[start : start + size]
        position = start + size + 2


def _decode(body: bytes, encoding: str, max_body: int) -> bytes:
    if len(body) > max_body:
        raise HttpPayloadError(f"body over {max_body} bytes")
    encoding = encoding.strip()
    if encoding in ("", "identity"):
        return body
    try:
        if encoding in ("gzip", "x-gzip"):
            decoded = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, max_body + 1)
        elif encoding == "deflate":  # zlib-wrapped as the standard says, or raw as some send
            wbits = zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS
            decoded = zlib.decompressobj(wbits).decompress(body, max_body + 1)
        elif encoding == "br":
            decoded = brotli.Decompressor().process(body, output_buffer_limit=max_body + 1)
        else:
            raise HttpPayloadError(f"unknown content encoding {encoding!r}")
    except (zlib.error, brotli.error) as exc:
        raise HttpPayloadError(f"body cannot be decoded ({encoding}): {exc}") from exc
    if len(decoded) > max_body:
        raise HttpPayloadError(f"decoded body over {max_body} bytes")
    return decoded
