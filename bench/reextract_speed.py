"""`tinbao reextract` speed: pages/s over kept real pages against the machine's extraction limit.

Why: re-extraction reads every kept raw page again, so it is CPU-bound, and what it can reach
is every core running bare `trafilatura.extract` on the same records (the limit: cores x its
rate in one process, measured in the same run); what a pipeline extracting with tinbao's
`extract()` can reach is cores x `extract()`'s rate (the ceiling, bench/ceiling.py). This
builds once, in bench/results/ (never in the repository), WARC files of real article pages
($TINBAO_CORPUS/vn, each one distinct: tests/replica/real.py's `vary`), 20,000 a file (one
site a file, so a larger run adds files to a smaller one's), and an archive where each is an
article that points at its record (made by the real `tinbao import` of the files), then runs
`tinbao reextract` over it `--repeat` times, each after bare trafilatura and `extract()` on a
sample of the same bodies, and prints pages/s, the shares of the limit and of the ceiling (wall
and CPU), CPU/wall and the peak RSS of its process tree (sampled from /proc). The extractor is
the one that stored the rows, so every article reads `unchanged` and needs no write;
`--stale` makes every row written (its version); `--inline` also times `--workers 0`.

    python -m bench.reextract_speed [--pages 100000] [--repeat 3] [--workers N] [--inline]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.ceiling import Ceiling
from bench.import_speed import SITES, corpus_pages
from bench.limit import cores, cpu_line
from bench.process_tree import TreeSampler
from crawler.warc import RawPage, WarcFile
from tests.replica.real import vary

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


CHUNK = 20_000  # pages a WARC file (and a site) of the build: a larger run adds files


def url(number: int) -> str:
    return f"https://{host(number // CHUNK)}/tin-so-{number}-a{number}.html"


def host(chunk: int) -> str:
    return "bench-news.vn" if chunk == 0 else f"bench-news-{chunk}.vn"


def site_key(chunk: int) -> str:
    return "bench" if chunk == 0 else f"bench{chunk}"


def chunks(pages: int) -> range:
    return range(max(1, -(-pages // CHUNK)))


def sites_toml(count: int) -> str:
    """The registry of the build: one site a chunk, each its own host."""
    entries = [SITES.replace("[sites.bench]", f"[sites.{site_key(k)}]")
               .replace("bench-news.vn", host(k)) for k in range(count)]  # fmt: skip
    return "\n".join(entries)


def folder_of(pages: int) -> Path:
    """Runs of fewer than CHUNK pages keep a folder each; larger ones share one, whose chunks
    are built once each, in order, so that a 100,000-page run adds 4 chunks to a 20,000's."""
    return RESULTS / (f"reextract-{pages}" if pages < CHUNK else "reextract-chunks")


def build(folder: Path, pages: int, workers: int) -> None:
    """The WARC files and the archive that imported them, unless a finished build is there:
    one file of up to CHUNK records a chunk, written as a crawl writes its own (crawler/warc.py,
    one gzip member a record at level 6), then imported by the real `tinbao import`."""
    folder.mkdir(parents=True, exist_ok=True)
    size = min(pages, CHUNK)
    (folder / "sites.toml").write_text(sites_toml(len(chunks(pages))), "utf-8")
    if not any(folder.glob("built-*")) and not any(folder.glob("written-*")):
        (folder / "a.db").unlink(missing_ok=True)  # a new build; an interrupted one goes on
    originals = corpus_pages()
    for chunk in chunks(pages):
        done = folder / f"built-{chunk}"
        if done.exists():
            continue
        name = f"pages-{chunk}.warc.gz" if chunk else "pages.warc.gz"
        started = time.perf_counter()
        if not (folder / f"written-{chunk}").exists():
            (folder / name).unlink(missing_ok=True)
            warc = WarcFile(folder, name)
            when = datetime(2026, 11, 1, tzinfo=UTC)
            for number in range(chunk * CHUNK, chunk * CHUNK + size):
                body = vary(originals[number % len(originals)], number)
                warc.write(RawPage(url(number), 200, [("Content-Type", "text/html; charset=utf-8")],
                                   body, when))  # fmt: skip
            warc.close()
            (folder / f"written-{chunk}").touch()
        written = time.perf_counter() - started
        # an interrupted build resumes here: the import goes on from where it was stopped
        tinbao(folder, "import", "--workers", str(workers), str(folder / name))
        print(f"  chunk {chunk}: {size} pages written in {written:.0f} s, imported in "
              f"{time.perf_counter() - started - written:.0f} s", flush=True)  # fmt: skip
        done.write_text(str(size))


def selected(pages: int) -> list[str]:
    """`--site` arguments for the chunks a run of `pages` reads."""
    return [argument for k in chunks(pages) for argument in ("--site", site_key(k))]


