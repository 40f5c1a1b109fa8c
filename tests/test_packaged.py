"""Package folders read from a zip (an egg on Scrapyd's sys.path) come out as real folders."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.packaged import migrations_folder, package_folder


@pytest.fixture
def zipped_package(tmp_path: Path) -> Iterator[str]:
    archive = tmp_path / "zipped.egg"
    with zipfile.ZipFile(archive, "w") as egg:
        egg.writestr("tinbao_zipped/__init__.py", "")
        egg.writestr("tinbao_zipped/scripts/env.py", "print('env')\n")
        egg.writestr("tinbao_zipped/scripts/versions/0001_a.py", "revision = '0001'\n")
        egg.writestr("tinbao_zipped/scripts/versions/__pycache__/0001_a.cpython-311.pyc", "x")
    sys.path.insert(0, str(archive))
    try:
        yield "tinbao_zipped"
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop("tinbao_zipped", None)


def test_a_folder_inside_a_zip_is_copied_out_whole(zipped_package: str) -> None:
    folder = package_folder(zipped_package, "scripts")
    assert folder.is_dir()
    assert (folder / "env.py").read_text() == "print('env')\n"
    assert (folder / "versions" / "0001_a.py").read_text() == "revision = '0001'\n"
    assert not (folder / "versions" / "__pycache__").exists()
    assert package_folder(zipped_package, "scripts") == folder  # once per process


def test_a_folder_on_disk_is_itself() -> None:
    assert migrations_folder() == Path(__file__).parents[1] / "storage" / "migrations"
