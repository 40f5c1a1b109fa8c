"""Run a command in a process group of its own, and end the whole group when it must stop.

A crawl is `scrapy crawl` plus whatever it starts; a hung one must not outlive its timeout, and
nothing it spawned may linger. The child gets its own session (`start_new_session`), so its
process id is its group id: SIGTERM goes to the group first (Scrapy then closes cleanly and
records how far it got), SIGKILL after a grace. The leader is reaped only after the group has
been killed, so the group id cannot have been reused by then.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

POLL_SECONDS = 0.1


@dataclass(frozen=True)
class ProcessOutcome:
    """How a supervised process ended. `returncode` is negative for a signal (-9: SIGKILL)."""

    pid: int
    returncode: int
    seconds: float
    timed_out: bool = False
    cancelled: bool = False


def supervise(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    kill_grace: float = 10.0,
    cancel: threading.Event | None = None,
    stdout: IO[bytes] | int | None = None,
    stderr: IO[bytes] | int | None = None,
    hand_over: Sequence[int] = (),
) -> ProcessOutcome:
    """Run `command` to its end, or stop its group after `timeout` seconds or once `cancel`
    is set. Ctrl-C (KeyboardInterrupt) counts as `cancel`; any other exception stops the
    group, then propagates. The file descriptors `hand_over` are inherited by the child (under
    the same numbers) and closed here once it has started."""
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            list(command), env=dict(env) if env is not None else None, stdout=stdout,
            stderr=stderr, start_new_session=True, pass_fds=tuple(hand_over),
        )  # fmt: skip
    finally:
        for fd in hand_over:
            os.close(fd)
    timed_out = cancelled = False
    try:
        while not _has_exited(process.pid):
            if timeout is not None and time.monotonic() - started > timeout:
                timed_out = True
                break
            if cancel is not None and cancel.wait(POLL_SECONDS):
                cancelled = True
                break
            if cancel is None:
                time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        cancelled = True
    except BaseException:
        stop_group(process, kill_grace)
        raise
    stop_group(process, kill_grace if timed_out or cancelled else 0.0)
    return ProcessOutcome(process.pid, process.returncode, time.monotonic() - started,
                          timed_out, cancelled)  # fmt: skip


def stop_group(process: subprocess.Popen[bytes], grace: float) -> None:
    """End `process` and every process in its group; reap it. A leader still running gets
    SIGTERM and `grace` seconds to leave before the group gets SIGKILL."""
    group = process.pid
    if not _has_exited(group):
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while not _has_exited(group) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS / 2)
    # The leader is a zombie or alive, so its group id is still ours: no stray child survives.
    _signal_group(group, signal.SIGKILL)
    process.wait()


def group_exists(group: int) -> bool:
    """Whether any process is left in the group (a test's way to see nothing leaked)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _has_exited(pid: int) -> bool:
    """Whether the child has ended, without reaping it (WNOWAIT)."""
    try:
        found = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return found is not None and found.si_pid == pid


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)
