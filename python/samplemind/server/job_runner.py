"""Runs batch jobs one after another on the C++ engine, off the event loop.

A job's files go to ``analyze_batch`` in chunks of ``chunk_files``, two chunks in
flight so the workers never wait for the loop between chunks. Before a chunk starts,
its files' attempt counters are committed; results are committed as each chunk ends.
So after a crash, the files that were in flight are known: on resume they run one at
a time ("suspects"), and a file that has been in flight ``max_attempts`` times without
a result (it keeps killing the process) is failed instead of run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, TypeVar

from samplemind import Analysis, AnalysisError, BatchProgress, ResultCache, analyze_batch
from samplemind.server.background import lower_this_thread
from samplemind.server.config import ServerConfig
from samplemind.server.job_store import ACTIVE, JobRow, JobStore, PendingFile
from samplemind.server.progress_hub import ProgressHub
from samplemind.similarity import SimilarityIndex

log = logging.getLogger("samplemind.server")
T = TypeVar("T")

_PUBLISH_INTERVAL_S = 0.1  # WebSocket progress: at most ten messages a second
_CHUNKS_IN_FLIGHT = 2


class _Stop(Exception):
    """Raised from the progress callback to make analyze_batch cancel its workers."""


class LiveJob:
    """Progress of the running job, updated from engine threads, read on the loop."""

    def __init__(self, row: JobRow) -> None:
        self.row = row
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.finished_in_run = 0
        self.errors_in_run = 0
        self.in_flight: dict[int, int] = {}  # chunk id -> files done so far
        self.current_file = ""
        self.cancel = threading.Event()
        self.finalised = asyncio.Event()  # set on the loop once the final status is stored

    def update(self, chunk_id: int, done: int, current_file: str) -> None:
        with self.lock:
            self.in_flight[chunk_id] = done
            if current_file:
                self.current_file = current_file

    def complete(self, chunk_id: int, files: int, errors: int) -> None:
        with self.lock:
            self.in_flight.pop(chunk_id, None)
            self.finished_in_run += files
            self.errors_in_run += errors

    def counts(self) -> tuple[int, int, int]:
        """(processed, errors, processed in this run)."""
        with self.lock:
            run = self.finished_in_run + sum(self.in_flight.values())
            return self.row.processed + run, self.row.errors + self.errors_in_run, run


def job_state(row: JobRow, live: LiveJob | None = None, status: str | None = None) -> dict[str, Any]:
    """The status document: what GET /batch/status and the progress WebSocket send."""
    processed, errors, rate, eta, current = row.processed, row.errors, 0.0, None, ""
    if live is not None:
        processed, errors, run = live.counts()
        elapsed = time.monotonic() - live.started
        rate = run / elapsed if elapsed > 0 else 0.0
        eta = (row.total - processed) / rate if rate > 0 else None
        current = live.current_file
    percent = 100.0 if row.total == 0 else round(100.0 * processed / row.total, 2)
    state = status or row.status
    return {
        "job_id": row.job_id, "kind": row.kind, "status": state,
        "progress_percent": percent, "progress": percent,
        "processed": processed, "total": row.total, "errors": errors, "current_file": current,
        "files_per_second": round(rate, 3), "eta_seconds": None if eta is None else round(eta, 1),
        "created_at": _iso(row.created_at), "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at), "final": state not in ACTIVE,
    }


class JobRunner:
    def __init__(self, config: ServerConfig, store: JobStore, index: SimilarityIndex, hub: ProgressHub,
                 io_executor: ThreadPoolExecutor) -> None:
        self.config, self.store, self.index, self.hub, self.io = config, store, index, hub, io_executor
        self._engine = ThreadPoolExecutor(_CHUNKS_IN_FLIGHT, thread_name_prefix="samplemind-engine",
                                          initializer=lower_this_thread)
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._live: dict[str, LiveJob] = {}
        self._starting: str | None = None  # left the queue, not yet live: still counts as active
        self._publish_at: dict[str, asyncio.TimerHandle] = {}
        self._last_publish: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._chunk_ids = 0

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Resumes the jobs a previous process left queued or running, and those that
        broke with files still to do, then serves."""
        for job_id in await self._io(self.store.interrupted_failures):
            log.info("job %s failed with files left to analyse; resuming it", job_id)
            await self._io(self.store.set_status, job_id, "queued")
        for job_id in await self._io(self.store.active_jobs):
            await self._io(self.store.set_status, job_id, "queued")
            self.enqueue(job_id)
        self._task = asyncio.create_task(self._serve(), name="samplemind-job-runner")

    async def stop(self) -> None:
        """Stops promptly; the running job stays 'running' in the store and resumes later."""
        for live in self._live.values():
            live.cancel.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(None, self._engine.shutdown)

    def enqueue(self, job_id: str) -> None:
        self._queued.add(job_id)
        self._queue.put_nowait(job_id)

    def active_count(self) -> int:
        running = set(self._live)
        if self._starting is not None:
            running.add(self._starting)
        return len(self._queued) + len(running)

    def live(self, job_id: str) -> LiveJob | None:
        return self._live.get(job_id)

    async def cancel(self, job_id: str) -> bool:
        """Cancels a queued or running job; returns once the engine has let go of it."""
        if job_id in self._queued:
            self._queued.discard(job_id)
            await self._finish_job(job_id, "cancelled")
            return True
        live = self._live.get(job_id)
        if live is None:
            return False
        live.cancel.set()
        await live.finalised.wait()  # the job's own task stores the outcome
        return True

    # --- running jobs ---------------------------------------------------------------

    async def _serve(self) -> None:
        while True:
            job_id = await self._queue.get()
            if job_id not in self._queued:
                continue  # cancelled while queued
            self._queued.discard(job_id)
            self._starting = job_id
            try:
                await self._run_job(job_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s failed", job_id)
                await self._fail(job_id)
            finally:
                self._starting = None

    async def _fail(self, job_id: str) -> None:
        """Marks a job that broke (a bug or a full disk) failed; the runner goes on."""
        live = self._live.pop(job_id, None)
        try:
            await self._finish_job(job_id, "failed")
        except Exception:
            log.exception("job %s: could not store its failure", job_id)
        if live is not None:
            live.finalised.set()

    async def _run_job(self, job_id: str) -> None:
        row = await self._io(self.store.job, job_id)
        if row is None or row.status not in ACTIVE:
            return
        await self._io(self.store.set_status, job_id, "running")
        started_row = await self._io(self.store.job, job_id)
        live = LiveJob(started_row or row)
        self._live[job_id] = live
        try:
            self._publish(job_id)
            files = await self._io(self.store.pending_files, job_id)
            log.info("job %s (%s): %d of %d files to analyse", job_id, row.kind, len(files), row.total)
            await self._run_files(live, files)
        except asyncio.CancelledError:
            del self._live[job_id]  # shutting down: the job resumes on the next start
            raise
        status = "cancelled" if live.cancel.is_set() else "completed"
        _, errors, _ = live.counts()
        if status == "completed" and row.total > 0 and errors == row.total:
            status = "failed"
        del self._live[job_id]
        await self._finish_job(job_id, status)
        live.finalised.set()

    async def _run_files(self, live: LiveJob, files: list[PendingFile]) -> None:
        limit = self.config.max_attempts
        doomed = [f for f in files if f.attempts >= limit]
        if doomed:
            reason = f"the analysis was interrupted {limit} times while reading this file (it crashed the server)"
            outcomes = [(f.idx, False, {"code": "crashed", "message": reason}) for f in doomed]
            await self._io(self.store.finish_files, live.row.job_id, outcomes)
            live.complete(-1, len(doomed), len(doomed))
        # Files in flight when a previous run died go one at a time, so a file that kills
        # the process only ever counts attempts against itself.
        for suspect in (f for f in files if 0 < f.attempts < limit):
            if live.cancel.is_set():
                return
            await self._run_chunk(live, [suspect])
        fresh = [f for f in files if f.attempts == 0]
        size = self.config.chunk_files
        running: set[asyncio.Task[None]] = set()
        try:
            for start in range(0, len(fresh), size):
                if live.cancel.is_set():
                    break
                if len(running) >= _CHUNKS_IN_FLIGHT:
                    done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        task.result()
                running.add(asyncio.create_task(self._run_chunk(live, fresh[start:start + size])))
            for finished in asyncio.as_completed(list(running)):
                await finished
        except BaseException:
            live.cancel.set()  # a failed chunk or a shutdown: stop the chunk still running too
            raise
        finally:
            await asyncio.gather(*running, return_exceptions=True)

    async def _run_chunk(self, live: LiveJob, chunk: list[PendingFile]) -> None:
        job_id = live.row.job_id
        self._chunk_ids += 1
        chunk_id = self._chunk_ids
        indices = [f.idx for f in chunk]
        await self._io(self.store.begin_attempt, job_id, indices)
        loop = asyncio.get_running_loop()
        paths = [f.path for f in chunk]
        engine = loop.run_in_executor(self._engine, self._analyze, live, chunk_id, paths, self._publisher(job_id))
        try:
            results = await asyncio.shield(engine)
        except asyncio.CancelledError:
            live.cancel.set()
            await asyncio.wait([engine])
            await self._io(self.store.end_attempt, job_id, indices)  # shutdown, not a crash
            raise
        if results is None:  # cancelled by DELETE: these files were not analysed
            await self._io(self.store.end_attempt, job_id, indices)
            live.complete(chunk_id, 0, 0)
            return
        # Off the loop: a chunk's to_dict calls take milliseconds that other requests would wait.
        outcomes = await self._io(_outcomes, chunk, results, live.row)
        if live.row.kind == "index":
            await self._io(self.index.add, [r for r in results if isinstance(r, Analysis)])
        await self._io(self.store.finish_files, job_id, outcomes)
        live.complete(chunk_id, len(chunk), sum(not ok for _, ok, _ in outcomes))
        self._request_publish(job_id)

    def _analyze(self, live: LiveJob, chunk_id: int, paths: list[str],
                 publish: Callable[[], None]) -> list[Analysis | AnalysisError] | None:
        """Engine thread: one chunk through the C++ batch engine, with the shared cache."""

        def progress(p: BatchProgress) -> None:
            if live.cancel.is_set():
                raise _Stop
            live.update(chunk_id, p.done, p.current_file)
            publish()

        try:
            with ResultCache(self.config.data_dir) as cache:
                return analyze_batch(paths, workers=self.config.workers, cache=cache, progress=progress)
        except _Stop:
            return None

    async def _finish_job(self, job_id: str, status: str) -> None:
        """Temporary files go first, so a client that sees the final status sees them gone."""
        row = await self._io(self.store.job, job_id)
        if row is None:
            return
        if row.upload_dir and row.kind == "analyze":
            await self._io(shutil.rmtree, row.upload_dir, True)
        if row.upload_dir and row.kind == "index":  # indexed uploads stay; the rest go
            await self._io(_remove_files, await self._io(self.store.paths_not_done, job_id))
        if row.kind == "index":
            await self._io(self.index.save)  # usearch writes the graph off the loop
        await self._io(self.store.set_status, job_id, status)
        final = await self._io(self.store.job, job_id)
        if final is not None:
            log.info("job %s %s: %d of %d files, %d failed", job_id, status, final.processed, final.total,
                     final.errors)
        self._publish(job_id, job_state(final or row))

    # --- progress ---------------------------------------------------------------------

    def _publisher(self, job_id: str) -> Callable[[], None]:
        """A progress notification that engine threads may call (called on the loop)."""
        loop = asyncio.get_running_loop()

        def request() -> None:
            loop.call_soon_threadsafe(self._request_publish, job_id)

        return request

    def _request_publish(self, job_id: str) -> None:
        """Publishes now, or schedules one publish when the last was under 0.1 s ago."""
        if job_id in self._publish_at:
            return
        wait = self._last_publish.get(job_id, 0.0) + _PUBLISH_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self._publish(job_id)
        else:
            loop = asyncio.get_running_loop()
            self._publish_at[job_id] = loop.call_later(wait, self._publish, job_id)

    def _publish(self, job_id: str, state: dict[str, Any] | None = None) -> None:
        handle = self._publish_at.pop(job_id, None)
        if handle is not None:
            handle.cancel()
        live = self._live.get(job_id)
        if state is None:
            if live is None:
                return
            state = job_state(live.row, live, status="running")
        self._last_publish[job_id] = time.monotonic()
        if state["final"]:
            self._last_publish.pop(job_id, None)
        self.hub.publish(job_id, state)

    async def _io(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.io, function, *args)


def _outcomes(chunk: list[PendingFile], results: list[Analysis | AnalysisError],
              row: JobRow) -> list[tuple[int, bool, dict[str, Any]]]:
    return [_outcome(file, result, row) for file, result in zip(chunk, results)]


def _outcome(file: PendingFile, result: Analysis | AnalysisError, row: JobRow) -> tuple[int, bool, dict[str, Any]]:
    if isinstance(result, AnalysisError):
        return file.idx, False, {"code": result.code, "message": result.reason}
    analysis = result.to_dict()
    if row.upload_dir is not None and row.kind == "analyze":
        analysis["path"] = None  # a temporary file, gone when the job ends
    return file.idx, True, analysis


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, timezone.utc).isoformat()
