"""The application factory: resources in cleanup contexts, routes grouped by concern."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import WSCloseCode, web

from samplemind import LibraryWatcher, find_audio_files
from samplemind.server.app_keys import (
    CONFIG, HUB, INDEX, IO_EXECUTOR, LIVE_STREAMS, MAP_BODY, RUNNER, SEARCH_SLOTS, SOCKETS, STORE, WAVEFORM_EXECUTOR,
    WAVEFORMS,
)
from samplemind.server.background import lower_this_thread
from samplemind.server.config import ServerConfig
from samplemind.server.errors import PARSER_LINE_BYTES, error_middleware
from samplemind.server.folder_lock import lock_data_folder
from samplemind.server.job_runner import JobRunner
from samplemind.server.job_store import JobStore
from samplemind.server.map_body import MapBody
from samplemind.server.progress_hub import ProgressHub
from samplemind.server.routes import setup_routes
from samplemind.server.security import browser_middleware, token_middleware
from samplemind.server.waveforms import WaveformCache
from samplemind.similarity import SimilarityIndex

_IO_THREADS = 8
_WAVEFORM_THREADS = 2
log = logging.getLogger("samplemind.server")


def create_app(config: ServerConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware, browser_middleware, token_middleware],
                          client_max_size=config.max_json_bytes,
                          handler_args={"max_line_size": PARSER_LINE_BYTES})
    app[CONFIG] = config
    app[SOCKETS] = set()
    app.cleanup_ctx.append(_resources)
    app.on_shutdown.append(_close_sockets)
    setup_routes(app)
    return app


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    config.data_dir.mkdir(parents=True, exist_ok=True)
    lock = lock_data_folder(config.data_dir)
    io = ThreadPoolExecutor(_IO_THREADS, thread_name_prefix="samplemind-io", initializer=lower_this_thread)
    loop = asyncio.get_running_loop()
    store = await loop.run_in_executor(io, JobStore, config.data_dir / "samplemind.sqlite3")
    index = await loop.run_in_executor(io, SimilarityIndex, config.data_dir)
    await loop.run_in_executor(io, _remove_stale_uploads, config, store)
    app[IO_EXECUTOR], app[STORE], app[INDEX], app[HUB] = io, store, index, ProgressHub()
    app[MAP_BODY] = MapBody(index)
    app[WAVEFORMS] = await loop.run_in_executor(io, WaveformCache, config.data_dir / "samplemind.sqlite3")
    app[WAVEFORM_EXECUTOR] = ThreadPoolExecutor(_WAVEFORM_THREADS, thread_name_prefix="samplemind-waveform",
                                                initializer=lower_this_thread)
    app[LIVE_STREAMS] = asyncio.Semaphore(config.max_live_streams)
    app[SEARCH_SLOTS] = asyncio.Semaphore(config.search_concurrency)
    runner = app[RUNNER] = JobRunner(config, store, index, app[HUB], io)
    await runner.start()
    for job in (_store_upgrade_job, _store_library_job):
        job_id = await loop.run_in_executor(io, job, store, index, config)
        if job_id is not None:
            runner.enqueue(job_id)
    watcher = _start_watching(index, config)
    io.submit(_prepare_map, app[MAP_BODY])
    try:
        yield
    finally:
        if watcher is not None:
            await loop.run_in_executor(io, watcher.stop)
        await runner.stop()
        await loop.run_in_executor(io, index.close)  # saves the graph
        app[WAVEFORM_EXECUTOR].shutdown(wait=True)
        app[WAVEFORMS].close()
        store.close()
        io.shutdown(wait=True)
        lock.close()


def _prepare_map(body: MapBody) -> None:
    """The map once, on the I/O threads, before the page first asks for it: at 100,000
    samples it takes about 2 s, which would otherwise overlap the first auditions."""
    try:
        body.get()
    except Exception:  # the page's own request reports it; the server goes on
        log.exception("could not prepare the library map")


async def _close_sockets(app: web.Application) -> None:
    """Shutdown waits for open handlers: tell WebSocket clients the server is going away."""
    sockets = app[SOCKETS]
    for ws in list(sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")


def _store_upgrade_job(store: JobStore, index: SimilarityIndex, config: ServerConfig) -> str | None:
    """Samples an older SampleMind indexed are re-analysed by an index job (durable, its
    progress visible like any other's) unless a resumed job may be doing it already."""
    outdated = index.outdated_paths()
    if not outdated or store.active_jobs():
        return None
    job_id = uuid.uuid4().hex
    store.create(job_id, "index", [(Path(p).name, p) for p in outdated], None)
    log.info("job %s re-indexes %d samples of an older embedding version", job_id, len(outdated))
    return job_id


def _store_library_job(store: JobStore, index: SimilarityIndex, config: ServerConfig) -> str | None:
    """The files of the --library folders not yet indexed, in an index job (followed like
    any other, over /ws/progress), so that a new server's searches find the library."""
    if not (config.index_library and config.library_roots) or config.watch_library or store.active_jobs():
        return None
    indexed = index.indexed_paths()
    found = find_audio_files(list(config.library_roots), recursive=True)
    new = [path for path in found if os.path.abspath(path) not in indexed][: config.max_job_files]
    if not new:
        return None
    job_id = uuid.uuid4().hex
    store.create(job_id, "index", [(path, path) for path in new], None)
    log.info("job %s indexes %d files of the library folders", job_id, len(new))
    return job_id


def _start_watching(index: SimilarityIndex, config: ServerConfig) -> LibraryWatcher | None:
    """With --watch, the library folders are checked and followed on background threads."""
    if not (config.watch_library and config.library_roots):
        return None
    watcher = LibraryWatcher(index, config.library_roots, workers=config.workers, thread_init=lower_this_thread,
                             on_change=lambda change: log.info("%s %s", change.kind, change.path))
    watcher.start()
    log.info("watching %s", ", ".join(map(str, config.library_roots)))
    return watcher


def _remove_stale_uploads(config: ServerConfig, store: JobStore) -> None:
    """Temporary files of jobs that ended (or were never committed) while we were down."""
    keep = store.upload_dirs()
    # Indexed uploads stay in samples/ while their job is stored; a folder there without
    # a job was an upload cut off (kill -9) before its 202.
    stored = store.all_upload_dirs()
    for parent, kept in ((config.data_dir / "uploads", keep), (config.data_dir / "tmp", keep),
                         (config.data_dir / "samples", stored)):
        if parent.is_dir():
            for folder in parent.iterdir():
                if str(folder) not in kept:
                    shutil.rmtree(folder, ignore_errors=True)
