"""Extraction speed of tinbao's `extract(html, url)` against bare `trafilatura.extract`.

Why: tinbao wraps trafilatura (it parses the tree once, reads metadata, layout, bylines and
dates around trafilatura's main text), so this shows what those layers cost per page on real
Vietnamese news pages, and whether extraction could ever be the bottleneck of a crawl.

The pages are read at run time from $TINBAO_CORPUS/vn/*/article.html (default
`<repo root>/../shared/corpus`); they are never copied into the repository.

    python -m bench.extraction_speed [--repeat 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import trafilatura

from crawler.extraction import extract

ROOT = Path(__file__).resolve().parents[1]
CORPUS_ENV = "TINBAO_CORPUS"
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_CANONICAL = re.compile(r"""\brel\s*=\s*["']?canonical\b""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str


@dataclass(frozen=True)
class PageResult:
    page: str
    url: str
    kilobytes: float
    tinbao_ms: float
    tinbao_median_ms: float
    trafilatura_ms: float
    trafilatura_median_ms: float


def corpus_dir() -> Path:
    """$TINBAO_CORPUS, else the shared corpus next to the repository."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured) if configured else ROOT.parent / "shared" / "corpus"


def page_url(html: str, domain: str) -> str:
    """The page's `<link rel="canonical">` when a regex finds it, else the site's home."""
    for tag in _LINK.findall(html):
        if _CANONICAL.search(tag):
            href = _HREF.search(tag)
            if href and href.group(1).startswith(("http://", "https://")):
                return href.group(1)
    return f"https://{domain}/"


def load_pages(corpus: Path) -> list[Page]:
    pages = []
    for path in sorted(corpus.glob("vn/*/article.html")):
        # The spider hands `response.text` (a str) to extract(); both extractors get the same.
        html = path.read_bytes().decode("utf-8", "replace")
        domain = path.parent.name
        pages.append(Page(domain, page_url(html, domain), html))
    return pages


def timings(function: Callable[[], object], repeat: int) -> list[float]:
    """Seconds per call, `repeat` calls after one warm-up call."""
    function()
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        result.append(time.perf_counter() - started)
    return result


def bench_page(page: Page, repeat: int) -> PageResult:
    ours = timings(lambda: extract(page.html, page.url), repeat)
    bare = timings(lambda: trafilatura.extract(page.html, url=page.url), repeat)
    return PageResult(
        page=page.name,
        url=page.url,
        kilobytes=round(len(page.html.encode("utf-8")) / 1024, 1),
        tinbao_ms=statistics.fmean(ours) * 1000,
        tinbao_median_ms=statistics.median(ours) * 1000,
        trafilatura_ms=statistics.fmean(bare) * 1000,
        trafilatura_median_ms=statistics.median(bare) * 1000,
    )


def summary(results: list[PageResult]) -> dict[str, float]:
    ours = sum(r.tinbao_ms for r in results) / 1000
    bare = sum(r.trafilatura_ms for r in results) / 1000
    return {
        "pages": len(results),
        "tinbao_pages_per_s": len(results) / ours,
        "trafilatura_pages_per_s": len(results) / bare,
        "time_ratio_tinbao_over_trafilatura": ours / bare,
    }


def print_table(results: list[PageResult], totals: dict[str, float], repeat: int) -> None:
    print(f"mean of {repeat} runs after 1 warm-up, per page (median in brackets)\n")
    header = (
        f"{'page':<20} {'KB':>6} {'tinbao ms/page':>22} {'trafilatura ms/page':>22} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        ours = f"{r.tinbao_ms:.1f} ({r.tinbao_median_ms:.1f})"
        bare = f"{r.trafilatura_ms:.1f} ({r.trafilatura_median_ms:.1f})"
        ratio = r.tinbao_ms / r.trafilatura_ms
        print(f"{r.page:<20} {r.kilobytes:>6.0f} {ours:>22} {bare:>22} {ratio:>6.2f}")
    print("-" * len(header))
    print(f"tinbao extract():       {totals['tinbao_pages_per_s']:7.1f} pages/s")
    print(f"trafilatura.extract():  {totals['trafilatura_pages_per_s']:7.1f} pages/s")
    print(
        f"ratio (tinbao time / trafilatura time): "
        f"{totals['time_ratio_tinbao_over_trafilatura']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per page (20)")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    corpus = corpus_dir()
    pages = load_pages(corpus) if corpus.is_dir() else []
    if not pages:
        sys.exit(
            f"no corpus pages at {corpus}/vn/*/article.html: set ${CORPUS_ENV} to the "
            "shared corpus folder (see shared/corpus/README.md)"
        )

    results = []
    for page in pages:
        if not args.json:
            print(f"  {page.name} ...", file=sys.stderr, flush=True)
        results.append(bench_page(page, args.repeat))
    totals = summary(results)
    if args.json:
        document = {
            "repeat": args.repeat,
            "corpus": str(corpus),
            "trafilatura": trafilatura.__version__,
            "python": sys.version.split()[0],
            "pages": [asdict(r) for r in results],
            "totals": totals,
        }
        json.dump(document, sys.stdout, indent=2)
        print()
    else:
        print_table(results, totals, args.repeat)


if __name__ == "__main__":
    main()
