"""The import's progress bar on stderr (tqdm), one bar per file, in bytes read; nothing when
stderr is not a terminal (a cron job's log stays clean)."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm


class FileProgress:
    def __init__(self) -> None:
        self._bar: tqdm[None] | None = None
        self._name = ""

    @classmethod
    def on_terminal(cls) -> FileProgress | None:
        return cls() if sys.stderr.isatty() else None

    def update(self, name: str, position: int, size: int | None) -> None:
        if name != self._name:
            self.close()
            self._name = name
            self._bar = tqdm(total=size, unit="B", unit_scale=True, file=sys.stderr,
                             desc=Path(name).name[-40:], leave=False)  # fmt: skip
        assert self._bar is not None
        self._bar.update(max(position - self._bar.n, 0))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
