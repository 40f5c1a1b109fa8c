"""The ceiling of a pipeline that reads pages with tinbao's `extract()`, beside the limit.

Why: bench/limit.py's limit is cores x bare trafilatura's rate. A command that extracts with
tinbao's `extract()` cannot beat cores x `extract()`'s own rate in one process on the same
bodies (its Vietnamese layers cost more than trafilatura alone): that is its ceiling. Reported
as a share of both, a command's rate says whether what is left is the extractor's (the ceiling
below the limit) or the pipeline's (the command below the ceiling): reading the records,
moving them between processes, writing the archive.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.limit import bare, cores, timed


def ours(html: str, url: str) -> object:
    """tinbao's extractor, as a worker runs it (without hints: the bench site has none)."""
    from crawler.extraction import extract

    return extract(html, url)


@dataclass(frozen=True)
class Ceiling:
    """bare trafilatura and `extract()` over the same bodies in this process, one after the
    other (rates in pages/s, CPU seconds a page)."""

    bare_rate: float
    bare_cpu: float
    ours_rate: float
    ours_cpu: float

    @classmethod
    def measure(cls, bodies: list[tuple[str, str]]) -> Ceiling:
        ours(*bodies[0])  # its imports and first-call caches, not timed
        bare_rate, bare_cpu = timed(bare, bodies)
        ours_rate, ours_cpu = timed(ours, bodies)
        return cls(bare_rate, bare_cpu, ours_rate, ours_cpu)

    def line(self, workers: int | None = None) -> str:
        n = workers or cores()
        return (f"bare trafilatura {self.bare_rate:.1f} pages/s ({1000 * self.bare_cpu:.1f} ms "
                f"CPU a page) x {n} = limit {n * self.bare_rate:.1f}/s; tinbao extract() "
                f"{self.ours_rate:.1f} pages/s ({1000 * self.ours_cpu:.1f} ms, "
                f"{self.ours_cpu / self.bare_cpu:.2f}x bare) x {n} = ceiling "
                f"{n * self.ours_rate:.1f}/s")  # fmt: skip

    def shares(self, rate: float, cpu_per_page: float, workers: int | None = None) -> str:
        """A command's rate (pages/s) and CPU a page (its whole tree) as shares of both."""
        n = workers or cores()
        return (f"of the limit {rate / (n * self.bare_rate):.2f} wall, "
                f"{self.bare_cpu / cpu_per_page:.2f} CPU; of the ceiling "
                f"{rate / (n * self.ours_rate):.2f} wall, {self.ours_cpu / cpu_per_page:.2f} "
                f"CPU (pipeline beyond extract(): "
                f"{1000 * (cpu_per_page - self.ours_cpu):.1f} ms a page)")  # fmt: skip
