"""The content hash that recognises the same text under a second URL.

Only the words count: case, punctuation, quote styles and whitespace differ between copies of
one text (a CMS re-typesetting it, a paper republishing it), the words do not.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+")


def normalise_text(text: str) -> str:
    """NFC, case-folded words separated by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def content_hash(text: str) -> str:
    """Hex SHA-256 of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
