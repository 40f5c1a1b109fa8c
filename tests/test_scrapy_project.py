"""The Scrapy project as users meet it: `scrapy list` shows every registry site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]


def scrapy(
    *args: str, sites: Path | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TINBAO_SITES"}
    if sites is not None:
        env["TINBAO_SITES"] = str(sites)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_scrapy_list_shows_the_registry() -> None:
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == sorted(load_registry(""))
    assert {"baobinhduong", "baocantho", "baolaocai"} <= set(result.stdout.split())


def test_scrapy_list_shows_sites_added_by_the_user(tmp_path: Path) -> None:
    sites = tmp_path / "mine.toml"
    sites.write_text(
        '[sites.baothu]\nname = "Báo Thử"\nhome = "https://baothu.vn/"\n'
        'article_url = \'-a\\d+\\.html$\'\nprovince = "Cần Thơ"\nstatus = "active"\n',
        "utf-8",
    )
    result = scrapy("list", sites=sites)
    assert result.returncode == 0, result.stderr
    assert "baothu" in result.stdout.split()


def test_a_bad_registry_stops_scrapy_with_the_site_and_field(tmp_path: Path) -> None:
    sites = tmp_path / "bad.toml"
    sites.write_text('[sites.baocantho]\nstatus = "paused"\n', "utf-8")
    result = scrapy("list", sites=sites)
    assert result.returncode != 0
    assert "site 'baocantho': field 'status'" in result.stderr
    assert "Traceback" not in result.stderr


def test_loading_the_project_installs_no_reactor() -> None:
    """Scrapy installs the asyncio reactor after loading the project's command and components;
    a module that imports `twisted.internet.reactor` at import time installs the default one
    first, and every crawl then dies with "The installed reactor ... does not match"."""
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, crawler\n"
        "for m in pkgutil.walk_packages(crawler.__path__, 'crawler.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'twisted.internet.reactor' not in sys.modules, 'a module installs a reactor'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
