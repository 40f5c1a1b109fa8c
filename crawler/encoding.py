"""The text of a page when its server names the wrong charset.

Two mistakes are common on Vietnamese sites: UTF-8 pages served as ISO-8859-1/windows-1252 (a
web server's default), and old windows-1258 pages served as UTF-8. Both would store mojibake
("Cáº§n ThÆ¡") or replacement characters; the bytes themselves tell which encoding is right.
"""

from __future__ import annotations

import re
import unicodedata

from scrapy.http import TextResponse

_UTF8 = {"utf-8", "utf8", "utf_8"}
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ]")
_REPLACEMENTS = 3  # a few U+FFFD may be genuine; more mean a wrong decoder


def page_text(response: TextResponse) -> tuple[str, str]:
    """(the page's text, a note saying what was corrected, "" when nothing was)."""
    declared = (response.encoding or "").lower()
    body = response.body
    if declared not in _UTF8 and any(byte >= 0x80 for byte in body):
        try:
            return body.decode("utf-8"), f"UTF-8 page served as {declared}"
        except UnicodeDecodeError:
            pass
    text = response.text
    if declared in _UTF8 and text.count("\ufffd") > _REPLACEMENTS:
        try:
            legacy = unicodedata.normalize("NFC", body.decode("cp1258"))
        except UnicodeDecodeError:
            return text, ""
        if _VIETNAMESE.search(legacy):
            return legacy, f"windows-1258 page served as {declared}"
    return text, ""
