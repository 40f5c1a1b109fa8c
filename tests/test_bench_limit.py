"""The load-independent figures the benchmarks share (bench/limit.py, bench/process_tree.py):
a run's CPU counts its workers, and its share of the limit is bare's CPU a page over its own."""

from __future__ import annotations

import sys

import pytest

from bench.limit import cpu_line, cpu_share
from bench.process_tree import run_sampled

WORKER = "sum(i * i for i in range(3_000_000))"
PARENT = (
    "import subprocess, sys; "
    f"subprocess.run([sys.executable, '-c', {WORKER!r}], check=True); "
    "sys.stdout.write('x' * 200_000); sys.exit(3)"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_sampled_run_counts_its_workers_cpu_and_keeps_what_it_printed() -> None:
    run = run_sampled([sys.executable, "-c", PARENT])
    assert run.returncode == 3
    assert run.stdout == "x" * 200_000  # more than a pipe holds: no deadlock, nothing lost
    assert run.cpu > run.main_cpu  # the worker's CPU is in the tree's, not the main process's


def test_the_share_of_the_limit_is_bare_cpu_over_the_runs_cpu_a_page() -> None:
    assert cpu_share(0.030, 0.060) == pytest.approx(0.5)
    assert cpu_share(0.030, 0.0) == 0.0
    line = cpu_line("", cpu=6.0, main_cpu=2.0, pages=100, bare_cpu=0.030)
    assert "CPU a page 60.0 ms (main process 20.0, workers 40.0)" in line
    assert "0.50 of the limit" in line
