"""Reading web archive files: only the wanted responses come out, everything else is counted,
and no broken input stops the reading (crawler/importing/records.py)."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.importing.http import HttpPayloadError, parse_http_response
from crawler.importing.records import Capture, ScanCounts, captures
from crawler.importing.remote import RangeReader
from tests.replica.warcs import Page, WarcBuilder, other_host_pages
from tests.replica.web_archive import FileServer

AT = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


def wanted(url: str) -> bool:
    return url.startswith("https://baobansao.vn/")


def page(n: int, **kwargs: object) -> Page:
    body = f"<html><body><h1>Bài {n}</h1><p>Nội dung {n}</p></body></html>".encode()
    return Page(f"https://baobansao.vn/bai-{n}-a{n}.html", body, captured_at=AT, **kwargs)  # type: ignore[arg-type]


def read(path: Path, start: int = 0) -> tuple[list[Capture], ScanCounts]:
    counts = ScanCounts()
    with path.open("rb") as stream:
        found = list(captures(stream, wanted, counts, start=start))
    return found, counts


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_only_wanted_responses_come_out_and_the_rest_is_counted(
    tmp_path: Path, gzipped: bool
) -> None:
    path = tmp_path / ("a.warc.gz" if gzipped else "a.warc")
    warc = WarcBuilder(path, gzipped=gzipped)
    offsets = []
    for n, other in zip(range(5), other_host_pages(5), strict=True):
        offsets.append(warc.response(page(n)))
        warc.response(other)
        warc.request(page(n).url)
    warc.revisit(page(0).url)
    warc.close()
    found, counts = read(path)
    assert [c.url for c in found] == [page(n).url for n in range(5)]
    assert [c.offset for c in found] == offsets
    assert all(c.status == 200 and c.captured_at == AT for c in found)
    assert found[2].body == page(2).body
    assert (counts.records, counts.skipped, counts.not_responses, counts.revisits) == (16, 5, 5, 1)
    assert counts.broken == 0


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_broken_record_is_counted_and_reading_goes_on(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / "broken.warc.gz"
    warc = WarcBuilder(path, gzipped=gzipped)
    warc.response(page(1))
    warc.raw(b"WARC/9.9 garbage\r\nno: header\r\n\r\n" + b"\xff" * 300)
    warc.response(page(2))
    warc.response(page(3))
    warc.close(truncate_last=40)  # the file ends inside the last record
    found, counts = read(path)
    assert [c.url for c in found] == [page(1).url, page(2).url]
    assert counts.broken == 2


def test_reading_starts_at_an_offset(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    warc = WarcBuilder(path)
    offsets = [warc.response(page(n)) for n in range(4)]
    warc.close()
    found, _ = read(path, start=offsets[2])
    assert [c.offset for c in found] == offsets[2:]


def test_chunked_and_gzipped_payloads_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    warc = WarcBuilder(path)
    warc.response(page(1, encoding="gzip,chunked"))
    warc.response(page(2, encoding="chunked"))
    warc.close()
    found, counts = read(path)
    assert [c.body for c in found] == [page(1).body, page(2).body]
    assert not any(name.lower() in ("content-encoding", "transfer-encoding")
                   for c in found for name, _ in c.headers)  # fmt: skip
    assert counts.broken == 0


def test_a_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + bomb
    with pytest.raises(HttpPayloadError, match="over"):
        parse_http_response(block, max_body=10 * 1024 * 1024)


def test_an_arc_file_is_read(tmp_path: Path) -> None:
    """ARC v1, as the Internet Archive wrote before WARC: a filedesc record, then one header
    line per record (URL, IP, date, type, length) and the HTTP response."""
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page(7).body
    filedesc_body = b"1 0 tinbao\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = (b"filedesc://test.arc 0.0.0.0 20050301083000 text/plain %d\n" % len(filedesc_body)
                + filedesc_body + b"\n")  # fmt: skip
    record = b"%s 1.2.3.4 20050301083000 text/html %d\n" % (page(7).url.encode(), len(http))
    other = b"https://other.example/x.html 1.2.3.4 20050301083000 text/html %d\n" % len(http)
    members = [filedesc, record + http + b"\n", other + http + b"\n"]
    path = tmp_path / "old.arc.gz"  # one gzip member per record, as archives write them
    path.write_bytes(b"".join(gzip.compress(member) for member in members))
    found, counts = read(path)
    assert [c.url for c in found] == [page(7).url]
    assert found[0].body == page(7).body
    assert found[0].captured_at == datetime(2005, 3, 1, 8, 30, tzinfo=UTC)
    assert counts.skipped == 1


def test_a_remote_file_is_read_with_range_requests(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    (tmp_path / "f.bin").write_bytes(data)
    with FileServer(tmp_path) as server:
        reader = io.BufferedReader(RangeReader(f"{server.url}/f.bin"), buffer_size=1000)
        assert reader.read(10) == data[:10]
        reader.seek(20_000)
        assert reader.read() == data[20_000:]
        assert server.requests[-1] == ("/f.bin", "bytes=20000-")
