"""A one-line progress display for terminals."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from samplemind._batch import BatchProgress

__all__ = ["ProgressBar"]


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    """Redraws one line on `stream` when it is a terminal; silent otherwise (so logs
    and pipes get no control characters)."""

    def __init__(self, stream: TextIO = sys.stderr, *, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.drawn = False

    def __call__(self, progress: BatchProgress) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        fraction = progress.done / progress.total if progress.total else 1.0
        bar = "#" * int(fraction * 20)
        text = (
            f"[{bar:<20}] {progress.done}/{progress.total} files  {progress.files_per_s:.1f} files/s"
            f"  ETA {format_duration(progress.eta_s)}  {progress.failed} failed"
        )
        self.stream.write("\r" + text[: width - 1].ljust(width - 1))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
