"""The machine's extraction limit, and a run's share of it in CPU.

Why: a crawl, an import and a re-extraction are CPU-bound; what any of them can reach is every
core running bare `trafilatura.extract` on the same pages ("the limit": cores x its rate in one
process). On a shared machine (load average 6-14 here) the wall-clock rates follow the other
tenants, so each benchmark also reports the load-independent figure: the CPU seconds its whole
process tree spent per page against bare trafilatura's CPU per page, i.e. the share of the
limit it would reach on cores of its own. bench/crawl_real.py, bench/import_speed.py and
bench/reextract_speed.py share these so that the three figures mean the same thing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def timed(
    extract: Callable[[str, str], object], bodies: list[tuple[str, str]]
) -> tuple[float, float]:
    """(pages/s, CPU seconds a page) of `extract(html, url)` over `bodies` in this process. On
    a shared machine the wall rate follows the load; the CPU a page much less."""
    started, cpu = time.perf_counter(), time.process_time()
    for html, url in bodies:
        extract(html, url)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    return len(bodies) / wall, used / len(bodies)


def bare(html: str, url: str) -> object:
    import trafilatura

    return trafilatura.extract(html, url=url)


def cpu_share(bare_cpu_per_page: float, cpu_per_page: float) -> float:
    """The share of the limit a run whose process tree spent `cpu_per_page` CPU seconds a page
    would reach with every core to itself: bare trafilatura's CPU a page over the run's."""
    return bare_cpu_per_page / cpu_per_page if cpu_per_page > 0 else 0.0


def cpu_line(label: str, cpu: float, main_cpu: float, pages: int, bare_cpu: float) -> str:
    """One line of the load-independent figures: CPU a page of the tree, of its main process
    and of the rest (the workers), against bare's, and the share of the limit that makes."""
    pages = max(pages, 1)
    per_page = cpu / pages
    return (
        f"{label}CPU a page {1000 * per_page:.1f} ms (main process "
        f"{1000 * main_cpu / pages:.1f}, workers {1000 * (cpu - main_cpu) / pages:.1f}) against "
        f"bare's {1000 * bare_cpu:.1f} ms: on every core to itself, "
        f"{cpu_share(bare_cpu, per_page):.2f} of the limit"
    )
