"""Folding Vietnamese for search: what a query typed without tone marks must still find.

"Đà Nẵng", "ĐÀ NẴNG" and "da nang" fold to the same "da nang"; so do "đá nặng" (a heavy stone)
and "Dà Nang", which is why search ranks an exact match of a query typed with diacritics first
(`exact_words`). `fold` is the one definition; the SQL sides follow it: SQLite's FTS5 tokenizer
`unicode61 remove_diacritics 2` folds case and marks (only đ/Đ are replaced before indexing,
they have no decomposition); PostgreSQL's `tinbao_fold()` decomposes (NFD), drops the
`marks()`, replaces the letters of `translation()` and lowercases, and a test checks both
against `fold`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cache

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")

# The Latin letters (Latin-1, Latin Extended-A/B, Latin Extended Additional: all of Vietnamese);
# those that no decomposition folds are what PostgreSQL's translate() needs.
_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def fold(text: str) -> str:
    """NFC, lowercase, đ -> d, combining marks dropped, runs of white space as one space."""
    lowered = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    bare = "".join(c for c in unicodedata.normalize("NFD", lowered) if not _is_mark(c))
    return _SPACE.sub(" ", unicodedata.normalize("NFC", bare)).strip()


def words(text: str) -> list[str]:
    """The folded words of `text`, as the search index sees them ("Đà-Nẵng!" -> da, nang)."""
    return _WORD.findall(fold(text))


def has_diacritics(text: str) -> bool:
    """True when folding changes more than case: the user typed tone marks or đ."""
    return fold(text) != _SPACE.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def exact_words(text: str) -> list[str]:
    """The words of `text` in lowercase NFC, marks kept: what an exact match must contain."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def translation() -> tuple[str, str]:
    """(from, to) for SQL `translate()`: the Latin letters that no decomposition folds (đ, Đ,
    Ø, Æ...; "ầ" is "a" and two marks) and whose fold is one other letter. Only these: the cost
    of PostgreSQL's translate() grows with the length of `from` for every character of a text."""
    source, target = [], []
    for start, end in _LATIN_RANGES:
        for code in range(start, end + 1):
            char = chr(code)
            folded = fold(char)
            decomposes = unicodedata.normalize("NFD", char) != char
            if len(folded) == 1 and folded != char and not decomposes and not char.isascii():
                source.append(char)
                target.append(folded)
    return "".join(source), "".join(target)


@cache
def marks() -> str:
    """The combining marks `fold` drops (category Mn), as a regular expression's bracket
    expression of \\u/\\U escapes, for PostgreSQL: "[\\u0300-\\u036f...]"."""
    return _bracket(c for c in range(sys.maxunicode + 1) if _is_mark(chr(c)))


@cache
def spaces(*, but_space: bool = False) -> str:
    """The characters `fold` treats as white space (Python's \\s), as a bracket expression;
    `but_space`: all but the space itself."""
    skip = " " if but_space else ""
    return _bracket(
        c for c in range(sys.maxunicode + 1) if _SPACE.fullmatch(chr(c)) and chr(c) != skip
    )


def _bracket(codes: Iterable[int]) -> str:
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) == "Mn"
