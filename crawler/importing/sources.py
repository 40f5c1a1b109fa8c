"""The files an import reads: a local WARC/ARC file, referenced in place (its kept records are
re-extracted from it), or a remote one streamed over HTTP, whose kept records are copied to a
WARC file of the archive's own (remote files are not kept whole)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from crawler.importing.records import Capture
from crawler.importing.remote import open_remote
from crawler.importing.run import Source
from crawler.warc import RawPage, WarcFile, WarcRef


def file_source(path: Path) -> Source:
    """A local file; its records are referenced by absolute path and offset."""
    resolved = path.resolve()

    def keep(capture: Capture) -> WarcRef:
        return WarcRef(str(resolved), capture.offset)

    return Source(str(resolved), "warc", resolved.stat().st_size,
                  lambda: resolved.open("rb"), keep)  # fmt: skip


def remote_source(url: str, kind: str, folder: Path, copy_name: str) -> Source:
    """A file at `url`, read with HTTP range requests; the records kept from it are copied to
    `folder/copy_name` (one WARC file per remote file, appended to on resume; `copy_name` may
    hold a subfolder, and is what the articles reference, relative to the WARC folder)."""
    copy: list[WarcFile] = []

    def keep(capture: Capture) -> WarcRef:
        if not copy:
            (folder / copy_name).parent.mkdir(parents=True, exist_ok=True)
            copy.append(WarcFile(folder, copy_name))
        page = RawPage(capture.url, capture.status, capture.headers, capture.body,
                       capture.captured_at)  # fmt: skip
        return copy[0].write(page)

    @contextlib.contextmanager
    def opened() -> Iterator[BinaryIO]:
        try:
            with open_remote(url) as stream:
                yield stream
        finally:
            if copy:
                copy.pop().close()

    return Source(url, kind, None, opened, keep)
