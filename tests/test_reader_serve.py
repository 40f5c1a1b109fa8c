"""`tinbao serve`: what it hands uvicorn, what it refuses, and the reader's import boundary."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette

from scheduler.cli import main
from storage import create_schema, make_engine

READER = Path(__file__).parent.parent / "reader"


def test_serve_runs_the_reader_read_only_on_localhost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    seen: dict[str, Any] = {}

    def run(app: Starlette, **options: Any) -> None:
        seen.update(options, app=app)
        state_engine = app.state.reader.sessions.kw["bind"]
        with pytest.raises(OperationalError), state_engine.begin() as connection:
            connection.execute(text("DELETE FROM articles"))

    monkeypatch.setattr(uvicorn, "run", run)
    assert main(["--database-url", url, "serve", "--port", "8123"]) == 0
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert isinstance(seen["app"], Starlette)


def test_serve_without_an_archive_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", f"sqlite:///{tmp_path / 'none.db'}", "serve"]) == 1
    assert "no archive at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_a_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "a port is 0 to 65535" in capsys.readouterr().err


def test_the_reader_imports_storage_only() -> None:
    for path in READER.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("crawler", "scheduler", "scrapy", "twisted"), (path, name)
