"""`tinbao reextract` speed: pages/s over kept real pages against the machine's extraction limit.

Why: re-extraction reads every kept raw page again, so it is CPU-bound, and what it can reach
is every core running bare `trafilatura.extract` on the same records (the limit: cores x its
rate in one process, measured in the same run). This builds once, in bench/results/ (never in
the repository), a WARC file of `--pages` records made from the corpus's real article pages
($TINBAO_CORPUS/vn, each one distinct: tests/replica/real.py's `vary`) and an archive where
each is an article that points at its record (made by the real `tinbao import` of the file),
then runs `tinbao reextract` over it `--repeat` times, each after a bare-trafilatura pass on a
sample of the same bodies, and prints pages/s, the fraction of the limit, CPU/wall and the
peak RSS of its process tree (sampled from /proc). The extractor is the one that stored the
rows, so every article reads `unchanged` (the writes are the cheapest they can be: the row
read again under its lock, the version set); `--inline` also times `--workers 0`.

    python -m bench.reextract_speed [--pages 100000] [--repeat 3] [--workers N] [--inline]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.import_speed import SITES, corpus_pages
from bench.limit import bare, cores, cpu_line, timed
from bench.process_tree import TreeSampler
from tests.replica.real import vary

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def url(number: int) -> str:
    return f"https://bench-news.vn/tin-so-{number}-a{number}.html"


def build(folder: Path, pages: int, workers: int) -> None:
    """The WARC file and the archive that imported it, unless a finished build is there."""
    done = folder / "built"
    if done.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    originals = corpus_pages()
    warc = folder / "pages.warc.gz"
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number in range(pages):
            body = vary(originals[number % len(originals)], number)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")  # fmt: skip
            record = writer.create_warc_record(url(number), "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http)  # fmt: skip
            writer.write_record(record)
    (folder / "sites.toml").write_text(SITES, "utf-8")
    (folder / "a.db").unlink(missing_ok=True)
    tinbao(folder, "import", "--workers", str(workers), str(warc))
    done.write_text(str(pages))


def tinbao(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())",
               "--database-url", f"sqlite:///{folder}/a.db", *arguments]  # fmt: skip
    environment = {**os.environ, "TINBAO_SITES": str(folder / "sites.toml"),
                   "PYTHONPATH": str(ROOT)}  # fmt: skip
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"tinbao {arguments[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def reextract(folder: Path, workers: int) -> dict[str, float | str]:
    """One `tinbao reextract` in a subprocess: wall, CPU of its tree, peak RSS of the tree."""
    command = [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())",
               "--database-url", f"sqlite:///{folder}/a.db", "reextract", "--site", "bench",
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
            "summary": out.strip().splitlines()[0]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=cores())
    parser.add_argument("--sample", type=int, default=80, help="bodies timed for the limit")
    parser.add_argument("--inline", action="store_true", help="also time --workers 0")
    options = parser.parse_args()
    folder = RESULTS / f"reextract-{options.pages}"
    started = time.perf_counter()
    print(f"building {folder} (once: {options.pages} pages, imported)...", flush=True)
    build(folder, options.pages, options.workers)
    print(f"  ready after {time.perf_counter() - started:.0f} s", flush=True)
    originals = corpus_pages()
    sample = [(vary(originals[n % len(originals)], n).decode(), url(n))
              for n in range(options.sample)]  # fmt: skip
    fractions, rates = [], []
    kinds = [options.workers] + ([0] if options.inline else [])
    for run in range(options.repeat):
        for workers in kinds:
            bare_rate, bare_cpu = timed(bare, sample)
            limit = cores() * bare_rate
            load = os.getloadavg()[0]
            measured = reextract(folder, workers)
            wall = float(measured["wall"])
            pages_per_second = options.pages / wall
            print(f"run {run + 1}, --workers {workers}: bare trafilatura {bare_rate:.1f} pages/s "
                  f"x {cores()} = limit {limit:.1f}/s; reextract {options.pages} pages in "
                  f"{wall:.1f} s = {pages_per_second:.1f}/s = {pages_per_second / limit:.2f} of "
                  f"the limit; CPU/wall {float(measured['cpu']) / wall:.2f} (main "
                  f"{float(measured['main_cpu']):.1f} s, workers "
                  f"{float(measured['workers_cpu']):.1f} s); peak RSS {measured['rss_mb']:.0f} "
                  f"MB; load {load:.2f}; {measured['summary']}", flush=True)  # fmt: skip
            print(cpu_line("  ", float(measured["cpu"]), float(measured["main_cpu"]),
                           options.pages, bare_cpu))  # fmt: skip
            if workers == options.workers:
                rates.append(pages_per_second)
                fractions.append(pages_per_second / limit)
    print(f"reextract --workers {options.workers}: median {statistics.median(rates):.1f} pages/s "
          f"(range {min(rates):.1f}-{max(rates):.1f}), {statistics.median(fractions):.2f} of the "
          f"limit (range {min(fractions):.2f}-{max(fractions):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
