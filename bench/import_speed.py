"""`tinbao import` speed: articles/s against the machine's extraction limit, and the rate at
which records of other hosts are skipped.

Why: an import is CPU-bound; what it can reach is every core running bare trafilatura on the
records. This builds, once (kept in bench/results/), two gzipped WARC files of about
`--size-mb` each from the real article pages of $TINBAO_CORPUS/vn (each page made distinct by
shuffling its paragraphs' words, tests/replica/real.py's `vary`; never copied into the
repository):

- `articles.warc.gz`: every record an article of a registry site (a bench entry, bench-news.vn);
- `others.warc.gz`: every record of another host (what most of a CC-NEWS file is).

Then, side by side in one run: bare `trafilatura.extract` on a sample of the same bodies in one
process (the limit is cores x that rate), and `tinbao import` of the first file into a new
SQLite archive: articles/s and its fraction of the limit in wall time, and, since the machine
is shared and wall time follows its load, the load-independent figure too: the CPU seconds of
the import's whole process tree (importer and workers, bench/process_tree.py) per article
against bare trafilatura's CPU per page, i.e. the share of the limit it would reach on cores of
its own (bench/limit.py, as bench/crawl_real.py reports it). For the second file (its size
`--others-mb`, default `--size-mb`): the scan alone in this process (`captures()` with the
import's filter: MB/s compressed, time to the first record), and `tinbao import` of it with
its start-up (an import of a three-record file, same round) subtracted. `--compare TREE`
imports with another checkout's tinbao too, in the same rounds (before/after side by side).

    python -m bench.import_speed [--size-mb 1024] [--others-mb N] [--workers N] [--sample 200]
        [--repeat 3] [--skip-only] [--compare OTHER_SOURCE_TREE ...]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.ceiling import Ceiling
from bench.limit import cores, cpu_line, cpu_share
from bench.process_tree import TreeRun, run_sampled
from tests.replica.real import vary

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
    """The page with its paragraphs' words shuffled (seed `n`): a text of its own, so that
    neither the content hash nor the stories join the copies (an import of new articles). A
    sentence added to the first `<p>` was not enough: on many pages that paragraph is not in
    the extracted text, and 300 of 504 records were saved as duplicates."""
    return vary(page, n)


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
        while stream.tell() < size_mb * 1024 * 1024 or count < 3:
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


def sample_bodies(sample: int) -> list[tuple[str, str]]:
    """(html, url) of `sample` records like those of the articles file, for bare trafilatura."""
    pages = corpus_pages()
    return [(distinct(pages[i % len(pages)], i).decode("utf-8", "replace"),
             f"https://bench-news.vn/tin-so-{i}-a{i}.html") for i in range(sample)]  # fmt: skip


def run_import(path: Path, workers: int, tree: Path = ROOT) -> TreeRun:
    """`tinbao import` of `path` into a new archive, in a subprocess, its process tree sampled;
    the tinbao of the source `tree` (this one, or another checkout to compare with)."""
    with tempfile.TemporaryDirectory() as folder:
        sites = Path(folder) / "sites.toml"
        sites.write_text(SITES, "utf-8")
        environment = {**os.environ, "TINBAO_SITES": str(sites), "PYTHONPATH": str(tree)}
        command = [sys.executable, "-c", "import sys; from scheduler.cli import main; "
                   "sys.exit(main())", "--database-url", f"sqlite:///{folder}/a.db", "import",
                   "--workers", str(workers), str(path)]  # fmt: skip
        done = run_sampled(command, environment, cwd=tree)  # `-c` puts the cwd first
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def scan_rate(path: Path) -> tuple[float, float, float, int]:
    """The scan alone, in this process (no start-up): (MB/s compressed, CPU/wall, seconds to
    the first record, records) of reading `path` with the import's own filter."""
    from crawler.importing.records import ScanCounts, captures
    from crawler.importing.sites import SiteMatcher
    from crawler.registry import load_registry

    with tempfile.TemporaryDirectory() as folder:
        sites = Path(folder) / "sites.toml"
        sites.write_text(SITES, "utf-8")
        matcher = SiteMatcher.of(load_registry(sites))
    counts = ScanCounts()
    first: float | None = None
    started, cpu = time.perf_counter(), time.process_time()

    def seen(url: str) -> bool:
        nonlocal first
        if first is None:
            first = time.perf_counter() - started
        return matcher.article_site(url) is not None

    with path.open("rb") as stream:
        kept = sum(1 for _ in captures(stream, seen, counts))
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    if kept:
        sys.exit(f"{path.name}: {kept} records of the bench site among the others")
    return path.stat().st_size / 1e6 / wall, used / wall, first or 0.0, counts.records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="the articles file")
    parser.add_argument("--others-mb", type=int, help="the others file (default: --size-mb)")
    parser.add_argument("--workers", type=int, default=cores())
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-only", action="store_true", help="only the others file")
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="TREE",
                        help="also import with the tinbao of this source tree, each round "
                        "(e.g. `git archive main | tar -x -C /tmp/before`)")  # fmt: skip
    options = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    others_mb = options.others_mb or options.size_mb
    articles = RESULTS / f"articles-{options.size_mb}mb-v2.warc.gz"
    others = RESULTS / f"others-{others_mb}mb.warc.gz"
    empty = RESULTS / "others-start.warc.gz"  # a few records: what an import costs to start
    print(f"building {articles.name}, {others.name} and {empty.name} (once)...", flush=True)
    count = 0 if options.skip_only else build(articles, options.size_mb, articles=True)
    starter = RESULTS / "articles-start-v2.warc.gz"  # three articles: start-up, pool spawned
    build(starter, 0, articles=True)
    build(others, others_mb, articles=False)
    build(empty, 0, articles=False)
    print(f"cores {cores()}, workers {options.workers}; load average "
          f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    if not options.skip_only:
        measure_import(articles, count, starter, options)
    measure_skip(others, empty, options)


def measure_import(articles: Path, count: int, starter: Path, options: argparse.Namespace) -> None:
    """Each round: bare trafilatura, then an import with each tree (this one, then --compare),
    and an import of three articles with it: the start-up (the interpreter, the imports, the
    pool's workers spawned) is seconds of CPU, which a 30 MB file spreads over only 500
    articles; subtracted, what remains is the CPU an article costs in a long import."""
    bodies = sample_bodies(options.sample)
    cores_ = options.workers
    trees = [ROOT, *options.compare]
    rates: dict[Path, list[float]] = {tree: [] for tree in trees}
    fractions: dict[Path, list[float]] = {tree: [] for tree in trees}
    shares: dict[Path, list[float]] = {tree: [] for tree in trees}
    mains: dict[Path, list[float]] = {tree: [] for tree in trees}
    steady: dict[Path, list[float]] = {tree: [] for tree in trees}
    steady_mains: dict[Path, list[float]] = {tree: [] for tree in trees}
    for run in range(options.repeat):
        ceiling = Ceiling.measure(bodies)
        bare_rate, bare_cpu = ceiling.bare_rate, ceiling.bare_cpu
        limit = cores_ * bare_rate
        print(f"run {run + 1}: {ceiling.line(cores_)}", flush=True)
        for tree in trees:
            load = os.getloadavg()[0]
            measured = run_import(articles, cores_, tree)
            rate = count / measured.wall
            rates[tree].append(rate)
            fractions[tree].append(rate / limit)
            shares[tree].append(cpu_share(bare_cpu, measured.cpu / count))
            mains[tree].append(1000 * measured.main_cpu / count)
            print(f"  {tree}: {count} articles in {measured.wall:.1f}s = {rate:.1f}/s = "
                  f"{rate / limit:.2f} of the limit; CPU/wall "
                  f"{measured.cpu / measured.wall:.2f}, peak RSS of the tree "
                  f"{measured.peak_rss_mb:.0f} MB; load {load:.1f}", flush=True)  # fmt: skip
            print(cpu_line("    ", measured.cpu, measured.main_cpu, count, bare_cpu), flush=True)
            print(f"    {ceiling.shares(rate, measured.cpu / count, cores_)}", flush=True)
            start = run_import(starter, cores_, tree)
            more = count - 3
            cpu, main_cpu = measured.cpu - start.cpu, measured.main_cpu - start.main_cpu
            steady[tree].append(cpu_share(bare_cpu, cpu / more))
            steady_mains[tree].append(1000 * main_cpu / more)
            print(cpu_line(f"    start-up subtracted ({start.cpu:.1f} s CPU): ", cpu, main_cpu,
                           more, bare_cpu), flush=True)  # fmt: skip
            steady_rate = per_second(more, measured.wall - start.wall)
            print(f"    start-up subtracted: {ceiling.shares(steady_rate, cpu / more, cores_)}",
                  flush=True)  # fmt: skip
    for tree in trees:
        print(f"import ({tree}): median {statistics.median(rates[tree]):.1f} articles/s, "
              f"{_median_range(fractions[tree])} of the limit in wall time; in CPU "
              f"{_median_range(shares[tree])}; main process {_median_range(mains[tree], 1)} ms "
              f"CPU an article; start-up subtracted: {_median_range(steady[tree])} of the limit "
              f"in CPU, main process {_median_range(steady_mains[tree], 1)} ms")  # fmt: skip


def _median_range(values: list[float], digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f} (range {min(values):.{digits}f}-"
            f"{max(values):.{digits}f})")  # fmt: skip


def per_second(amount: float, seconds: float) -> float:
    """`amount` / `seconds`; NaN when the start-up subtracted left no time (a small file on a
    loaded machine: its start-up varies by more than its scan)."""
    return amount / seconds if seconds > 0 else float("nan")


def measure_skip(others: Path, empty: Path, options: argparse.Namespace) -> None:
    size = others.stat().st_size / 1e6
    scans, per_cpu, imports = [], [], []
    for run in range(options.repeat):
        rate, busy, first, records = scan_rate(others)
        start = run_import(empty, options.workers)
        measured = run_import(others, options.workers)
        net = per_second(size, measured.wall - start.wall)
        net_cpu = per_second(size, measured.main_cpu - start.main_cpu)
        scans.append(rate)
        per_cpu.append(rate / busy)
        imports.append(net)
        print(
            f"run {run + 1}: scan alone {rate:.0f} MB/s compressed, {rate / busy:.0f} MB a "
            f"CPU second ({records:,} records, "
            f"CPU/wall {busy:.2f}, first record after {1000 * first:.0f} ms); tinbao import "
            f"{measured.wall:.1f} s, of which start-up {start.wall:.1f} s (an import of "
            f"{empty.name}): {net:.0f} MB/s, {net_cpu:.0f} MB a CPU second of its main "
            f"process; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(
        f"other hosts skipped ({size:.0f} MB): scan {statistics.median(scans):.0f} MB/s "
        f"(range {min(scans):.0f}-{max(scans):.0f}), {statistics.median(per_cpu):.0f} MB a "
        f"CPU second (range {min(per_cpu):.0f}-{max(per_cpu):.0f}); import without its start-up "
        f"{statistics.median(imports):.0f} MB/s (range {min(imports):.0f}-{max(imports):.0f})"
    )


if __name__ == "__main__":
    main()
