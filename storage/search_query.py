"""What a user types into `tinbao search`, turned into terms the index can match safely.

The query language is small on purpose: words (all must appear) and "a phrase" in straight or
curly quotes. Every term is folded and rendered as a quoted FTS5 string or a quoted tsquery
lexeme, so FTS operators, stray quotes or brackets in the input can never change the query's
meaning or raise a syntax error from the database; what cannot be understood raises QueryError
with a message for the user. There is no prefix search (`nông*` searches "nông"): a prefix of a
common syllable merges the posting lists of every syllable it starts, 0.1 to 0.5 s on a
million articles, and folding already gives the leniency people need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.folding import exact_words, fold, words

MAX_TERMS = 32
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_CHUNK = re.compile(r'"([^"]*)"|([^\s"]+)')


class QueryError(ValueError):
    """A search query that cannot be understood; the message says why, for the user."""


@dataclass(frozen=True)
class Term:
    """One word, or one phrase (words that must be adjacent)."""

    words: tuple[str, ...]

    def fts5(self) -> str:
        return '"' + " ".join(self.words) + '"'

    def tsquery(self) -> str:
        return " <-> ".join(f"'{word}'" for word in self.words)


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms, and the words typed with diacritics (for exact matches)."""

    text: str
    terms: tuple[Term, ...]
    exact: tuple[str, ...]

    def fts5(self) -> str:
        """The FTS5 expression matching every term: '"da nang" "mua"'."""
        return " ".join(term.fts5() for term in self.terms)

    def tsquery(self) -> str:
        """The PostgreSQL tsquery text matching every term: "'da' <-> 'nang' & 'mua'"."""
        return " & ".join(f"({term.tsquery()})" for term in self.terms)

    def phrase(self) -> Term | None:
        """All words as one phrase, when the query has several plain words (ranks "Đà Nẵng"
        written together above "đã ... nâng"); None otherwise."""
        if len(self.terms) < 2 or any(len(t.words) > 1 for t in self.terms):
            return None
        return Term(tuple(w for t in self.terms for w in t.words))


def parse_query(text: str) -> Query:
    """Parse `text`; QueryError when it has an unclosed quote, no words, or too many terms."""
    normalized = text.translate(_QUOTES)
    if normalized.count('"') % 2:
        raise QueryError(f'could not understand the query {text!r}: a quote (") is not closed')
    terms: list[Term] = []
    for match in _CHUNK.finditer(normalized):
        quoted, bare = match.groups()
        found = words(quoted if quoted is not None else bare)
        if found:
            terms.append(Term(tuple(found)))
    if not terms:
        raise QueryError(f"could not understand the query {text!r}: it has no words to search for")
    if len(terms) > MAX_TERMS:
        raise QueryError(
            f"could not understand the query: {len(terms)} terms, at most {MAX_TERMS} please"
        )
    marked = [w for w in exact_words(normalized) if fold(w) != w]
    return Query(text=text, terms=tuple(dict.fromkeys(terms)), exact=tuple(dict.fromkeys(marked)))
