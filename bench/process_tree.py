"""Sample a process and its descendants from /proc while it runs: the peak of their summed RSS
and each one's CPU time as last seen.

Why: a crawl or a re-extraction is a main process and a pool of worker processes. `ru_maxrss`
from `wait4` gives only the largest single process, and the workers' CPU is folded into the
parent's without saying how it was split. Linux only; elsewhere the samples stay empty.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it, read from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def _rss_and_cpu(pid: int) -> tuple[int, float, str] | None:
    """(RSS bytes, user+sys CPU seconds, command name) of one process; None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    cpu = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15)
    return int(statm[1]) * _PAGE, cpu, name


@dataclass
class TreeSampler:
    """`with TreeSampler(pid) as tree:` samples every `every` seconds until the block ends."""

    pid: int
    every: float = 0.2
    peak_rss: int = 0  # bytes, summed over the tree at the worst sample
    peak_processes: int = 0
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds when last seen
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        total, alive = 0, 0
        for pid in descendants(self.pid):
            seen = _rss_and_cpu(pid)
            if seen is None:
                continue
            rss, cpu, _ = seen
            total += rss
            alive += 1
            self.cpu[pid] = cpu
        self.peak_rss = max(self.peak_rss, total)
        self.peak_processes = max(self.peak_processes, alive)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> TreeSampler:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def main_cpu(self) -> float:
        return self.cpu.get(self.pid, 0.0)

    @property
    def other_cpu(self) -> float:
        """CPU of the descendants (the pool's workers) as last sampled."""
        return sum(cpu for pid, cpu in self.cpu.items() if pid != self.pid)


@dataclass(frozen=True)
class TreeRun:
    """A command run to its end under a TreeSampler: what it printed and what it cost."""

    returncode: int
    wall: float
    cpu: float  # user+sys of the whole tree (wait4: the reaped workers included)
    main_cpu: float  # the command's own process, as last sampled
    peak_rss_mb: float  # summed over the tree at the worst sample
    stdout: str
    stderr: str


def run_sampled(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> TreeRun:
    """Run `command`, sampling its process tree, until it exits."""
    # files, not pipes: a child that writes much would block on a full pipe nobody reads
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        with TreeSampler(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return TreeRun(process.returncode, wall, usage.ru_utime + usage.ru_stime,
                       tree.main_cpu, tree.peak_rss / 2**20, out.read(), err.read())  # fmt: skip
