"""Watch folders at scale: the re-check of an unchanged library, and how soon a new
file is searchable.

- Re-check: N files in 500 folders, each recorded as indexed with its size and
  modification time (what a finished watch leaves in watch.sqlite3), then
  LibraryWatcher.check() — the work a restart does. Baseline in the same run: listing
  the folders and stat-ing every file, the least any check must do. Target < 10 s at
  100,000 files.
- Latency: a watcher on a 200-file library; 20 new one-shots written one at a time,
  from the write's end to the sample being found by sample_id_of(). Target < 2 s.

Run: python -m pytest bench/test_bench_watch.py --benchmark-only -s
Size: SAMPLEMIND_BENCH_FILES (default 100,000; 2,000 when benchmarks are disabled).
"""

from __future__ import annotations

import io
import os
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from samplemind import LibraryWatcher, SimilarityIndex, find_audio_files
from samplemind._library_watch import _STATE_SCHEMA, _stats


def tiny_wav(i: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, np.full(64, (i % 1000) / 1000, dtype=np.float32), 22050, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def library(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    disabled = request.config.getoption("benchmark_disable")
    n = int(os.environ.get("SAMPLEMIND_BENCH_FILES", "2000" if disabled else "100000"))
    root = tmp_path_factory.mktemp("watch")
    folder, data = root / "library", root / "data"
    started = time.perf_counter()
    for i in range(n):
        pack = folder / f"Pack {i // 1000:03d}" / f"Kit {i // 200 % 5}"
        if i % 200 == 0:
            pack.mkdir(parents=True)
        (pack / f"sample_{i:06d}.wav").write_bytes(tiny_wav(i))
    data.mkdir()
    SimilarityIndex(data).close()
    with sqlite3.connect(data / "watch.sqlite3") as state:
        state.execute(_STATE_SCHEMA)
        state.executemany("INSERT INTO watched_files VALUES (?, ?, ?)",
                          [(path, *stat) for path, stat in _stats(find_audio_files([folder])).items()])
    print(f"\n{n:,} files written and recorded in {time.perf_counter() - started:.1f} s")
    return folder, data, n


@pytest.mark.benchmark(group="watch")
def test_recheck_of_an_unchanged_library(benchmark, library: tuple[Path, Path, int]) -> None:  # type: ignore[no-untyped-def]
    folder, data, n = library
    baseline = []
    for _ in range(3):
        started = time.perf_counter()
        _stats(find_audio_files([folder]))
        baseline.append(time.perf_counter() - started)
    with SimilarityIndex(data) as index:
        watcher = LibraryWatcher(index, [folder])
        checks = [watcher.check() for _ in range(3)]
        watcher.stop()
    assert all(c.files == n and c.queued == 0 and c.removed == 0 for c in checks)
    seconds = min(c.seconds for c in checks)
    print(f"\nre-check of {n:,} unchanged files: {seconds:.2f} s (best of 3); listing + stat alone "
          f"{min(baseline):.2f} s; ratio {seconds / min(baseline):.2f}x")
    with SimilarityIndex(data) as index:
        watcher = LibraryWatcher(index, [folder])
        benchmark.pedantic(watcher.check, rounds=1, iterations=1)
        watcher.stop()


@pytest.mark.benchmark(group="watch")
def test_a_new_file_is_searchable_soon(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "library"
    folder.mkdir()
    rate = 44100
    t = np.arange(rate // 2) / rate
    for i in range(200):
        sf.write(str(folder / f"old_{i:03d}.wav"), (0.3 * np.sin(2 * np.pi * (100 + 7 * i) * t)).astype(np.float32), rate)
    latencies = []
    with SimilarityIndex(tmp_path / "data") as index:
        watcher = LibraryWatcher(index, [folder], workers=2)
        watcher.start()
        assert watcher.wait_idle(300)
        for i in range(20):
            path = folder / f"new_{i:02d}.wav"
            sf.write(str(path), (0.3 * np.sin(2 * np.pi * (3000 + 11 * i) * t)).astype(np.float32), rate)
            written = time.perf_counter()
            while index.sample_id_of(path) is None:
                assert time.perf_counter() - written < 30, path
                time.sleep(0.002)
            latencies.append(time.perf_counter() - written)
        watcher.stop()
    ms = np.array(latencies) * 1000
    print(f"\nwritten to searchable, 20 new files: p50 {np.percentile(ms, 50):.0f} ms, "
          f"p95 {np.percentile(ms, 95):.0f} ms, max {ms.max():.0f} ms")
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
