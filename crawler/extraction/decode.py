"""Bytes to text for pages handed to `extract` undecoded, legacy Vietnamese charsets included.

Valid UTF-8 is taken as UTF-8 whatever the page declares (servers and templates often declare
ISO-8859-1 by default). Otherwise the charset the page declares in its first bytes wins over
guessing: a guess can take windows-1258 for windows-1252 and turn every tone mark into a
symbol. windows-1258 writes tones as combining marks ("a" + U+0301), so the text is made NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARED = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_page(data: bytes) -> str | None:
    """The page's text; None when neither UTF-8 nor a declared charset decodes it. Text in a
    legacy charset comes out NFC; UTF-8 text as written (`text.clean` makes every field NFC)."""
    return _decode(data)


def declared_charset(data: bytes) -> str:
    """The charset named by a `<meta>` or XML declaration in the first 4 KB, "" when none."""
    head = data[:4096]
    match = _DECLARED.search(head) or _XML_DECLARED.search(head)
    if match is None:
        return ""
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    charset = declared_charset(data)
    if charset and charset not in ("utf-8", "utf-16", "utf-32"):
        try:
            return unicodedata.normalize("NFC", data.decode(charset))
        except UnicodeDecodeError:
            return None
    return None
