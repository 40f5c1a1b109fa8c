"""An extraction pool that says it runs and records what it is given, running it here: for
tests of the components that hand work to the spider's pool when it runs."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from crawler.pool import ExtractionPool

T = TypeVar("T")


class RunningPool(ExtractionPool):
    def __init__(self) -> None:
        super().__init__(0)
        self.given: list[Callable[..., Any]] = []

    @property
    def running(self) -> bool:
        return True

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        self.given.append(function)
        return super().submit(function, *args)
