"""The article text is capped: a page of megabytes of paragraphs (a broken CMS template, a
hostile site) gives an article of its first 500,000 characters, not of all of them.

Everything downstream holds the body more than once: the archive row and its search index, the
content hash, the shingles and signature of story grouping, each revision's diff. Real articles
are far below the cap (the longest in the corpus is under 60,000 characters); a body cut to it
is flagged `body_too_long`, for the crawl's error counts.
"""

from __future__ import annotations

MAX_BODY_CHARS = 500_000
BODY_TOO_LONG = "body_too_long"


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