def tinbao(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())",
               "--database-url", f"sqlite:///{folder}/a.db", *arguments]  # fmt: skip
    environment = {**os.environ, "TINBAO_SITES": str(folder / "sites.toml"),
                   "PYTHONPATH": str(ROOT)}  # fmt: skip
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"tinbao {arguments[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def reextract(
    folder: Path, workers: int, pages: int, stale: bool = False
) -> dict[str, float | str]:
    """One `tinbao reextract` in a subprocess: wall, CPU of its tree, peak RSS of the tree,
    pages read. `stale`: every selected row is first marked as read by an older extractor, so
    that each is written (its version), as after an extractor's change."""
    if stale:
        with sqlite3.connect(folder / "a.db") as archive:
            sites = [site_key(k) for k in chunks(pages)]
            archive.execute(f"UPDATE articles SET extractor_version = 'stale' WHERE site IN "
                            f"({', '.join('?' * len(sites))})", sites)  # fmt: skip
    command = [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())",
               "--database-url", f"sqlite:///{folder}/a.db", "reextract", *selected(pages),
               "--warc-dir", str(folder), "--workers", str(workers)]  # fmt: skip
    environment = {**os.environ, "TINBAO_SITES": str(folder / "sites.toml"),
                   "PYTHONPATH": str(ROOT)}  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    with TreeSampler(process.pid) as tree:
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    out = process.stdout.read() if process.stdout else ""
    err = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"reextract failed: {out}{err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "main_cpu": tree.main_cpu,
            "workers_cpu": tree.other_cpu, "rss_mb": tree.peak_rss / 2**20,
            "summary": out.strip().splitlines()[0],
            "read": float(out.split(",")[0].split()[-1])}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=cores())
    parser.add_argument("--sample", type=int, default=80, help="bodies timed for the limit")
    parser.add_argument("--inline", action="store_true", help="also time --workers 0")
    parser.add_argument(
        "--stale",
        action="store_true",
        help="mark the rows as of an older extractor before each run: all written",
    )
    parser.add_argument("--as-built", action="store_true",
                        help="measure the archive as it is (a build stopped part way)")  # fmt: skip
    options = parser.parse_args()
    folder = folder_of(options.pages)
    started = time.perf_counter()
    print(f"building {folder} (once: {options.pages} pages, imported)...", flush=True)
    if not options.as_built:
        build(folder, options.pages, options.workers)
    print(f"  ready after {time.perf_counter() - started:.0f} s", flush=True)
    originals = corpus_pages()
    sample = [(vary(originals[n % len(originals)], n).decode(), url(n))
              for n in range(options.sample)]  # fmt: skip
    fractions, ceilings, rates, cpu_shares = [], [], [], []
    kinds = [options.workers] + ([0] if options.inline else [])
    for run in range(options.repeat):
        for workers in kinds:
            ceiling = Ceiling.measure(sample)
            load = os.getloadavg()[0]
            measured = reextract(folder, workers, options.pages, options.stale)
            wall, cpu = float(measured["wall"]), float(measured["cpu"])
            pages = int(measured["read"])
            rate = pages / wall
            print(f"run {run + 1}, --workers {workers}: {ceiling.line()}", flush=True)
            print(f"  reextract {pages} pages in {wall:.1f} s = {rate:.1f}/s; CPU/wall "
                  f"{cpu / wall:.2f} (main {float(measured['main_cpu']):.1f} s, workers "
                  f"{float(measured['workers_cpu']):.1f} s); peak RSS {measured['rss_mb']:.0f} "
                  f"MB; load {load:.2f} before, {os.getloadavg()[0]:.2f} after; "
                  f"{measured['summary']}", flush=True)  # fmt: skip
            print(cpu_line("  ", cpu, float(measured["main_cpu"]), pages,
                           ceiling.bare_cpu))  # fmt: skip
            print(f"  {ceiling.shares(rate, cpu / pages)}", flush=True)
            if workers == options.workers:
                rates.append(rate)
                fractions.append(rate / (cores() * ceiling.bare_rate))
                ceilings.append(rate / (cores() * ceiling.ours_rate))
                cpu_shares.append((ceiling.bare_cpu / (cpu / pages),
                                   ceiling.ours_cpu / (cpu / pages)))  # fmt: skip
    print(f"reextract --workers {options.workers}: median {statistics.median(rates):.1f} pages/s "
          f"(range {min(rates):.1f}-{max(rates):.1f}); wall: {_spread(fractions)} of the limit, "
          f"{_spread(ceilings)} of the ceiling; CPU: {_spread([a for a, _ in cpu_shares])} of "
          f"the limit, {_spread([b for _, b in cpu_shares])} of the ceiling")  # fmt: skip


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


if __name__ == "__main__":
    main()
