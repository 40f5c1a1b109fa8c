"""Pages given to `extract` as bytes: UTF-8, legacy windows-1258 and mislabelled charsets all
come out as the same NFC text."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from crawler.extraction import extract
from crawler.extraction.decode import declared_charset

URL = "https://baothu.vn/cau-moi-a1.html"
TITLE = "Cần Thơ khánh thành cầu mới nối hai quận trung tâm"
BODY = (
    "Người dân hai bên bờ sông bày tỏ phấn khởi khi cầu được đưa vào sử dụng. Nhiều hộ kinh doanh "
    "kỳ vọng lượng khách qua lại sẽ tăng trong dịp Tết Nguyên đán sắp tới."
)
SECOND = (
    "Theo kế hoạch, thành phố sẽ tiếp tục đầu tư các tuyến đường kết nối với chân cầu trong năm "
    "2026. Sở Xây dựng được giao rà soát, đề xuất phương án tổ chức giao thông."
)
TONE_MARKS = set("\u0300\u0301\u0303\u0309\u0323")


def page(declaration: str) -> str:
    return (
        f"<html><head>{declaration}<title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
        f'<div class="content"><p>{BODY}</p><p>{SECOND}</p></div></body></html>'
    )


def windows_1258(text: str) -> bytes:
    """How a windows-1258 editor stores Vietnamese: base letters (â, ơ, ư...) as bytes of their
    own, tone marks as separate combining bytes."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            tones = "".join(c for c in parts if c in TONE_MARKS)
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def assert_right(html: str | bytes) -> None:
    article = extract(html, URL)
    assert article.title == TITLE
    assert article.body.split("\n") == [BODY, SECOND]
    for text in (article.title, article.body):
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="windows-1258">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
    ],
)
def test_windows_1258_bytes_declared_in_a_meta_charset(declaration: str) -> None:
    data = windows_1258(page(declaration))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\xcc" in data or b"\xec" in data or b"\xd2" in data  # combining tone bytes
    assert_right(data)


def test_utf8_bytes_declared_as_latin_1_are_read_as_utf8() -> None:
    assert_right(page('<meta charset="iso-8859-1">').encode("utf-8"))


def test_utf8_with_a_byte_order_mark() -> None:
    assert_right(codecs.BOM_UTF8 + page('<meta charset="utf-8">').encode("utf-8"))


def test_decomposed_text_comes_out_nfc() -> None:
    assert_right(unicodedata.normalize("NFD", page('<meta charset="utf-8">')))
    assert_right(unicodedata.normalize("NFD", page('<meta charset="utf-8">')).encode("utf-8"))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="windows-1258">', "cp1258"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>", "iso8859-1"),
        (b'<?xml version="1.0" encoding="utf-8"?>', "utf-8"),
        (b'<meta charset="no-such-charset">', ""),
        (b"<html>", ""),
    ],
)
def test_declared_charset(head: bytes, expected: str) -> None:
    assert declared_charset(head + b"<title>x</title>") == expected
