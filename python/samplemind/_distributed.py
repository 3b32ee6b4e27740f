"""analyze_batch on a Dask cluster: the C++ batch engine on each worker, over chunks.

The client splits the files the cache lacks into chunks and keeps one chunk task in
flight per worker; each task runs analyze_batch on its worker with that worker's
thread count (so one task fills a worker process). Results come back as chunks
finish and go into the caller's cache and progress callback, exactly as a local run's
do. A worker lost mid-chunk is Dask's to handle: the scheduler re-runs the task
elsewhere, and since a future has one result, a re-run chunk is stored once. A chunk
whose task fails for good (the scheduler gives up after repeated worker deaths)
becomes error records for its files, not a failed batch.
"""

from __future__ import annotations

import math
import os
import uuid
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from samplemind._analysis import Analysis
from samplemind._config import AnalysisConfig
from samplemind._exceptions import AnalysisError, SampleMindError, SharedStorageError

if TYPE_CHECKING:
    from samplemind._batch_run import BatchRun

CHUNKS_PER_WORKER = 8  # enough chunks for the fast workers to take over the slow ones' share
MIN_CHUNK = 16  # a task costs ~10 ms of scheduling and transfer: keep it a few % of the work
MAX_CHUNK = 256  # a lost worker costs at most this many files' work
_STORAGE_SAMPLE = 8  # paths checked on every worker before anything is sent


def chunk_size(files: int, workers: int) -> int:
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(files / max(1, workers * CHUNKS_PER_WORKER))))


def run_on_dask(run: BatchRun, scheduler: Any, config: AnalysisConfig) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise ImportError('analysing on Dask needs distributed: pip install "samplemind[dask]"') from error
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    in_flight: dict[Any, int] = {}
    try:
        paths = [run.paths[i] for i in run.pending]
        if not paths:
            run.report(0, "", 0.0, final=True)
            return
        workers = client.scheduler_info()["workers"]
        if not workers:
            raise SampleMindError(f"the Dask cluster at {scheduler!r} has no workers")
        check_shared_storage(client, paths)
        size = chunk_size(len(paths), len(workers))
        starts = deque(range(0, len(paths), size))
        finished = as_completed()
        batch_id = uuid.uuid4().hex[:8]

        def submit_next() -> None:
            start = starts.popleft()
            future = client.submit(analyze_chunk, paths[start:start + size], config, pure=False,
                                   key=f"samplemind-{batch_id}-{start}")
            in_flight[future] = start
            finished.add(future)

        for _ in range(min(len(workers), len(starts))):
            submit_next()
        done, audio_seconds = 0, 0.0
        for future in finished:
            start = in_flight.pop(future)
            chunk = paths[start:start + size]
            results = _chunk_results(future, chunk)
            run.place(zip(range(start, start + len(chunk)), results))
            done += len(chunk)
            audio_seconds += sum(r.duration_s for r in results if isinstance(r, Analysis))
            if starts:
                submit_next()
            run.report(done, chunk[-1], audio_seconds, final=not in_flight)
    except BaseException:
        client.cancel(list(in_flight))  # Ctrl-C or a failure here: the cluster stops too
        raise
    finally:
        if client is not scheduler:
            client.close()


def _chunk_results(future: Any, chunk: Sequence[str]) -> list[Analysis | AnalysisError]:
    try:
        results: list[Analysis | AnalysisError] = future.result()
    except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the files fail, the batch goes on
        reason = f"the Dask task analysing this file failed: {type(error).__name__}: {error}"
        return [AnalysisError(path, reason) for path in chunk]
    return results


def analyze_chunk(paths: list[str], config: AnalysisConfig) -> list[Analysis | AnalysisError]:
    """On a worker: one chunk through the C++ batch engine, on the worker's threads."""
    from distributed import get_worker

    from samplemind._batch import analyze_batch

    return analyze_batch(paths, workers=get_worker().state.nthreads, config=config)


def check_shared_storage(client: Any, paths: Sequence[str]) -> None:
    """Fails before any work is sent when a worker cannot read files the client can."""
    readable = [p for p in paths[:: max(1, len(paths) // _STORAGE_SAMPLE)] if os.access(p, os.R_OK)]
    if not readable:
        return
    unreadable = client.run(_unreadable, readable[:_STORAGE_SAMPLE])
    for worker, missing in sorted(unreadable.items()):
        if missing:
            raise SharedStorageError(missing[0], f"Dask worker {worker} cannot read this file: the workers must "
                                                 "see the files at the same paths as this machine (shared storage)")


def _unreadable(paths: list[str]) -> list[str]:
    return [p for p in paths if not os.access(p, os.R_OK)]
