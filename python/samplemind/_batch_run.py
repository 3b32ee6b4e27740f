"""A batch's run: where its results go as they arrive, and its progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._cache import FileKey, ResultCache
from samplemind._config import AnalysisConfig
from samplemind._exceptions import AnalysisError, _from_core

POLL_S = 0.1  # how often results are collected and progress reported (at most 10/s)


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch stands, as handed to a progress callback."""

    total: int
    """Files in the batch."""
    done: int
    """Files with a result, including cache hits and failures."""
    failed: int
    cached: int
    """Files answered from the cache without analysis."""
    current_file: str
    audio_seconds: float
    """Audio analysed so far in this run, seconds."""
    elapsed_s: float

    @property
    def files_per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the current rate; None before the rate is known."""
        rate = self.files_per_s
        return (self.total - self.done) / rate if rate > 0 else None



class BatchRun:
    """One batch's results as they arrive, from the local engine or a Dask cluster: put
    in place, committed to the cache, and reported to the progress callback."""

    def __init__(
        self,
        paths: list[str],
        results: list[Analysis | AnalysisError | None],
        keys: list[FileKey | None],
        pending: list[int],
        cache: ResultCache | None,
        config: AnalysisConfig,
        progress: Callable[[BatchProgress], object] | None,
    ) -> None:
        self.paths, self.results, self.keys, self.pending = paths, results, keys, pending
        self.cache, self.config, self.progress = cache, config, progress
        self.cached = len(paths) - len(pending)
        self.failed = sum(isinstance(r, AnalysisError) for r in results)
        self.started = time.monotonic()
        self.last_report = 0.0

    def collect(self, job: _core.BatchJob) -> None:
        while True:
            self.absorb(job.take_completed(POLL_S))
            snapshot = job.progress()  # the core's dict: done, current_file, audio_seconds, finished
            finished = bool(snapshot["finished"])
            self.report(int(snapshot["done"]), str(snapshot["current_file"]), float(snapshot["audio_seconds"]),
                        final=finished)
            if finished:
                self.absorb(job.take_completed(0.0))
                return

    def absorb(self, completed: list[tuple[Any, ...]]) -> None:
        """Places the core's (index in pending, analysis dict, error code, reason) tuples."""
        self.place([(sub_index, Analysis._from_core(raw) if raw is not None
                     else _from_core(code, self.paths[self.pending[sub_index]], reason))
                    for sub_index, raw, code, reason in completed])

    def place(self, outcomes: Iterable[tuple[int, Analysis | AnalysisError]]) -> None:
        """Puts each (index in pending, result) in place and commits them to the cache."""
        stored: list[tuple[FileKey, Analysis | AnalysisError]] = []
        for sub_index, result in outcomes:
            index = self.pending[sub_index]
            self.results[index] = result
            self.failed += isinstance(result, AnalysisError)
            key = self.keys[index]
            if key is not None:
                stored.append((key, result))
        if self.cache is not None and stored:
            self.cache.store(stored, self.config)

    def report(self, done: int, current_file: str, audio_seconds: float, *, final: bool) -> None:
        """Calls the progress callback (at most every POLL_S, and at the end): `done` files
        of the pending ones, `audio_seconds` analysed so far in this run."""
        now = time.monotonic()
        if self.progress is None or (not final and now - self.last_report < POLL_S):
            return
        self.last_report = now
        self.progress(
            BatchProgress(
                total=len(self.paths),
                done=self.cached + done,
                failed=self.failed,
                cached=self.cached,
                current_file=current_file,
                audio_seconds=audio_seconds,
                elapsed_s=now - self.started,
            )
        )
