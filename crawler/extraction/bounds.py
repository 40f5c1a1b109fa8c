"""The article text is capped: a page of megabytes of paragraphs (a broken CMS template, a
hostile site) gives an article of its first 500,000 characters, not of all of them; and the page
is parsed only up to its first 4,000,000 characters, since the parse tree, not the text, is what
a big page costs (a 6.8 MB page took 27 s and 486 MB to extract; the largest real page in the
corpus is 1.5 MB). A page cut before parsing is flagged `page_too_large`.

Everything downstream holds the body more than once: the archive row and its search index, the
content hash, the shingles and signature of story grouping, each revision's diff. Real articles
are far below the cap (the longest in the corpus is under 60,000 characters); a body cut to it
is flagged `body_too_long`, for the crawl's error counts.
"""

from __future__ import annotations

MAX_BODY_CHARS = 500_000
BODY_TOO_LONG = "body_too_long"
MAX_PAGE_CHARS = 4_000_000
PAGE_TOO_LARGE = "page_too_large"


def bounded_page(html: str | bytes, limit: int = MAX_PAGE_CHARS) -> tuple[str | bytes, bool]:
    """The first `limit` characters (or bytes) of `html`, and whether any were left out. The
    HTML parser closes what the cut leaves open; bytes cut inside a character are dropped by
    the decoding."""
    if len(html) <= limit:
        return html, False
    return html[:limit], True


def bounded_lines(lines: list[str], limit: int = MAX_BODY_CHARS) -> tuple[list[str], bool]:
    """The first of `lines` whose text, joined by newlines, stays within `limit` characters
    (a single line longer than that is cut at its last space within it), and whether any of
    the text was left out."""
    kept: list[str] = []
    total = 0
    for line in lines:
        room = limit - total - (1 if kept else 0)
        if len(line) > room:
            head = line[:room]
            cut = head.rsplit(" ", 1)[0] if " " in head else head
            if cut and not kept:
                kept.append(cut)  # one giant paragraph: keep its beginning
            return kept, True
        kept.append(line)
        total += len(line) + (1 if len(kept) > 1 else 0)
    return kept, False
