"""samplemind.analyze_batch(): many files on the C++ worker pool."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._cache import FileKey, ResultCache
from samplemind._config import AnalysisConfig
from samplemind._exceptions import AnalysisError, _from_core
from samplemind._sndfile import sndfile_path

__all__ = ["BatchProgress", "analyze_batch"]

_POLL_S = 0.1  # how often results are collected and progress reported (at most 10/s)
_schedulers: dict[int, _core.BatchScheduler] = {}
_schedulers_lock = threading.Lock()
# Schedulers a fork()ed child inherited: their worker threads stayed in the parent, so
# the child must neither use them nor destroy them (destruction joins those threads).
_inherited: list[_core.BatchScheduler] = []


def _forget_schedulers_after_fork() -> None:
    global _schedulers_lock
    _inherited.extend(_schedulers.values())
    _schedulers.clear()
    _schedulers_lock = threading.Lock()  # it may have been held by a parent thread


os.register_at_fork(after_in_child=_forget_schedulers_after_fork)


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


def analyze_batch(
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int = 0,
    progress: Callable[[BatchProgress], object] | None = None,
    cache: ResultCache | None = None,
    config: AnalysisConfig | None = None,
    scheduler: str | Any | None = None,
) -> list[Analysis | AnalysisError]:
    """Analyse many files on a pool of worker threads.

    Returns one entry per path, in input order: an ``Analysis``, or the
    ``AnalysisError`` that file met (a failure never stops the batch). ``workers`` is
    the thread count (0: one per hardware thread). ``progress`` is called from this
    thread, at most ten times a second and once at the end. With a ``cache``, files
    already analysed with the same configuration are answered without reading their
    audio, and new results are committed as they arrive (not with ``keep_frames``: the
    cache holds no per-frame tracks, so such a batch analyses everything). Ctrl-C (KeyboardInterrupt)
    cancels the workers promptly, keeps what finished, and re-raises.

    With ``scheduler`` (a Dask scheduler address such as ``"tcp://10.0.0.5:8786"``, or
    a ``distributed.Client``), the files the cache lacks are analysed on the Dask
    cluster instead, in chunks, one batch task per worker at a time; results stream
    back into the cache and the progress callback as chunks finish. The workers must
    see the files at the same paths (shared storage); ``SharedStorageError`` is raised
    before any work is sent when one cannot. Needs ``samplemind[dask]``.
    """
    if workers < 0:
        raise ValueError(f"workers must be >= 0 (0 means one per hardware thread), got {workers}")
    cfg = config if config is not None else AnalysisConfig()
    cfg.validate()
    if cfg.keep_frames:
        cache = None  # the cache keeps no per-frame tracks: a hit would come back without them
    path_list = [os.fspath(p) for p in paths]
    results: list[Analysis | AnalysisError | None] = [None] * len(path_list)
    keys: list[FileKey | None] = [None] * len(path_list)
    if cache is not None:
        keys = cache.identify(path_list, workers=max(2, workers))
        for index, result in cache.lookup(keys, cfg).items():
            results[index] = result
    pending = [index for index, result in enumerate(results) if result is None]
    run = _Run(path_list, results, keys, pending, cache, cfg, progress)
    if scheduler is not None:
        from samplemind._distributed import run_on_dask  # distributed loads only when asked for

        run_on_dask(run, scheduler, cfg)
        return [result for result in results if result is not None]
    job = _scheduler(workers).submit([path_list[i] for i in pending], cfg._to_core(), sndfile_path())
    try:
        run.collect(job)
    except BaseException:
        job.cancel()  # Ctrl-C or a failing callback: stop the workers, keep what finished
        job.wait()
        run.absorb(job.take_completed(0.0))
        raise
    return [result for result in results if result is not None]


def _scheduler(workers: int) -> _core.BatchScheduler:
    """One long-lived pool per worker count: threads are started once per process."""
    with _schedulers_lock:
        if workers not in _schedulers:
            _schedulers[workers] = _core.BatchScheduler(workers)
        return _schedulers[workers]


class _Run:
    """Collects one batch's results into place, the cache and the progress callback."""

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
            self.absorb(job.take_completed(_POLL_S))
            snapshot = job.progress()
            finished = bool(snapshot["finished"])
            self.report(snapshot, final=finished)
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

    def report(self, snapshot: dict[str, Any], *, final: bool) -> None:
        now = time.monotonic()
        if self.progress is None or (not final and now - self.last_report < _POLL_S):
            return
        self.last_report = now
        self.progress(
            BatchProgress(
                total=len(self.paths),
                done=self.cached + int(snapshot["done"]),
                failed=self.failed,
                cached=self.cached,
                current_file=str(snapshot["current_file"]),
                audio_seconds=float(snapshot["audio_seconds"]),
                elapsed_s=now - self.started,
            )
        )
