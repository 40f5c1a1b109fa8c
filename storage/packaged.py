"""Folders shipped inside the package, as real paths on disk.

Installed from a wheel or a checkout, the package's files are files. Deployed to Scrapyd, the
package is an egg that Scrapyd puts on `sys.path` as a zip: `importlib.resources` still reads
one file of it (the registry's sites.toml), but Alembic wants a folder of migration scripts.
Such a folder is copied out of the zip once per process, into a temporary folder removed at
exit.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def package_folder(package: str, name: str) -> Path:
    """The folder `name` of `package` on disk: itself, or a copy taken out of a zip."""
    folder = resources.files(package) / name
    if isinstance(folder, Path):
        return folder
    return _extracted(package, name)


def migrations_folder() -> Path:
    """The Alembic script folder (storage/migrations)."""
    return package_folder("storage", "migrations")


@cache
def _extracted(package: str, name: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"tinbao-{package}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root / name
    _copy(resources.files(package) / name, target)
    return target


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy(entry, target / entry.name)
        elif not entry.name.endswith((".pyc", ".pyo")):
            (target / entry.name).write_bytes(entry.read_bytes())
