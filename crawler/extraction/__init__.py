"""Extraction: `extract(html, url, hints=None) -> Article`, pure, tested on plain strings.

`extract` is loaded on first use, so that the registry can check a site's `Hints` without
importing trafilatura.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.extraction.article import Article, Image
from crawler.extraction.hints import HintError, Hints, parse_hints

if TYPE_CHECKING:
    from crawler.extraction.compose import extract

# Bump when a change can give a stored page a different Article, so that re-extraction can
# tell which articles an older extractor made: <year>.<month>.<n-th version that month>.
EXTRACTOR_VERSION = "2026.12.2"

__all__ = ["EXTRACTOR_VERSION", "Article", "HintError", "Hints", "Image", "extract", "parse_hints"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from crawler.extraction.compose import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
