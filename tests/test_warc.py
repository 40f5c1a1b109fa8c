"""Raw pages in WARC files: written one gzip member per record, read back by offset."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.warc import RawPage, WarcFile, WarcRef, http_headers, read_page

WHEN = datetime(2026, 11, 23, 3, 0, 0, tzinfo=UTC)


def page(number: int) -> RawPage:
    body = f"<html><body><p>Bài số {number}: Thành phố Cần Thơ</p></body></html>".encode()
    return RawPage(f"https://baocantho.com.vn/bai-a{number}.html", 200,
                   [("Content-Type", "text/html; charset=utf-8")], body, WHEN)  # fmt: skip


def test_records_are_read_back_by_offset_in_any_order(tmp_path: Path) -> None:
    warc = WarcFile(tmp_path, "baocantho-1.warc.gz")
    refs = [warc.write(page(n)) for n in range(3)]
    warc.close()
    assert refs[0].offset == 0 and refs[0].offset < refs[1].offset < refs[2].offset
    for number in (2, 0, 1):
        assert read_page(tmp_path, refs[number]) == page(number)


def test_each_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    warc = WarcFile(tmp_path, "x.warc.gz")
    second = [warc.write(page(n)) for n in range(2)][1]
    warc.close()
    data = (tmp_path / "x.warc.gz").read_bytes()
    member = gzip.decompress(data[second.offset :])
    assert member.startswith(b"WARC/1.")
    assert b"WARC-Type: response" in member
    assert b"WARC-Target-URI: https://baocantho.com.vn/bai-a1.html" in member


def test_a_file_grows_across_writers(tmp_path: Path) -> None:
    first = WarcFile(tmp_path, "x.warc.gz")
    one = first.write(page(1))
    first.close()
    again = WarcFile(tmp_path, "x.warc.gz")
    two = again.write(page(2))
    again.close()
    assert read_page(tmp_path, one) == page(1) and read_page(tmp_path, two) == page(2)


def test_decoded_encodings_are_not_claimed() -> None:
    raw = {b"Content-Type": [b"text/html"], b"Content-Encoding": [b"gzip"],
           b"Transfer-Encoding": [b"chunked"], b"Set-Cookie": [b"a=1", b"b=2"]}  # fmt: skip
    assert http_headers(raw) == [("Content-Type", "text/html"), ("Set-Cookie", "a=1"),
                                 ("Set-Cookie", "b=2")]  # fmt: skip


def test_bytes_that_warcio_reads_as_a_record_of_no_page_are_refused(tmp_path: Path) -> None:
    """An offset in the middle of a gzip member can read as a "response" record whose target
    is binary garbage and whose body is empty; that is no stored page, not an empty one."""
    garbage = b"\x00\x02\x03uRMk\xdb@\x10"
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + garbage + b"\r\n"
        b"WARC-Date: 2026-11-05T01:00:00Z\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    )
    (tmp_path / "torn.warc").write_bytes(record)
    with pytest.raises(ValueError, match="no fetched page"):
        read_page(tmp_path, WarcRef("torn.warc", 0))


def test_records_are_not_compressed_at_the_slowest_level(tmp_path: Path) -> None:
    """Level 9 cost a real page as much time as its extraction for 0.5 % of disk: a member's
    gzip header says which level made it (XFL, byte 8: 2 is the slowest, 0 the middle ones)."""
    warc = WarcFile(tmp_path, "x.warc.gz")
    refs = [warc.write(page(n)) for n in range(2)]
    warc.close()
    data = (tmp_path / "x.warc.gz").read_bytes()
    assert [data[ref.offset : ref.offset + 2] for ref in refs] == [b"\x1f\x8b"] * 2
    assert [data[ref.offset + 8] for ref in refs] == [0, 0]
