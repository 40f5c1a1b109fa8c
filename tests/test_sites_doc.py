"""docs/sites.md is generated from the registry; this fails when it is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crawler.registry import load_registry
from crawler.sitesdoc import render

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "sites.md"
FIX = "regenerate it: python -m crawler.sitesdoc > docs/sites.md"


def test_docs_sites_md_is_current() -> None:
    assert DOC.read_text("utf-8") == render(load_registry("")), f"docs/sites.md is stale; {FIX}"


def test_every_site_is_in_the_doc() -> None:
    text = DOC.read_text("utf-8")
    for key, site in load_registry("").items():
        assert f"| `{key}` | {site.name} | {site.domains[0]} |" in text


def test_the_documented_command_writes_it(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT), "TINBAO_SITES": str(tmp_path / "ignored.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "crawler.sitesdoc"],
        cwd=tmp_path, env=env, capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == DOC.read_text("utf-8")
