"""The status line on standard error for work that takes more than a moment."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qbnnc.execution.train import Progress


class Status:
    """A one-line progress indicator on stderr, for work that takes more than a moment.

    Only when stderr is a terminal (pipes and tests stay clean), and only once the work has
    run for `delay` seconds; a background thread keeps the elapsed time ticking while a
    long stage (such as compiling a large model) gives no news of its own.
    """

    def __init__(self, message: str, delay: float = 1.5, stream=None) -> None:
        import threading
        import time

        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.message = message
        self.delay = delay
        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> Status:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def __call__(self, message: str) -> None:
        """Show a new message (the work's own news: a round, a stage)."""
        self.message = message
        self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            self._draw()

    def _draw(self) -> None:
        elapsed = self._clock() - self._start
        if not self.enabled or elapsed < self.delay or self._stop.is_set():
            return
        self._shown = True
        self.stream.write(f"\r\x1b[Kqbnnc: {self.message} ({elapsed:.0f} s)")
        self.stream.flush()


def counting(status: Status) -> Callable[[int, int], None]:
    """A `progress` for the census that draws a bar on `status`, then restores its message."""
    message = status.message

    def show(done: int, total: int) -> None:
        if done >= total:
            status.message = message
            return
        percent = 100 * done // total
        status(f"{message}: counting weight strings [{'#' * (percent // 5):<20}] {percent}%")

    return show


def bar(status: Status) -> Callable[[Progress], None]:
    """A `progress` for `qbnnc.train` that draws each stage on `status`: the estimate, then a
    bar (the census's strings counted; the search's cost spent of its budget)."""
    message = status.message

    def show(event: Progress) -> None:
        if event.stage == "estimate":
            status(f"{message}: {event.message}")
            return
        percent = int(100 * event.done)
        status(f"{message}: {event.message} [{'#' * (percent // 5):<20}] {percent}%")

    return show
