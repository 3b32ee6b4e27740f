"""samplemind.analyze_batch(): many files on the C++ worker pool."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from samplemind import _core
from samplemind._analysis import Analysis
from samplemind._cache import FileKey, ResultCache
from samplemind._config import AnalysisConfig
from samplemind._batch_run import BatchProgress, BatchRun
from samplemind._exceptions import AnalysisError
from samplemind._sndfile import sndfile_path

__all__ = ["BatchProgress", "analyze_batch"]

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
    run = BatchRun(path_list, results, keys, pending, cache, cfg, progress)
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
