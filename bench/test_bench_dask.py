"""analyze_batch on a distributed.LocalCluster (2 worker processes x 1 thread,
loopback) against the local scheduler (2 threads) on the same files, and the cost of
one chunk task, from runs with chunks of 1 and of the default size.

Run: python -m pytest bench/test_bench_dask.py -s      (figures are printed)
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import samplemind
from samplemind import _distributed
from bench.corpus import corpus

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       host="127.0.0.1")
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def _timed(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


def test_local_cluster_vs_local_scheduler(request: pytest.FixtureRequest, client: distributed.Client,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    full = not request.config.getoption("benchmark_disable")
    files = corpus(200 if full else 20)
    samplemind.analyze_batch(files, scheduler=client)  # warm: imports and plans on the workers
    local = min(_timed(lambda: samplemind.analyze_batch(files, workers=2)) for _ in range(3))
    cluster = min(_timed(lambda: samplemind.analyze_batch(files, scheduler=client)) for _ in range(3))
    size = _distributed.chunk_size(len(files), 2)
    monkeypatch.setattr(_distributed, "MIN_CHUNK", 1)
    monkeypatch.setattr(_distributed, "MAX_CHUNK", 1)
    one_file_chunks = min(_timed(lambda: samplemind.analyze_batch(files, scheduler=client)) for _ in range(2))
    chunks = -(-len(files) // size)
    overhead_ms = 1000 * (one_file_chunks - cluster) / (len(files) - chunks)
    print(f"\n{len(files)} files: local scheduler (2 threads) {local:.2f} s ({len(files) / local:.0f} files/s); "
          f"LocalCluster (2 processes) {cluster:.2f} s ({len(files) / cluster:.0f} files/s, {cluster / local:.2f}x) "
          f"in {chunks} chunks of {size}; one file per chunk {one_file_chunks:.2f} s: ~{overhead_ms:.1f} ms per chunk task")
    assert cluster > 0 and one_file_chunks > 0
