"""The daemon's docs cannot drift: every option of `tinbao daemon` is in docs/daemon.md, the
systemd units' command lines are ones the parser accepts, with a stop timeout that leaves the
daemon time to stop its crawls, and the Scrapyd unit's daemon gives each node the slots of
docs/scrapyd.conf (which every test node starts from, tests/scrapyd_node.py)."""

from __future__ import annotations

import argparse
import configparser
import re
import shlex
from pathlib import Path

import pytest

from scheduler.cli import parser
from scheduler.commands.daemon import settings_from
from scheduler.settings import parse_duration

DOCS = Path(__file__).resolve().parents[1] / "docs"


def daemon_parser() -> argparse.ArgumentParser:
    [commands] = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = commands.choices["daemon"]
    return found


def unit(name: str = "tinbao.service") -> dict[str, str]:
    settings: dict[str, str] = {}
    for line in (DOCS / name).read_text("utf-8").splitlines():
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


@pytest.mark.parametrize("name", ["tinbao.service", "tinbao-scrapyd.service"])
def test_the_systemd_unit_runs_a_valid_daemon_command(name: str) -> None:
    argv = shlex.split(unit(name)["ExecStart"].replace("${SCRAPYD_PASSWORD}", "pw"))
    assert Path(argv[0]).name == "tinbao" and argv[1] == "daemon"
    options = parser().parse_args(argv[1:])
    stop = parse_duration(unit(name)["TimeoutStopSec"])
    assert stop > options.stop_grace + options.kill_grace
    assert unit(name)["KillMode"] == "mixed", "SIGTERM must reach the daemon alone"
    assert unit(name)["ExecReload"] == "/bin/kill -HUP $MAINPID"


def test_the_scrapyd_units_daemon_gives_each_node_the_documented_slots() -> None:
    argv = shlex.split(unit("tinbao-scrapyd.service")["ExecStart"])
    settings = settings_from(parser().parse_args(argv[1:]))
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(DOCS / "scrapyd.conf", "utf-8")
    slots = conf.getint("scrapyd", "max_proc")
    assert len(settings.scrapyd_nodes) == 2
    assert {node.max_proc for node in settings.scrapyd_nodes} == {slots}
    assert all(node.auth and "SCRAPYD_PASSWORD" not in node.url for node in settings.scrapyd_nodes)
    assert "TINBAO_EXTRACT_WORKERS=1" in argv  # a crawl per core: one extraction worker each
    node_unit = unit("scrapyd.service")
    assert shlex.split(node_unit["ExecStart"])[0].endswith("/bin/scrapyd")
    assert node_unit["KillMode"] == "control-group", "SIGTERM must reach the crawls"


def test_scaling_doc_links_only_files_that_exist() -> None:
    text = (DOCS / "scaling.md").read_text("utf-8")
    for target in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (DOCS / target).exists(), target
    for path in re.findall(r"\b((?:tests|storage|scheduler)/[\w/]+\.py)", text):
        assert (DOCS.parent / path).exists(), path
