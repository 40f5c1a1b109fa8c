"""A remote file read as a seekable stream over HTTP range requests, so that a multi-gigabyte
WARC file is streamed, never stored, and an import resumes inside it where it stopped.

Reading goes forward on one connection. A seek elsewhere (resuming at an offset, skipping a
broken record) opens a new request with `Range: bytes=N-`. A connection that breaks mid-file is
opened again at the same position, a few times with growing pauses, before the error is given.
"""

from __future__ import annotations

import io
import os
import time
import urllib.request
from typing import Any, BinaryIO

USER_AGENT = os.environ.get(
    "TINBAO_USER_AGENT", "tinbao/0.1 (news archive; +https://github.com/tinbao/tinbao)"
)
RETRIES = 3
TIMEOUT = 60.0


class RemoteFileError(Exception):
    """The remote file could not be read (after the retries). Not an OSError: a reader of
    archive files takes an OSError for a broken record, and this is no property of the file."""


class RangeReader(io.RawIOBase):
    def __init__(self, url: str, *, timeout: float = TIMEOUT, retries: int = RETRIES,
                 pause: float = 1.0):  # fmt: skip
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.pause = pause
        self._position = 0
        self._response: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self._position + offset
        if whence == io.SEEK_END:
            raise io.UnsupportedOperation("seek from the end of a remote file")
        if target != self._position:
            self._drop()
            self._position = target
        return self._position

    def readinto(self, buffer: Any) -> int:
        for attempt in range(self.retries + 1):
            try:
                if self._response is None:
                    self._response = self._open()
                    if self._response is None:
                        return 0  # at or past the end
                count: int = self._response.readinto(buffer)
                self._position += count
                return count
            except RemoteFileError:
                raise
            except OSError as exc:
                self._drop()
                if attempt == self.retries:
                    raise RemoteFileError(f"{self.url}: {exc}") from exc
                time.sleep(self.pause * 2**attempt)
        return 0

    def _open(self) -> Any:
        request = urllib.request.Request(self.url, headers={"User-Agent": USER_AGENT})
        if self._position:
            request.add_header("Range", f"bytes={self._position}-")
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 416:  # the range starts at the end
                return None
            if exc.code in (404, 403, 410):
                raise RemoteFileError(f"{self.url}: HTTP {exc.code}") from None
            raise
        if self._position and response.status != 206:
            response.close()
            raise RemoteFileError(f"{self.url}: the server ignores range requests")
        return response

    def _drop(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def close(self) -> None:
        self._drop()
        super().close()


def open_remote(url: str) -> BinaryIO:
    """`url` as a buffered, seekable binary stream."""
    return io.BufferedReader(RangeReader(url), buffer_size=1 << 20)
