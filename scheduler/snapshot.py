"""The registry the daemon validated, frozen in a file of its own for the crawls it starts.

The user's registry file ($TINBAO_SITES) may be half-written or broken at the moment a crawl
starts; a crawl reading it then would crawl with a registry nobody checked, or not start at
all. So the daemon reads the file's bytes once, writes them to a snapshot in a private folder,
validates the snapshot, and hands crawls that snapshot's path (as their TINBAO_SITES). A
snapshot that fails is discarded and the previous one stays in use.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

from crawler.registry import Site, load_registry


class RegistrySnapshots:
    """`candidate()` reads and validates the source into a new snapshot; `adopt` makes it the
    one crawls get (`current`), `discard` drops it. `current` is "" when there is no user file
    (the built-in registry only)."""

    def __init__(self, source: str | Path | None):
        self.source = Path(source) if source else None
        self.folder = Path(tempfile.mkdtemp(prefix="tinbao-registry-"))
        self.current = ""
        self._numbers = itertools.count(1)

    def candidate(self) -> tuple[dict[str, Site], str]:
        """The registry in a new snapshot file, and that file's path ("" for the built-in
        registry alone). Raises whatever reading or validating it raises; the snapshot is then
        already gone."""
        if self.source is None:
            return load_registry(""), ""
        snapshot = self.folder / f"sites-{next(self._numbers)}.toml"
        try:
            snapshot.write_bytes(self.source.read_bytes())
            return load_registry(snapshot), str(snapshot)
        except BaseException:
            snapshot.unlink(missing_ok=True)
            raise

    def adopt(self, snapshot: str) -> None:
        """Crawls started from now on read `snapshot`; the one before is kept (a crawl starting
        this instant may be opening it), older ones are removed."""
        previous, self.current = self.current, snapshot
        keep = {previous, snapshot}
        for old in self.folder.glob("sites-*.toml"):
            if str(old) not in keep:
                old.unlink(missing_ok=True)

    def discard(self, snapshot: str) -> None:
        if snapshot:
            Path(snapshot).unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
