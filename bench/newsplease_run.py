"""news-please's library mode over a list of article URLs, timed: run by bench/crawl_real.py with
the interpreter of a virtualenv that has news-please (never the project's: it is no dependency).

    /path/to/np-venv/bin/python bench/newsplease_run.py URLS_FILE

`NewsPlease.from_urls` downloads every URL (a thread each, `requests`, through `http_proxy`),
then extracts the pages in a process pool of one worker per core (newspaper4k, readability,
its date and language readers) and returns them; nothing is stored. Images are not fetched
(`fetch_images=False`), as tinbao fetches none. Prints one JSON line: URLs, articles with a
main text, seconds, and the seconds spent downloading. Imports nothing of tinbao.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    from newsplease import NewsPlease  # type: ignore[import-not-found]
    from newsplease.crawler.simple_crawler import SimpleCrawler  # type: ignore[import-not-found]

    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    urls = [line.strip() for line in lines if line.strip()]
    fetching = {"seconds": 0.0}
    fetch_urls = SimpleCrawler.fetch_urls

    def timed_fetch(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return fetch_urls(*args, **kwargs)
        finally:
            fetching["seconds"] += time.perf_counter() - started

    SimpleCrawler.fetch_urls = staticmethod(timed_fetch)
    started = time.perf_counter()
    articles = NewsPlease.from_urls(urls, request_args={"timeout": 60}, fetch_images=False)
    seconds = time.perf_counter() - started
    with_text = sum(1 for a in articles.values() if getattr(a, "maintext", None))
    print(json.dumps({"urls": len(urls), "articles": with_text, "seconds": seconds,
                      "fetch_seconds": fetching["seconds"]}))  # fmt: skip


if __name__ == "__main__":
    main()
