"""The daemon's docs cannot drift: every option of `tinbao daemon` is in docs/daemon.md, and the
systemd unit's command line is one the parser accepts, with a stop timeout that leaves the
daemon time to stop its crawls."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from scheduler.cli import parser
from scheduler.settings import parse_duration

DOCS = Path(__file__).resolve().parents[1] / "docs"


def daemon_parser() -> argparse.ArgumentParser:
    [commands] = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = commands.choices["daemon"]
    return found


def unit() -> dict[str, str]:
    settings: dict[str, str] = {}
    for line in (DOCS / "tinbao.service").read_text("utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            name, _, value = line.partition("=")
            settings.setdefault(name, value)
    return settings


def test_every_daemon_option_is_documented() -> None:
    text = (DOCS / "daemon.md").read_text("utf-8")
    for action in daemon_parser()._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in text, f"{flag} is not in docs/daemon.md"


def test_the_systemd_unit_runs_a_valid_daemon_command() -> None:
    argv = shlex.split(unit()["ExecStart"])
    assert Path(argv[0]).name == "tinbao" and argv[1] == "daemon"
    options = parser().parse_args(argv[1:])
    stop = parse_duration(unit()["TimeoutStopSec"])
    assert stop > options.stop_grace + options.kill_grace
    assert unit()["KillMode"] == "mixed", "SIGTERM must reach the daemon alone"
    assert unit()["ExecReload"] == "/bin/kill -HUP $MAINPID"
