"""`tinbao import` speed: articles/s against the machine's extraction limit, and the rate at
which records of other hosts are skipped.

Why: an import is CPU-bound; what it can reach is every core running bare trafilatura on the
records. This builds, once (kept in bench/results/), two gzipped WARC files of about
`--size-mb` each from the real article pages of $TINBAO_CORPUS/vn (each page made distinct by
a numbered sentence; never copied into the repository):

- `articles.warc.gz`: every record an article of a registry site (a bench entry, bench-news.vn);
- `others.warc.gz`: every record of another host (what most of a CC-NEWS file is).

Then, side by side in one run: bare `trafilatura.extract` on a sample of the same bodies in one
process (the limit is cores x that rate), `tinbao import` of the first file into a new SQLite
archive (articles/s, fraction of the limit, CPU/wall, peak RSS of the importer and of its
workers) and of the second (compressed MB/s).

    python -m bench.import_speed [--size-mb 1024] [--workers N] [--sample 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CORPUS = Path(os.environ.get("TINBAO_CORPUS", ROOT.parent / "shared" / "corpus"))
SITES = """[sites.bench]
name = "Báo Đo Tốc Độ"
home = "https://bench-news.vn/"
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"
interval = "1d"
"""


def corpus_pages() -> list[bytes]:
    pages = sorted((CORPUS / "vn").glob("*/article*.html"))
    if not pages:
        sys.exit(f"no corpus pages under {CORPUS / 'vn'}: set TINBAO_CORPUS")
    return [p.read_bytes() for p in pages]


def distinct(page: bytes, n: int) -> bytes:
    return page.replace(b"<p>", f"<p>Bản tin số {n} của trang đo tốc độ. ".encode(), 1)


def build(path: Path, size_mb: int, *, articles: bool) -> int:
    """Write the WARC (unless it is there); its record count."""
    marker = path.with_suffix(".count")
    if path.exists() and marker.exists():
        return int(marker.read_text())
    pages = corpus_pages()
    rng = random.Random(7)
    count = 0
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        while stream.tell() < size_mb * 1024 * 1024:
            body = distinct(rng.choice(pages), count)
            host = "bench-news.vn" if articles else f"other{count % 500}.example.org"
            url = f"https://{host}/tin-so-{count}-a{count}.html"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")  # fmt: skip
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http)  # fmt: skip
            writer.write_record(record)
            count += 1
    marker.write_text(str(count))
    return count


def bare_rate(sample: int, repeat: int) -> float:
    """Pages/s of bare trafilatura.extract in this process, median over `repeat` passes."""
    import trafilatura

    pages = corpus_pages()
    bodies = [distinct(pages[i % len(pages)], i).decode("utf-8", "replace") for i in range(sample)]
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        for n, html in enumerate(bodies):
            trafilatura.extract(html, url=f"https://bench-news.vn/tin-so-{n}-a{n}.html")
        rates.append(sample / (time.perf_counter() - started))
    return statistics.median(rates)


def run_import(path: Path, workers: int) -> dict[str, float]:
    """`tinbao import` of `path` into a new archive, in a subprocess: wall, CPU, peak RSS."""
    with tempfile.TemporaryDirectory() as folder:
        sites = Path(folder) / "sites.toml"
        sites.write_text(SITES, "utf-8")
        environment = {**os.environ, "TINBAO_SITES": str(sites), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-c", "import sys; from scheduler.cli import main; "
                   "sys.exit(main())", "--database-url", f"sqlite:///{folder}/a.db", "import",
                   "--workers", str(workers), str(path)]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_mb": after.ru_maxrss / 1024, "summary": done.stdout}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    articles = RESULTS / f"articles-{options.size_mb}mb.warc.gz"
    others = RESULTS / f"others-{options.size_mb}mb.warc.gz"
    print(f"building {articles.name} and {others.name} (once)...", flush=True)
    count = build(articles, options.size_mb, articles=True)
    build(others, options.size_mb, articles=False)
    cores = options.workers
    rates, fractions = [], []
    for run in range(options.repeat):
        bare = bare_rate(options.sample, 1)
        measured = run_import(articles, cores)
        rate = count / measured["wall"]
        limit = cores * bare
        rates.append(rate)
        fractions.append(rate / limit)
        wall, cpu = measured["wall"], measured["cpu"]
        print(f"run {run + 1}: bare trafilatura {bare:.1f} pages/s x {cores} = limit "
              f"{limit:.1f}/s; import {count} articles in {wall:.1f}s = {rate:.1f}/s "
              f"= {rate / limit:.2f} of the limit; CPU/wall {cpu / wall:.2f}, "
              f"peak RSS of one process {measured['rss_mb']:.0f} MB", flush=True)  # fmt: skip
    print(f"import: median {statistics.median(rates):.1f} articles/s, "
          f"{statistics.median(fractions):.2f} of the limit "
          f"(range {min(fractions):.2f}-{max(fractions):.2f})")  # fmt: skip
    size = others.stat().st_size / 1e6
    skips = []
    for _ in range(options.repeat):
        measured = run_import(others, cores)
        skips.append(size / measured["wall"])
    print(f"other hosts skipped: median {statistics.median(skips):.0f} MB/s compressed "
          f"(range {min(skips):.0f}-{max(skips):.0f}; {size:.0f} MB, "
          "start-up included)")  # fmt: skip


if __name__ == "__main__":
    main()
