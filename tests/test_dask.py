"""analyze_batch on a real distributed.LocalCluster (2 worker processes, loopback):
the same results as a local run, a killed worker's chunk redone once, shared storage
checked before anything is sent, the cache consulted first."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import samplemind
from samplemind._distributed import CHUNKS_PER_WORKER, MAX_CHUNK, MIN_CHUNK, chunk_size
from tests.server_helpers import write_library

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("dask-library")
    files = write_library(folder, 40, seconds=2.0)
    corrupt = folder / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 4)
    return [*files[:20], corrupt, *files[20:]]


def assert_same_results(ours: list[samplemind.Analysis | samplemind.AnalysisError],
                        local: list[samplemind.Analysis | samplemind.AnalysisError]) -> None:
    assert len(ours) == len(local)
    for a, b in zip(ours, local):
        assert type(a) is type(b)
        if isinstance(a, samplemind.Analysis) and isinstance(b, samplemind.Analysis):
            assert a.path == b.path and a.duration_s == b.duration_s and a.key == b.key
            assert a.centroid_hz.mean == pytest.approx(b.centroid_hz.mean, rel=1e-6)
            np.testing.assert_allclose(a.embedding, b.embedding, rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(a.mfcc_mean, b.mfcc_mean, rtol=1e-6, atol=1e-6)
        else:
            assert isinstance(a, samplemind.AnalysisError) and isinstance(b, samplemind.AnalysisError)
            assert (a.path, a.code, a.reason) == (b.path, b.code, b.reason)


def test_results_equal_a_local_run(client: distributed.Client, library: list[Path]) -> None:
    local = samplemind.analyze_batch(library, workers=2)
    progress: list[samplemind.BatchProgress] = []
    ours = samplemind.analyze_batch(library, scheduler=client, progress=progress.append)
    assert_same_results(ours, local)
    assert isinstance(ours[20], samplemind.CorruptAudioError)  # a failed file is an error record
    assert progress[-1].done == progress[-1].total == 41 and progress[-1].failed == 1
    done = [p.done for p in progress]
    assert done == sorted(done)


def test_a_scheduler_address_works_too(client: distributed.Client, library: list[Path]) -> None:
    address = client.scheduler.address
    ours = samplemind.analyze_batch(library[:5], scheduler=address)
    assert_same_results(ours, samplemind.analyze_batch(library[:5]))


def test_cache_is_consulted_first_and_filled(client: distributed.Client, library: list[Path],
                                             tmp_path: Path) -> None:
    with samplemind.ResultCache(tmp_path) as cache:
        samplemind.analyze_batch(library[:10], cache=cache)  # a local run fills part of the cache
        progress: list[samplemind.BatchProgress] = []
        samplemind.analyze_batch(library, cache=cache, scheduler=client, progress=progress.append)
        assert progress[-1].cached == 10  # only the 31 others went to the cluster
        again: list[samplemind.BatchProgress] = []
        samplemind.analyze_batch(library, cache=cache, scheduler=client, progress=again.append)
        assert again[-1].cached == 41  # the cluster's results are in the same store


def test_a_worker_killed_mid_run_still_gives_every_file_once(
        client: distributed.Client, tmp_path: Path) -> None:
    files = write_library(tmp_path / "many", 120, seconds=6.0)
    local = samplemind.analyze_batch(files, workers=2)
    pids = client.run(os.getpid)
    killed = threading.Event()

    def kill_one(progress: samplemind.BatchProgress) -> None:
        if not killed.is_set() and progress.done >= 16:  # after the first chunk came back
            killed.set()
            os.kill(next(iter(pids.values())), signal.SIGKILL)

    ours = samplemind.analyze_batch(files, scheduler=client, progress=kill_one)
    assert killed.is_set()
    assert_same_results(ours, local)  # every file once, in order, no error from the kill
    deadline = time.monotonic() + 60
    while len(client.scheduler_info()["workers"]) < 2:  # the nanny restarts the worker
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_ctrl_c_cancels_the_dask_futures(client: distributed.Client, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_library(tmp_path / "many", 200, seconds=4.0)
    cancelled: list[distributed.Future] = []
    real_cancel = client.cancel

    def cancel(futures: list[distributed.Future], **kwargs: object) -> None:
        cancelled.extend(futures)
        real_cancel(futures, **kwargs)

    monkeypatch.setattr(client, "cancel", cancel)

    def interrupt(progress: samplemind.BatchProgress) -> None:
        if progress.done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        samplemind.analyze_batch(files, scheduler=client, progress=interrupt)
    assert cancelled and all(f.cancelled() for f in cancelled)  # the chunks in flight
    deadline = time.monotonic() + 10
    while client.run_on_scheduler(_task_count) > 0:  # nothing left running or queued
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _task_count(dask_scheduler: distributed.Scheduler) -> int:
    return len(dask_scheduler.tasks)


def test_files_the_workers_cannot_see_fail_early(client: distributed.Client, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_library(tmp_path / "private", 4)
    # Relative paths that resolve here but not in the workers' folder: what a worker
    # without the shared storage sees.
    monkeypatch.chdir(tmp_path)
    worker_folders = client.run(os.getcwd)
    client.run(os.chdir, "/")
    try:
        with pytest.raises(samplemind.SharedStorageError, match="shared storage") as error:
            samplemind.analyze_batch([f"private/sound-00{i}.wav" for i in range(4)], scheduler=client)
        assert error.value.path == "private/sound-000.wav"
        assert "cannot read" in str(error.value)
    finally:
        for worker, folder in worker_folders.items():
            client.run(os.chdir, folder, workers=[worker])


@pytest.mark.parametrize("files", [1, 10, 500, 2_000, 10_000, 1_000_000])
@pytest.mark.parametrize("workers", [1, 2, 4, 64])
def test_chunk_size_balances_and_bounds(files: int, workers: int) -> None:
    size = chunk_size(files, workers)
    assert MIN_CHUNK <= size <= MAX_CHUNK
    chunks = math.ceil(files / size)
    if MIN_CHUNK < size < MAX_CHUNK:  # unbounded: about CHUNKS_PER_WORKER chunks per worker
        assert workers * CHUNKS_PER_WORKER / 2 <= chunks <= workers * CHUNKS_PER_WORKER
    elif size == MIN_CHUNK:  # few files: chunks no smaller than a task is worth, so fewer of them
        assert chunks <= workers * CHUNKS_PER_WORKER
    else:  # many files: a lost worker costs at most MAX_CHUNK files
        assert chunks >= workers * CHUNKS_PER_WORKER


def test_command_line_analyze_and_index_on_the_cluster(client: distributed.Client, library: list[Path],
                                                       tmp_path: Path) -> None:
    address = client.scheduler.address
    folder = str(library[0].parent)
    run = subprocess.run([sys.executable, "-m", "samplemind", "analyze", folder, "--dask-scheduler", address,
                          "--format", "json", "--data-dir", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr  # the corrupt file
    rows = json.loads(run.stdout)
    assert len(rows) == 41 and sum("error" in row for row in rows) == 1
    local = {r.path: r for r in samplemind.analyze_batch(library) if isinstance(r, samplemind.Analysis)}
    for row in rows:
        if "error" not in row:
            np.testing.assert_allclose(row["embedding"], local[row["path"]].embedding, rtol=1e-6, atol=1e-7)
    index = subprocess.run([sys.executable, "-m", "samplemind", "index", folder, "--dask-scheduler", address,
                            "--data-dir", str(tmp_path)], capture_output=True, text=True)
    assert index.returncode == 1 and "the index holds 40 samples" in index.stderr
    # Relative paths the workers (in another folder) cannot resolve: refused before any work.
    cwd = tmp_path / "cwd"
    write_library(cwd / "private", 2)
    unreachable = subprocess.run([sys.executable, "-m", "samplemind", "analyze", "private/sound-000.wav",
                                  "private/sound-001.wav", "--dask-scheduler", address, "--no-cache"],
                                 capture_output=True, text=True, cwd=cwd)
    assert unreachable.returncode == 2
    assert "cannot read this file" in unreachable.stderr and "shared storage" in unreachable.stderr
