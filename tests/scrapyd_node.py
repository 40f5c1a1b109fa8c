"""Real Scrapyd nodes on 127.0.0.1 for tests: `python -m scrapyd` in a working folder of its own
(eggs, job queue, logs) on a free port, configured by docs/scrapyd.conf, and the project's egg
built once by `scrapyd-deploy --build-egg` and deployed with `scrapyd-deploy` itself.

A node's crawls run the egg's code: Scrapyd starts them from its working folder, where no
checkout is on `sys.path`, with the egg put there by Scrapyd's runner.
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

from tests.replica.crawl import ROOT

PROJECT = "tinbao"
DOCUMENTED_CONF = ROOT / "docs" / "scrapyd.conf"
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def require_scrapyd() -> None:
    """Skip the calling test, saying why, when Scrapyd or scrapyd-client is not installed."""
    for module in ("scrapyd", "scrapyd_client"):
        try:
            __import__(module)
        except ImportError:
            pytest.skip(f"{module} is not installed (pip install -e '.[scale]')")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without proxies or a checkout on PYTHONPATH."""
    environment = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARIABLES}
    for name in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "TINBAO_SITES", "TINBAO_DATABASE_URL"):
        environment.pop(name, None)
    environment.update(extra)
    return environment


class ScrapydNode:
    """`with ScrapydNode(folder) as node:` a running Scrapyd at `node.url`, stopped at the end
    (SIGTERM, then SIGKILL). `kill()` ends it at once with SIGKILL, its crawls with it."""

    def __init__(
        self,
        folder: Path,
        *,
        max_proc: int = 1,
        env: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ):
        self.folder = folder
        self.max_proc = max_proc
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env = env or {}
        self.auth = auth  # user and password the node asks for (Scrapyd's basic auth)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(DOCUMENTED_CONF, "utf-8")  # the file docs/scaling.md installs on a node
        here = {"bind_address": "127.0.0.1", "http_port": str(self.port), "poll_interval": "0.2",
                "max_proc": str(self.max_proc), "eggs_dir": "eggs", "logs_dir": "logs",
                "dbs_dir": "dbs"}  # fmt: skip
        conf["scrapyd"].update(here)
        if self.auth:
            conf["scrapyd"].update({"username": self.auth[0], "password": self.auth[1]})
        with (self.folder / "scrapyd.conf").open("w", encoding="utf-8") as file:
            conf.write(file)
        with (self.folder / "scrapyd.out").open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrapyd", "--pidfile="], cwd=self.folder,
                env=clean_environment(**self.env), stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.get("daemonstatus.json")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"scrapyd did not start: {self.output()}") from None
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def output(self) -> str:
        return (self.folder / "scrapyd.out").read_text("utf-8", "replace")[-4000:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the node and every crawl it started (a machine that vanished)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    # -- its JSON API --------------------------------------------------------------------
    def get(self, endpoint: str, **query: str) -> dict[str, Any]:
        url = self.url + endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
        return self._call(url, None)

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        return self._call(self.url + endpoint, urllib.parse.urlencode(fields).encode())

    def _call(self, url: str, data: bytes | None) -> dict[str, Any]:
        request = urllib.request.Request(url, data)
        if self.auth:
            token = base64.b64encode(":".join(self.auth).encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(json.load(response))

    def deploy(self, egg: Path, version: str = "1") -> None:
        """Upload `egg` as project tinbao with `scrapyd-deploy`, from a folder whose scrapy.cfg
        names this node as a target."""
        folder = self.folder / "deploy"
        folder.mkdir(exist_ok=True)
        (folder / "scrapy.cfg").write_text(
            f"[settings]\ndefault = crawler.settings\n\n[deploy:node]\nurl = {self.url}\n"
            f"project = {PROJECT}\n",
            "utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-m", "scrapyd_client.deploy", "node", "--egg", str(egg),
             "--version", version],
            cwd=folder, env=clean_environment(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert '"status": "ok"' in done.stdout + done.stderr, done.stdout + done.stderr

    def wait_finished(self, job: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            jobs = self.get("listjobs.json", project=PROJECT)
            if any(j["id"] == job for j in jobs["finished"]):
                return
            assert time.monotonic() < deadline, f"job {job} not finished: {jobs}"
            time.sleep(0.2)

    def job_log(self, spider: str, job: str) -> str:
        path = self.folder / "logs" / PROJECT / spider / f"{job}.log"
        return path.read_text("utf-8", "replace") if path.exists() else "(no log)"


def build_egg(target: Path) -> Path:
    """The project's egg, as `scrapyd-deploy --build-egg` makes it from the checkout."""
    done = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(target)],
        cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@pytest.fixture(scope="session")
def tinbao_egg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_scrapyd()
    return build_egg(tmp_path_factory.mktemp("egg") / "tinbao.egg")


@pytest.fixture
def scrapyd_node(tmp_path: Path, tinbao_egg: Path) -> Iterator[ScrapydNode]:
    """One Scrapyd node with the project deployed. Its registry is the egg's plus
    $TINBAO_SITES = `tmp_path / "sites.toml"` (empty until the test writes it), as a node's
    service environment would set it: Scrapyd checks a spider exists before it schedules it."""
    sites = tmp_path / "sites.toml"
    sites.touch()
    with ScrapydNode(tmp_path / "node", env={"TINBAO_SITES": str(sites)}) as node:
        node.deploy(tinbao_egg)
        yield node
